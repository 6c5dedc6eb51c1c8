"""What several role pages share: API access, loading plans, skill gaps and the recommender's answers."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from services.portal.api_client import ApiClient, ApiError, ServiceUnavailableError
from services.portal.auth import portal
from services.portal.i18n import as_date

log = logging.getLogger(__name__)


def plan_api() -> ApiClient:
    return portal().plan_api()


def recommender_api() -> ApiClient:
    return portal().recommender_api()


def load_plan(plan_id: str, **params: Any) -> dict[str, Any]:
    return plan_api().get(f"/plans/{plan_id}", **params)


def all_plans(**filters: Any) -> list[dict[str, Any]]:
    """Every plan summary the signed-in person may see, across pages."""
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = plan_api().get("/plans", limit=200, offset=offset, **filters)
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


def skill_gaps(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Skills whose target (from open goals) lies above the current level; 'to improve' ones count too."""
    gaps = []
    for skill in plan.get("skills") or []:
        level = skill.get("level") or 0
        target = skill.get("target_level")
        if target is None and skill.get("status") == "to_improve":
            target = min(level + 1, 5)
        if target is not None and target > level:
            gaps.append({"skill": skill["skill"], "current_level": level, "target_level": target})
    gaps = [g for g in gaps if g["skill"]]  # erased personal data leaves no name to search for
    known = {g["skill"].casefold() for g in gaps}
    for goal in plan.get("goals") or []:
        if goal.get("status") != "open":
            continue
        for item in goal.get("skills") or []:
            if item.get("skill") and item["skill"].casefold() not in known:
                known.add(item["skill"].casefold())
                gaps.append({"skill": item["skill"], "current_level": 0, "target_level": item["target_level"]})
    return gaps


def overdue(action: dict[str, Any], today: date | None = None) -> bool:
    end = as_date(action.get("planned_end"))
    return bool(end and action.get("status") in {"planned", "started"} and end < (today or date.today()))


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
    except ApiError as error:
        log.info("recommender refused: %s", error)
        return default, "refused"


def people_by_id() -> dict[str, dict[str, Any]]:
    try:
        return {p["id"]: p for p in plan_api().get("/people").get("items") or []}
    except ApiError:
        return {}
