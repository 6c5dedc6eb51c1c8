"""Per-aggregate data keys for personal data, wrapped with a master key and kept apart from the events.

Shared by every service that seals personal fields (shared/sealing.py): the plan service and the portal,
each with its own table (`subject_keys` in a SQLite file beside the store, `<owner>_subject_keys` on
PostgreSQL), so moving this module changed no stored key.

Each plan and each directory entry has its own key, tagged with the person it belongs to. Destroying a
person's keys (erasure) or one plan's key (retention) leaves every event in place but unreadable; a
tombstone row remembers that the key was destroyed, so nothing is ever sealed for that aggregate again.
SQLite keeps the keys in a file beside the event store; PostgreSQL in a table beside the event tables.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from base64 import b64decode, b64encode
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

STATE_CHUNK = 500  # key ids per bulk lookup (SQLite allows 32,766 parameters; keep statements small)


def master_key(secret: str) -> bytes:
    """A 256-bit wrapping key derived from the configured master secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"groeipad-keystore", info=b"wrap").derive(secret.encode())


class KeyStore(ABC):
    def __init__(self, master: bytes) -> None:
        self._wrap = AESGCM(master)
        self._cache: dict[str, tuple[str, bytes]] = {}
        self._lock = threading.Lock()

    # -- what the mapper needs -------------------------------------------------------------------
    def key(self, key_id: str) -> bytes | None:
        """The data key, or None when it was erased (or never made)."""
        with self._lock:
            cached = self._cache.get(key_id)
        if cached:
            return cached[1]
        row = self._select(key_id)
        if row is None or row[1] is None:
            return None
        subject, wrapped = row
        data_key = self._unwrap(key_id, wrapped)
        with self._lock:
            self._cache[key_id] = (subject, data_key)
        return data_key

    def create(self, key_id: str, subject: str) -> bytes:
        """Make the key for a new aggregate; a concurrent creator's key wins if it was first."""
        existing = self.key(key_id)
        if existing is not None:
            return existing
        self._insert([self._new_row(key_id, subject)])
        return self.key(key_id)  # type: ignore[return-value]

    def create_many(self, pairs: list[tuple[str, str]]) -> None:
        """Make the keys of many new aggregates, (key_id, subject) each, in one transaction (bulk imports)."""
        known = self._rows_of([key_id for key_id, _ in pairs])
        fresh = [(key_id, subject) for key_id, subject in pairs if key_id not in known]
        if fresh:
            self._insert([self._new_row(key_id, subject) for key_id, subject in fresh])
            known.update(self._rows_of([key_id for key_id, _ in fresh]))  # as stored: a concurrent creator may win
        # The batch's events are sealed next: keep their keys at hand instead of reading them one by one.
        unwrapped = {key_id: (subject, self._unwrap(key_id, wrapped))
                     for key_id, (subject, wrapped) in known.items() if wrapped is not None}
        with self._lock:
            self._cache.update(unwrapped)

    def _new_row(self, key_id: str, subject: str) -> tuple[str, str, bytes]:
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        return key_id, subject, nonce + self._wrap.encrypt(nonce, data_key, key_id.encode())

    def is_erased(self, key_id: str) -> bool:
        row = self._select(key_id)
        return row is not None and row[1] is None

    def states(self, key_ids: list[str]) -> dict[str, bool]:
        """Which of KEY_IDS have a key, each with whether it was erased; one query per few hundred (imports)."""
        return {key_id: wrapped is None for key_id, (_, wrapped) in self._rows_of(key_ids).items()}

    def _rows_of(self, key_ids: list[str]) -> dict[str, tuple[str, bytes | None]]:
        found: dict[str, tuple[str, bytes | None]] = {}
        for at in range(0, len(key_ids), STATE_CHUNK):
            found.update(self._select_many(key_ids[at:at + STATE_CHUNK]))
        return found

    # -- erasure -----------------------------------------------------------------------------------
    def erase_subject(self, subject: str) -> int:
        self.evict_subject(subject)
        return self._destroy("subject", subject)

    def erase_key(self, key_id: str) -> int:
        self.evict(key_id)
        return self._destroy("key_id", key_id)

    def evict_subject(self, subject: str) -> None:
        with self._lock:
            for key_id in [k for k, (s, _) in self._cache.items() if s == subject]:
                del self._cache[key_id]

    def forget_all(self) -> None:
        """Drop every cached key: another worker erased something, and cached keys must not outlive it."""
        with self._lock:
            self._cache.clear()

    def evict(self, key_id: str) -> None:
        with self._lock:
            self._cache.pop(key_id, None)

    def _unwrap(self, key_id: str, wrapped: bytes) -> bytes:
        return self._wrap.decrypt(wrapped[:12], wrapped[12:], key_id.encode())

    # -- storage -----------------------------------------------------------------------------------
    @abstractmethod
    def _select(self, key_id: str) -> tuple[str, bytes] | None: ...

    @abstractmethod
    def _select_many(self, key_ids: list[str]) -> dict[str, tuple[str, bytes | None]]: ...

    @abstractmethod
    def _insert(self, rows: list[tuple[str, str, bytes]]) -> None:
        """Insert (key_id, subject, wrapped) rows in one transaction; an existing key_id keeps its key."""

    @abstractmethod
    def _destroy(self, column: str, value: str) -> int:
        """Overwrite the wrapped keys matching COLUMN=VALUE with nothing; the row stays as a tombstone."""

    def close(self) -> None:  # noqa: B027 - only the PostgreSQL store holds a pool
        """Nothing to release by default."""


