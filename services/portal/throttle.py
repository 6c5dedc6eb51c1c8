"""Sign-in throttling: one row per username or address, checked and counted in one atomic statement.

Every attempt is counted before the password is checked (an upsert that returns the new count), so
concurrent attempts can never all slip under the limit; a successful sign-in takes its count back.
A row holds a count and the start of its window, never a list of attempts, and rows whose window
ended are deleted, so failed sign-ins cannot grow the store without bound.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass

SQLITE_TABLE = "login_throttle"


@dataclass(frozen=True)
class Attempt:
    allowed: bool
    attempts: int  # in the current window, this one included (capped at the limit plus one)
    window_start: float

    def wait(self, window: float, now: float) -> int:
        return 0 if self.allowed else max(1, int(self.window_start + window - now) + 1)


class ThrottleStore:
    """Counts per key in a fixed window; subclasses hold the table."""

    def attempt(self, key: str, limit: int, window: float, now: float | None = None) -> Attempt:
        """Count one attempt for KEY; allowed while the window holds at most LIMIT of them."""
        now = time.time() if now is None else now
        window_start, attempts = self._upsert(key, now, window, limit + 1)
        return Attempt(attempts <= limit, attempts, window_start)

    def succeeded(self, key: str, forget: bool) -> None:
        """A successful sign-in: FORGET the key's count (the account) or take this attempt back (the address)."""
        self._settle(key, forget)

    def recent(self, key: str, window: float, now: float | None = None) -> tuple[int, float] | None:
        """(attempts, window start) when KEY has a live window."""
        now = time.time() if now is None else now
        row = self._select(key)
        return row if row and now - row[1] < window else None

    def purge(self, window: float, now: float | None = None) -> int:
        """Delete rows whose window ended; run on every attempt, so the table holds only live windows."""
        return self._purge((time.time() if now is None else now) - window)

    def _upsert(self, key: str, now: float, window: float, cap: int) -> tuple[float, int]:
        raise NotImplementedError

    def _settle(self, key: str, forget: bool) -> None:
        raise NotImplementedError

    def _select(self, key: str) -> tuple[int, float] | None:
        raise NotImplementedError

    def _purge(self, before: float) -> int:
        raise NotImplementedError

    def close(self) -> None:
        return None


UPSERT = ("INSERT INTO {t} (key, window_start, attempts) VALUES ({p}, {p}, 1) ON CONFLICT (key) DO UPDATE SET "
          "attempts = CASE WHEN excluded.window_start - {t}.window_start >= {p} THEN 1 "
          "WHEN {t}.attempts >= {p} THEN {t}.attempts ELSE {t}.attempts + 1 END, "
          "window_start = CASE WHEN excluded.window_start - {t}.window_start >= {p} THEN excluded.window_start "
          "ELSE {t}.window_start END RETURNING window_start, attempts")
FORGET = "DELETE FROM {t} WHERE key = {p}"
TAKE_BACK = "UPDATE {t} SET attempts = attempts - 1 WHERE key = {p} AND attempts > 0"
SELECT = "SELECT attempts, window_start FROM {t} WHERE key = {p}"
PURGE = "DELETE FROM {t} WHERE window_start < {p}"


class MemoryThrottleStore(ThrottleStore):
    def __init__(self) -> None:
        self._rows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def _upsert(self, key, now, window, cap):
        with self._lock:
            start, attempts = self._rows.get(key, (now, 0))
            if now - start >= window:
                start, attempts = now, 0
            self._rows[key] = (start, min(attempts + 1, cap))
            return self._rows[key]

    def _settle(self, key, forget):
        with self._lock:
            if forget:
                self._rows.pop(key, None)
            elif key in self._rows:
                start, attempts = self._rows[key]
                self._rows[key] = (start, max(0, attempts - 1))

    def _select(self, key):
        row = self._rows.get(key)
        return (row[1], row[0]) if row else None

    def _purge(self, before):
        with self._lock:
            doomed = [k for k, (start, _n) in self._rows.items() if start < before]
            for key in doomed:
                del self._rows[key]
            return len(doomed)


