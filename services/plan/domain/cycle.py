"""DevelopmentCycle: HR's yearly rhythm (e.g. "Functioneringsgesprekken 2027") for a scope of people.

A launch is processed in batches; each batch's new plans and the cycle's record of that batch are saved in one
transaction, so a crash loses at most the batch in flight and a re-run picks up where the record ends. Plan ids
are uuid5(employee, period), so even a batch run twice could not start a second plan for a person and period.
The cycle records who took part and how (a plan started, or started taking over their current plan: carried
forward, with the reason), and who was taken out and why. A closed cycle is frozen.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from services.plan.domain.errors import InvalidStateError, RuleViolationError
from services.plan.domain.template import MILESTONE_KINDS

SCOPE_KINDS = ("organisation", "departments", "people")
MAX_PEOPLE_IN_LIST = 10_000


class DevelopmentCycle(Aggregate):
    TOPIC = "groeipad.plan:DevelopmentCycle"

    class Event(Aggregate.Event):
        TOPIC = "groeipad.plan:DevelopmentCycleEvent"
        NOT_PERSONAL = ("actor",)
        actor: dict

    class Created(Event, Aggregate.Created):
        TOPIC = "groeipad.plan:CycleCreated"
        NOT_PERSONAL = ("name", "period_start", "period_end", "scope", "templates", "milestones")
        name: str
        period_start: date
        period_end: date
        scope: dict
        templates: dict
        milestones: list

    class BatchProcessed(Event):
        """People the launch (or a sync) dealt with: [{person_id, plan_id, outcome, department, reason}]."""

        TOPIC = "groeipad.plan:CycleBatchProcessed"
        NOT_PERSONAL = ("participants", "total")
        participants: list
        total: int

        def apply(self, cycle: DevelopmentCycle) -> None:
            for item in self.participants:
                cycle.participants[item["person_id"]] = dict(item)
            cycle.total = self.total
            cycle.status = "launched"

    class ParticipantRemoved(Event):
        TOPIC = "groeipad.plan:CycleParticipantRemoved"
        NOT_PERSONAL = ("person_id", "why")
        person_id: str
        why: str

        def apply(self, cycle: DevelopmentCycle) -> None:
            cycle.participants[self.person_id].update(outcome="removed", reason=self.why)

    class Closed(Event):
        """Frozen: ON the closing day, and per milestone kind who had done it (DONE), so the dashboard answers
        as it stood at closing."""

        TOPIC = "groeipad.plan:CycleClosed"
        NOT_PERSONAL = ("on", "done")
        class_version = 2  # 2: the closing day and who had done each milestone
        on: str | None
        done: dict | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(on=None, done=None)  # closed before the report was kept: it reads the views now

        def apply(self, cycle: DevelopmentCycle) -> None:
            cycle.status = "closed"
            cycle.frozen = {"on": self.on, "done": self.done} if self.done is not None else None

    def __init__(self, id: UUID, name: str, period_start: date, period_end: date, scope: dict, templates: dict,  # noqa: A002
                 milestones: list, actor: dict) -> None:
        self.name, self.period_start, self.period_end = name, period_start, period_end
        self.scope, self.templates, self.milestones = scope, templates, milestones
        self.status = "draft"
        self.created_by = actor["subject"]  # the HR owner of the cycle (its weekly digest goes to them)
        self.frozen: dict[str, Any] | None = None
        self.participants: dict[str, dict[str, Any]] = {}
        self.total = 0

    @classmethod
    def create(cls, cycle_id: UUID, actor: dict[str, str], *, name: str, period_start: date, period_end: date,
               scope: dict[str, Any], templates: dict[str, Any], milestones: list[dict[str, Any]]
               ) -> DevelopmentCycle:
        name = name.strip()
        if not name:
            raise RuleViolationError("name", "must not be empty")
        if period_end <= period_start:
            raise RuleViolationError("period_end", "must be after period_start")
        scope = _scope(scope)
        if not (templates.get("default") or templates.get("by_department") or templates.get("by_role")):
            raise RuleViolationError("templates", "name a default template, or one per department or role")
        dated = []
        for index, item in enumerate(milestones):
            if item["kind"] not in MILESTONE_KINDS:
                raise RuleViolationError(f"milestones.{index}.kind", f"must be one of: {', '.join(MILESTONE_KINDS)}")
            if not period_start <= item["due"] <= period_end:
                raise RuleViolationError(f"milestones.{index}.due", "must lie inside the cycle's period")
            dated.append({"kind": item["kind"], "due": item["due"].isoformat()})
        if len({m["kind"] for m in dated}) != len(dated):
            raise RuleViolationError("milestones", "each kind of milestone at most once")
        return cls(id=cycle_id, actor=actor, name=name, period_start=period_start, period_end=period_end,
                   scope=scope, templates=_templates(templates), milestones=sorted(dated, key=lambda m: m["due"]))

    def template_for(self, department: str, job_title: str) -> str | None:
        """The template a person's plan starts from: their role's, else their department's, else the default."""
        return (self.templates["by_role"].get(job_title) or self.templates["by_department"].get(department)
                or self.templates["default"])

    def in_scope(self, person: dict[str, Any]) -> bool:
        if person.get("erased") or person.get("active") is False:  # forgotten, or deactivated in the directory
            return False
        kind = self.scope["kind"]
        if kind == "organisation":
            return True
        if kind == "people":
            return person["person_id"] in self.scope["people"]
        department = person.get("department") or ""
        for wanted in self.scope["departments"]:
            if department == wanted or (self.scope["include_sub_departments"]
                                        and department.startswith(wanted + SUB_DEPARTMENT)):
                return True
        return False

    def pending(self, person_id: str) -> bool:
        """Not yet dealt with, or taken out earlier and back in scope now."""
        known = self.participants.get(person_id)
        return known is None or known["outcome"] == "removed"

    def record_batch(self, actor: dict[str, str], participants: list[dict[str, Any]], total: int) -> None:
        self.check_open()
        if participants:
            self.trigger_event(self.BatchProcessed, participants=participants, total=total, actor=actor)

    def remove(self, actor: dict[str, str], person_id: str, why: str) -> None:
        self.check_open()
        known = self.participants.get(person_id)
        if known is None or known["outcome"] == "removed":
            return
        self.trigger_event(self.ParticipantRemoved, person_id=person_id, why=why, actor=actor)

    def close(self, actor: dict[str, str], on: str | None = None, done: dict[str, list[str]] | None = None) -> None:
        self.check_open()
        self.trigger_event(self.Closed, actor=actor, on=on, done=done)

    def check_open(self) -> None:
        if self.status == "closed":
            raise InvalidStateError("status", "the cycle is closed and frozen")

    def progress(self) -> dict[str, int]:
        done = [p for p in self.participants.values() if p["outcome"] != "removed"]
        return {"done": len(done), "total": self.total,
                "started": sum(p["outcome"] == "started" for p in done),
                "carried_forward": sum(p["outcome"] == "carried_forward" for p in done),
                "removed": sum(p["outcome"] == "removed" for p in self.participants.values())}


