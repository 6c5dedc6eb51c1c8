"""Small JSON endpoints for the page scripts, so the browser never holds an API token.

They are described by an OpenAPI document of their own (`/portal-api/openapi.json`, built from the
schemas below), which the fuzz tests run schemathesis over; bodies are read by the services' strict
JSON reader (shared/parsing.py).
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, abort, request
from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from services.portal.api_client import api_path
from services.portal.auth import current_user
from services.portal.smart import LETTERS, check_goal, letter_names
from services.portal.views.common import optional_recommender, plan_api
from shared.errors import ErrorSchema
from shared.parsing import JsonInputError, parse_json

bp = Blueprint("json_api", __name__, url_prefix="/portal-api")


class SkillQuery(Schema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "two letters or more"})


class SkillOptionSchema(Schema):
    label = fields.String(required=True)
    id = fields.String(required=True)
    type = fields.String(required=True)


class SkillOptionsSchema(Schema):
    skills = fields.List(fields.Nested(SkillOptionSchema), required=True, validate=validate.Length(max=20))
    available = fields.Boolean(metadata={"description": "false when the recommender does not answer"})


class GoalSkillSchema(Schema):
    skill = fields.String()
    target_level = fields.Raw(metadata={"description": "a whole number 0-5, as typed"})


class GoalDraftSchema(Schema):
    """A goal as typed so far: every field optional and read leniently (the plan service judges on submit)."""

    skills = fields.List(fields.Nested(GoalSkillSchema))
    measure = fields.Raw()
    hours_needed = fields.Raw()
    budget_needed = fields.Raw()
    relevance = fields.Raw()
    deadline = fields.Raw()


class LetterSchema(Schema):
    letter = fields.String(required=True, validate=validate.OneOf(list(LETTERS)))
    name = fields.String(required=True)
    ok = fields.Boolean(required=True)
    field = fields.String(required=True)
    message = fields.String(required=True)


class SmartCheckSchema(Schema):
    failing = fields.List(fields.String(validate=validate.OneOf(list(LETTERS))), required=True)
    letters = fields.List(fields.Nested(LetterSchema), required=True)


def _json(schema: type[Schema], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict[str, Any]:
    """The JSON helpers as OpenAPI 3: what the page scripts may send and what they get back."""
    spec = APISpec(title="Groeipad portal JSON helpers", version="v1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Signed-in only (the session cookie); a POST carries X-CSRFToken."})
    errors = {str(status): _json(ErrorSchema, words) for status, words in (
        (400, "the body is not a JSON object this helper reads"), (401, "not signed in"),
        (403, "not allowed"), (404, "no such plan, or not yours to see"),
        (422, "a text no store can hold"), (503, "the plan service does not answer"))}
    spec.path(path="/portal-api/skills", operations={"get": {
        "summary": "Autocomplete for skill fields from the taxonomy; an empty list when the recommender is down.",
        "parameters": [{"in": "query", "schema": SkillQuery}],
        "responses": {"200": _json(SkillOptionsSchema), "401": errors["401"]}}})
    spec.path(path="/portal-api/plans/{plan_id}/smart-check", operations={"post": {
        "summary": "The five SMART letters of a goal being typed.",
        "parameters": [{"in": "path", "name": "plan_id", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": GoalDraftSchema}}},
        "responses": {"200": _json(SmartCheckSchema), **errors}}})
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi():
    """The helpers' OpenAPI document (no personal data, so no sign-in needed)."""
    return openapi_document()


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
    try:
        body = parse_json(request.get_data(cache=True) or b"null")
    except JsonInputError as error:
        return {"status": error.status, "message": _("Send the goal as a JSON object."),
                "errors": [{"field": error.field, "reason": error.reason}]}, error.status
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
