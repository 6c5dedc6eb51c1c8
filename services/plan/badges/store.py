"""Issued credentials in the plan service's own store: who, what, which status-list index, revoked or not.

Not a view (nothing rebuilds it from the log): this table is the record of issuance. The signed credential names
the person, so it is kept sealed with the plan's own key (shared/keystore.py): erasing the person, or the plan
by retention, leaves it unreadable, and erasure also marks every credential of the person revoked.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import IntegrityError

from services.plan.badges.credential import LIST_SIZE
from shared.keystore import KeyStore, b64, unb64
from shared.sealing import PersonErasedError
from shared.views import ViewStore

TABLE = "badge_credentials"
COLUMNS = ("credential_id TEXT PRIMARY KEY, plan_id TEXT NOT NULL, employee_id TEXT NOT NULL, kind TEXT NOT NULL, "
           "item_id TEXT NOT NULL, generation INTEGER NOT NULL, status_index INTEGER NOT NULL UNIQUE, "
           "kid TEXT NOT NULL, issued_at TEXT NOT NULL, issued_by TEXT NOT NULL, revoked_at TEXT, revoked_by TEXT, "
           "revoked_reason TEXT, sealed TEXT, UNIQUE (plan_id, kind, item_id, generation)")
FIELDS = ("credential_id", "plan_id", "employee_id", "kind", "item_id", "status_index", "kid", "issued_at",
          "issued_by", "revoked_at", "revoked_by", "revoked_reason")
INDEX_ATTEMPTS = 20


class StatusListFullError(Exception):
    """No free index is left in the status list."""


class CredentialStore:
    def __init__(self, store: ViewStore, keys: KeyStore) -> None:
        self.store = store
        self.keys = keys

    def create_table(self) -> None:
        with self.store.transaction(commit=True) as cursor:
            cursor.execute(self.store.sql(f"CREATE TABLE IF NOT EXISTS {{{TABLE}}} ({COLUMNS})"))

    def _one(self, where: str, params: tuple) -> dict[str, Any] | None:
        rows = self.store.rows(f"SELECT {', '.join(FIELDS)}, sealed FROM {{{TABLE}}} WHERE {where}", params)
        return rows[0] if rows else None

    def get(self, credential_id: str) -> dict[str, Any] | None:
        return self._one("credential_id = ?", (credential_id,))

    def current(self, plan_id: str, kind: str, item_id: str) -> dict[str, Any] | None:
        """The newest credential for this achievement (revoked or not)."""
        rows = self.store.rows(f"SELECT {', '.join(FIELDS)}, generation, sealed FROM {{{TABLE}}} WHERE plan_id = ? "
                               "AND kind = ? AND item_id = ? ORDER BY generation DESC", (plan_id, kind, item_id))
        return rows[0] if rows else None

    def of_plan(self, plan_id: str) -> list[dict[str, Any]]:
        return self.store.rows(f"SELECT {', '.join(FIELDS)} FROM {{{TABLE}}} WHERE plan_id = ? ORDER BY issued_at, "
                               "kind, item_id, generation", (plan_id,))

    def of_person(self, employee_id: str) -> list[dict[str, Any]]:
        return self.store.rows(f"SELECT {', '.join(FIELDS)} FROM {{{TABLE}}} WHERE employee_id = ? ORDER BY issued_at",
                               (employee_id,))

    def revoked_indexes(self) -> list[int]:
        rows = self.store.rows(f"SELECT status_index FROM {{{TABLE}}} WHERE revoked_at IS NOT NULL")
        return [int(row["status_index"]) for row in rows]

    def free_index(self) -> int:
        """A random unused index: the spec's advice, so neighbours in the list say nothing about each other."""
        for _ in range(INDEX_ATTEMPTS):
            index = secrets.randbelow(LIST_SIZE)
            if not self.store.rows(f"SELECT 1 AS used FROM {{{TABLE}}} WHERE status_index = ?", (index,)):
                return index
        raise StatusListFullError("the status list has no free index left")

    def insert(self, row: dict[str, Any], token: str) -> bool:
        """Record an issued credential; False when another request recorded this achievement first."""
        sealed = self._seal(row["plan_id"], row["credential_id"], token)
        names = [*row, "sealed"]
        values = [*row.values(), sealed]
        statement = self.store.sql(f"INSERT INTO {{{TABLE}}} ({', '.join(names)}) VALUES "
                                   f"({', '.join('?' for _ in names)})")
        try:
            with self.store.transaction(commit=True) as cursor:
                cursor.execute(statement, tuple(values))
        except IntegrityError:
            return False
        return True

    def revoke(self, credential_id: str, by: str, reason: str) -> bool:
        """Mark one credential revoked (once: a second revocation changes nothing)."""
        with self.store.transaction(commit=True) as cursor:
            cursor.execute(self.store.sql(f"UPDATE {{{TABLE}}} SET revoked_at = ?, revoked_by = ?, revoked_reason = ? "
                                          "WHERE credential_id = ? AND revoked_at IS NULL"),
                           (_now(), by, reason, credential_id))
            changed = getattr(cursor, "sqlite_cursor", cursor).rowcount
        return changed == 1

    def erase_person(self, employee_id: str, by: str) -> int:
        """Erasure: every credential of the person revoked, and the stored copies dropped."""
        return self._erase("employee_id", employee_id, by)

    def erase_plan(self, plan_id: str, by: str) -> int:
        """Retention erases a closed plan: its credentials are revoked too (a verifier must not find valid a badge
        whose evidence is gone), and the stored copies dropped."""
        return self._erase("plan_id", plan_id, by)

    def _erase(self, column: str, value: str, by: str) -> int:
        with self.store.transaction(commit=True) as cursor:
            cursor.execute(self.store.sql(f"UPDATE {{{TABLE}}} SET revoked_at = ?, revoked_by = ?, "
                                          f"revoked_reason = 'erased' WHERE {column} = ? AND revoked_at IS NULL"),
                           (_now(), by, value))
            revoked = getattr(cursor, "sqlite_cursor", cursor).rowcount
            cursor.execute(self.store.sql(f"UPDATE {{{TABLE}}} SET sealed = NULL WHERE {column} = ?"), (value,))
        self.store.purge([TABLE])
        return revoked

    def token(self, row: dict[str, Any]) -> str | None:
        """The signed credential as issued, or None once the person's (or plan's) key is gone."""
        if not row.get("sealed"):
            return None
        key = self.keys.key(row["plan_id"])
        if key is None:
            return None
        nonce, _, box = row["sealed"].partition(".")
        try:
            return AESGCM(key).decrypt(unb64(nonce), unb64(box), _aad(row["credential_id"])).decode()
        except InvalidTag:
            return None

    def _seal(self, plan_id: str, credential_id: str, token: str) -> str:
        key = self.keys.key(plan_id)
        if key is None:
            raise PersonErasedError(plan_id)
        nonce = os.urandom(12)
        return f"{b64(nonce)}.{b64(AESGCM(key).encrypt(nonce, token.encode(), _aad(credential_id)))}"


def _aad(credential_id: str) -> bytes:
    return f"{credential_id}:badge".encode()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
