"""The SMART verdict on a goal being typed, as the plan service gives it (`POST /plans/{id}/goals/check`), put
into the reader's words. The rules live in the plan service; the portal only phrases each letter's answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from services.portal.api_client import ApiClient, api_path
from services.portal.i18n import as_date, fdate, money, number

LETTERS = "SMART"


def letter_names() -> dict[str, str]:
    return {"S": _("Specific"), "M": _("Measurable"), "A": _("Achievable"), "R": _("Relevant"), "T": _("Time-bound")}


def _number(value: Any) -> float | None:
    try:
        result = Decimal(str(value).replace(",", ".")) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return None
    return float(result) if result.is_finite() and result.copy_abs() < 10**12 else None


def _level(value: Any) -> int | None:
    try:
        level = int(value)
    except (TypeError, ValueError, OverflowError):  # JSON's 1e999 arrives as infinity
        return None
    return level if 0 <= level <= 5 else None


def check_goal(api: ApiClient, plan_id: str, goal: dict[str, Any]) -> dict[str, Any]:
    """{"letters": {letter: {"ok", "field", "message"}}, "failing": [...]} for GOAL as typed (form strings)."""
    hours, budget = _number(goal.get("hours_needed")), _number(goal.get("budget_needed"))
    skills = [{"skill": str(s.get("skill")).strip()[:200], "target_level": _level(s.get("target_level"))}
              for s in goal.get("skills") or [] if str(s.get("skill") or "").strip()]
    deadline = as_date(goal.get("deadline"))
    body = {"skills": [s for s in skills if s["target_level"] is not None][:20],
            "measure": str(goal.get("measure") or "")[:5000], "relevance": str(goal.get("relevance") or "")[:5000],
            "hours_needed": max(hours or 0, 0), "budget_needed": max(budget or 0, 0),
            "deadline": deadline.isoformat() if deadline else None}
    answer = api.post(api_path("/plans/{plan_id}/goals/check", plan_id=plan_id), body)
    letters = {item["letter"]: item for item in answer.get("letters") or []}
    result: dict[str, dict[str, Any]] = {}
    for letter in LETTERS:
        item = letters.get(letter, {"ok": True, "errors": []})
        errors = item.get("errors") or []
        if letter == "A" and (hours is None or budget is None or hours < 0 or budget < 0):
            errors = [{"field": "hours_needed", "code": "not_a_number" if None in (hours, budget) else "negative"}]
        field = errors[0]["field"] if errors else FIELDS[letter]
        result[letter] = {"ok": not errors, "field": field,
                          "message": _say(errors[0]) if errors else _fine(letter, skills, deadline)}
    return {"letters": result, "failing": [letter for letter in LETTERS if not result[letter]["ok"]]}


FIELDS = {"S": "skills", "M": "measure", "A": "hours_needed", "R": "relevance", "T": "deadline"}


def _say(error: dict[str, Any]) -> str:
    params = error.get("params") or {}
    code = error.get("code")
    if code == "no_skill":
        return _("Name at least one skill.")
    if code == "no_rising_skill":
        return _("Name at least one skill with a target level above its current level.")
    if code == "no_measure":
        return _("Say how progress will be measured.")
    if code == "not_a_number":
        return _("Enter hours and budget as numbers.")
    if code == "negative":
        return _("Hours and budget must not be negative.")
    if code == "no_hours":
        return _("A goal that takes no time is not realistic; estimate the hours it needs.")
    if code == "hours_over":
        return _("Open goals would need %(need)s hours; the plan has %(have)s available.",
                 need=number(params.get("need", 0)), have=number(params.get("have", 0)))
    if code == "budget_over":
        return _("Open goals would need %(need)s; the plan has %(have)s available.",
                 need=money(params.get("need", 0)), have=money(params.get("have", 0)))
    if code == "no_relevance":
        return _("Link the goal to the career project or the plan's trigger.")
    if code == "no_deadline":
        return _("Choose a deadline.")
    if code == "outside_period":
        return _("Choose a deadline inside the plan period %(start)s to %(end)s.",
                 start=fdate(as_date(params.get("start"))), end=fdate(as_date(params.get("end"))))
    return str(error.get("reason") or "")


def _fine(letter: str, skills: list[dict[str, Any]], deadline: date | None) -> str:
    return {"S": _("Raises %(skills)s.", skills=", ".join(s["skill"] for s in skills)),
            "M": _("Progress is measurable."), "A": _("Fits the hours and budget the plan has."),
            "R": _("Linked to the plan."),
            "T": _("Deadline %(day)s lies inside the plan period.", day=fdate(deadline or date.today()))}[letter]
