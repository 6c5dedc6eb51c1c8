"""Small JSON endpoints for the page scripts, so the browser never holds an API token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request
from flask_babel import get_locale
from flask_babel import gettext as _

from services.portal.api_client import api_path
from services.portal.auth import current_user
from services.portal.smart import check_goal, letter_names
from services.portal.views.common import optional_recommender, plan_api

bp = Blueprint("json_api", __name__, url_prefix="/portal-api")


def signed_in():
    user = current_user()
    if user is None:
        abort(401)
    return user


def skill_options(answer: Any) -> list[dict[str, str]]:
    """The recommender's skills as {label, id, type}, in the user's language first."""
    items = answer.get("skills", answer.get("items") or []) if isinstance(answer, dict) else answer or []
    language = str(get_locale() or "nl")
    out = []
    for item in items[:20]:
        if isinstance(item, str):
            out.append({"label": item, "id": item, "type": ""})
            continue
        if not isinstance(item, dict):
            continue
        labels = item.get("labels") if isinstance(item.get("labels"), dict) else {}
        name = (item.get("label") or labels.get(language) or item.get(language) or item.get("en")
                or item.get("nl") or item.get("id"))
        if name:
            out.append({"label": str(name), "id": str(item.get("id") or name), "type": str(item.get("type") or "")})
    return out


@bp.get("/skills")
def skills():
    """Autocomplete for skill fields: the taxonomy via the recommender; an empty list when it is down."""
    signed_in()
    query = (request.args.get("q") or "").strip()[:100]
    if len(query) < 2:
        return {"skills": []}
    answer, problem = optional_recommender(lambda api: api.get(api_path("/skills"), q=query, limit=20), [])
    return {"skills": skill_options(answer), "available": problem is None}


@bp.post("/plans/<plan_id>/smart-check")
def smart_check(plan_id: str):
    """The five SMART letters of a goal being typed; the plan service judges again on submit."""
    signed_in()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return {"status": 400, "message": _("Send the goal as a JSON object."), "errors": []}, 400
    skills = body.get("skills") if isinstance(body.get("skills"), list) else []
    goal = {"skills": [s for s in skills if isinstance(s, dict)][:20],
            **{k: str(body.get(k, ""))[:5000] for k in ("measure", "hours_needed", "budget_needed", "relevance",
                                                        "deadline")}}
    result = check_goal(plan_api(), plan_id, goal)
    names = letter_names()
    return {"failing": result["failing"],
            "letters": [{"letter": letter, "name": names[letter], **result["letters"][letter]} for letter in "SMART"]}