SUB_DEPARTMENT = "/"  # "TD/Onderhoud" is a sub-department of "TD"


def _scope(scope: dict[str, Any]) -> dict[str, Any]:
    kind = scope.get("kind")
    if kind not in SCOPE_KINDS:
        raise RuleViolationError("scope.kind", f"must be one of: {', '.join(SCOPE_KINDS)}")
    departments = sorted({d.strip() for d in scope.get("departments") or [] if d.strip()})
    people = sorted({p.strip() for p in scope.get("people") or [] if p.strip()})
    if kind == "departments" and not departments:
        raise RuleViolationError("scope.departments", "name at least one department")
    if kind == "people" and not people:
        raise RuleViolationError("scope.people", "name at least one person")
    if len(people) > MAX_PEOPLE_IN_LIST:
        raise RuleViolationError("scope.people", f"at most {MAX_PEOPLE_IN_LIST}; use departments for more")
    return {"kind": kind, "departments": departments if kind == "departments" else [],
            "include_sub_departments": bool(scope.get("include_sub_departments")) and kind == "departments",
            "people": people if kind == "people" else []}


def _templates(templates: dict[str, Any]) -> dict[str, Any]:
    return {"default": str(templates["default"]) if templates.get("default") else None,
            "by_department": {k: str(v) for k, v in (templates.get("by_department") or {}).items()},
            "by_role": {k: str(v) for k, v in (templates.get("by_role") or {}).items()}}


CYCLE_EVENTS = (DevelopmentCycle.Created, DevelopmentCycle.BatchProcessed, DevelopmentCycle.ParticipantRemoved,
                DevelopmentCycle.Closed)
for _cls in (DevelopmentCycle.Event, *CYCLE_EVENTS):
    register_topic(_cls.TOPIC, _cls)
