"""Integration events: the plan service's public feed contract, independent of its domain classes.

Consumers (the recommender's follower) depend on this module only. A change to an event's payload
bumps SCHEMA_VERSION and adds a step to `upgrade`, so a consumer reads the previous version too; an
optional envelope field that consumers may ignore (like `request_id`) does not.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

SCHEMA_VERSION = 1

PLAN_EVENT_TYPES = (
    "PlanStarted", "SkillAssessed", "GoalSet", "GoalRevised", "GoalAchieved", "GoalAbandoned",
    "LearningActionPlanned", "LearningActionRescheduled", "LearningActionStarted",
    "LearningActionCompleted", "LearningActionCancelled", "ProgressReviewed", "FeedbackReceived",
    "PlanSubmittedForReview", "PlanReviewed", "FundingRequested", "FundingApproved",
    "FundingDeclined", "RecommendationAccepted", "RecommendationDismissed", "PlanClosed",
    "PlanErased",  # retention destroyed the plan's key: drop what was derived from it
    "PersonErased",  # the person was forgotten: drop them entirely (plan_id is empty)
)


class ActorSchema(Schema):
    subject = fields.String(required=True)
    role = fields.String(required=True)


class IntegrationEventSchema(Schema):
    """One event of a development plan as the feed publishes it."""

    type = fields.String(required=True, metadata={"enum": list(PLAN_EVENT_TYPES)})
    schema_version = fields.Integer(required=True)
    position = fields.Integer(required=True, metadata={"description": "notification log position"})
    plan_id = fields.String(required=True)
    employee_id = fields.String(required=True)
    plan_version = fields.Integer(required=True)
    occurred_at = fields.String(required=True, metadata={"format": "date-time"})
    actor = fields.Nested(ActorSchema, required=True)
    reason = fields.String(allow_none=True)
    payload = fields.Dict(required=True)
    request_id = fields.String(allow_none=True, load_default=None,
                               metadata={"description": "the X-Request-ID of the request that caused it"})


class FeedPageSchema(Schema):
    events = fields.List(fields.Nested(IntegrationEventSchema), required=True)
    next_after = fields.Integer(required=True, metadata={"description": "pass as `after` for the next page"})
    head = fields.Integer(required=True, metadata={"description": "newest position in the log"})


_EVENT_FIELDS = {"type": str, "schema_version": int, "position": int, "plan_id": str, "employee_id": str,
                 "plan_version": int, "occurred_at": str, "actor": dict, "payload": dict}


def parse_page(data: Any) -> dict[str, Any]:
    """A feed page checked against the contract, fast: a follower reads thousands of events a second.

    Same rules as FeedPageSchema for what a consumer relies on, without marshmallow's per-field cost.
    """
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ValueError("a feed page is an object with a list of events")
    for key in ("next_after", "head"):
        if not isinstance(data.get(key), int) or isinstance(data.get(key), bool):
            raise ValueError(f"{key} must be a whole number")
    for index, event in enumerate(data["events"]):
        if not isinstance(event, dict):
            raise ValueError(f"events.{index} is not an object")
        for name, kind in _EVENT_FIELDS.items():
            value = event.get(name)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise ValueError(f"events.{index}.{name} must be {kind.__name__}")
    return data


def upgrade(event: dict[str, Any]) -> dict[str, Any]:
    """Bring an integration event of any supported schema version to the current one."""
    version = event.get("schema_version", 1)
    if version > SCHEMA_VERSION:
        raise ValueError(f"integration event schema {version} is newer than this consumer ({SCHEMA_VERSION})")
    return event