class MemoryKeyStore(KeyStore):
    def __init__(self, master: bytes) -> None:
        super().__init__(master)
        self._rows: dict[str, tuple[str, bytes]] = {}

    def _select(self, key_id):
        return self._rows.get(key_id)

    def _select_many(self, key_ids):
        return {k: self._rows[k] for k in key_ids if k in self._rows}

    def _insert(self, rows):
        for key_id, subject, wrapped in rows:
            self._rows.setdefault(key_id, (subject, wrapped))

    def _destroy(self, column, value):
        doomed = [k for k, (s, w) in self._rows.items() if (k if column == "key_id" else s) == value and w]
        for key_id in doomed:
            self._rows[key_id] = (self._rows[key_id][0], None)
        return len(doomed)


class SQLiteKeyStore(KeyStore):
    def __init__(self, master: bytes, path: str, create_table: bool) -> None:
        super().__init__(master)
        self.path = path
        self._local = threading.local()
        if create_table:
            with self._connection() as conn:
                conn.execute("CREATE TABLE IF NOT EXISTS subject_keys (key_id TEXT PRIMARY KEY, "
                             "subject TEXT NOT NULL, wrapped BLOB, created_at TEXT NOT NULL, erased_at TEXT)")
                conn.execute("CREATE INDEX IF NOT EXISTS subject_keys_subject ON subject_keys (subject)")

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA secure_delete=ON")  # destroyed keys are overwritten on disk, not just unlinked
            self._local.conn = conn
        return conn

    def _select(self, key_id):
        row = self._connection().execute("SELECT subject, wrapped FROM subject_keys WHERE key_id=?",
                                         (key_id,)).fetchone()
        return (row[0], bytes(row[1]) if row[1] is not None else None) if row else None

    def _select_many(self, key_ids):
        marks = ",".join("?" for _ in key_ids)
        rows = self._connection().execute(
            f"SELECT key_id, subject, wrapped FROM subject_keys WHERE key_id IN ({marks})", key_ids).fetchall()
        return {key_id: (subject, bytes(wrapped) if wrapped is not None else None) for key_id, subject, wrapped in rows}

    def _insert(self, rows):
        now = datetime.now(UTC).isoformat()
        with self._connection() as conn:
            conn.executemany("INSERT OR IGNORE INTO subject_keys VALUES (?,?,?,?,NULL)",
                             [(key_id, subject, wrapped, now) for key_id, subject, wrapped in rows])

    def _destroy(self, column, value):
        with self._connection() as conn:
            count = conn.execute(f"UPDATE subject_keys SET wrapped=NULL, erased_at=? WHERE {column}=? "
                                 "AND wrapped IS NOT NULL", (datetime.now(UTC).isoformat(), value)).rowcount
        self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no old page left in the WAL either
        return count


