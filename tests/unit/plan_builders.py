"""Builders for DevelopmentPlan unit tests: a plan for Karim (2026-2027) and its usual goal and action."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from services.plan.domain.plan import Context, DevelopmentPlan

START, END = date(2026, 1, 1), date(2027, 12, 31)
OWNER = Context("karim", "owner")
MANAGER = Context("marieke", "manager")
HR = Context("hanna", "hr")
ADMIN = Context("root", "admin")


def new_plan(**fields: Any) -> DevelopmentPlan:
    """Karim's plan: 120 hours and 3000 available, career project team leader."""
    defaults: dict[str, Any] = {
        "employee_id": "karim", "period_start": START, "period_end": END, "trigger": "career_project",
        "career_project": "Doorgroeien naar teamleider", "available_hours": 120,
        "available_budget": Decimal(3000)}
    return DevelopmentPlan.start(OWNER, **{**defaults, **fields})


def goal_fields(**overrides: Any) -> dict[str, Any]:
    fields = {"title": "Team leiden", "skills": [{"skill": "teammanagement", "target_level": 3}],
              "measure": "360-feedback na een jaar", "hours_needed": 60, "budget_needed": Decimal(1500),
              "relevance": "Nodig als teamleider", "deadline": date(2027, 6, 30)}
    return {**fields, **overrides}


def add_goal(plan: DevelopmentPlan, goal_id: str = "g1", ctx: Context = OWNER, **overrides: Any) -> str:
    plan.set_goal(ctx, goal_id=goal_id, **goal_fields(**overrides))
    return goal_id


def action_fields(**overrides: Any) -> dict[str, Any]:
    fields = {"goal_ids": [], "means": "external_course", "title": "Communicatie",
              "provider": "Academie", "planned_start": date(2026, 2, 1), "planned_end": date(2026, 6, 30),
              "hours": 16, "cost": Decimal(800)}
    return {**fields, **overrides}


def add_action(plan: DevelopmentPlan, action_id: str = "a1", ctx: Context = OWNER, **overrides: Any) -> str:
    plan.plan_action(ctx, action_id=action_id, **action_fields(**overrides))
    return action_id


def submitted_plan() -> DevelopmentPlan:
    plan = new_plan()
    add_goal(plan)
    plan.submit_for_review(OWNER)
    return plan


def active_plan() -> DevelopmentPlan:
    plan = submitted_plan()
    plan.review(MANAGER, outcome="approved")
    return plan


def fields_of(error: Exception) -> list[str]:
    return [e["field"] for e in error.errors]  # type: ignore[attr-defined]
