"""What the recommender's endpoints share: the runtime, the actor, ids, If-Match, request bodies."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import current_app, request

from recommender.plan_gaps import PlanGaps, PlanServiceUnavailableError
from recommender.runtime import Runtime
from shared.auth import Principal, require_role
from shared.errors import ApiError
from shared.parsing import JsonInputError, parse_json

CATALOGUE_WRITERS = ("ld", "admin")
ANY_ROLE = ("employee", "manager", "hr", "ld", "admin", "service")


def runtime() -> Runtime:
    return current_app.extensions["recommender"]


def current_gaps(employee_id: str, min_position: str | None = None) -> PlanGaps:
    """The person's gaps, levels and planned offers as the plan service says now; a 503 when it does not answer
    (never the follower's older picture)."""
    try:
        return current_app.extensions["plan_gaps"].gaps_of(employee_id, min_position)
    except PlanServiceUnavailableError as error:
        raise plan_service_down(error, "no answer without the current gaps") from None


def everyones_gaps(min_position: str | None = None) -> tuple[list[dict], int]:
    """Open gaps per skill over everyone as the plan service counts them (small groups hidden there), and the
    smallest group it shows; a 503 when it does not answer."""
    try:
        return current_app.extensions["plan_gaps"].gap_report(min_position)
    except PlanServiceUnavailableError as error:
        raise plan_service_down(error, "no report without the current gaps") from None


def plan_service_down(error: PlanServiceUnavailableError, consequence: str) -> ApiError:
    return ApiError(503, f"the plan service does not answer; {consequence}",
                    [{"field": "plan_service", "reason": str(error)}], headers={"Retry-After": "5"})


def actor(principal: Principal, *preferred: str) -> dict[str, str]:
    """The actor recorded with an event: the subject and the role it acted in."""
    role = next((r for r in (*preferred, *sorted(principal.roles)) if r in principal.roles), "")
    return {"subject": principal.subject, "role": role}


def writer() -> Principal:
    return require_role(*CATALOGUE_WRITERS)


def reader() -> Principal:
    return require_role(*ANY_ROLE)


def parse_uuid(value: str, what: str = "offer") -> UUID:
    """A malformed id names nothing: 404, like an unknown one."""
    try:
        return UUID(value)
    except ValueError:
        raise ApiError(404, f"{what} not found") from None


def if_match() -> int | None:
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    try:
        return int(header.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise ApiError(412, f"If-Match {header!r} matches no version") from None


def body_text() -> str:
    """The raw body as UTF-8 text; anything else is a 400 that says so."""
    try:
        return request.get_data(cache=True).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ApiError(400, "the body must be UTF-8 text",
                       [{"field": "body", "reason": f"byte {error.start} is not UTF-8"}]) from None


def json_body() -> Any:
    """The body as JSON, read as strictly as every JSON body (shared/parsing.py)."""
    try:
        return parse_json(body_text() or "null")
    except JsonInputError as error:
        raise error.as_api_error() from None