class PostgresKeyStore(KeyStore):
    def __init__(self, master: bytes, env: dict[str, str], create_table: bool, owner: str = "plan") -> None:
        super().__init__(master)
        from psycopg import sql
        from psycopg_pool import ConnectionPool

        # One table per owning application, so two services sharing a schema never share keys.
        self._table = sql.Identifier(env.get("POSTGRES_SCHEMA") or "public", f"{owner}_subject_keys")
        self._sql = sql
        conninfo = (f"host={env['POSTGRES_HOST']} port={env['POSTGRES_PORT']} dbname={env['POSTGRES_DBNAME']} "
                    f"user={env['POSTGRES_USER']} connect_timeout={env.get('POSTGRES_CONNECT_TIMEOUT', '10')}")
        kwargs = {"password": env["POSTGRES_PASSWORD"]} if env.get("POSTGRES_PASSWORD") else {}
        self._pool = ConnectionPool(conninfo, min_size=1, max_size=4, kwargs=kwargs, open=True)
        if create_table:
            with self._pool.connection() as conn:
                conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (key_id TEXT PRIMARY KEY, "
                                     "subject TEXT NOT NULL, wrapped BYTEA, "
                                     "created_at TIMESTAMPTZ NOT NULL DEFAULT now(), erased_at TIMESTAMPTZ)")
                             .format(self._table))
                conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (subject)")
                             .format(sql.Identifier(f"{owner}_subject_keys_subject"), self._table))

    def _select(self, key_id):
        with self._pool.connection() as conn:
            row = conn.execute(self._sql.SQL("SELECT subject, wrapped FROM {} WHERE key_id=%s").format(self._table),
                               (key_id,)).fetchone()
        return (row[0], bytes(row[1]) if row[1] is not None else None) if row else None

    def _select_many(self, key_ids):
        with self._pool.connection() as conn:
            rows = conn.execute(self._sql.SQL("SELECT key_id, subject, wrapped FROM {} WHERE key_id = ANY(%s)")
                                .format(self._table), (list(key_ids),)).fetchall()
        return {key_id: (subject, bytes(wrapped) if wrapped is not None else None) for key_id, subject, wrapped in rows}

    def _insert(self, rows):
        with self._pool.connection() as conn, conn.cursor() as cursor:
            cursor.executemany(self._sql.SQL("INSERT INTO {} (key_id, subject, wrapped) VALUES (%s,%s,%s) "
                                             "ON CONFLICT (key_id) DO NOTHING").format(self._table), rows)

    def _destroy(self, column, value):
        with self._pool.connection() as conn:
            count = conn.execute(self._sql.SQL("UPDATE {} SET wrapped=NULL, erased_at=now() WHERE {}=%s "
                                               "AND wrapped IS NOT NULL").format(
                self._table, self._sql.Identifier(column)), (value,)).rowcount
        with self._pool.connection() as conn:  # dead row versions still hold the wrapped key until vacuumed
            conn.autocommit = True
            conn.execute(self._sql.SQL("VACUUM {}").format(self._table))
        return count

    def close(self) -> None:
        self._pool.close()


def keystore_for(env, secret: str, owner: str = "plan") -> KeyStore:
    """The key store beside the event store ENV describes, for the application named OWNER."""
    master = master_key(secret)
    create = (env.get("CREATE_TABLE") or "y").lower() in {"y", "yes", "1", "true"}
    module = env.get("PERSISTENCE_MODULE") or "eventsourcing.popo"
    if module == "eventsourcing.sqlite" and "memory" not in (env.get("SQLITE_DBNAME") or ":memory:"):
        return SQLiteKeyStore(master, env.get("SQLITE_DBNAME") + ".keys", create)
    if module == "eventsourcing.postgres":
        keys = ("POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DBNAME", "POSTGRES_USER", "POSTGRES_PASSWORD",
                "POSTGRES_SCHEMA", "POSTGRES_CONNECT_TIMEOUT")
        return PostgresKeyStore(master, {k: env.get(k) or "" for k in keys}, create, owner)
    return MemoryKeyStore(master)


def b64(data: bytes) -> str:
    return b64encode(data).decode()


def unb64(text: str) -> bytes:
    return b64decode(text)
