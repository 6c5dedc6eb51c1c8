"""How one plan-feed event changes the follower's picture of a plan, and what it says about offers.

Pure functions on plain dicts, so they are tested without a database and replayed identically.
"""

from __future__ import annotations

from typing import Any

from recommender.taxonomy import normalise

JUDGMENT_SEQ = 100  # judgment rows (skill -> offer) sit beside the feedback row of the same event


def _skill_entry(plan: dict, skill: str) -> dict | None:
    return plan.get("skills", {}).get(normalise(skill))


def apply_event(plan: dict, event: dict[str, Any]) -> list[tuple]:
    """Update PLAN (a JSON document) with EVENT; return offer feedback rows to store."""
    kind, payload = event["type"], event.get("payload") or {}
    position, employee = event["position"], event["employee_id"]
    plan.setdefault("employee_id", employee)
    plan.setdefault("closed", False)
    plan.setdefault("started", position)
    for key in ("skills", "goals", "actions"):
        plan.setdefault(key, {})
    plan.pop("managers", None)  # read models built before the directory reached the feed kept these
    rows: list[tuple] = []

    def row(seq: int, offer_id: str | None, what: str, skill: str | None = None,
            rating: float | None = None, gain: float | None = None, reason: str | None = None):
        if offer_id:
            rows.append((position, seq, str(offer_id), employee, what, skill, rating, gain, reason))

    def judgments(offer_id: str | None, action: dict, what: str) -> None:
        skills = {s["skill"] for gid in action.get("goal_ids", [])
                  for s in plan["goals"].get(gid, {}).get("skills", [])}
        for i, skill in enumerate(sorted(skills)):
            row(JUDGMENT_SEQ + i, offer_id, what, skill=skill)

    # Kept: what feedback rows need (levels before a completion, a goal's skills for judgments, actions' offers) and
    # dismissals; gaps and levels now are the plan service's to say (recommender/plan_gaps.py), so no period, budget,
    # deadline or goal status is copied here.
    if kind == "PlanStarted":
        plan.update(employee_id=employee, started=position, closed=False)
    elif kind == "SkillAssessed":
        plan["skills"][normalise(payload["skill"])] = {
            "skill": payload["skill"], "level": payload.get("level"), "category": payload.get("category")}
    elif kind == "SkillAssessmentWithdrawn":
        plan["skills"].pop(normalise(payload["skill"]), None)
    elif kind in {"GoalSet", "GoalCarriedForward"}:
        plan["goals"][payload["goal_id"]] = {"skills": payload.get("skills") or []}
    elif kind == "GoalRevised":
        goal = plan["goals"].setdefault(payload["goal_id"], {"skills": []})
        changes = payload.get("changes") or {}
        if "skills" in changes:
            goal["skills"] = changes["skills"]
    elif kind == "LearningActionPlanned":
        plan["actions"][payload["action_id"]] = {
            "offer_id": payload.get("offer_id"), "recommendation_id": payload.get("recommendation_id"),
            "goal_ids": payload.get("goal_ids") or [], "means": payload.get("means"),
            "status": "planned"}
    elif kind == "ActionCarriedForward":  # from the previous plan, as it stood there (no judgment again)
        plan["actions"][payload["action_id"]] = {
            "offer_id": payload.get("offer_id"), "recommendation_id": payload.get("recommendation_id"),
            "goal_ids": payload.get("goal_ids") or [], "means": payload.get("means"),
            "status": payload.get("status") or "planned"}
    elif kind == "LearningActionStarted":
        plan["actions"].setdefault(payload["action_id"], {"goal_ids": []})["status"] = "started"
    elif kind == "LearningActionCancelled":
        plan["actions"].setdefault(payload["action_id"], {"goal_ids": []})["status"] = "cancelled"
    elif kind == "LearningActionCompleted":
        action = plan["actions"].setdefault(payload["action_id"], {"goal_ids": []})
        action["status"] = "completed"
        gains = []
        for reported in payload.get("skill_levels") or []:
            before = _skill_entry(plan, reported["skill"])
            if before is not None and before.get("level") is not None:
                gains.append(reported["level"] - before["level"])
            entry = plan["skills"].setdefault(normalise(reported["skill"]),
                                              {"skill": reported["skill"]})
            entry["level"] = reported["level"]
        gain = sum(gains) / len(gains) if gains else None
        row(0, action.get("offer_id"), "completed", rating=payload.get("evaluation"), gain=gain)
        judgments(action.get("offer_id"), action, "completed")
    elif kind == "RecommendationAccepted":
        action = plan["actions"].get(payload.get("action_id") or "", {})
        row(0, payload.get("offer_id"), "accepted")
        judgments(payload.get("offer_id"), action, "accepted")
    elif kind == "RecommendationDismissed":
        plan.setdefault("dismissed", [])
        if payload.get("offer_id") and payload["offer_id"] not in plan["dismissed"]:
            plan["dismissed"].append(payload["offer_id"])
        row(0, payload.get("offer_id"), "dismissed")  # the employee's reason stays in the plan service
    elif kind == "PlanClosed":
        plan["closed"] = True
    return rows
