"""Integration events: the plan service's public feed contract (a published language), not its domain classes.

Consumers (the recommender's follower) depend on this module only. Every event type has its own payload
schema, carrying what consumers need and nothing else: no free text a person wrote (career projects,
notes, feedback, reflections, reasons) and no names or e-mail addresses. Skill names stay: the recommender
matches on them. The plan service dumps each payload through its schema, so a field it does not declare
never leaves the service; a consumer validates every event against the same schemas (`parse_page`).

Version 3 (this one) added the carry-forward of a previous plan's open goals and actions into the next
period's plan (GoalCarriedForward, ActionCarriedForward, each naming its source plan and id) and a check-in's
location (for the notifier's invitations); a version-2 event is the same in version 3.
Version 2 added the directory (PersonRegistered, PersonUpdated) and the per-type payloads, and
dropped the free-text envelope field `reason` and the free-text payload fields of version 1. A stored or
late version-1 event is brought up to date by `upgrade`, which keeps only what version 2 publishes. A change
to a payload bumps SCHEMA_VERSION and adds a step to `upgrade`; an optional envelope field that consumers
may ignore (like `request_id`) does not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

SCHEMA_VERSION = 3
SUPPORTED_VERSIONS = (1, 2, 3)

PLAN_EVENT_TYPES = (
    "PlanStarted", "SkillAssessed", "GoalSet", "GoalRevised", "GoalAchieved", "GoalAbandoned",
    "LearningActionPlanned", "LearningActionRescheduled", "LearningActionStarted",
    "LearningActionCompleted", "LearningActionCancelled", "ProgressReviewed", "FeedbackReceived",
    "PlanSubmittedForReview", "PlanReviewed", "FundingRequested", "FundingApproved",
    "FundingDeclined", "RecommendationAccepted", "RecommendationDismissed", "PlanClosed",
    "CheckInScheduled", "CheckInAgendaPointAdded", "CheckInRescheduled", "CheckInCancelled", "CheckInRecorded",
    "CheckInAgreementActedOn",
    "CompletionProposed", "CompletionProposalSettled",  # completions a learning record store reported (xAPI)
    "GoalCarriedForward", "ActionCarriedForward",  # version 3: a new period's plan took over the previous one's
    "PlanDetailsChanged", "SkillAssessmentWithdrawn",  # editing what one made (portal, issue 15)
    "PlanErased",  # retention destroyed the plan's key: drop what was derived from it
    "CertificateAdded", "RecertificationOpened",  # certificates on completed actions (dates only, no number)
)
# About a person, not a plan: plan_id is empty and employee_id is the person's directory id.
PERSON_EVENT_TYPES = (
    "PersonRegistered", "PersonUpdated",
    "PersonErased",  # the person was forgotten: drop them entirely
)
EVENT_TYPES = (*PLAN_EVENT_TYPES, *PERSON_EVENT_TYPES)


class _Payload(Schema):
    """A payload is read tolerantly (a field added later is ignored) but every field it declares is checked."""

    class Meta:
        unknown = EXCLUDE


def _id(**kw: Any) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=200), **kw)


def _optional_id() -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=200))


def _level() -> fields.Integer:
    return fields.Integer(allow_none=True, validate=validate.Range(0, 5))  # None once the person's data is erased


class SkillTargetSchema(_Payload):
    skill = fields.String(required=True, metadata={"description": "skill name as the employee gave it"})
    target_level = _level()


class SkillLevelSchema(_Payload):
    skill = fields.String(required=True)
    level = _level()


class PlanStartedPayload(_Payload):
    employee_id = _id()
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    trigger = fields.String(required=True, metadata={"description": "a trigger code"})
    available_hours = fields.Float(allow_none=True)
    available_budget = fields.Float(allow_none=True)


class SkillAssessedPayload(_Payload):
    skill = fields.String(required=True, metadata={"description": "the skill's name (\"[erased]\" once forgotten)"})
    category = fields.String(allow_none=True, metadata={"description": "technical or behavioural"})
    level = _level()
    assessor = fields.String(allow_none=True, metadata={"description": "self, manager or peer"})


class SkillWithdrawnPayload(_Payload):
    skill = fields.String(required=True, metadata={"description": "the skill taken out of the self-evaluation"})


class PlanDetailsChangesSchema(_Payload):
    period_start = fields.Date()
    period_end = fields.Date()
    available_hours = fields.Float(allow_none=True)
    available_budget = fields.Float(allow_none=True)


class PlanDetailsChangedPayload(_Payload):
    changes = fields.Nested(PlanDetailsChangesSchema, allow_none=True,
                            metadata={"description": "only the published fields that changed (no career project "
                                                     "or target role: free text)"})


class GoalSetPayload(_Payload):
    goal_id = _id()
    skills = fields.List(fields.Nested(SkillTargetSchema), allow_none=True)
    deadline = fields.Date(required=True)


class GoalChangesSchema(_Payload):
    skills = fields.List(fields.Nested(SkillTargetSchema), allow_none=True)
    deadline = fields.Date()


class GoalRevisedPayload(_Payload):
    goal_id = _id()
    changes = fields.Nested(GoalChangesSchema, allow_none=True,
                            metadata={"description": "only the published fields that changed"})


class GoalPayload(_Payload):
    goal_id = _id()


class LearningActionPlannedPayload(_Payload):
    action_id = _id()
    title = fields.String(allow_none=True, metadata={"description": "the action's title, for the notifier's "
                                                                    "invitations (\"[erased]\" once forgotten)"})
    goal_ids = fields.List(fields.String(), required=True)
    means = fields.String(required=True, metadata={"description": "a means code"})
    offer_id = _optional_id()
    recommendation_id = _optional_id()
    planned_start = fields.Date(allow_none=True)
    planned_end = fields.Date(allow_none=True)
    hours = fields.Float(allow_none=True)
    cost = fields.Float(allow_none=True)


class GoalCarriedForwardPayload(GoalSetPayload):
    from_plan_id = _id(metadata={"description": "the previous plan, closed as carried forward"})
    from_goal_id = _id()


class ActionCarriedForwardPayload(LearningActionPlannedPayload):
    from_plan_id = _id(metadata={"description": "the previous plan, closed as carried forward"})
    from_action_id = _id()
    status = fields.String(required=True, validate=validate.OneOf(("planned", "started")))
    started_on = fields.Date(allow_none=True)


class ActionRescheduledPayload(_Payload):
    action_id = _id()
    planned_start = fields.Date(allow_none=True)
    planned_end = fields.Date(allow_none=True)
    planned_start = fields.Date(required=True)
    planned_end = fields.Date(required=True)


class ActionPayload(_Payload):
    action_id = _id()


class ActionStartedPayload(_Payload):
    action_id = _id()
    on = fields.Date(required=True)


class ResultPayload(_Payload):
    success = fields.Boolean(required=True)
    score = fields.Float(allow_none=True, validate=validate.Range(-1, 1))


class ActionCompletedPayload(_Payload):
    action_id = _id()
    on = fields.Date(required=True)
    evaluation = fields.Integer(allow_none=True, validate=validate.Range(1, 5))
    skill_levels = fields.List(fields.Nested(SkillLevelSchema), allow_none=True)
    # Optional, added without a version step (consumers read payloads tolerantly): passed or failed, and where
    # the completion came from (None: the employee; "xapi": a learning record store).
    result = fields.Nested(ResultPayload, allow_none=True)
    source = fields.String(allow_none=True)


class CompletionProposedPayload(_Payload):
    proposal_id = _id()
    action_ids = fields.List(fields.String(), required=True)
    on = fields.Date(required=True)
    source = fields.String(required=True)
    match = fields.String(required=True)


class CompletionProposalSettledPayload(_Payload):
    proposal_id = _id()
    outcome = fields.String(required=True, validate=validate.OneOf(("accepted", "rejected")))
    action_id = _optional_id()


class ProgressReviewedPayload(_Payload):
    goal_id = _optional_id()
    progress = fields.Integer(allow_none=True, validate=validate.Range(0, 100))


class FeedbackReceivedPayload(_Payload):
    feedback_id = _id()
    source = fields.String(required=True, metadata={"description": "manager, mentor, peer or self"})
    goal_id = _optional_id()


class PlanReviewedPayload(_Payload):
    outcome = fields.String(required=True)


class FundingPayload(_Payload):
    action_id = _id()
    amount = fields.Float(required=True)


class RecommendationAcceptedPayload(_Payload):
    recommendation_id = _id()
    offer_id = _optional_id()
    action_id = _id()


class RecommendationDismissedPayload(_Payload):
    recommendation_id = _id()
    offer_id = _optional_id()


class SubmittedPayload(_Payload):
    note = fields.String(allow_none=True, metadata={"description": "the employee's note to the reviewer, for the "
                                                                   "notifier's mail (\"[erased]\" once forgotten)"})


class EmptyPayload(_Payload):
    pass


class CheckInSlotPayload(_Payload):
    """When and where a check-in takes place; the agenda stays in the plan service."""

    checkin_id = _id()
    on = fields.Date(required=True)
    at = fields.String(required=True, metadata={"description": "time of day, HH:MM"})
    duration_minutes = fields.Integer(required=True)
    location = fields.String(allow_none=True, metadata={
        "description": "a room or a meeting link, for the notifier's calendar invitations (version 3; "
                       "\"[erased]\" once forgotten)"})


class CheckInPayload(_Payload):
    checkin_id = _id()


class AgreementRefSchema(_Payload):
    agreement_id = _id()


class CheckInRecordedPayload(_Payload):
    checkin_id = _id()
    agreements = fields.List(fields.Nested(AgreementRefSchema), allow_none=True,
                             metadata={"description": "the agreements' ids (their text stays in the plan service)"})


class AgreementActedOnPayload(_Payload):
    checkin_id = _id()
    agreement_id = _id()
    goal_id = _optional_id()
    action_id = _optional_id()


class CertificateAddedPayload(_Payload):
    """Added without a version step (a new type): the dates the notifier reminds by; number, issuer and file stay
    in the plan service."""

    certificate_id = _id()
    action_id = _id()
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(allow_none=True, metadata={"description": "None: the certificate does not expire"})


class RecertificationOpenedPayload(_Payload):
    action_id = _id(metadata={"description": "the planned action that renews the certificate"})
    renews_plan_id = _id()
    renews_action_id = _id()
    renews_certificate_id = _id()


class PersonRegisteredPayload(_Payload):
    person_id = _id()
    manager_id = _optional_id()
    department = fields.String(allow_none=True)
    job_title = fields.String(allow_none=True)
    active = fields.Boolean(load_default=True)


class PersonUpdatedPayload(_Payload):
    person_id = _id()
    manager_id = _optional_id()
    department = fields.String(allow_none=True)
    job_title = fields.String(allow_none=True)
    active = fields.Boolean()


PAYLOAD_SCHEMAS: dict[str, Schema] = {
    "PlanStarted": PlanStartedPayload(), "SkillAssessed": SkillAssessedPayload(), "GoalSet": GoalSetPayload(),
    "GoalRevised": GoalRevisedPayload(), "GoalAchieved": GoalPayload(), "GoalAbandoned": GoalPayload(),
    "LearningActionPlanned": LearningActionPlannedPayload(),
    "LearningActionRescheduled": ActionRescheduledPayload(), "LearningActionStarted": ActionStartedPayload(),
    "LearningActionCompleted": ActionCompletedPayload(), "LearningActionCancelled": ActionPayload(),
    "ProgressReviewed": ProgressReviewedPayload(), "FeedbackReceived": FeedbackReceivedPayload(),
    "PlanSubmittedForReview": SubmittedPayload(), "PlanReviewed": PlanReviewedPayload(),
    "FundingRequested": FundingPayload(), "FundingApproved": FundingPayload(), "FundingDeclined": ActionPayload(),
    "RecommendationAccepted": RecommendationAcceptedPayload(),
    "RecommendationDismissed": RecommendationDismissedPayload(), "PlanClosed": EmptyPayload(),
    "CheckInScheduled": CheckInSlotPayload(), "CheckInAgendaPointAdded": CheckInPayload(),
    "CheckInRescheduled": CheckInSlotPayload(), "CheckInCancelled": CheckInPayload(),
    "CheckInRecorded": CheckInRecordedPayload(), "CheckInAgreementActedOn": AgreementActedOnPayload(),
    "CompletionProposed": CompletionProposedPayload(),
    "CompletionProposalSettled": CompletionProposalSettledPayload(),
    "GoalCarriedForward": GoalCarriedForwardPayload(), "ActionCarriedForward": ActionCarriedForwardPayload(),
    "PlanDetailsChanged": PlanDetailsChangedPayload(), "SkillAssessmentWithdrawn": SkillWithdrawnPayload(),
    "PlanErased": EmptyPayload(), "CertificateAdded": CertificateAddedPayload(),
    "RecertificationOpened": RecertificationOpenedPayload(), "PersonRegistered": PersonRegisteredPayload(),
    "PersonUpdated": PersonUpdatedPayload(), "PersonErased": EmptyPayload(),
}
assert set(PAYLOAD_SCHEMAS) == set(EVENT_TYPES)


class ActorSchema(Schema):
    subject = fields.String(required=True)
    role = fields.String(required=True)


class IntegrationEventSchema(Schema):
    """One event as the feed publishes it (version 3); `payload` follows the schema of its `type`."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    schema_version = fields.Integer(required=True, validate=validate.Equal(SCHEMA_VERSION))
    position = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                              metadata={"description": "notification log position"})
    plan_id = fields.String(required=True, metadata={"description": "empty for events about a person"})
    employee_id = fields.String(required=True, validate=validate.Length(min=1, max=200),
                                metadata={"description": "whose plan, or the person's directory id"})
    plan_version = fields.Integer(required=True, strict=True,
                                  metadata={"description": "the version of the plan (or directory entry)"})
    occurred_at = fields.AwareDateTime(required=True)
    actor = fields.Nested(ActorSchema, required=True)
    payload = fields.Dict(required=True, metadata={
        "description": "per type, the fields of its payload schema in shared/contracts.py (PAYLOAD_SCHEMAS): "
                       "ids, codes, dates, levels and amounts; never free text, names or e-mail addresses"})
    request_id = fields.String(allow_none=True, load_default=None,
                               metadata={"description": "the X-Request-ID of the request that caused it"})


