"""The events of a development plan, past tense, each applying itself to the plan.

Topics are pinned (`groeipad.plan:<Name>`) so that moving this module never breaks stored events.
Every event carries the actor ({subject, role}), an optional reason, and the request that caused it:
its request id (traced on through the feed) and, for a retry-safe request, its idempotency key and
fingerprint, so a retried request finds its first answer in the plan itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from copy import deepcopy
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from services.plan.domain import skills
from services.plan.domain.vocabulary import skill_key


def topic(name: str) -> str:
    return f"groeipad.plan:{name}"


EVENT_CLOCK: ContextVar[Callable[[], datetime] | None] = ContextVar("plan_event_clock", default=None)


@contextmanager
def events_recorded_by(clock: Callable[[], datetime]) -> Iterator[None]:
    """Plan events made inside get their time from CLOCK: the demo seed writes a history that happened
    over past months. Nothing an API caller sends reaches it."""
    token = EVENT_CLOCK.set(clock)
    try:
        yield
    finally:
        EVENT_CLOCK.reset(token)


class PlanEvent(Aggregate.Event):
    TOPIC = topic("PlanEvent")
    PERSONAL_TEXT = ("reason",)
    NOT_PERSONAL = ("actor", "request")
    actor: dict
    reason: str | None
    request: dict | None

    @staticmethod
    def create_timestamp() -> datetime:
        """Now, or the time of the clock a past history is recorded by (events_recorded_by)."""
        clock = EVENT_CLOCK.get()
        return clock() if clock else Aggregate.Event.create_timestamp()

    def mutate(self, aggregate):  # type: ignore[override]
        aggregate = super().mutate(aggregate)
        if self.request and "key" in self.request:
            aggregate.requests[self.request["key"]] = {**self.request, "version": aggregate.version}
        return aggregate


class PlanStarted(PlanEvent, Aggregate.Created):
    TOPIC = topic("PlanStarted")
    PERSONAL_TEXT = ("career_project", "target_role")
    NOT_PERSONAL = ("employee_id", "period_start", "period_end", "trigger", "available_hours", "available_budget",
                    "template")
    SUBJECT_FIELD = "employee_id"  # the plan's key belongs to its employee
    class_version = 2  # 2: the template the plan started from ({template_id, version}, or None)
    employee_id: str
    period_start: date
    period_end: date
    trigger: str
    career_project: str
    target_role: str | None
    available_hours: float
    available_budget: Decimal
    template: dict | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["template"] = None  # plans started before templates existed started from a blank page

    def apply(self, plan) -> None:
        plan.employee_id, plan.trigger = self.employee_id, self.trigger
        plan.period_start, plan.period_end = self.period_start, self.period_end
        plan.career_project, plan.target_role = self.career_project, self.target_role
        plan.available_hours, plan.available_budget = self.available_hours, self.available_budget
        plan.status = "draft"
        plan.skills, plan.goals, plan.actions, plan.recommendations = {}, {}, {}, {}
        plan.feedback, plan.progress, plan.reviews = [], [], []
        plan.requests = {}
        plan.closed_reason = None
        plan.erased = False
        plan.template = dict(self.template) if self.template else None
        plan.checkins = {}
        plan.completion_proposals = {}
        plan.submission = None


class SkillAssessed(PlanEvent):
    TOPIC = topic("SkillAssessed")
    PERSONAL_TEXT = ("skill_key", "skill", "note", "status")
    PERSONAL_DATA = ("level", "transferable_to")
    NOT_PERSONAL = ("category", "assessor")
    skill_key: str
    skill: str
    category: str
    level: int
    assessor: str
    note: str
    status: str | None
    transferable_to: list

    def apply(self, plan) -> None:
        entry = plan.skills.setdefault(self.skill_key, {"skill": self.skill, "levels": {}})
        day = self.timestamp.date().isoformat()
        entry.update(skill=self.skill, category=self.category, assessor=self.assessor, note=self.note,
                     assessed_on=day)
        skills.rate(entry, self.assessor, self.level, day)
        if self.status is not None:
            entry["status"] = self.status
        if self.transferable_to:
            entry["transferable_to"] = list(self.transferable_to)



class SkillAssessmentWithdrawn(PlanEvent):
    """The employee (or manager) takes a skill out of the self-evaluation: its ratings no longer count."""

    TOPIC = topic("SkillAssessmentWithdrawn")
    PERSONAL_TEXT = ("skill_key", "skill")
    skill_key: str
    skill: str

    def apply(self, plan) -> None:
        plan.skills.pop(self.skill_key, None)


class PlanDetailsChanged(PlanEvent):
    """The plan's own fields changed: career project, target role, period, hours or budget available."""

    TOPIC = topic("PlanDetailsChanged")
    PERSONAL_DATA = ("changes",)
    changes: dict

    def apply(self, plan) -> None:
        for name, value in (self.changes or {}).items():  # None once the person's data was erased
            setattr(plan, name, value)

