"""The plan feed: the notification log as integration events of the published contract (shared.contracts).

Each payload holds only the fields its type's schema declares (shared.contracts.payload_of), so nothing else leaves the
service: no free text, no names or e-mail addresses (tests/api/test_plans_people_feed.py).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from services.plan.api import schemas as s
from services.plan.api.common import service
from services.plan.domain.events import event_data
from services.plan.domain.person import Person
from shared.auth import require_role
from shared.contracts import SCHEMA_VERSION, FeedPageSchema, payload_of
from shared.httpapi import Blueprint

blp = Blueprint("feed", __name__, url_prefix="/api/v1/feed",
                description="Integration events for other services (role service or admin).")


@blp.route("")
@blp.arguments(s.FeedQuerySchema, location="query")
@blp.response(200, FeedPageSchema)
def feed(query):
    """Plan and directory events after a position, oldest first; pass `next_after` back to continue."""
    require_role("service", "admin")
    page, next_after, head = service().feed(query["after"], query["limit"])
    owners: dict = {}
    events = []
    for notification, event in page:
        if event.originator_id not in owners:  # whose plan or directory entry: the same for all its events
            owners[event.originator_id] = service().owner_of(event.originator_id) or ""
        plan_id = "" if notification.topic.startswith("groeipad.plan:Person") else str(event.originator_id)
        events.append(integration_event(notification.id, event, plan_id, owners[event.originator_id]))
    # Built to the contract already: skip a second marshmallow pass over the envelopes of up to 1,000 events.
    return jsonify(events=events, next_after=next_after, head=head)


def integration_event(position: int, event: Any, plan_id: str, employee_id: str) -> dict[str, Any]:
    """The domain EVENT as the contract publishes it."""
    kind = type(event).TOPIC.split(":", 1)[1]
    return {
        "type": kind, "schema_version": SCHEMA_VERSION, "position": position, "plan_id": plan_id,
        "employee_id": employee_id, "plan_version": event.originator_version,
        "occurred_at": event.timestamp.isoformat(), "actor": event.actor,
        "payload": payload_of(kind, _published_data(event, employee_id)),
        "request_id": (getattr(event, "request", None) or {}).get("id"),
    }


def _published_data(event: Any, employee_id: str) -> dict[str, Any]:
    """The event's fields for its payload schema to pick from; a directory change as the entry's new values."""
    if isinstance(event, Person.Registered):
        return {**event_data(event), "person_id": employee_id, "active": True}
    if isinstance(event, Person.Updated):
        return {**(event.changes or {}), "person_id": employee_id}  # changes read None once erased
    return event_data(event)
