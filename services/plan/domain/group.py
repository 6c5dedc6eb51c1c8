"""DirectoryGroup: a group an identity provider keeps (SCIM Groups), with people of the directory as members.

A group holds no personal data of its own: its name is the organisation's, its members are directory ids
(their names stay with each person and are erased with them). A deleted group keeps its history.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from services.plan.domain.errors import InvalidStateError, RuleViolationError

MAX_NAME = 200
MAX_MEMBERS = 10_000


def group_uuid(group_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"groeipad:group:{group_id}")


class DirectoryGroup(Aggregate):
    TOPIC = "groeipad.plan:DirectoryGroup"

    class Event(Aggregate.Event):
        TOPIC = "groeipad.plan:DirectoryGroupEvent"
        NOT_PERSONAL = ("actor",)
        actor: dict

    class Created(Event, Aggregate.Created):
        TOPIC = "groeipad.plan:DirectoryGroupCreated"
        NOT_PERSONAL = ("group_id", "display_name", "external_id", "members")
        group_id: str
        display_name: str
        external_id: str | None
        members: list

    class Changed(Event):
        TOPIC = "groeipad.plan:DirectoryGroupChanged"
        NOT_PERSONAL = ("changes",)
        changes: dict

        def apply(self, group: DirectoryGroup) -> None:
            for key, value in self.changes.items():
                setattr(group, key, value)

    class Deleted(Event):
        TOPIC = "groeipad.plan:DirectoryGroupDeleted"

        def apply(self, group: DirectoryGroup) -> None:
            group.deleted = True

    def __init__(self, group_id: str, display_name: str, external_id: str | None, members: list,
                 actor: dict) -> None:
        self.group_id, self.display_name, self.external_id = group_id, display_name, external_id
        self.members = members
        self.deleted = False

    @staticmethod
    def create_id(group_id: str) -> UUID:
        return group_uuid(group_id)

    @classmethod
    def create(cls, group_id: str, actor: dict[str, str], **fields: Any) -> DirectoryGroup:
        return cls(group_id=group_id, actor=actor, **_clean(fields))

    def change(self, actor: dict[str, str], **fields: Any) -> bool:
        """Apply the fields that differ; False when nothing changed."""
        self._check_not_deleted()
        changes = {k: v for k, v in _clean(fields).items() if getattr(self, k) != v}
        if changes:
            self.trigger_event(self.Changed, changes=changes, actor=actor)
        return bool(changes)

    def delete(self, actor: dict[str, str]) -> None:
        self._check_not_deleted()
        self.trigger_event(self.Deleted, actor=actor)

    def _check_not_deleted(self) -> None:
        if self.deleted:
            raise InvalidStateError("id", "the group was deleted")


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    name = (fields.get("display_name") or "").strip()
    if not name or len(name) > MAX_NAME or "\x00" in name:
        raise RuleViolationError("displayName", f"1 to {MAX_NAME} characters, no NUL characters")
    external_id = fields.get("external_id")
    if external_id is not None and (len(external_id) > MAX_NAME or "\x00" in external_id):
        raise RuleViolationError("externalId", f"at most {MAX_NAME} characters")
    members = list(dict.fromkeys(fields.get("members") or []))
    if len(members) > MAX_MEMBERS:
        raise RuleViolationError("members", f"at most {MAX_MEMBERS} members")
    return {"display_name": name, "external_id": external_id, "members": members}
