"""Skill names as a plan saves them, and the assessment form the employee and their manager both fill in.

One path for every form that names a skill: a name the plan or the taxonomy knows is saved under that name, a new
one only when the form says "add as a new skill"; a half-typed word is refused with the closest names offered."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from services.portal.api_client import api_path
from services.portal.forms import Form
from services.portal.views.common import optional_recommender
from services.portal.views.json_api import skill_options
from services.portal.vocabulary import CATEGORIES, SKILL_STATUSES


def known_skill(plan: dict[str, Any], name: str) -> tuple[str | None, list[str]]:
    """The name to save NAME under: the plan's own name for it when the plan has it (also in the other language or
    as a synonym, so one skill is not assessed twice), else the taxonomy's; None when neither knows it, with the
    taxonomy's closest names to offer instead. A name the recommender cannot check counts as unknown."""
    key = name.casefold().strip()
    in_plan = {str(s.get("skill", "")).casefold(): str(s.get("skill")) for s in plan.get("skills") or []}
    if key in in_plan:
        return in_plan[key], []
    answer, _problem = optional_recommender(lambda api: api.get(api_path("/skills"), q=name[:100], limit=8), {})
    items = (answer or {}).get("skills") or [] if isinstance(answer, dict) else []
    for item in items:
        names = [*(item.get("labels") or {}).values(), *(n for v in (item.get("synonyms") or {}).values() for n in v)]
        if any(str(n).casefold() == key for n in names):
            same = next((in_plan[str(n).casefold()] for n in names if str(n).casefold() in in_plan), None)
            return same or name, []
    return None, [str(o["label"]) for o in skill_options({"skills": items})][:5]


def checked_skill(plan: dict[str, Any], form: Form, field: str, name: str) -> str:
    """NAME as it is saved from FIELD; refused on FIELD when nobody knows it and "add as a new skill" is not ticked."""
    if form.get(f"new_{field}") == "on":
        return name
    known, closest = known_skill(plan, name)
    if not known:
        form.error(field, _("“%(name)s” is not in the skills list. Choose one of the suggestions%(some)s, "
                            "or tick “Add as a new skill”.", name=name,
                            some=(": " + ", ".join(closest)) if closest else ""))
    return known or name


def assessment_body(plan: dict[str, Any], form: Form, assessor: str) -> dict[str, Any]:
    """The API body of an assessment form, by ASSESSOR ("self" or "manager"); errors land on the form."""
    name = form.text("skill", required=True, max_length=200)
    return {
        "skill": checked_skill(plan, form, "skill", name) if name else name,
        "category": form.choice("category", CATEGORIES),
        "level": form.integer("level", 0, 5),
        "status": form.choice("status", SKILL_STATUSES, required=False),
        "note": form.text("note"),
        "transferable_to": [t.strip() for t in form.get("transferable_to").split(",") if t.strip()][:20],
        "assessor": assessor,
    }
