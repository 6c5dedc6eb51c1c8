"""PlanIndex: the people and plan summaries each worker keeps in memory, caught up from the log.

Listing plans, org-chart checks and the feed's employee ids need these facts for every plan; loading
every aggregate for that would not scale. The index reads only the notification log after its own
position, before each use, so every worker answers from what is committed, never from a stale copy.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from services.plan.domain.events import topic
from services.plan.personal_data import ERASED

STATUS_BY_TOPIC = {
    topic("PlanSubmittedForReview"): "submitted",
    topic("PlanClosed"): "closed",
}
PERSON_TOPICS = {"groeipad.plan:PersonRegistered", "groeipad.plan:PersonUpdated", "groeipad.plan:PersonErased"}
PAGE = 1000


@dataclass
class PlanSummary:
    id: str
    employee_id: str
    period_start: str
    period_end: str
    trigger: str
    status: str = "draft"
    version: int = 1
    erased: bool = False
    pending_funding: set = field(default_factory=set)


class PlanIndex:
    def __init__(self) -> None:
        self.position = 0
        self.people: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, PlanSummary] = {}
        self._person_ids: dict[Any, str] = {}
        # Idempotency keys of plan creations: a retried POST /plans finds its plan whatever the body.
        self.start_requests: dict[str, tuple[str, str]] = {}
        self.erased_people: set[str] = set()
        self.accesses: list[dict[str, Any]] = []  # looks at other people's plans, oldest first
        self._lock = threading.Lock()

    def catch_up(self, app) -> None:
        """Read every notification after our position and fold it in."""
        with self._lock:
            while True:
                page = app.notification_log.select(self.position, PAGE, inclusive_of_start=False)
                for notification in page:
                    self._fold(app, notification)
                    self.position = notification.id
                if len(page) < PAGE:
                    return

    def _fold(self, app, notification) -> None:
        plan = self.plans.get(str(notification.originator_id))
        if plan is not None:
            plan.version = notification.originator_version
        if notification.topic not in FOLDED_TOPICS:
            return
        event = app.mapper.to_domain_event(notification)
        name = notification.topic.split(":", 1)[1]
        if name == "PersonRegistered":
            self.people[event.person_id] = {
                "id": event.person_id, "name": event.name, "email": event.email,
                "manager_id": event.manager_id, "department": event.department,
                "job_title": event.job_title}
            self._person_ids[notification.originator_id] = event.person_id
        elif name == "PersonUpdated":
            self.people[self._person_ids[notification.originator_id]].update(event.changes or {})
        elif name == "PersonErased":
            person_id = self._person_ids[notification.originator_id]
            self.erased_people.add(person_id)
            self.people[person_id].update(name=ERASED, email=ERASED, job_title=ERASED)
            app.forget_cached(person_id, [p.id for p in self.plans.values() if p.employee_id == person_id])
        elif name == "PlanAccessed":
            self.accesses.append({"at": event.timestamp.isoformat(), "plan_id": event.plan_id,
                                  "employee_id": event.employee_id, "what": event.what,
                                  "purpose": event.purpose, "by": event.actor})
        elif name == "PlanErased" and plan is not None:
            plan.erased = True
            app.forget_cached(None, [plan.id])
        elif name == "PlanStarted":
            self.plans[str(event.originator_id)] = PlanSummary(
                id=str(event.originator_id), employee_id=event.employee_id,
                period_start=event.period_start.isoformat(), period_end=event.period_end.isoformat(),
                trigger=event.trigger, version=notification.originator_version)
            if event.request and "key" in event.request:
                self.start_requests[event.request["key"]] = (str(event.originator_id), event.request["fingerprint"])
        elif name == "PlanReviewed" and plan is not None:
            plan.status = "active" if event.outcome == "approved" else "changes_requested"
        elif name == "FundingRequested" and plan is not None:
            plan.pending_funding.add(event.action_id)
        elif name in {"FundingApproved", "FundingDeclined"} and plan is not None:
            plan.pending_funding.discard(event.action_id)
        elif plan is not None and notification.topic in STATUS_BY_TOPIC:
            plan.status = STATUS_BY_TOPIC[notification.topic]

    # -- questions ------------------------------------------------------------------------------
    def managers_of(self, person_id: str) -> list[str]:
        """The manager chain upwards, nearest first; a cycle in the data stops the walk."""
        chain: list[str] = []
        current = self.people.get(person_id)
        while current and current.get("manager_id") and current["manager_id"] not in chain:
            chain.append(current["manager_id"])
            current = self.people.get(current["manager_id"])
        return chain

    def subject_of(self, key_id: str) -> str | None:
        """Whose plan or directory entry KEY_ID is (for data written before its key existed)."""
        if key_id in self.plans:
            return self.plans[key_id].employee_id
        return next((pid for uuid, pid in self._person_ids.items() if str(uuid) == key_id), None)

    def is_erased(self, plan_id: str) -> bool:
        plan = self.plans.get(plan_id)
        return plan is not None and (plan.erased or plan.employee_id in self.erased_people)

    def reports_of(self, manager_id: str) -> set[str]:
        return {pid for pid in self.people if manager_id in self.managers_of(pid)}


FOLDED_TOPICS = {topic(n) for n in ("PlanStarted", "PlanReviewed", "FundingRequested",
                                    "FundingApproved", "FundingDeclined", "PlanErased")}
FOLDED_TOPICS |= set(STATUS_BY_TOPIC) | PERSON_TOPICS | {"groeipad.plan:PlanAccessed"}

