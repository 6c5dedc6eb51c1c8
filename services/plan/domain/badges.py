"""Which parts of a plan may become an Open Badge, and what the badge says about them.

An achieved goal, or a completed learning action that carries a certificate, is an achievement the
organisation can vouch for; anything else (an open goal, an action without a certificate) is not.
"""

from __future__ import annotations

from typing import Any

from services.plan.domain.certificates import current, is_certified
from services.plan.domain.errors import InvalidStateError, NotFoundInPlanError, RuleViolationError

KINDS = ("goal", "action")


def is_credential_worthy(action: dict[str, Any]) -> bool:
    """A completed action with a valid certificate: the one rule of certificates (domain/certificates.py)."""
    return is_certified(action)


def achievement_of(plan: Any, kind: str, item_id: str) -> dict[str, Any]:
    """What a badge for the goal or action ITEM_ID of PLAN states; a domain error when it may not have one."""
    if kind not in KINDS:
        raise RuleViolationError("kind", f"must be one of: {', '.join(KINDS)}")
    if getattr(plan, "erased", False):
        raise InvalidStateError("plan_id", "this plan's data was erased")
    if kind == "goal":
        goal = plan.goals.get(item_id)
        if goal is None:
            raise NotFoundInPlanError("item_id", f"no goal {item_id} in this plan")
        if goal.get("status") != "achieved":
            raise InvalidStateError("item_id", "only an achieved goal can be issued as a badge")
        return {"kind": "goal", "item_id": item_id, "title": goal["title"], "measure": goal.get("measure") or "",
                "skills": [s["skill"] for s in goal.get("skills") or []], "achieved_on": None}
    action = plan.actions.get(item_id)
    if action is None:
        raise NotFoundInPlanError("item_id", f"no learning action {item_id} in this plan")
    if not is_credential_worthy(action):
        raise InvalidStateError("item_id", "only a completed learning action with a valid certificate can be "
                                           "issued as a badge")
    skills: list[str] = []
    for goal_id in action.get("goal_ids") or []:
        for skill in plan.goals.get(goal_id, {}).get("skills") or []:
            if skill["skill"] not in skills:
                skills.append(skill["skill"])
    for rated in action.get("skill_levels") or []:
        if rated["skill"] not in skills:
            skills.append(rated["skill"])
    return {"kind": "action", "item_id": item_id, "title": action["title"], "measure": action.get("provider") or "",
            "skills": skills, "means": action.get("means"), "hours": action.get("hours"),
            "achieved_on": action.get("completed_on"), "started_on": action.get("started_on"),
            "valid_until": (current(action) or {}).get("expires_on")}


def achievements(plan: Any) -> list[dict[str, str]]:
    """Every goal and action of PLAN that may become a badge now, in the plan's order."""
    if getattr(plan, "erased", False):
        return []
    found = [{"kind": "goal", "item_id": goal_id, "title": goal["title"]}
             for goal_id, goal in plan.goals.items() if goal.get("status") == "achieved"]
    found += [{"kind": "action", "item_id": action_id, "title": action["title"]}
              for action_id, action in plan.actions.items() if is_credential_worthy(action)]
    return found
