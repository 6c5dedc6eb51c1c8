"""Language choice (browser, then the user's switch), formatting per locale, and API reasons translated."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal.settings import LANGUAGES

log = logging.getLogger(__name__)


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def user_language_header() -> dict[str, str]:
    """The user's language for an API whose answers carry words (the recommender's reasons)."""
    return {"Accept-Language": str(get_locale())} if has_request_context() and get_locale() else {}


def init_i18n(app: Flask, default_language: str) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", default_language)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters.update(date=fdate, datetime=fdatetime, money=money, number=number)
    app.jinja_env.globals.update(current_language=lambda: str(get_locale() or default_language),
                                 reason=translate_reason)


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def fdate(value: Any, style: str = "medium") -> str:
    day = as_date(value)
    return format_date(day, style) if day else (str(value) if value else "")


def fdatetime(value: Any, style: str = "medium") -> str:
    moment = as_datetime(value)
    return format_datetime(moment, style) if moment else (str(value) if value else "")


def money(value: Any, currency: str = "EUR") -> str:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return str(value)
    return format_currency(amount, currency or "EUR")


def number(value: Any, digits: int = 1) -> str:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return str(value)
    if amount == amount.to_integral_value():
        return format_decimal(amount, format="#,##0")
    return format_decimal(round(amount, digits))


# The plan API speaks English; the reasons a person is likely to meet are translated here. A reason
# not in this table is shown as the API wrote it, which beats hiding it.
REASONS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^S: name at least one skill with a target level above its current level$"),
     lambda m: _("S (specific): name at least one skill with a target level above its current level")),
    (re.compile(r"^S: name at least one skill$"), lambda m: _("S (specific): name at least one skill")),
    (re.compile(r"^M: say how progress will be measured$"),
     lambda m: _("M (measurable): say how progress will be measured")),
    (re.compile(r"^A: open goals would need (\S+) hours; the plan has (\S+) available$"),
     lambda m: _("A (achievable): open goals would need %(need)s hours; the plan has %(have)s available",
                 need=m[1], have=m[2])),
    (re.compile(r"^A: open goals would need (\S+) in budget; the plan has (\S+) available$"),
     lambda m: _("A (achievable): open goals would need %(need)s in budget; the plan has %(have)s available",
                 need=money(m[1]), have=money(m[2]))),
    (re.compile(r"^A: must not be negative$"), lambda m: _("A (achievable): must not be negative")),
    (re.compile(r"^A: a goal that takes no time is not realistic; estimate the hours it needs$"),
     lambda m: _("A (achievable): a goal that takes no time is not realistic; estimate the hours it needs")),
    (re.compile(r"^at most (\d+) characters$"), lambda m: _("At most %(n)d characters.", n=int(m[1]))),
    (re.compile(r"^at most (\d+) (goals|learning actions|skills) in one plan$"),
     lambda m: _("A plan holds at most %(n)d of these.", n=int(m[1]))),
    (re.compile(r"^R: link the goal to the career project or the plan's trigger$"),
     lambda m: _("R (relevant): link the goal to the career project or the plan's trigger")),
    (re.compile(r"^T: must lie inside the plan period (\S+) to (\S+)$"),
     lambda m: _("T (time-bound): the deadline must lie inside the plan period %(start)s to %(end)s",
                 start=fdate(m[1]), end=fdate(m[2]))),
    (re.compile(r"^must lie inside the plan period (\S+) to (\S+)$"),
     lambda m: _("must lie inside the plan period %(start)s to %(end)s", start=fdate(m[1]), end=fdate(m[2]))),
    (re.compile(r"^Missing data for required field\.$"), lambda m: _("This field is required.")),
    (re.compile(r"^Must be one of: (.+?)\.?$"), lambda m: _("Must be one of: %(choices)s.", choices=m[1])),
    (re.compile(r"^Unknown field\.$"), lambda m: _("Unknown field.")),
    (re.compile(r"^Not a valid date\.$"), lambda m: _("Not a valid date.")),
    (re.compile(r"^Not a valid number\.$"), lambda m: _("Not a valid number.")),
    (re.compile(r"^Not a valid integer\.$"), lambda m: _("Not a whole number.")),
    (re.compile(r"^must not be empty$"), lambda m: _("must not be empty")),
    (re.compile(r"^must not be negative$"), lambda m: _("must not be negative")),
    (re.compile(r"^must be after period_start$"), lambda m: _("must be after the start of the period")),
    (re.compile(r"^must not be before planned_start$"), lambda m: _("must not be before the planned start")),
    (re.compile(r"^an action cannot complete before it started \((\S+)\)$"),
     lambda m: _("an action cannot complete before it started (%(day)s)", day=fdate(m[1]))),
    (re.compile(r"^say which changes are needed$"), lambda m: _("say which changes are needed")),
    (re.compile(r"^explain how the training also serves the organisation$"),
     lambda m: _("explain how the training also serves the organisation")),
    (re.compile(r"^must not exceed the action's cost \((\S+)\)$"),
     lambda m: _("must not exceed the action's cost (%(cost)s)", cost=money(m[1]))),
    (re.compile(r"^set at least one goal before asking for review$"),
     lambda m: _("set at least one goal before asking for review")),
    (re.compile(r"^the plan is waiting for review; its goals and actions change after the review$"),
     lambda m: _("the plan is waiting for review; its goals and actions change after the review")),
    (re.compile(r"^the plan is closed and takes no changes$"), lambda m: _("the plan is closed and takes no changes")),
    (re.compile(r"^the plan is already waiting for review$"), lambda m: _("the plan is already waiting for review")),
    (re.compile(r"^nobody reviews their own plan$"), lambda m: _("nobody reviews their own plan")),
    (re.compile(r"^funding is already (\w+)$"), lambda m: _("funding has already been %(status)s", status=m[1])),
    (re.compile(r"^name at least one field to change$"), lambda m: _("change at least one field")),
    (re.compile(r"^the goal (['\"])(.+)\1 has its deadline outside this period$"),
     lambda m: _("the deadline of the goal “%(title)s” lies outside this period", title=m[2])),
    (re.compile(r"^the action (['\"])(.+)\1 lies outside this period$"),
     lambda m: _("the learning action “%(title)s” lies outside this period", title=m[2])),
    (re.compile(r"^plan \S+ already (covers part of this period|exists for this employee and period).*$"),
     lambda m: _("you already have a plan for (part of) this period")),
    (re.compile(r"^no assessment of this skill in the plan$"),
     lambda m: _("this skill is not in your self-evaluation")),
    (re.compile(r"^a plan period is at most five years$"), lambda m: _("a plan period is at most five years")),
    (re.compile(r"^not a field of the plan that can be changed$"), lambda m: _("this field cannot be changed")),
    (re.compile(r"^a revision needs a reason$"), lambda m: _("say why you revise the goal")),
    (re.compile(r"^say why the goal is abandoned$"), lambda m: _("say why you stop working on the goal")),
    (re.compile(r"^as \w+ you may not do this on this plan$"), lambda m: _("you may not do this on this plan")),
    (re.compile(r"^the goal is (achieved|abandoned)"), lambda m: _("this goal is finished and takes no changes")),
]


def translate_reason(reason: Any) -> str:
    """An API reason in the user's language; one this table does not know becomes a plain sentence rather than
    English in a Dutch page (the API's words stay in the logs)."""
    text = str(reason or "")
    for pattern, make in REASONS:
        match = pattern.match(text)
        if match:
            return str(make(match))
    if text and str(get_locale() or "en") != "en":
        log.info("untranslated API reason: %s", text)
        return _("this value was not accepted")
    return text


FIELDS: dict[str, Any] = {
    "career_project": _l("Career project"), "target_role": _l("Target role"), "period_start": _l("Period from"),
    "period_end": _l("Period to"), "available_hours": _l("Hours available"), "available_budget": _l("Budget available"),
    "title": _l("Title"), "skills": _l("Skills"), "skill": _l("Skill"), "measure": _l("Measure"),
    "relevance": _l("Relevance"), "deadline": _l("Deadline"), "hours_needed": _l("Hours needed"),
    "budget_needed": _l("Budget needed"), "reason": _l("Reason"), "note": _l("Note"), "level": _l("Level"),
    "status": _l("Status"), "planned_start": _l("Planned start"), "planned_end": _l("Planned end"),
    "hours": _l("Hours"), "cost": _l("Cost"), "amount": _l("Amount"), "goal_id": _l("Goal"),
    "progress": _l("Progress"), "plan": _l("Plan"), "category": _l("Type"), "means": _l("Means"),
}


def field_label(name: Any) -> str:
    """The words for an API field name (skills.0.skill reads as its first part)."""
    key = str(name or "").split(".")[0]
    return str(FIELDS.get(key, "")) if key not in {"", "body"} else ""


def refusal(error: Any) -> str:
    """An API refusal as one sentence in the user's language: each field's reason, or what the status means."""
    parts = []
    for item in getattr(error, "errors", None) or []:
        reason = translate_reason(item.get("reason"))
        name = field_label(item.get("field"))
        parts.append(f"{name}: {reason}" if name else reason)
    if parts:
        return _("That did not work: %(why)s.", why="; ".join(parts))
    status = getattr(error, "status", 400)
    return {404: _("This page or item does not exist, or is not yours to see."),
            403: _("You may not see or change this."),
            409: _("That is not possible in the plan's current state."),
            412: _("Someone changed the plan in the meantime. Reload the page and try again."),
            }.get(status, _("That did not work. Check what you entered and try again."))