class FeedPageSchema(Schema):
    events = fields.List(fields.Nested(IntegrationEventSchema), required=True)
    next_after = fields.Integer(required=True, metadata={"description": "pass as `after` for the next page"})
    head = fields.Integer(required=True, metadata={"description": "newest position in the log"})


class InvalidEventError(ValueError):
    """An event of a feed page breaks the contract; POSITION says where the valid part of the page ends."""

    def __init__(self, index: int, position: int | None, message: str, valid: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.index, self.position = index, position
        self.valid = valid  # the events before it, checked and upgraded


_ENVELOPE = IntegrationEventSchema()


def payload_of(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """What the feed publishes of an event's data: the fields of its type's schema, nothing else (producer).

    The same as PAYLOAD_SCHEMAS[kind].dump(data) (tests/unit/test_contract_fast_check.py), at a fraction of
    its cost: the feed answers pages of up to 1,000 events."""
    return _plain(_published(PAYLOAD_SCHEMAS[kind], data))


def check_event(event: Any) -> dict[str, Any]:
    """EVENT (of any supported version) upgraded and validated against the current contract; ValueError if not."""
    if not isinstance(event, dict):
        raise ValueError("not an object")
    event = upgrade(event)
    quick = _QUICK.get(event.get("type"))  # type: ignore[arg-type]
    if quick is not None and _QUICK_ENVELOPE(event) and quick(event["payload"]):
        return event  # accepted by the quick check, so by the schemas too
    errors = _ENVELOPE.validate(event)
    if not errors:
        errors = {"payload": PAYLOAD_SCHEMAS[event["type"]].validate(event["payload"])}
        if not errors["payload"]:
            return event
    raise ValueError(_first_error(errors))


def parse_page(data: Any) -> dict[str, Any]:
    """A feed page with every event upgraded and checked against its schema, oldest first.

    The events before an invalid one are kept in `events` and the error is raised as InvalidEventError with
    them in `valid`, so a consumer may apply them and stop at the bad one; it never skips an event.
    """
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ValueError("a feed page is an object with a list of events")
    for key in ("next_after", "head"):
        if not isinstance(data.get(key), int) or isinstance(data.get(key), bool):
            raise ValueError(f"{key} must be a whole number")
    events = []
    for index, event in enumerate(data["events"]):
        try:
            events.append(check_event(event))
        except ValueError as error:
            position = event.get("position") if isinstance(event, dict) else None
            kind = event.get("type") if isinstance(event, dict) else None
            raise InvalidEventError(index, position if isinstance(position, int) else None,
                                    f"events.{index} (position {position}, {kind}): {error}", events) from None
    return {**data, "events": events}


def upgrade(event: dict[str, Any]) -> dict[str, Any]:
    """Bring an integration event of any supported schema version to the current one."""
    version = event.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"schema_version {version!r} is not a version")
    if version > SCHEMA_VERSION:
        raise ValueError(f"integration event schema {version} is newer than this consumer ({SCHEMA_VERSION})")
    if version == 1:
        event = _v1_to_v2(event)
    if event["schema_version"] == 2:
        event = {**event, "schema_version": 3}  # version 3 only added event types
    return event


def _v1_to_v2(event: dict[str, Any]) -> dict[str, Any]:
    """Version 1 published every field of the domain event and a free-text `reason`: keep what version 2 does."""
    kind, payload = event.get("type"), event.get("payload")
    upgraded = {k: v for k, v in event.items() if k != "reason"}
    upgraded["schema_version"] = 2
    schema = PAYLOAD_SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is not None and isinstance(payload, dict):
        upgraded["payload"] = _published(schema, payload)
    return upgraded


def _published(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    """The keys of DATA that SCHEMA declares, nested schemas included (values kept as they are)."""
    out: dict[str, Any] = {}
    for name, field in schema.fields.items():
        if name not in data:
            continue
        value = data[name]
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and isinstance(inner.schema, Schema):
            if isinstance(value, dict):
                value = _published(inner.schema, value)
            elif isinstance(value, list):
                value = [_published(inner.schema, v) if isinstance(v, dict) else v for v in value]
        out[name] = value
    return out


def _plain(value: Any) -> Any:
    """Dates as ISO text and money as numbers, as the payload schemas dump them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _first_error(errors: Any, prefix: str = "") -> str:
    """The first field and reason of marshmallow's nested messages, as `field: reason`."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if value:
                return _first_error(value, f"{prefix}.{key}" if prefix else str(key))
    if isinstance(errors, list) and errors:
        return _first_error(errors[0], prefix)
    return f"{prefix}: {errors}"


# -- checking fast ------------------------------------------------------------------------------------
# marshmallow spends ~60 µs on an event, about as much as the follower spends on everything else. Each
# schema is therefore also compiled into a quick check that only ever *accepts* what marshmallow accepts
# (it may doubt more); a doubted event goes to marshmallow, whose verdict and message stand. The schemas
# stay the one definition; tests/unit/test_contract_fast_check.py holds the two to agreement.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
Check = Callable[[Any], bool]


def _quick_check(schema: Schema) -> Check:
    """A check of a whole object against SCHEMA that is True only where SCHEMA accepts it."""
    checks = [(field.data_key or name, field.required, _field_check(field)) for name, field in schema.fields.items()]
    known = {key for key, _, _ in checks}
    closed = schema.unknown != EXCLUDE

    def check(data: Any) -> bool:
        if not isinstance(data, dict) or (closed and not known.issuperset(data)):
            return False
        for key, required, field_check in checks:
            if key in data:
                if not field_check(data[key]):
                    return False
            elif required:
                return False
        return True

    return check


def _field_check(field: fields.Field) -> Check:
    kind = _value_check(field)
    validators = list(field.validators)

    def check(value: Any) -> bool:
        if value is None:
            return field.allow_none
        if not kind(value):
            return False
        try:
            for validator in validators:
                validator(value)
        except ValidationError:
            return False
        return True

    return check


def _value_check(field: fields.Field) -> Check:
    if isinstance(field, fields.List):
        inner = _field_check(field.inner)
        return lambda v: isinstance(v, list) and all(inner(item) for item in v)
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema) and not field.many:
        return _quick_check(field.schema)
    if type(field) is fields.String:
        return lambda v: isinstance(v, str)
    if type(field) is fields.Integer:
        return lambda v: type(v) is int
    if type(field) is fields.Float:
        return lambda v: type(v) in (int, float) and math.isfinite(v)
    if type(field) is fields.Boolean:
        return lambda v: type(v) is bool
    if type(field) is fields.Date:
        return lambda v: isinstance(v, str) and bool(_DATE.match(v)) and _parses(date.fromisoformat, v)
    if type(field) is fields.AwareDateTime:
        return lambda v: isinstance(v, str) and bool(_DATETIME.match(v)) and _parses(datetime.fromisoformat, v)
    if type(field) is fields.Dict and field.key_field is None and field.value_field is None:
        return lambda v: isinstance(v, dict)
    return lambda v: False  # a field this check does not know: marshmallow decides


def _parses(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


_QUICK = {kind: _quick_check(schema) for kind, schema in PAYLOAD_SCHEMAS.items()}
_QUICK_ENVELOPE = _quick_check(_ENVELOPE)
