"""Certificate files, kept in the plan service's own store beside its events, sealed with the plan's key.

A file is personal data, so it is sealed like the personal fields of events (shared/sealing.py): AES-GCM with the
plan's data key, the file id as associated data. Destroying the key (erasure, retention) makes it unreadable, and
the rows go too. What a file is comes from its first bytes (content sniffing by the `filetype` package), never
from the name or the Content-Type a client claims, and only PDF, PNG and JPEG are kept. Not a view: a rebuild of
the views never touches this table.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import filetype
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.plan.domain.errors import RuleViolationError
from shared.keystore import KeyStore
from shared.sealing import PersonErasedError
from shared.views import ViewStore

TABLE = "certificate_files"
ALLOWED_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    content_type: str
    size: int
    sha256: str
    filename: str

    def details(self) -> dict[str, Any]:
        """What the certificate's event keeps of the file (sealed with the rest of the person's data)."""
        return {"file_id": self.file_id, "content_type": self.content_type, "size": self.size,
                "sha256": self.sha256, "filename": self.filename}


def sniff(content: bytes, max_bytes: int) -> str:
    """The file's real type from its content; a 422 naming `file` when it is empty, too big or not allowed."""
    if not content:
        raise RuleViolationError("file", "the file is empty")
    if len(content) > max_bytes:
        raise RuleViolationError("file", f"at most {max_bytes} bytes")
    kind = filetype.guess(content)
    mime = kind.mime if kind is not None else None
    if mime not in ALLOWED_TYPES:
        raise RuleViolationError("file", f"must be a PDF, PNG or JPEG file (this one reads as {mime or 'unknown'})")
    return mime


class CertificateFiles:
    def __init__(self, store: ViewStore, keys: KeyStore, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.store, self.keys, self.max_bytes = store, keys, max_bytes

    def create_table(self) -> None:
        blob = "BYTEA" if self.store.postgres else "BLOB"
        with self.store.transaction(commit=True) as cursor:
            cursor.execute(self.store.sql(
                f"CREATE TABLE IF NOT EXISTS {{{TABLE}}} (file_id TEXT PRIMARY KEY, plan_id TEXT NOT NULL, "
                f"employee_id TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL, "
                f"stored_at TEXT NOT NULL, nonce {blob} NOT NULL, body {blob} NOT NULL)"))

    def put(self, plan_id: str, employee_id: str, file_id: str, content: bytes, filename: str) -> StoredFile:
        mime = sniff(content, self.max_bytes)
        key = self.keys.key(plan_id)
        if key is None:
            if self.keys.is_erased(plan_id):
                raise PersonErasedError(plan_id)
            key = self.keys.create(plan_id, employee_id)
        nonce = os.urandom(12)
        body = AESGCM(key).encrypt(nonce, content, f"{plan_id}:file:{file_id}".encode())
        with self.store.transaction(commit=True) as cursor:
            cursor.execute(self.store.sql(f"INSERT INTO {{{TABLE}}} (file_id, plan_id, employee_id, content_type, "
                                          "size, stored_at, nonce, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                           (file_id, plan_id, employee_id, mime, len(content), datetime.now(UTC).isoformat(),
                            nonce, body))
        name = os.path.basename((filename or "").replace("\\", "/"))[:200] or f"certificate.{ALLOWED_TYPES[mime]}"
        return StoredFile(file_id, mime, len(content), hashlib.sha256(content).hexdigest(), name)

    def get(self, file_id: str) -> tuple[str, bytes] | None:
        """(content type, content), or None when there is no such file or it can no longer be opened."""
        rows = self.store.rows(f"SELECT plan_id, content_type, nonce, body FROM {{{TABLE}}} WHERE file_id = ?",
                               (file_id,))
        if not rows:
            return None
        row = rows[0]
        key = self.keys.key(row["plan_id"])
        if key is None:
            return None
        try:
            content = AESGCM(key).decrypt(bytes(row["nonce"]), bytes(row["body"]),
                                          f"{row['plan_id']}:file:{file_id}".encode())
        except InvalidTag:
            return None
        return row["content_type"], content

    def of_person(self, employee_id: str) -> list[dict[str, Any]]:
        return self.store.rows(f"SELECT file_id, plan_id, content_type, size, stored_at FROM {{{TABLE}}} "
                               "WHERE employee_id = ? ORDER BY stored_at", (employee_id,))

    def delete(self, file_id: str) -> None:
        self._delete("file_id", file_id)

    def delete_of_person(self, employee_id: str) -> None:
        self._delete("employee_id", employee_id)

    def delete_of_plan(self, plan_id: str) -> None:
        self._delete("plan_id", plan_id)

    def _delete(self, column: str, value: str) -> None:
        with self.store.transaction(commit=True) as cursor:
            cursor.execute(self.store.sql(f"DELETE FROM {{{TABLE}}} WHERE {column} = ?"), (value,))
        self.store.purge([TABLE])
