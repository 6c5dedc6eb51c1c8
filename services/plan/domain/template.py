"""PlanTemplate: HR's and L&D's starting point for plans, versioned so a revision never touches a started plan.

Each revision keeps the whole content, so any version reads back exactly as plans started from it saw it. A
template holds no personal data (it is about roles, not people): every field is declared not personal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from services.plan.domain.errors import InvalidStateError, RuleViolationError
from services.plan.domain.vocabulary import MAX_LEVEL, MEANS, MIN_LEVEL

MILESTONE_KINDS = ("self_evaluation", "goals_set", "conversation", "mid_year_review", "year_end_review")
MAX_OFFSET_DAYS = 5 * 366
MAX_ITEMS = 50


class PlanTemplate(Aggregate):
    TOPIC = "groeipad.plan:PlanTemplate"

    class Event(Aggregate.Event):
        TOPIC = "groeipad.plan:PlanTemplateEvent"
        NOT_PERSONAL = ("actor",)
        actor: dict

    class Created(Event, Aggregate.Created):
        TOPIC = "groeipad.plan:PlanTemplateCreated"
        NOT_PERSONAL = ("content",)
        content: dict

    class Revised(Event):
        TOPIC = "groeipad.plan:PlanTemplateRevised"
        NOT_PERSONAL = ("content", "change_note")
        content: dict
        change_note: str

        def apply(self, template: PlanTemplate) -> None:
            template.versions.append(self.content)

    class Retired(Event):
        TOPIC = "groeipad.plan:PlanTemplateRetired"
        NOT_PERSONAL = ("change_note",)
        change_note: str

        def apply(self, template: PlanTemplate) -> None:
            template.retired = True

    def __init__(self, id: UUID, content: dict, actor: dict) -> None:  # noqa: A002 - the library passes it so
        self.versions = [content]
        self.retired = False

    @classmethod
    def create(cls, template_id: UUID, actor: dict[str, str], **content: Any) -> PlanTemplate:
        return cls(id=template_id, content=clean_content(content), actor=actor)

    def revise(self, actor: dict[str, str], change_note: str, **content: Any) -> None:
        """A new version; plans started from an older one keep pointing at theirs."""
        self._check_active()
        clean = clean_content(content)
        if clean == self.versions[-1]:
            raise RuleViolationError("body", "nothing changes: this is the current version's content")
        self.trigger_event(self.Revised, content=clean, change_note=change_note.strip(), actor=actor)

    def retire(self, actor: dict[str, str], change_note: str = "") -> None:
        self._check_active()
        self.trigger_event(self.Retired, change_note=change_note.strip(), actor=actor)

    @property
    def current_version(self) -> int:
        return len(self.versions)

    def content(self, version: int | None = None) -> dict[str, Any]:
        version = version or self.current_version
        if not 1 <= version <= self.current_version:
            raise RuleViolationError("version", f"the template has versions 1 to {self.current_version}")
        return self.versions[version - 1]

    def usable(self) -> None:
        """Plans start only from a template still in use."""
        self._check_active()

    def _check_active(self) -> None:
        if self.retired:
            raise InvalidStateError("template_id", "the template is retired")


def clean_content(content: dict[str, Any]) -> dict[str, Any]:
    """The template's content checked and normalised: the rules a template keeps whatever the client sent."""
    name = str(content.get("name") or "").strip()
    if not name:
        raise RuleViolationError("name", "must not be empty")
    goals = []
    for index, goal in enumerate(content.get("goals") or []):
        title = str(goal.get("title") or "").strip()
        if not title:
            raise RuleViolationError(f"goals.{index}.title", "must not be empty")
        skills = []
        for n, item in enumerate(goal.get("skills") or []):
            level = item.get("target_level")
            if isinstance(level, bool) or not isinstance(level, int) or not MIN_LEVEL <= level <= MAX_LEVEL:
                raise RuleViolationError(f"goals.{index}.skills.{n}.target_level",
                                         f"must be a whole number from {MIN_LEVEL} to {MAX_LEVEL}")
            skills.append({"skill": str(item.get("skill") or "").strip(), "target_level": level})
        offset = goal.get("deadline_offset_days")
        if offset is not None:
            _offset(offset, f"goals.{index}.deadline_offset_days")
        goals.append({"title": title, "skills": skills, "measure": str(goal.get("measure") or "").strip(),
                      "relevance": str(goal.get("relevance") or "").strip(), "deadline_offset_days": offset})
    means = []
    for index, item in enumerate(content.get("learning_means") or []):
        if item.get("means") not in MEANS:
            raise RuleViolationError(f"learning_means.{index}.means", f"must be one of: {', '.join(MEANS)}")
        means.append({"means": item["means"], "title": str(item.get("title") or "").strip(),
                      "offer_id": item.get("offer_id")})
    milestones = []
    for index, item in enumerate(content.get("milestones") or []):
        if item.get("kind") not in MILESTONE_KINDS:
            raise RuleViolationError(f"milestones.{index}.kind", f"must be one of: {', '.join(MILESTONE_KINDS)}")
        _offset(item.get("offset_days"), f"milestones.{index}.offset_days")
        milestones.append({"kind": item["kind"], "offset_days": item["offset_days"]})
    kinds = [m["kind"] for m in milestones]
    if len(set(kinds)) != len(kinds):
        raise RuleViolationError("milestones", "each kind of milestone at most once")
    milestones.sort(key=lambda m: m["offset_days"])
    for name_, items in (("goals", goals), ("learning_means", means), ("milestones", milestones),
                         ("skills_to_assess", content.get("skills_to_assess") or []),
                         ("role_profiles", content.get("role_profiles") or []),
                         ("departments", content.get("departments") or [])):
        if len(items) > MAX_ITEMS:
            raise RuleViolationError(name_, f"at most {MAX_ITEMS}")
    hours = float(content.get("hours_norm") or 0)
    budget = Decimal(content.get("budget_norm") or 0)
    if hours < 0:
        raise RuleViolationError("hours_norm", "must not be negative")
    if budget < 0:
        raise RuleViolationError("budget_norm", "must not be negative")
    return {"name": name, "role_profiles": _texts(content.get("role_profiles")),
            "departments": _texts(content.get("departments")), "goals": goals,
            "skills_to_assess": _texts(content.get("skills_to_assess")), "learning_means": means,
            "milestones": milestones, "hours_norm": hours, "budget_norm": budget}


def _texts(values: Any) -> list[str]:
    out: list[str] = []
    for value in values or []:
        text = str(value).strip()
        if text and text not in out:
            out.append(text)
    return out


def _offset(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_OFFSET_DAYS:
        raise RuleViolationError(name, f"whole days from 0 to {MAX_OFFSET_DAYS}")


TEMPLATE_EVENTS = (PlanTemplate.Created, PlanTemplate.Revised, PlanTemplate.Retired)
for _cls in (PlanTemplate.Event, *TEMPLATE_EVENTS):
    register_topic(_cls.TOPIC, _cls)
