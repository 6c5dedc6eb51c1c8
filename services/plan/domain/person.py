"""Person: an entry of the org directory, which decides who may see and review whose plan."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from services.plan.domain.errors import RuleViolationError
from shared.ids import is_directory_id

PERSON_FIELDS = ("name", "email", "manager_id", "department", "job_title")
# What provisioning (SCIM) adds to an entry: the identity provider's names for the person, whether they may work
# in Groeipad now, and the provider's whole resource document (kept sealed like the rest of a change).
PROVISIONING_FIELDS = ("user_name", "external_id", "active", "deprovisioned", "scim")
MAX_FIELD = 200


def person_uuid(person_id: str) -> UUID:
    """Stable aggregate id for a directory id, so an import is an upsert and never a duplicate."""
    return uuid5(NAMESPACE_URL, f"groeipad:person:{person_id}")


class Person(Aggregate, created_event_name="Registered"):
    TOPIC = "groeipad.plan:Person"
    # Entries registered before provisioning existed lack these attributes; the class gives their values.
    active = True
    deprovisioned = False
    user_name: str | None = None
    external_id: str | None = None
    scim: dict | None = None
    erased = False

    class Event(Aggregate.Event):
        TOPIC = "groeipad.plan:PersonEvent"

    class Registered(Event, Aggregate.Created):
        TOPIC = "groeipad.plan:PersonRegistered"
        PERSONAL_TEXT = ("name", "email", "job_title")
        NOT_PERSONAL = ("person_id", "manager_id", "department", "actor")
        SUBJECT_FIELD = "person_id"
        person_id: str
        name: str
        email: str
        manager_id: str | None
        department: str
        job_title: str
        actor: dict

    Created = Registered

    class Updated(Event):
        TOPIC = "groeipad.plan:PersonUpdated"
        PERSONAL_DATA = ("changes",)
        NOT_PERSONAL = ("actor",)
        changes: dict
        actor: dict

        def apply(self, person: Person) -> None:
            for key, value in (self.changes or {}).items():  # None once the person's data was erased
                setattr(person, key, value)

    class Erased(Event):
        """The person was forgotten: their keys are destroyed; only this fact and their id remain."""

        TOPIC = "groeipad.plan:PersonErased"
        NOT_PERSONAL = ("actor",)
        actor: dict

        def apply(self, person: Person) -> None:
            person.erased = True

    def __init__(self, person_id: str, name: str, email: str, manager_id: str | None,
                 department: str, job_title: str, actor: dict) -> None:
        self.person_id, self.name, self.email = person_id, name, email
        self.manager_id, self.department, self.job_title = manager_id, department, job_title

    @staticmethod
    def create_id(person_id: str) -> UUID:
        return person_uuid(person_id)

    @classmethod
    def register(cls, person_id: str, actor: dict[str, str], **fields: Any) -> Person:
        if not is_directory_id(person_id):  # it becomes a URL path segment and a key-store subject
            raise RuleViolationError("id", "a directory id: a letter or digit, then letters, digits or . _ @ -, "
                                           "at most 100 characters")
        clean = _clean(person_id, fields)
        return cls(person_id=person_id, actor=actor, **clean)

    def update(self, actor: dict[str, str], **fields: Any) -> bool:
        """Apply the fields that differ; False when nothing changed (an import re-run)."""
        clean = _clean(self.person_id, fields)
        changes = {k: v for k, v in clean.items() if getattr(self, k) != v}
        if changes:
            self.trigger_event(self.Updated, changes=changes, actor=actor)
        return bool(changes)

    def provision(self, actor: dict[str, str], fields: dict[str, Any], **provisioned: Any) -> bool:
        """Apply what an identity provider says about the person, directory fields and provisioning fields in one
        change; False when nothing differs. `active=False` takes them out of Groeipad without losing anything."""
        unknown = set(provisioned) - set(PROVISIONING_FIELDS)
        if unknown:
            raise ValueError(f"not provisioning fields: {sorted(unknown)}")
        for key in ("user_name", "external_id"):
            value = provisioned.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > MAX_FIELD or "\x00" in value):
                raise RuleViolationError(key, f"at most {MAX_FIELD} characters, no NUL characters")
        clean = _clean(self.person_id, fields)
        changes = {k: v for k, v in clean.items() if getattr(self, k) != v}
        changes.update({k: v for k, v in provisioned.items() if getattr(self, k) != v})
        if changes:
            self.trigger_event(self.Updated, changes=changes, actor=actor)
        return bool(changes)

    def erase(self, actor: dict[str, str]) -> None:
        if not getattr(self, "erased", False):
            self.trigger_event(self.Erased, actor=actor)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.person_id, **{k: getattr(self, k) for k in PERSON_FIELDS}, "active": self.active}


def _clean(person_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    if not person_id or not person_id.strip():
        raise RuleViolationError("id", "must not be empty")
    for key in PERSON_FIELDS:
        value = fields.get(key)
        if isinstance(value, str) and ("\x00" in value or len(value) > MAX_FIELD):
            raise RuleViolationError(key, f"at most {MAX_FIELD} characters, no NUL characters")
    name = (fields.get("name") or "").strip()
    if not name:
        raise RuleViolationError("name", "must not be empty")
    email = (fields.get("email") or "").strip()
    if email and "@" not in email:
        raise RuleViolationError("email", "is not an e-mail address")
    manager_id = (fields.get("manager_id") or "").strip() or None
    if manager_id == person_id:
        raise RuleViolationError("manager_id", "a person cannot be their own manager")
    return {"name": name, "email": email, "manager_id": manager_id,
            "department": (fields.get("department") or "").strip(),
            "job_title": (fields.get("job_title") or "").strip()}
