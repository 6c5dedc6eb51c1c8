"""The skills taxonomy (autocomplete, import) and role profiles with an employee's gap to a role."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from recommender.api import schemas as s
from recommender.api.common import actor, body_text, current_gaps, reader, runtime
from recommender.api.people import EmployeeHeadersSchema, read_person
from recommender.taxonomy import (
    TaxonomyFormatError,
    merge_skill,
    normalise,
    read_esco_csv,
    read_simple_csv,
)
from shared.auth import require_role
from shared.errors import ApiError
from shared.httpapi import Blueprint
from shared.parsing import JsonInputError, check_json

blp = Blueprint("skills", __name__, url_prefix="/api/v1",
                description="Skills taxonomy and role profiles.")

ROLE_MAINTAINERS = ("hr", "ld", "admin")


class SkillQuery(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=100))
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 100))


class SkillImportQuery(Schema):
    format = fields.String(load_default="simple", validate=validate.OneOf(("simple", "esco")))
    language = fields.String(load_default="en", validate=validate.Regexp(r"^[a-z]{2}$"))


class RequiredSkill(Schema):
    skill = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.Integer(required=True, validate=validate.Range(0, 5))


class RoleProfileBody(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    skills = fields.List(fields.Nested(RequiredSkill), required=True,
                         validate=validate.Length(min=1, max=100))


class GapQuery(Schema):
    employee = fields.String(required=True, validate=validate.Length(min=1, max=200))


def taxonomy():
    return runtime().matcher.current().taxonomy


@blp.route("/skills")
class Skills(MethodView):
    @blp.arguments(SkillQuery, location="query")
    @blp.response(200, s.SkillListSchema)
    def get(self, query):
        """Autocomplete over skills: prefix and fuzzy, Dutch or English (any signed-in role)."""
        reader()
        tax = taxonomy()
        if not query["q"].strip():
            skills = [tax.skills[k].as_dict() for k in sorted(tax.skills)][: query["limit"]]
            return {"skills": skills, "total": len(tax.skills)}
        language = request.accept_languages.best_match(("nl", "en"))  # the user's labels rank first
        return {"skills": tax.search(query["q"], query["limit"], language)}


@blp.route("/skills/<skill_id>")
class SkillDetail(MethodView):
    @blp.response(200, s.SkillSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, skill_id):
        """One skill by its stable id."""
        reader()
        entry = taxonomy().get(skill_id)
        if entry is None:
            raise ApiError(404, "skill not found")
        return entry.as_dict()


@blp.route("/skills/import")
class SkillsImport(MethodView):
    accepts = {"text/csv"}

    @blp.arguments(SkillImportQuery, location="query")
    @blp.doc(requestBody={"required": True, "content": {"text/csv": {"schema": {"type": "string"}, "example": (
        "id,type,en,nl,synonyms_en,synonyms_nl\nexcel,technical,Excel,Excel,spreadsheets,rekenbladen\n")}}})
    @blp.response(200, s.ImportCountsSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(415, "UNSUPPORTED_MEDIA_TYPE")
    def post(self, query):
        """Add skills from ESCO's CSV (one language per file) or the simple CSV (ld, admin)."""
        principal = require_role("ld", "admin")
        text = body_text()
        try:
            skills = (read_esco_csv(text, query["language"]) if query["format"] == "esco"
                      else read_simple_csv(text))
        except TaxonomyFormatError as error:
            raise ApiError(422, str(error), [{"field": "body", "reason": str(error)}]) from None
        try:
            check_json(skills)  # the text rules of every JSON body: no NUL reaches the store
        except JsonInputError as error:
            raise error.as_api_error() from None
        app = runtime().app
        existing = {s["id"]: s for s in app.imported_skills()}
        merged = [merge_skill(existing.get(s["id"]), s) for s in skills]
        return app.define_skills(merged, actor(principal, "ld"))


@blp.route("/roles")
class Roles(MethodView):
    @blp.response(200, s.RoleListSchema)
    def get(self):
        """Every role profile."""
        reader()
        return {"roles": runtime().app.role_profiles()}


@blp.route("/roles/<role_id>")
class Role(MethodView):
    @blp.response(200, s.RoleProfileSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, role_id):
        """One role profile: the skills and levels the role needs."""
        reader()
        return runtime().app.role_profile(role_id)

    @blp.arguments(RoleProfileBody)
    @blp.response(200, s.RoleProfileSchema)
    @blp.alt_response(403, "FORBIDDEN")
    def put(self, profile, role_id):
        """Create or replace a role profile (hr, ld, admin)."""
        principal = require_role(*ROLE_MAINTAINERS)
        if len(role_id) > 100 or not role_id.strip():
            raise ApiError(422, "invalid input", [{"field": "role_id", "reason": "1 to 100 characters"}])
        return runtime().app.define_role_profile(role_id, profile, actor(principal, "hr"))


@blp.route("/roles/<role_id>/gap")
class RoleGap(MethodView):
    @blp.arguments(GapQuery, location="query")
    @blp.arguments(EmployeeHeadersSchema, location="headers")
    @blp.response(200, s.RoleGapSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(503, "SERVICE_UNAVAILABLE", description="the plan service did not give the person's levels")
    def get(self, query, headers, role_id):
        """The employee's gap to the role, from their current levels as the plan service decides them (the latest
        rating wins, a re-rating at an action's completion included) (the employee, their managers, HR and admins
        stating a purpose). X-Min-Position (a plan write's X-Position) is passed on."""
        employee = query["employee"]
        rt = runtime()
        read_person(employee, "role_gap")
        profile = rt.app.role_profile(role_id)
        levels = current_gaps(employee, headers.get("min_position")).levels
        tax = taxonomy()
        by_name = {normalise(skill): level for skill, level in levels.items()}
        by_skill_id: dict[str, int] = {}
        for skill, level in levels.items():
            for entry in tax.resolve(skill):
                by_skill_id[entry.id] = level
        rows = []
        for required in profile["skills"]:
            resolved = tax.resolve(required["skill"])
            current = by_name.get(normalise(required["skill"]))
            if current is None and resolved:
                current = by_skill_id.get(resolved[0].id)
            rows.append({"skill": required["skill"],
                         "skill_id": resolved[0].id if resolved else None,
                         "required_level": required["level"], "current_level": current,
                         "gap": max(0, required["level"] - (current or 0))})
        return {"role_id": role_id, "employee_id": employee,
                "gaps": [r for r in rows if r["gap"] > 0], "met": [r for r in rows if r["gap"] == 0]}
