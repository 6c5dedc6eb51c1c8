"""Crypto-shredding: the personal fields each event class declares are sealed with a per-aggregate key.

The eventsourcing library's cipher has one key per application, so it cannot forget one person. This
mapper seals each personal field on its own (AES-GCM, the key id and field name as associated data) and
opens it again on the way out; once the key is deleted the field reads as ERASED. Ids, versions, dates,
codes and amounts stay in the clear, so the log, the rules and the feed keep working.

Which fields are personal is declared on the event classes themselves, next to the fields:

    class GoalSet(PlanEvent):
        PERSONAL_TEXT = ("title", "measure")   # what a person wrote: reads as "[erased]" once forgotten
        PERSONAL_DATA = ("skills",)             # other personal data: reads as None once forgotten
        NOT_PERSONAL = ("goal_id", "deadline")  # stays in the clear on purpose

Declarations add up along the class hierarchy. `SEALED_WITH` names the field holding the id of the key
to use when it is not the event's own aggregate (an access record sealed with the plan's key);
`SUBJECT_FIELD` names the field holding whose key a creation event makes. Used by the plan service and
the portal, each with its own key store (shared.keystore).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper, StoredEvent

from shared.keystore import KeyStore, b64, unb64

ERASED = "[erased]"
SEAL = "_sealed_"
TEXT, DATA = "text", "data"
# Fields every eventsourcing event has; they identify the event, never a person's content.
LIBRARY_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})


class PersonErasedError(Exception):
    """The data of this aggregate was erased: nothing more may be written for it."""


@cache
def personal_fields(cls: type) -> dict[str, str]:
    """Field name -> TEXT or DATA for every personal field CLS declares (its own and inherited)."""
    if issubclass(cls, Snapshot):
        return {"state": DATA}  # a snapshot holds the whole aggregate: seal all of it
    fields: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        fields.update(dict.fromkeys(vars(klass).get("PERSONAL_TEXT", ()), TEXT))
        fields.update(dict.fromkeys(vars(klass).get("PERSONAL_DATA", ()), DATA))
    return fields


@cache
def clear_fields(cls: type) -> frozenset[str]:
    """The fields CLS declares not personal (its own and inherited), plus the library's own."""
    names = set(LIBRARY_FIELDS)
    for klass in cls.__mro__:
        names.update(vars(klass).get("NOT_PERSONAL", ()))
    return frozenset(names)


class PersonalDataMapper(Mapper):
    def __init__(self, *args: Any, keys: KeyStore, subject_of: Callable[[str], str | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys
        self.subject_of = subject_of  # whose aggregate this is, for aggregates older than their key

    def to_stored_event(self, domain_event) -> StoredEvent:
        cls = type(domain_event)
        names = [f for f in personal_fields(cls) if getattr(domain_event, f, None) is not None]
        if not names:
            return super().to_stored_event(domain_event)
        key_id = _key_id(domain_event)
        key = self.keys.key(key_id)
        if key is None:
            if self.keys.is_erased(key_id):
                raise PersonErasedError(key_id)
            subject_field = getattr(cls, "SUBJECT_FIELD", None)
            subject = getattr(domain_event, subject_field) if subject_field else self.subject_of(key_id)
            if subject is None:
                raise PersonErasedError(key_id)
            key = self.keys.create(key_id, subject)
        sealed, cipher = copy.copy(domain_event), AESGCM(key)
        for name in names:
            plaintext = self.transcoder.encode({"v": getattr(domain_event, name)})
            nonce = os.urandom(12)
            box = cipher.encrypt(nonce, plaintext, f"{key_id}:{name}".encode())
            object.__setattr__(sealed, name, {SEAL: 1, "n": b64(nonce), "c": b64(box)})
        return super().to_stored_event(sealed)

    def to_domain_event(self, stored_event: StoredEvent):
        event = super().to_domain_event(stored_event)
        sealed = [(name, value) for name, value in vars(event).items() if isinstance(value, dict) and SEAL in value]
        if not sealed:
            return event
        key_id = _key_id(event)
        key = self.keys.key(key_id)
        cipher = AESGCM(key) if key is not None else None
        kinds = personal_fields(type(event))
        for name, value in sealed:
            object.__setattr__(event, name, self._open(cipher, key_id, name, value, kinds.get(name, TEXT)))
        return event

    def _open(self, cipher: AESGCM | None, key_id: str, name: str, value: dict, kind: str) -> Any:
        if cipher is None:
            return ERASED if kind == TEXT else None
        try:
            plaintext = cipher.decrypt(unb64(value["n"]), unb64(value["c"]), f"{key_id}:{name}".encode())
        except InvalidTag:
            return ERASED if kind == TEXT else None
        return self.transcoder.decode(plaintext)["v"]


def _key_id(event: Any) -> str:
    """The id of the key that seals EVENT: its aggregate's, or the one its class names in SEALED_WITH."""
    field = getattr(type(event), "SEALED_WITH", None)
    return str(getattr(event, field)) if field else str(event.originator_id)