class GoalSet(PlanEvent):
    TOPIC = topic("GoalSet")
    PERSONAL_TEXT = ("title", "measure", "relevance")
    PERSONAL_DATA = ("skills",)
    NOT_PERSONAL = ("goal_id", "hours_needed", "budget_needed", "deadline")
    goal_id: str
    title: str
    skills: list
    measure: str
    hours_needed: float
    budget_needed: Decimal
    relevance: str
    deadline: date

    def apply(self, plan) -> None:
        plan.goals[self.goal_id] = open_goal(self)


class GoalRevised(PlanEvent):
    TOPIC = topic("GoalRevised")
    PERSONAL_DATA = ("changes",)
    NOT_PERSONAL = ("goal_id",)
    goal_id: str
    changes: dict

    def apply(self, plan) -> None:
        goal = plan.goals[self.goal_id]
        goal.update(deepcopy(self.changes or {}))  # None once the person's data was erased
        goal["revisions"] += 1


class GoalAchieved(PlanEvent):
    TOPIC = topic("GoalAchieved")
    PERSONAL_TEXT = ("note",)
    NOT_PERSONAL = ("goal_id",)
    goal_id: str
    note: str

    def apply(self, plan) -> None:
        plan.goals[self.goal_id].update(status="achieved", progress=100)


class GoalAbandoned(PlanEvent):
    TOPIC = topic("GoalAbandoned")
    NOT_PERSONAL = ("goal_id",)
    goal_id: str

    def apply(self, plan) -> None:
        plan.goals[self.goal_id]["status"] = "abandoned"


class LearningActionPlanned(PlanEvent):
    TOPIC = topic("LearningActionPlanned")
    PERSONAL_TEXT = ("title", "provider")
    NOT_PERSONAL = ("action_id", "goal_ids", "means", "offer_id", "planned_start", "planned_end", "hours", "cost",
                    "certificate", "recommendation_id")
    action_id: str
    goal_ids: list
    means: str
    title: str
    offer_id: str | None
    provider: str
    planned_start: date
    planned_end: date
    hours: float
    cost: Decimal
    certificate: bool
    recommendation_id: str | None

    def apply(self, plan) -> None:
        plan.actions[self.action_id] = planned_action(self)


class LearningActionRescheduled(PlanEvent):
    TOPIC = topic("LearningActionRescheduled")
    NOT_PERSONAL = ("action_id", "planned_start", "planned_end")
    action_id: str
    planned_start: date
    planned_end: date

    def apply(self, plan) -> None:
        plan.actions[self.action_id].update(planned_start=self.planned_start, planned_end=self.planned_end)


class LearningActionStarted(PlanEvent):
    TOPIC = topic("LearningActionStarted")
    NOT_PERSONAL = ("action_id", "on")
    action_id: str
    on: date

    def apply(self, plan) -> None:
        plan.actions[self.action_id].update(status="started", started_on=self.on)


