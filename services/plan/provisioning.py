"""Provisioning: what an identity provider (over SCIM) may do to the directory, as commands on its aggregates.

The provider's word is applied to the same Person aggregates the CSV import and the people API keep, so the
feed, the views, the notifier and the portal see one directory whichever door changed it. Deactivation
(`active=false`) keeps everything; deletion deprovisions (deactivated and gone from SCIM) and leaves the
person to the retention rules (`groeipad erase-deprovisioned`), never dropping history on the spot.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.plan.domain.errors import InvalidStateError, RuleViolationError
from services.plan.domain.group import DirectoryGroup, group_uuid
from services.plan.domain.person import Person, person_uuid
from shared.sealing import PersonErasedError

ACTOR_ROLE = "scim"


class ProvisionedNotFoundError(Exception):
    """No such user or group (or it was deprovisioned / deleted)."""


class ProvisionedConflictError(Exception):
    """A user or group with this unique name exists already."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def actor(subject: str) -> dict[str, str]:
    return {"subject": subject, "role": ACTOR_ROLE}


class Provisioning:
    """Commands and single reads on people and groups for SCIM; lists come from the views."""

    def __init__(self, service: Any) -> None:
        self.service = service

    # -- people -----------------------------------------------------------------------------------
    def person(self, person_id: str) -> Person:
        """A provisioned (not deprovisioned, not erased) person, from the event store: always current."""
        try:
            person = self.service.repository.get(person_uuid(person_id))
        except (AggregateNotFoundError, PersonErasedError):
            raise ProvisionedNotFoundError(person_id) from None
        if not isinstance(person, Person) or person.erased or person.deprovisioned:
            raise ProvisionedNotFoundError(person_id)
        if self.service.person_is_erased(person_id):
            raise ProvisionedNotFoundError(person_id)
        return person

    def create_person(self, subject: str, person_id: str, fields: dict[str, Any], **provisioned: Any) -> Person:
        """Register a new person; a person id or userName in use (also by a deprovisioned or erased person, whose
        history stays theirs) is a conflict."""
        if self.service.keys.states([str(person_uuid(person_id))]):
            raise ProvisionedConflictError("userName", f"a person with id {person_id!r} exists already")
        self._unique_user_name(provisioned.get("user_name"), None)
        person = Person.register(person_id, actor(subject), **fields)
        person.provision(actor(subject), fields, **provisioned)
        self.service.keys.create_many([(str(person.id), person_id)])
        try:
            self.service.save(person)
        except IntegrityError:
            raise ProvisionedConflictError("userName", f"a person with id {person_id!r} exists already") from None
        return person

    def update_person(self, subject: str, person_id: str, fields: dict[str, Any], **provisioned: Any) -> Person:
        person = self.person(person_id)
        self._unique_user_name(provisioned.get("user_name"), person_id)
        if person.provision(actor(subject), fields, **provisioned):
            self.service.save(person)
        return person

    def deprovision(self, subject: str, person_id: str) -> Person:
        """SCIM DELETE: the person is deactivated and leaves SCIM; their history waits for the retention rules."""
        person = self.person(person_id)
        person.provision(actor(subject), _fields_of(person), active=False, deprovisioned=True)
        self.service.save(person)
        return person

    def _views_current(self) -> None:
        """Uniqueness is read from the views: let them reach the log's head first (briefly)."""
        self.service.views.wait(self.service.recorder.max_notification_id() or 0, 2.0)

    def _unique_user_name(self, user_name: str | None, person_id: str | None) -> None:
        if not user_name:
            return
        self._views_current()
        rows, _ = self.service.views.provisioned_people(user_name=user_name, limit=2)
        if any(row["id"] != person_id for row in rows):
            raise ProvisionedConflictError("userName", f"userName {user_name!r} is taken")

    # -- groups -----------------------------------------------------------------------------------
    def group(self, group_id: str) -> DirectoryGroup:
        try:
            group = self.service.repository.get(group_uuid(group_id))
        except AggregateNotFoundError:
            raise ProvisionedNotFoundError(group_id) from None
        if not isinstance(group, DirectoryGroup) or group.deleted:
            raise ProvisionedNotFoundError(group_id)
        return group

    def create_group(self, subject: str, group_id: str, **fields: Any) -> DirectoryGroup:
        self._unique_group_name(fields.get("display_name"), None)
        self._known_members(fields.get("members") or [])
        group = DirectoryGroup.create(group_id, actor(subject), **fields)
        try:
            self.service.save(group)
        except IntegrityError:
            raise ProvisionedConflictError("id", f"group {group_id!r} exists already") from None
        return group

    def update_group(self, subject: str, group_id: str, **fields: Any) -> DirectoryGroup:
        group = self.group(group_id)
        self._unique_group_name(fields.get("display_name"), group_id)
        self._known_members([m for m in fields.get("members") or [] if m not in group.members])
        if group.change(actor(subject), **fields):
            self.service.save(group)
        return group

    def delete_group(self, subject: str, group_id: str) -> None:
        group = self.group(group_id)
        group.delete(actor(subject))
        self.service.save(group)

    def _unique_group_name(self, name: str | None, group_id: str | None) -> None:
        if not name:
            return
        self._views_current()
        rows, _ = self.service.views.directory_groups(display_name=name.strip(), limit=2)
        if any(row["id"] != group_id for row in rows):
            raise ProvisionedConflictError("displayName", f"a group named {name!r} exists already")

    def _known_members(self, members: list[str]) -> None:
        for member in members:
            try:
                self.person(member)
            except ProvisionedNotFoundError:
                raise RuleViolationError("members", f"no user {member!r}") from None


def erase_deprovisioned(service: Any, subject: str, older_than_days: int, now: datetime | None = None
                        ) -> list[str]:
    """Retention: people deprovisioned (SCIM DELETE) more than OLDER_THAN_DAYS ago are erased, the same erasure
    HR starts by hand (their keys destroyed, the log intact)."""
    if older_than_days < 0:
        raise InvalidStateError("older_than_days", "must not be negative")
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=older_than_days)).isoformat()
    erased = []
    for row in service.views.rows("SELECT v.person_id FROM {provisioned} v JOIN {people} p "
                                  "ON p.person_id = v.person_id WHERE v.deprovisioned = 1 AND p.erased = 0 "
                                  "AND v.changed_at < ?", (cutoff,)):
        service.erase_person(actor(subject), row["person_id"])
        erased.append(row["person_id"])
    return erased


def _fields_of(person: Person) -> dict[str, Any]:
    return {"name": person.name, "email": person.email, "manager_id": person.manager_id,
            "department": person.department, "job_title": person.job_title}
