"""PlanAccess: one record per look at someone else's plan (audit of the auditors).

Each record is its own aggregate with a single event, so readers never contend with each other or
with the plan's writers, and the plan's version (its ETag) does not move when someone reads it.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

ACCESS_KINDS = ("plan", "version", "as_of", "history", "diff", "export")


class PlanAccess(Aggregate):
    TOPIC = "groeipad.plan:PlanAccess"

    class Event(Aggregate.Event):
        TOPIC = "groeipad.plan:PlanAccessEvent"

    class Recorded(Event, Aggregate.Created):
        TOPIC = "groeipad.plan:PlanAccessed"
        plan_id: str
        employee_id: str
        what: str
        purpose: str | None
        actor: dict

    Created = Recorded

    def __init__(self, plan_id: str, employee_id: str, what: str, purpose: str | None, actor: dict) -> None:
        self.plan_id, self.employee_id, self.what, self.purpose, self.actor = plan_id, employee_id, what, purpose, actor

    @classmethod
    def record(cls, plan_id: UUID, employee_id: str, what: str, purpose: str | None,
               actor: dict[str, str]) -> PlanAccess:
        return cls._create(cls.Recorded, id=uuid4(), plan_id=str(plan_id), employee_id=employee_id, what=what,
                           purpose=purpose, actor=actor)