class LearningActionCompleted(PlanEvent):
    TOPIC = topic("LearningActionCompleted")
    PERSONAL_TEXT = ("reflection",)
    PERSONAL_DATA = ("evaluation", "skill_levels", "result")
    NOT_PERSONAL = ("action_id", "on", "source", "reference")
    class_version = 2  # 2: a result (passed or failed, a score) and where the completion came from
    action_id: str
    on: date
    evaluation: int | None  # None when a learning record store reported it and the employee has not rated it
    reflection: str
    skill_levels: list
    result: dict | None  # {"success": bool, "score": float -1..1 or None}
    source: str | None  # None: the employee; "xapi": a statement in the learning record store
    reference: str | None  # the source's id for it (the xAPI statement id)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.update(result=None, source=None, reference=None)

    def apply(self, plan) -> None:
        plan.actions[self.action_id].update(
            status="completed", completed_on=self.on, evaluation=self.evaluation,
            reflection=self.reflection, skill_levels=deepcopy(self.skill_levels),
            result=deepcopy(self.result), source=self.source)
        for item in self.skill_levels or []:  # None once the person's data was erased
            entry = plan.skills.setdefault(skill_key(item["skill"]), {"skill": item["skill"], "levels": {},
                                                                      "category": None})
            skills.rate(entry, skills.RERATING, item["level"], self.on.isoformat())


class LearningActionCancelled(PlanEvent):
    TOPIC = topic("LearningActionCancelled")
    NOT_PERSONAL = ("action_id",)
    action_id: str

    def apply(self, plan) -> None:
        plan.actions[self.action_id]["status"] = "cancelled"


class ProgressReviewed(PlanEvent):
    TOPIC = topic("ProgressReviewed")
    PERSONAL_TEXT = ("note",)
    NOT_PERSONAL = ("goal_id", "progress")
    goal_id: str | None
    progress: int | None
    note: str

    def apply(self, plan) -> None:
        plan.progress.append({"goal_id": self.goal_id, "progress": self.progress, "note": self.note,
                              "by": dict(self.actor), "on": self.timestamp.isoformat()})
        if self.goal_id and self.progress is not None:
            plan.goals[self.goal_id]["progress"] = self.progress


class FeedbackReceived(PlanEvent):
    TOPIC = topic("FeedbackReceived")
    PERSONAL_TEXT = ("text",)
    NOT_PERSONAL = ("feedback_id", "source", "goal_id")
    feedback_id: str
    source: str
    text: str
    goal_id: str | None

    def apply(self, plan) -> None:
        plan.feedback.append({"feedback_id": self.feedback_id, "source": self.source,
                              "text": self.text, "goal_id": self.goal_id, "by": dict(self.actor),
                              "on": self.timestamp.isoformat()})


class PlanSubmittedForReview(PlanEvent):
    TOPIC = topic("PlanSubmittedForReview")
    PERSONAL_TEXT = ("note",)
    note: str

    def apply(self, plan) -> None:
        plan.status = "submitted"
        plan.submission = {"note": self.note, "on": self.timestamp.isoformat(), "by": dict(self.actor)}


class PlanReviewed(PlanEvent):
    TOPIC = topic("PlanReviewed")
    PERSONAL_TEXT = ("comment",)
    NOT_PERSONAL = ("outcome",)
    outcome: str
    comment: str

    def apply(self, plan) -> None:
        plan.status = "active" if self.outcome == "approved" else "changes_requested"
        plan.reviews.append({"outcome": self.outcome, "comment": self.comment,
                             "by": dict(self.actor), "on": self.timestamp.isoformat()})


class FundingRequested(PlanEvent):
    TOPIC = topic("FundingRequested")
    PERSONAL_TEXT = ("justification",)
    NOT_PERSONAL = ("action_id", "amount")
    action_id: str
    amount: Decimal
    justification: str

    def apply(self, plan) -> None:
        plan.actions[self.action_id]["funding"] = {
            "status": "requested", "amount": self.amount, "requested_amount": self.amount,
            "justification": self.justification,
            "requested_on": self.timestamp.isoformat(), "decided_by": None, "comment": None}


class FundingApproved(PlanEvent):
    TOPIC = topic("FundingApproved")
    PERSONAL_TEXT = ("comment",)
    NOT_PERSONAL = ("action_id", "amount")
    action_id: str
    amount: Decimal
    comment: str

    def apply(self, plan) -> None:
        plan.actions[self.action_id]["funding"].update(
            status="approved", amount=self.amount, comment=self.comment, decided_by=dict(self.actor))


