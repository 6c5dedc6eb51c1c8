"""LearningRequirement: mandatory learning HR and L&D define per department or role, with a recurrence.

Event-sourced and versioned: each revision keeps the whole content, who changed it, when and why, so the
compliance report as of any date reads the version that was in force then (services/plan/compliance.py). A
requirement is about roles and departments, never about a person: every field is declared not personal.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from services.plan.domain import limits
from services.plan.domain.errors import InvalidStateError, RuleViolationError

MAX_RECURRENCE_MONTHS = 120
MAX_GRACE_DAYS = 366
MAX_ITEMS = 50


class LearningRequirement(Aggregate):
    TOPIC = "groeipad.plan:LearningRequirement"

    class Event(Aggregate.Event):
        TOPIC = "groeipad.plan:LearningRequirementEvent"
        NOT_PERSONAL = ("actor", "reason")
        actor: dict
        reason: str

    class Created(Event, Aggregate.Created):
        TOPIC = "groeipad.plan:LearningRequirementCreated"
        NOT_PERSONAL = ("content",)
        content: dict

    class Revised(Event):
        TOPIC = "groeipad.plan:LearningRequirementRevised"
        NOT_PERSONAL = ("content",)
        content: dict

        def apply(self, requirement: LearningRequirement) -> None:
            requirement.versions.append(self.content)

    class Retired(Event):
        TOPIC = "groeipad.plan:LearningRequirementRetired"

        def apply(self, requirement: LearningRequirement) -> None:
            requirement.retired = True

    def __init__(self, id: UUID, content: dict, actor: dict, reason: str) -> None:  # noqa: A002 - the library's
        self.versions = [content]
        self.retired = False

    @classmethod
    def define(cls, requirement_id: UUID, actor: dict[str, str], reason: str = "", **content: Any
               ) -> LearningRequirement:
        return cls(id=requirement_id, content=clean_content(content), actor=actor, reason=_reason(reason, False))

    def revise(self, actor: dict[str, str], reason: str, **content: Any) -> None:
        """A new version in force from now on; reports as of earlier dates keep the version they had."""
        self._check_active()
        clean = clean_content(content)
        if clean == self.versions[-1]:
            raise RuleViolationError("body", "nothing changes: this is the current version's content")
        self.trigger_event(self.Revised, content=clean, actor=actor, reason=_reason(reason, True))

    def retire(self, actor: dict[str, str], reason: str) -> None:
        self._check_active()
        self.trigger_event(self.Retired, actor=actor, reason=_reason(reason, True))

    @property
    def current_version(self) -> int:
        return len(self.versions)

    def content(self) -> dict[str, Any]:
        return self.versions[-1]

    def _check_active(self) -> None:
        if self.retired:
            raise InvalidStateError("requirement_id", "the requirement is retired")


def _reason(reason: str | None, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise RuleViolationError("reason", "say why the requirement changes")
    if len(text) > limits.LONG_TEXT:
        raise RuleViolationError("reason", f"at most {limits.LONG_TEXT} characters")
    return text


def clean_content(content: dict[str, Any]) -> dict[str, Any]:
    """The requirement checked and normalised: whom it applies to, how often, and what satisfies it."""
    name = str(content.get("name") or "").strip()
    if not name:
        raise RuleViolationError("name", "must not be empty")
    if len(name) > limits.SHORT_TEXT:
        raise RuleViolationError("name", f"at most {limits.SHORT_TEXT} characters")
    lists = {key: _texts(content.get(key), key) for key in ("departments", "roles", "offer_ids", "skills")}
    if not lists["departments"] and not lists["roles"]:
        raise RuleViolationError("departments", "name at least one department or role it applies to")
    if not lists["offer_ids"] and not lists["skills"]:
        raise RuleViolationError("offer_ids", "name at least one offer or skill that satisfies it")
    recurrence = content.get("recurrence_months")
    if recurrence is not None and (isinstance(recurrence, bool) or not isinstance(recurrence, int)
                                   or not 1 <= recurrence <= MAX_RECURRENCE_MONTHS):
        raise RuleViolationError("recurrence_months", f"whole months from 1 to {MAX_RECURRENCE_MONTHS}, or none "
                                                      "for once")
    grace = content.get("grace_days", 90)
    if isinstance(grace, bool) or not isinstance(grace, int) or not 0 <= grace <= MAX_GRACE_DAYS:
        raise RuleViolationError("grace_days", f"whole days from 0 to {MAX_GRACE_DAYS}")
    return {"name": name, **lists, "recurrence_months": recurrence, "grace_days": grace,
            "certificate_required": bool(content.get("certificate_required", False))}


def _texts(values: Any, name: str) -> list[str]:
    out: list[str] = []
    for value in values or []:
        text = str(value).strip()
        if len(text) > limits.SHORT_TEXT:
            raise RuleViolationError(name, f"each at most {limits.SHORT_TEXT} characters")
        if text and text not in out:
            out.append(text)
    if len(out) > MAX_ITEMS:
        raise RuleViolationError(name, f"at most {MAX_ITEMS}")
    return out


REQUIREMENT_EVENTS = (LearningRequirement.Created, LearningRequirement.Revised, LearningRequirement.Retired)
for _cls in (LearningRequirement.Event, *REQUIREMENT_EVENTS):
    register_topic(_cls.TOPIC, _cls)
