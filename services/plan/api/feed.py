"""The plan feed: the notification log as versioned integration events (shared.contracts)."""

from __future__ import annotations

from flask import jsonify

from services.plan.api import schemas as s
from services.plan.api.common import service
from services.plan.application import jsonable
from services.plan.domain.events import event_data
from shared.auth import require_role
from shared.contracts import SCHEMA_VERSION, FeedPageSchema
from shared.httpapi import Blueprint

blp = Blueprint("feed", __name__, url_prefix="/api/v1/feed",
                description="Integration events for other services (role service or admin).")


@blp.route("")
@blp.arguments(s.FeedQuerySchema, location="query")
@blp.response(200, FeedPageSchema)
def feed(query):
    """Plan events after a position, oldest first; pass `next_after` back to continue."""
    require_role("service", "admin")
    page, next_after, head = service().feed(query["after"], query["limit"])
    owners: dict = {}
    events = []
    for notification, event in page:
        payload = jsonable(event_data(event))
        about_plan = notification.topic != "groeipad.plan:PersonErased"
        if event.originator_id not in owners:
            owners[event.originator_id] = service().owner_of(event.originator_id) or ""
        events.append({
            "type": type(event).__name__ if about_plan else "PersonErased",
            "schema_version": SCHEMA_VERSION, "position": notification.id,
            "plan_id": str(event.originator_id) if about_plan else "",
            "employee_id": owners[event.originator_id], "plan_version": event.originator_version,
            "occurred_at": event.timestamp.isoformat(), "actor": event.actor,
            "reason": getattr(event, "reason", None), "payload": payload,
            "request_id": (getattr(event, "request", None) or {}).get("id"),
        })
    # Built to the contract already: skip a second marshmallow pass over up to 1,000 events.
    return jsonify(events=events, next_after=next_after, head=head)
