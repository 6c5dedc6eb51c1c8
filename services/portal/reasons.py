"""The recommender's reason codes in the portal's own words (NL/EN), with people named from the directory.

The recommender decides why (codes with parameters, recommender/reasons.py); the portal only words it.
A person appears by the name the plan service's directory shows the signed-in user, else as "a
colleague": never by a user name. A code this portal does not know yet shows the recommender's sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal.i18n import money, number
from services.portal.vocabulary import label

LEVELS = {"beginner": _l("beginner"), "intermediate": _l("intermediate"), "advanced": _l("advanced")}


def _words(values: Any) -> str:
    return ", ".join(f"‘{w}’" for w in values or [] if isinstance(w, str))


def _level(value: Any) -> str:
    return "?" if value is None else str(value)


WORDING: dict[str, Callable[[dict[str, Any], Callable[[str], str | None]], str]] = {
    "chosen_by_ld": lambda p, name: _("Chosen by the learning and development team for %(skill)s",
                                      skill=p.get("skill")),
    "teaches_skill": lambda p, name: _("Teaches %(skill)s, the skill you want to grow", skill=p.get("skill")),
    "understood_as": lambda p, name: _("‘%(query)s’ is understood as ‘%(skill)s’", query=p.get("query"),
                                       skill=p.get("skill")),
    "matched_words": lambda p, name: _("Its description matches your goal on: %(words)s",
                                       words=_words(p.get("words"))),
    "resembles_skill": lambda p, name: _("Its title and outcomes resemble ‘%(query)s’", query=p.get("query")),
    "level_fits": lambda p, name: _("Level %(level)s suits your step from %(start)s to %(end)s",
                                    level=LEVELS.get(p.get("level"), p.get("level")),
                                    start=_level(p.get("from")), end=_level(p.get("to"))),
    "rated_by_colleagues": lambda p, name: _("Colleagues rated it %(rating)s/5 (%(count)s ratings)",
                                             rating=number(p.get("rating")), count=number(p.get("ratings"))),
    "completed_by_colleagues": lambda p, name: _("%(count)s colleagues completed it", count=number(p.get("count"))),
    "popular_with_role": lambda p, name: _("Popular with colleagues in the role %(role)s", role=p.get("role")),
    "mentor_colleague": lambda p, name: (
        _("%(name)s mentors in this", name=name(p.get("person_id"))) if name(p.get("person_id"))
        else _("A colleague mentors in this")),
    "within_budget": lambda p, name: _("Costs %(cost)s, within your budget of %(budget)s",
                                       cost=money(p.get("cost"), p.get("currency") or "EUR"),
                                       budget=money(p.get("budget"), p.get("currency") or "EUR")),
    "fits_hours": lambda p, name: _("About %(weeks)s week(s) at %(hours)s hours a week",
                                    weeks=number(p.get("weeks")), hours=number(p.get("hours_per_week"))),
    "in_language": lambda p, name: _("In %(language)s", language=label("language", p.get("language"))),
}


def person_ids(items: list[dict[str, Any]]) -> set[str]:
    """The people the reasons of ITEMS name (to look up once per page)."""
    return {str(r["params"]["person_id"]) for item in items for r in reasons_of(item)
            if r.get("code") == "mentor_colleague" and r.get("params", {}).get("person_id")}


def reasons_of(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in item.get("reasons") or [] if isinstance(r, dict) and isinstance(r.get("params"), dict)]


def worded(item: dict[str, Any], names: dict[str, str]) -> list[str]:
    """Each reason of a recommendation in the user's language; NAMES maps person ids to names."""
    out = []
    for reason in reasons_of(item):
        word = WORDING.get(str(reason.get("code")))
        text = word(reason["params"], names.get) if word else reason.get("text")
        if text:
            out.append(str(text))
    return out
