"""The SMART check the plan service runs, repeated here so the goal form can warn while typing.

The plan service stays the judge: it checks again on submit, and its answer wins. This mirrors
DevelopmentPlan._check_smart on the plan as the API shows it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from services.portal.i18n import as_date, fdate, money, number

LETTERS = "SMART"


def letter_names() -> dict[str, str]:
    return {"S": _("Specific"), "M": _("Measurable"), "A": _("Achievable"), "R": _("Relevant"), "T": _("Time-bound")}


def _decimal(value: Any) -> Decimal | None:
    try:
        result = Decimal(str(value).replace(",", ".")) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def check_goal(plan: dict[str, Any], goal: dict[str, Any], skip_goal: str | None = None) -> dict[str, Any]:
    """{letter: {"ok": bool, "field": name, "message": text}} for the five letters of GOAL on PLAN."""
    levels = {str(s.get("skill") or "").casefold().strip(): s.get("level") or 0 for s in plan.get("skills") or []}
    result: dict[str, dict[str, Any]] = {}

    def verdict(letter: str, field: str, problem: str | None, fine: str) -> None:
        result[letter] = {"ok": problem is None, "field": field, "message": problem or fine}

    skills = [s for s in goal.get("skills") or [] if str(s.get("skill", "")).strip()]
    rising = []
    for item in skills:
        try:
            target = int(item.get("target_level"))
        except (TypeError, ValueError):
            continue
        if target > levels.get(" ".join(str(item["skill"]).split()).casefold(), 0):
            rising.append(item["skill"])
    verdict("S", "skills",
            None if rising else _("Name at least one skill with a target level above its current level."),
            _("Raises %(skills)s.", skills=", ".join(rising)))
    verdict("M", "measure", None if str(goal.get("measure", "")).strip() else _("Say how progress will be measured."),
            _("Progress is measurable."))
    others = [g for g in plan.get("goals") or [] if g.get("status") == "open" and g.get("goal_id") != skip_goal]
    hours, budget = _decimal(goal.get("hours_needed")), _decimal(goal.get("budget_needed"))
    have_hours = Decimal(str(plan.get("available_hours") or 0))
    have_budget = Decimal(str(plan.get("available_budget") or 0))
    problem = None
    if hours is None or budget is None:
        problem = _("Enter hours and budget as numbers.")
    else:
        need_hours = sum(Decimal(str(g.get("hours_needed") or 0)) for g in others) + hours
        need_budget = sum(Decimal(str(g.get("budget_needed") or 0)) for g in others) + budget
        if hours < 0 or budget < 0:
            problem = _("Hours and budget must not be negative.")
        elif need_hours > have_hours:
            problem = _("Open goals would need %(need)s hours; the plan has %(have)s available.",
                        need=number(need_hours), have=number(have_hours))
        elif need_budget > have_budget:
            problem = _("Open goals would need %(need)s; the plan has %(have)s available.",
                        need=money(need_budget), have=money(have_budget))
    verdict("A", "hours_needed", problem, _("Fits the hours and budget the plan has."))
    verdict("R", "relevance", None if str(goal.get("relevance", "")).strip()
            else _("Link the goal to the career project or the plan's trigger."), _("Linked to the plan."))
    deadline = as_date(goal.get("deadline"))
    start, end = as_date(plan.get("period_start")), as_date(plan.get("period_end"))
    inside = bool(deadline and start and end and start <= deadline <= end)
    verdict("T", "deadline", None if inside else _("Choose a deadline inside the plan period %(start)s to %(end)s.",
                                                   start=fdate(start), end=fdate(end)),
            _("Deadline %(day)s lies inside the plan period.", day=fdate(deadline or date.today())))
    return {"letters": result, "failing": [letter for letter in LETTERS if not result[letter]["ok"]]}