class FundingDeclined(PlanEvent):
    TOPIC = topic("FundingDeclined")
    NOT_PERSONAL = ("action_id",)
    action_id: str

    def apply(self, plan) -> None:
        plan.actions[self.action_id]["funding"].update(
            status="declined", comment=self.reason, decided_by=dict(self.actor))


class RecommendationAccepted(PlanEvent):
    TOPIC = topic("RecommendationAccepted")
    NOT_PERSONAL = ("recommendation_id", "offer_id", "action_id")
    recommendation_id: str
    offer_id: str | None
    action_id: str

    def apply(self, plan) -> None:
        plan.recommendations[self.recommendation_id] = {
            "status": "accepted", "offer_id": self.offer_id, "action_id": self.action_id}


class RecommendationDismissed(PlanEvent):
    TOPIC = topic("RecommendationDismissed")
    NOT_PERSONAL = ("recommendation_id", "offer_id")
    recommendation_id: str
    offer_id: str | None

    def apply(self, plan) -> None:
        plan.recommendations[self.recommendation_id] = {
            "status": "dismissed", "offer_id": self.offer_id, "reason": self.reason}


class PlanClosed(PlanEvent):
    TOPIC = topic("PlanClosed")

    def apply(self, plan) -> None:
        plan.status = "closed"
        plan.closed_reason = self.reason


class PlanErased(PlanEvent):
    """Retention: the plan's key was destroyed; its personal fields read as erased from now on."""

    TOPIC = topic("PlanErased")

    def apply(self, plan) -> None:
        plan.erased = True


# -- check-ins: a conversation about the plan, scheduled, held and recorded ------------------------------
class CheckInScheduled(PlanEvent):
    TOPIC = topic("CheckInScheduled")
    PERSONAL_TEXT = ("location",)
    PERSONAL_DATA = ("agenda",)
    NOT_PERSONAL = ("checkin_id", "on", "at", "duration_minutes")
    checkin_id: str
    on: date
    at: str
    duration_minutes: int
    location: str
    agenda: list

    def apply(self, plan) -> None:
        plan.checkins[self.checkin_id] = {
            "checkin_id": self.checkin_id, "on": self.on, "at": self.at, "duration_minutes": self.duration_minutes,
            "location": self.location, "status": "scheduled", "scheduled_by": dict(self.actor),
            "agenda": [{"text": text, "by": dict(self.actor)} for text in self.agenda or []],
            "notes": None, "agreements": [], "reschedules": 0, "cancel_reason": None}


class CheckInAgendaPointAdded(PlanEvent):
    TOPIC = topic("CheckInAgendaPointAdded")
    PERSONAL_TEXT = ("point",)
    NOT_PERSONAL = ("checkin_id",)
    checkin_id: str
    point: str

    def apply(self, plan) -> None:
        plan.checkins[self.checkin_id]["agenda"].append({"text": self.point, "by": dict(self.actor)})


class CheckInRescheduled(PlanEvent):
    TOPIC = topic("CheckInRescheduled")
    PERSONAL_TEXT = ("location",)
    NOT_PERSONAL = ("checkin_id", "on", "at", "duration_minutes")
    checkin_id: str
    on: date
    at: str
    duration_minutes: int
    location: str

    def apply(self, plan) -> None:
        checkin = plan.checkins[self.checkin_id]
        checkin.update(on=self.on, at=self.at, duration_minutes=self.duration_minutes, location=self.location)
        checkin["reschedules"] += 1


class CheckInCancelled(PlanEvent):
    TOPIC = topic("CheckInCancelled")
    NOT_PERSONAL = ("checkin_id",)
    checkin_id: str

    def apply(self, plan) -> None:
        plan.checkins[self.checkin_id].update(status="cancelled", cancel_reason=self.reason)


