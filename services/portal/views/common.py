"""What several role pages share: API access, loading plans, skill gaps and the recommender's answers."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from services.portal.api_client import ApiClient, ApiError, InvalidIdError, ServiceUnavailableError, api_path
from services.portal.auth import portal
from shared.ids import is_directory_id

log = logging.getLogger(__name__)


def plan_api() -> ApiClient:
    return portal().plan_api()


def recommender_api() -> ApiClient:
    return portal().recommender_api()


def load_plan(plan_id: str, **params: Any) -> dict[str, Any]:
    return plan_api().get(api_path("/plans/{plan_id}", plan_id=plan_id), **params)


def all_plans(**filters: Any) -> list[dict[str, Any]]:
    """Every plan summary the signed-in person may see, across pages."""
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = plan_api().get(api_path("/plans"), limit=200, offset=offset, **filters)
        items.extend(page.get("items") or [])
        offset += 200
        if offset >= page.get("total", 0) or not page.get("items"):
            return items


def current_plan_summary(employee_id: str) -> dict[str, Any] | None:
    """The employee's open plan with the latest period, else their latest closed one."""
    plans = all_plans(employee_id=employee_id)
    if not plans:
        return None
    plans.sort(key=lambda p: (p.get("status") != "closed", p.get("period_start") or ""), reverse=True)
    return plans[0]


def skill_gaps(employee_id: str) -> list[dict[str, Any]]:
    """The employee's skill gaps as the plan service decides them (current level, target, gap)."""
    items = plan_api().get(api_path("/people/{employee_id}/skills", employee_id=employee_id)).get("items") or []
    return [{"skill": i["skill"], "current_level": i["current_level"], "target_level": i["target_level"]}
            for i in items if i.get("gap") and i.get("skill")]


def overdue(action: dict[str, Any]) -> bool:
    """The plan service decides what is overdue; the page only shows it."""
    return bool(action.get("overdue"))


def next_actions(plan: dict[str, Any], limit: int = 5) -> list[dict[str, Any]]:
    live = [a for a in plan.get("actions") or [] if a.get("status") in {"planned", "started"}]
    live.sort(key=lambda a: (a.get("status") != "started", a.get("planned_start") or ""))
    return live[:limit]


def goal_progress(goal: dict[str, Any]) -> int:
    """The progress the employee reported, else the share of completed actions."""
    if goal.get("status") == "achieved":
        return 100
    if goal.get("progress"):
        return int(goal["progress"])
    total = goal.get("actions_total") or 0
    return int(100 * (goal.get("actions_completed") or 0) / total) if total else 0


def optional_recommender(call, default: Any = None) -> tuple[Any, str | None]:
    """The recommender's answer, or DEFAULT and a reason code when it is down or refuses."""
    try:
        return call(recommender_api()), None
    except ServiceUnavailableError as error:
        log.info("recommender unavailable: %s", error)
        return default, "unavailable"
    except (ApiError, InvalidIdError) as error:
        log.info("recommender refused: %s", error)
        return default, "refused"


def people_by_id(ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Directory entries of IDS that the signed-in person may see (a call per person: pages name only a few)."""
    found = {}
    for person_id in {i for i in ids if is_directory_id(i)}:  # actors such as a service are no person
        try:
            found[person_id] = plan_api().get(api_path("/people/{person_id}", person_id=person_id))
        except ApiError as error:
            if error.status != 404:
                raise
    return found
