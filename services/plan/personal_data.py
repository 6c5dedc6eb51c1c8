"""Crypto-shredding: personal fields of plan and directory events are sealed with their aggregate's key.

The eventsourcing library's cipher has one key per application, so it cannot forget one person. This
mapper seals each personal field on its own (AES-GCM, the aggregate id and field name as associated
data) and opens it again on the way out; once the key is deleted the field reads as ERASED. Ids,
versions, dates, statuses and amounts stay in the clear, so the log, the rules and the feed keep working.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent

from services.plan.keystore import KeyStore, b64, unb64

ERASED = "[erased]"
SEAL = "_sealed_"
# Free text and assessments: what the person wrote, or what others wrote about them.
TEXT_FIELDS = frozenset({
    "career_project", "target_role", "skill_key", "skill", "note", "status", "title", "measure", "relevance",
    "reflection", "text", "comment", "justification", "reason", "name", "email", "job_title",
})
OTHER_FIELDS = frozenset({"level", "transferable_to", "skills", "changes", "skill_levels", "evaluation", "state"})
PERSONAL_FIELDS = TEXT_FIELDS | OTHER_FIELDS
# Events that create an aggregate name the person its new key belongs to.
SUBJECT_OF_CREATION = {"groeipad.plan:PlanStarted": "employee_id", "groeipad.plan:PersonRegistered": "person_id"}


class PersonErasedError(Exception):
    """The data of this aggregate was erased: nothing more may be written for it."""


class PersonalDataMapper(Mapper):
    def __init__(self, *args: Any, keys: KeyStore, subject_of: Callable[[str], str | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys
        self.subject_of = subject_of  # whose aggregate this is, for aggregates older than their key

    def to_stored_event(self, domain_event) -> StoredEvent:
        fields = [f for f in PERSONAL_FIELDS if getattr(domain_event, f, None) is not None]
        if not fields:
            return super().to_stored_event(domain_event)
        key_id = str(domain_event.originator_id)
        key = self.keys.key(key_id)
        if key is None:
            if self.keys.is_erased(key_id):
                raise PersonErasedError(key_id)
            subject_field = SUBJECT_OF_CREATION.get(getattr(type(domain_event), "TOPIC", ""))
            subject = getattr(domain_event, subject_field) if subject_field else self.subject_of(key_id)
            if subject is None:
                raise PersonErasedError(key_id)
            key = self.keys.create(key_id, subject)
        sealed = copy.copy(domain_event)
        for name in fields:
            plaintext = self.transcoder.encode({"v": getattr(domain_event, name)})
            nonce = os.urandom(12)
            box = AESGCM(key).encrypt(nonce, plaintext, f"{key_id}:{name}".encode())
            object.__setattr__(sealed, name, {SEAL: 1, "n": b64(nonce), "c": b64(box)})
        return super().to_stored_event(sealed)

    def to_domain_event(self, stored_event: StoredEvent):
        event = super().to_domain_event(stored_event)
        sealed = [(name, value) for name, value in vars(event).items() if isinstance(value, dict) and SEAL in value]
        if not sealed:
            return event
        key_id = str(stored_event.originator_id)
        key = self.keys.key(key_id)
        for name, value in sealed:
            object.__setattr__(event, name, self._open(key, key_id, name, value))
        return event

    def _open(self, key: bytes | None, key_id: str, name: str, value: dict) -> Any:
        if key is None:
            return ERASED if name in TEXT_FIELDS else None
        try:
            plaintext = AESGCM(key).decrypt(unb64(value["n"]), unb64(value["c"]), f"{key_id}:{name}".encode())
        except InvalidTag:
            return ERASED if name in TEXT_FIELDS else None
        return self.transcoder.decode(plaintext)["v"]
