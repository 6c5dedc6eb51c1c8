"""Why an offer was recommended: reason codes with parameters, and one sentence per code in Dutch or English.

The codes and their parameters are the contract: a client (the portal) renders them in its own words;
the sentence is a convenience for API users, in the language of their Accept-Language header. People
appear by person id only (a client that may see the directory shows the name), never by a user name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel import Locale
from babel.numbers import format_currency, format_decimal

from recommender.taxonomy import SkillEntry

LANGUAGES = ("en", "nl")

# code -> its parameters (every parameter is always present; null where unknown)
CODES: dict[str, tuple[str, ...]] = {
    "chosen_by_ld": ("skill_id", "skill"),
    "teaches_skill": ("skill_id", "skill"),
    "understood_as": ("query", "skill_id", "skill"),
    "matched_words": ("words",),
    "resembles_skill": ("query",),
    "level_fits": ("level", "from", "to"),
    "rated_by_colleagues": ("rating", "ratings"),
    "completed_by_colleagues": ("count",),
    "popular_with_role": ("role",),
    "mentor_colleague": ("person_id",),
    "within_budget": ("cost", "currency", "budget"),
    "fits_hours": ("weeks", "hours_per_week"),
    "in_language": ("language",),
}

SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        "chosen_by_ld": "Chosen by the learning and development team for {skill}",
        "teaches_skill": "Teaches {skill}, the skill you want to grow",
        "understood_as": "'{query}' is understood as '{skill}'",
        "matched_words": "Its description matches your goal on: {words}",
        "resembles_skill": "Its title and outcomes resemble '{query}'",
        "level_fits": "Level {level} suits your step from {from} to {to}",
        "rated_by_colleagues": "Colleagues rated it {rating}/5 ({ratings} ratings)",
        "completed_by_colleagues": "{count} colleagues completed it",
        "popular_with_role": "Popular with colleagues in the role {role}",
        "mentor_colleague": "A colleague mentors in this",
        "within_budget": "Costs {cost}, within your budget of {budget}",
        "fits_hours": "About {weeks} week(s) at {hours_per_week} hours a week",
        "in_language": "In {language}",
    },
    "nl": {
        "chosen_by_ld": "Gekozen door het opleidingsteam voor {skill}",
        "teaches_skill": "Leert je {skill}, de vaardigheid die je wilt ontwikkelen",
        "understood_as": "'{query}' is opgevat als '{skill}'",
        "matched_words": "De beschrijving past bij je doel op: {words}",
        "resembles_skill": "Titel en leerdoelen lijken op '{query}'",
        "level_fits": "Niveau {level} past bij je stap van {from} naar {to}",
        "rated_by_colleagues": "Collega's gaven het een {rating}/5 ({ratings} beoordelingen)",
        "completed_by_colleagues": "{count} collega's hebben het afgerond",
        "popular_with_role": "Populair bij collega's in de rol {role}",
        "mentor_colleague": "Een collega begeleidt je hierin",
        "within_budget": "Kost {cost}, binnen je budget van {budget}",
        "fits_hours": "Ongeveer {weeks} week/weken bij {hours_per_week} uur per week",
        "in_language": "In het {language}",
    },
}
LEVEL_WORDS = {"en": {"beginner": "beginner", "intermediate": "intermediate", "advanced": "advanced"},
               "nl": {"beginner": "beginner", "intermediate": "gemiddeld", "advanced": "gevorderd"}}


def reason(code: str, **params: Any) -> dict[str, Any]:
    """A reason as the matcher gives it: the code and every parameter of that code."""
    expected = CODES[code]
    unknown = set(params) - set(expected)
    if unknown:
        raise ValueError(f"{code} takes no {', '.join(sorted(unknown))}")
    return {"code": code, "params": {name: params.get(name) for name in expected}}


def skill_label(entry: SkillEntry | None, language: str) -> str | None:
    """The skill's label in LANGUAGE, else in English, else any."""
    if entry is None:
        return None
    return entry.labels.get(language) or entry.labels.get("en") or next(iter(entry.labels.values()), None)


def localised(reasons: list[dict], language: str, skill: Callable[[str], SkillEntry | None]) -> list[dict]:
    """REASONS with skill labels in LANGUAGE (SKILL maps an id to its entry) and each one's sentence."""
    out = []
    for item in reasons:
        params = dict(item["params"])
        if params.get("skill_id"):
            params["skill"] = skill_label(skill(params["skill_id"]), language) or params.get("skill")
        out.append({"code": item["code"], "params": params, "text": sentence(item["code"], params, language)})
    return out


def sentence(code: str, params: dict[str, Any], language: str) -> str:
    """The reason in words of LANGUAGE (nl or en), numbers and money formatted for that language."""
    words = {name: _word(name, value, params, language) for name, value in params.items()}
    return SENTENCES[language][code].format(**words)


def _word(name: str, value: Any, params: dict[str, Any], language: str) -> str:
    if value is None:
        return "?"
    if name == "words":
        return ", ".join(f"'{w}'" for w in value)
    if name == "language":
        return Locale.parse(language).languages.get(value, value)
    if name == "level":
        return LEVEL_WORDS[language].get(value, value)
    if name in {"cost", "budget"}:
        return format_currency(value, params.get("currency") or "EUR", locale=language)
    if name == "rating":
        return format_decimal(value, format="0.0", locale=language)
    if isinstance(value, float):
        return format_decimal(value, locale=language)
    return str(value)
