"""PlanAccess: one record per look at someone else's plan (audit of the auditors).

Each record is its own aggregate with a single event, so readers never contend with each other or
with the plan's writers, and the plan's version (its ETag) does not move when someone reads it. The
purpose is a code (shared.purposes); the reader's note is sealed with the plan's key, so it is forgotten
with the person.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

ACCESS_KINDS = ("plan", "version", "as_of", "history", "diff", "export")
# Version 1 purposes the services themselves wrote, and the code each one means.
V1_FIXED_PURPOSES = {"GDPR export": "gdpr_request",
                     "organisation report: aggregates per department": "report"}


def _purpose_as_code(state: dict) -> None:
    """Version 1 kept the purpose as free text in the clear: it becomes the note, under the code 'other'."""
    text = state.pop("purpose", None)
    if text in V1_FIXED_PURPOSES:
        state["purpose"], state["note"] = V1_FIXED_PURPOSES[text], None
    else:
        state["purpose"], state["note"] = ("other", text) if text else (None, None)


class PlanAccess(Aggregate):
    TOPIC = "groeipad.plan:PlanAccess"

    class Event(Aggregate.Event):
        TOPIC = "groeipad.plan:PlanAccessEvent"

    class Recorded(Event, Aggregate.Created):
        TOPIC = "groeipad.plan:PlanAccessed"
        class_version = 2
        PERSONAL_TEXT = ("note",)
        NOT_PERSONAL = ("plan_id", "employee_id", "what", "purpose", "actor")
        SEALED_WITH = "plan_id"  # the plan's key: erasing the person or the plan forgets the note too
        SUBJECT_FIELD = "employee_id"
        plan_id: str
        employee_id: str
        what: str
        purpose: str | None
        note: str | None
        actor: dict
        upcast_v1_v2 = staticmethod(_purpose_as_code)

    @event(Recorded)
    def __init__(self, plan_id: str, employee_id: str, what: str, purpose: str | None, note: str | None,
                 actor: dict) -> None:
        self.plan_id, self.employee_id, self.what, self.actor = plan_id, employee_id, what, actor
        self.purpose, self.note = purpose, note

    @classmethod
    def record(cls, plan_id: UUID, employee_id: str, what: str, purpose: str | None, note: str | None,
               actor: dict[str, str]) -> PlanAccess:
        return cls(plan_id=str(plan_id), employee_id=employee_id, what=what, purpose=purpose, note=note, actor=actor)