class CheckInRecorded(PlanEvent):
    """The conversation took place: its notes and the agreements made (each with an id to act on later)."""

    TOPIC = topic("CheckInRecorded")
    PERSONAL_TEXT = ("notes",)
    PERSONAL_DATA = ("agreements",)
    NOT_PERSONAL = ("checkin_id",)
    checkin_id: str
    notes: str
    agreements: list

    def apply(self, plan) -> None:
        plan.checkins[self.checkin_id].update(
            status="held", notes=self.notes,
            agreements=[{**item, "goal_id": None, "action_id": None} for item in deepcopy(self.agreements or [])])


class CheckInAgreementActedOn(PlanEvent):
    """An agreement became a goal revision or a learning action (the event just before this one)."""

    TOPIC = topic("CheckInAgreementActedOn")
    NOT_PERSONAL = ("checkin_id", "agreement_id", "goal_id", "action_id")
    checkin_id: str
    agreement_id: str
    goal_id: str | None
    action_id: str | None

    def apply(self, plan) -> None:
        for item in plan.checkins[self.checkin_id]["agreements"]:
            if item["agreement_id"] == self.agreement_id:
                item.update(goal_id=self.goal_id, action_id=self.action_id)


class CompletionProposed(PlanEvent):
    """A learning record store reported a completion that may be one of these actions: the employee decides."""

    TOPIC = topic("CompletionProposed")
    PERSONAL_DATA = ("result",)
    NOT_PERSONAL = ("proposal_id", "action_ids", "on", "source", "reference", "match")
    proposal_id: str
    action_ids: list
    on: date
    result: dict | None
    source: str
    reference: str
    match: str  # "url": the activity only resembles the offer's address; "activity": several actions fit

    def apply(self, plan) -> None:
        plan.completion_proposals[self.proposal_id] = {
            "proposal_id": self.proposal_id, "action_ids": list(self.action_ids), "on": self.on,
            "result": deepcopy(self.result), "source": self.source, "reference": self.reference, "match": self.match,
            "status": "pending", "action_id": None, "proposed_at": self.timestamp.isoformat()}


class CompletionProposalSettled(PlanEvent):
    """The employee accepted a completion proposal for one action (its completion follows) or rejected it."""

    TOPIC = topic("CompletionProposalSettled")
    NOT_PERSONAL = ("proposal_id", "outcome", "action_id")
    proposal_id: str
    outcome: str  # accepted | rejected
    action_id: str | None

    def apply(self, plan) -> None:
        plan.completion_proposals[self.proposal_id].update(status=self.outcome, action_id=self.action_id)


# -- certificates (services/plan/domain/certificates.py holds the rule that reads them) --------------------------
class CertificateAdded(PlanEvent):
    """A completed action's certificate arrived: the dates stay in the clear (expiry reminders, compliance),
    the number, the issuer and the stored file's details are the person's and sealed with the plan's key."""

    TOPIC = topic("CertificateAdded")
    PERSONAL_TEXT = ("number", "issuer")
    PERSONAL_DATA = ("file",)
    NOT_PERSONAL = ("certificate_id", "action_id", "issued_on", "expires_on")
    certificate_id: str
    action_id: str
    number: str
    issuer: str
    issued_on: date
    expires_on: date | None
    file: dict | None  # {file_id, content_type, size, sha256, filename} of the file in the plan store

    def apply(self, plan) -> None:
        plan.actions[self.action_id].setdefault("certificates", []).append({
            "certificate_id": self.certificate_id, "number": self.number, "issuer": self.issuer,
            "issued_on": self.issued_on, "expires_on": self.expires_on, "file": deepcopy(self.file),
            "added_by": dict(self.actor), "added_at": self.timestamp.isoformat()})


class RecertificationOpened(PlanEvent):
    """The action planned just before this event renews a certificate (of this plan or an earlier one)."""

    TOPIC = topic("RecertificationOpened")
    NOT_PERSONAL = ("action_id", "renews_plan_id", "renews_action_id", "renews_certificate_id")
    action_id: str
    renews_plan_id: str
    renews_action_id: str
    renews_certificate_id: str

    def apply(self, plan) -> None:
        plan.actions[self.action_id]["renews"] = {
            "plan_id": self.renews_plan_id, "action_id": self.renews_action_id,
            "certificate_id": self.renews_certificate_id}


