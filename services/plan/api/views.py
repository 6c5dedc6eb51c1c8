"""The plan as the API shows it: state plus what a reader wants computed (progress, timeline)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from services.plan.domain import certificates as certificate_rules
from services.plan.domain import skills as skill_rules
from services.plan.domain.budget import budget_use
from services.plan.domain.plan import DevelopmentPlan, action_overdue
from services.plan.domain.vocabulary import skill_key


def semester(day: date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def plan_view(plan: DevelopmentPlan, employee_name: str | None = None) -> dict[str, Any]:
    actions = list(plan.actions.values())
    today = date.today()
    live = [a for a in actions if a["status"] != "cancelled"]
    targets: dict[str, int] = {}
    for goal in plan.goals.values():
        if goal["status"] == "open":
            for item in goal["skills"] or []:
                key = skill_key(item["skill"])
                targets[key] = max(targets.get(key, 0), item["target_level"])
    skills = [{**entry, "target_level": skill_rules.target(entry["level"], targets.get(key), entry.get("status")),
               "gap": skill_rules.gap(entry["level"], targets.get(key), entry.get("status"))}
              for key, entry in plan.skills.items()]
    goals = []
    for goal in plan.goals.values():
        linked = [a for a in live if goal["goal_id"] in a["goal_ids"]]
        goals.append({**goal, "actions_total": len(linked),
                      "actions_completed": sum(a["status"] == "completed" for a in linked)})
    timeline: dict[str, dict[str, Any]] = defaultdict(lambda: {"actions": [], "hours": 0.0})
    for action in sorted(live, key=lambda a: a["planned_start"]):
        slot = timeline[semester(action["planned_start"])]
        slot["actions"].append(action["action_id"])
        slot["hours"] += action["hours"]
    next_checkin = plan.next_checkin()
    return {
        "id": str(plan.id), "version": plan.version, "employee_id": plan.employee_id,
        "employee_name": employee_name, "status": plan.status,
        "period_start": plan.period_start, "period_end": plan.period_end, "trigger": plan.trigger,
        "career_project": plan.career_project, "target_role": plan.target_role,
        "available_hours": plan.available_hours, "available_budget": plan.available_budget,
        "planned_hours": sum(a["hours"] for a in live),
        "planned_cost": sum((a["cost"] for a in live), Decimal(0)),
        "skills": skills, "goals": goals,
        "actions": [{**a, "semester": semester(a["planned_start"]), "overdue": action_overdue(a, today),
                     **_certification(a, today)} for a in actions],
        "expiring": certificate_rules.expiries(actions, today),
        "timeline": [{"semester": key, **value} for key, value in sorted(timeline.items())],
        "feedback": plan.feedback, "progress": plan.progress, "reviews": plan.reviews,
        "recommendations": plan.recommendations, "closed_reason": plan.closed_reason,
        "checkins": sorted(plan.checkins.values(), key=lambda c: (c["on"], c["at"])),
        "completion_proposals": sorted((p for p in plan.completion_proposals.values() if p["status"] == "pending"),
                                       key=lambda p: p["proposed_at"]),
        "next_checkin": next_checkin["on"] if next_checkin else None, "template": plan.template,
        "created_on": plan.created_on, "modified_on": plan.modified_on,
        "erased": getattr(plan, "erased", False),
        "budget": budget_use(plan), "submission": getattr(plan, "submission", None),
    }


def _certification(action: dict[str, Any], today: date) -> dict[str, Any]:
    """Each certificate with its state today, the state of the one that counts, and whether the action is certified."""
    counting = certificate_rules.current(action, today)
    return {"certificates": [{**c, "state": certificate_rules.state(c, today)} for c in action.get("certificates", [])],
            "certified": certificate_rules.is_certified(action, today),
            "certificate_state": certificate_rules.state(counting, today) if counting else None,
            "renews": action.get("renews")}
