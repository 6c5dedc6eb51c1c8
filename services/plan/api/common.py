"""What every plan endpoint needs: the service, plan ids, If-Match, Idempotency-Key, the answer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, current_app, jsonify, request

from services.plan.api.views import plan_view
from services.plan.application import Access, IdempotentRequest, PlanService, WriteOutcome
from shared.auth import Principal
from shared.errors import ApiError, field_error
from shared.purposes import NOTE_HEADER, PURPOSE_HEADER, PurposeError, parse_purpose

MAX_KEY_LENGTH = 200


def service() -> PlanService:
    return current_app.extensions["plan_service"]


def plan_uuid(plan_id: str) -> UUID:
    """A malformed id names no plan: 404, as for any plan the caller cannot see."""
    try:
        return UUID(plan_id)
    except ValueError:
        raise ApiError(404, "plan not found") from None


def if_match() -> int | None:
    """The version the client wrote against (ETag "N"); None when it did not pin one."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError:
        raise ApiError(412, f"If-Match {header!r} matches no version of this plan") from None


def idempotent_request(principal: Principal, body: Any) -> IdempotentRequest | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise field_error(422, "Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} printable characters")
    return IdempotentRequest.of(principal, key, request.method, request.path, body)


def access(what: str) -> Access:
    """This read for the access log, with the purpose code (X-Access-Purpose) and note (X-Access-Reason) stated."""
    try:
        purpose, note = parse_purpose(request.headers.get(PURPOSE_HEADER), request.headers.get(NOTE_HEADER))
    except PurposeError as error:
        raise field_error(422, error.field, error.reason) from None
    return Access(what, purpose, note)


def plan_headers(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def min_position() -> int | None:
    """The caller's X-Min-Position: the position one of their writes answered with, which a read must reflect."""
    wanted = request.headers.get("X-Min-Position")
    if wanted is None:
        return None
    if not wanted.isdigit() or len(wanted) > 18:
        raise field_error(422, "X-Min-Position", "must be a log position (a whole number)")
    return int(wanted)


def shaped_by_sql(body: dict[str, Any]) -> Response:
    """A page whose rows the views already shaped as the response schema declares (names, types and booleans
    from the query layer): sent as it is. Dumping it field by field would change nothing and was two thirds
    of a list's time; tests/api/test_views_api.py checks the schema's dump leaves each such answer unchanged."""
    return jsonify(body)


def views_read() -> dict[str, str]:
    """Before a read from the views: wait (briefly) until they reach the caller's X-Min-Position, the position a
    write answered with, so a user sees their own change. The answer says how far the views are, and
    `X-Views-Stale: true` when they could not catch up in time (the answer is then older than that write)."""
    wanted = min_position()
    queries = service().views
    reached = queries.position() if wanted is None else queries.wait(wanted, wait_seconds())
    return views_headers(reached, wanted)


def await_views() -> int | None:
    """views_read for a query that reads the views' position in its own statement: only the wait for
    X-Min-Position (when asked) before it; views_headers after it. The wanted position, or None."""
    wanted = min_position()
    if wanted is not None:
        service().views.wait(wanted, wait_seconds())
    return wanted


def views_headers(position: int, wanted: int | None) -> dict[str, str]:
    """X-Views-Position for an answer read at POSITION, and X-Views-Stale when it is short of WANTED."""
    headers = {"X-Views-Position": str(position)}
    if wanted is not None and position < wanted:
        headers["X-Views-Stale"] = "true"
    return headers


def wait_seconds() -> float:
    return current_app.config.get("VIEWS_WAIT_SECONDS", 2.0)


def employee_name(employee_id: str) -> str | None:
    person = service().views.person(employee_id)
    return person["name"] if person else None


def wants_minimal() -> bool:
    """RFC 7240 `Prefer: return=minimal`: busy clients skip the full plan in write answers."""
    return any(p.strip() == "return=minimal" for p in request.headers.get("Prefer", "").split(","))


def answer(outcome: WriteOutcome, status: int,
           minimal: bool = False) -> tuple[dict[str, Any] | Response, int, dict[str, str]]:
    """The write's answer: the plan as the API shows it, or only its id, version and status (return=minimal, and
    always for a service's write: a service has no business reading the plan)."""
    plan = outcome.plan
    headers = plan_headers(plan.version)
    if outcome.position is not None:
        headers["X-Position"] = str(outcome.position)
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    if outcome.created and not outcome.result:
        headers["Location"] = f"/api/v1/plans/{outcome.plan.id}"
    if minimal or wants_minimal():
        headers["Preference-Applied"] = "return=minimal"
        # Plain strings and an integer: what the write-result schema would dump them as, without its dozens of fields.
        body = {"id": str(plan.id), "version": plan.version, "employee_id": plan.employee_id,
                "status": plan.status, **outcome.result}
        return current_app.json.response(body), status, headers
    return {**plan_view(plan, employee_name(plan.employee_id)), **outcome.result}, status, headers