# -- carry-forward: a new period's plan takes over what was still open in the previous one ---------------------
class GoalCarriedForward(PlanEvent):
    """An open goal of the person's previous plan, copied into this one (the previous plan closes)."""

    TOPIC = topic("GoalCarriedForward")
    PERSONAL_TEXT = ("title", "measure", "relevance")
    PERSONAL_DATA = ("skills",)
    NOT_PERSONAL = ("goal_id", "from_plan_id", "from_goal_id", "hours_needed", "budget_needed", "deadline",
                    "original_deadline", "progress")
    goal_id: str
    from_plan_id: str
    from_goal_id: str
    title: str
    skills: list
    measure: str
    hours_needed: float
    budget_needed: Decimal
    relevance: str
    deadline: date
    original_deadline: date
    progress: int

    def apply(self, plan) -> None:
        plan.goals[self.goal_id] = {**open_goal(self), "skills": deepcopy(self.skills or []), "progress": self.progress,
                                    "carried_from": {"plan_id": self.from_plan_id, "goal_id": self.from_goal_id}}


class ActionCarriedForward(PlanEvent):
    """A planned or started learning action of the previous plan, copied with its state and funding."""

    TOPIC = topic("ActionCarriedForward")
    PERSONAL_TEXT = ("title", "provider")
    PERSONAL_DATA = ("funding",)
    NOT_PERSONAL = ("action_id", "from_plan_id", "from_action_id", "goal_ids", "means", "offer_id", "planned_start",
                    "planned_end", "hours", "cost", "certificate", "recommendation_id", "status", "started_on")
    action_id: str
    from_plan_id: str
    from_action_id: str
    goal_ids: list
    means: str
    title: str
    offer_id: str | None
    provider: str
    planned_start: date
    planned_end: date
    hours: float
    cost: Decimal
    certificate: bool
    recommendation_id: str | None
    status: str  # planned | started
    started_on: date | None
    funding: dict | None

    def apply(self, plan) -> None:
        plan.actions[self.action_id] = {
            **planned_action(self), "status": self.status, "started_on": self.started_on,
            "funding": deepcopy(self.funding),
            "carried_from": {"plan_id": self.from_plan_id, "action_id": self.from_action_id}}


def open_goal(event: Any) -> dict[str, Any]:
    """A goal's state as it is set: GoalSet and GoalCarriedForward start from the same shape."""
    return {"goal_id": event.goal_id, "title": event.title, "skills": deepcopy(event.skills),
            "measure": event.measure, "hours_needed": event.hours_needed, "budget_needed": event.budget_needed,
            "relevance": event.relevance, "deadline": event.deadline, "status": "open", "progress": 0, "revisions": 0}


def planned_action(event: Any) -> dict[str, Any]:
    """An action's state as it is planned: LearningActionPlanned and ActionCarriedForward share the shape."""
    return {"action_id": event.action_id, "goal_ids": list(event.goal_ids), "means": event.means,
            "title": event.title, "offer_id": event.offer_id, "provider": event.provider,
            "planned_start": event.planned_start, "planned_end": event.planned_end, "hours": event.hours,
            "cost": event.cost, "certificate": event.certificate, "recommendation_id": event.recommendation_id,
            "status": "planned", "started_on": None, "completed_on": None, "evaluation": None, "reflection": None,
            "funding": None, "certificates": [], "renews": None}


EVENT_CLASSES: dict[str, type[PlanEvent]] = {
    cls.__name__: cls for cls in PlanEvent.__subclasses__()
}


def event_data(event: PlanEvent) -> dict[str, Any]:
    """The fields particular to this event type (without id, version, timestamp, actor, reason)."""
    skip = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor",
            "reason", "request", "person_id"}
    return {k: v for k, v in event.__dict__.items() if k not in skip}


for _event_class in (PlanEvent, *EVENT_CLASSES.values()):
    register_topic(_event_class.TOPIC, _event_class)