class SQLiteThrottleStore(ThrottleStore):
    def __init__(self, path: str, create_table: bool) -> None:
        self.path = path
        self._local = threading.local()
        if create_table:
            with self._connection() as conn:
                conn.execute(f"CREATE TABLE IF NOT EXISTS {SQLITE_TABLE} (key TEXT PRIMARY KEY, "
                             "window_start REAL NOT NULL, attempts INTEGER NOT NULL)")
                conn.execute(f"CREATE INDEX IF NOT EXISTS {SQLITE_TABLE}_start ON {SQLITE_TABLE} (window_start)")

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    def _sql(self, template: str) -> str:
        return template.format(t=SQLITE_TABLE, p="?")

    def _upsert(self, key, now, window, cap):
        with self._connection() as conn:
            row = conn.execute(self._sql(UPSERT), (key, now, window, cap, window)).fetchone()
        return float(row[0]), int(row[1])

    def _settle(self, key, forget):
        with self._connection() as conn:
            conn.execute(self._sql(FORGET if forget else TAKE_BACK), (key,))

    def _select(self, key):
        row = self._connection().execute(self._sql(SELECT), (key,)).fetchone()
        return (int(row[0]), float(row[1])) if row else None

    def _purge(self, before):
        with self._connection() as conn:
            return conn.execute(self._sql(PURGE), (before,)).rowcount


class PostgresThrottleStore(ThrottleStore):
    def __init__(self, env: dict[str, str], create_table: bool) -> None:
        from psycopg import sql
        from psycopg_pool import ConnectionPool

        self._sql = sql
        self._table = sql.Identifier(env.get("POSTGRES_SCHEMA") or "public", "portal_login_throttle")
        conninfo = (f"host={env['POSTGRES_HOST']} port={env['POSTGRES_PORT']} dbname={env['POSTGRES_DBNAME']} "
                    f"user={env['POSTGRES_USER']} connect_timeout={env.get('POSTGRES_CONNECT_TIMEOUT', '10')}")
        kwargs = {"password": env["POSTGRES_PASSWORD"]} if env.get("POSTGRES_PASSWORD") else {}
        self._pool = ConnectionPool(conninfo, min_size=1, max_size=4, kwargs=kwargs, open=True)
        if create_table:
            with self._pool.connection() as conn:
                conn.execute(self._query("CREATE TABLE IF NOT EXISTS {t} (key TEXT PRIMARY KEY, "
                                         "window_start DOUBLE PRECISION NOT NULL, attempts INTEGER NOT NULL)"))

    def _query(self, template: str):
        # excluded.x and {t}.x: PostgreSQL wants the bare table name after ON CONFLICT ... SET.
        bare = self._sql.Identifier("portal_login_throttle")
        text = template.replace("{t}.", "{b}.").replace("{p}", "%s")
        return self._sql.SQL(text).format(t=self._table, b=bare)

    def _run(self, template: str, params: tuple):
        with self._pool.connection() as conn:
            cursor = conn.execute(self._query(template), params)
            return cursor.fetchone() if cursor.description else cursor.rowcount

    def _upsert(self, key, now, window, cap):
        row = self._run(UPSERT, (key, now, window, cap, window))
        return float(row[0]), int(row[1])

    def _settle(self, key, forget):
        self._run(FORGET if forget else TAKE_BACK, (key,))

    def _select(self, key):
        row = self._run(SELECT, (key,))
        return (int(row[0]), float(row[1])) if row else None

    def _purge(self, before):
        return int(self._run(PURGE, (before,)))

    def close(self) -> None:
        self._pool.close()


def throttle_store_for(env) -> ThrottleStore:
    """The throttle table beside the portal's event store that ENV describes."""
    create = (env.get("CREATE_TABLE") or "y").lower() in {"y", "yes", "1", "true"}
    module = env.get("PERSISTENCE_MODULE") or "eventsourcing.popo"
    if module == "eventsourcing.sqlite" and "memory" not in (env.get("SQLITE_DBNAME") or ":memory:"):
        return SQLiteThrottleStore(env.get("SQLITE_DBNAME"), create)
    if module == "eventsourcing.postgres":
        keys = ("POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DBNAME", "POSTGRES_USER", "POSTGRES_PASSWORD",
                "POSTGRES_SCHEMA", "POSTGRES_CONNECT_TIMEOUT")
        return PostgresThrottleStore({k: env.get(k) or "" for k in keys}, create)
    return MemoryThrottleStore()
