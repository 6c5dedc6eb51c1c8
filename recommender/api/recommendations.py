"""Recommendations: for gaps given in the request, and for an employee's open gaps as the plan service decides them."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from recommender.api import schemas as s
from recommender.api.common import current_gaps, reader, runtime
from recommender.api.people import AccessHeadersSchema, EmployeeHeadersSchema, read_person
from recommender.domainmodel import MEANS
from recommender.matcher import Context, Gap, Matcher
from recommender.personal import with_dismissals
from recommender.reasons import LANGUAGES, localised, reason
from shared.auth import current_principal
from shared.httpapi import Blueprint

blp = Blueprint("recommendations", __name__, url_prefix="/api/v1",
                description="Ranked learning offers with reasons.")


class GapSchema(Schema):
    skill = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "free text in Dutch or English, or a skill id"})
    current_level = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 5))
    target_level = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 5))

    @validates_schema
    def target_above_current(self, data, **_):
        current, target = data.get("current_level"), data.get("target_level")
        if current is not None and target is not None and target < current:
            raise ValidationError("must not be below current_level", "target_level")


class ContextSchema(Schema):
    means = fields.List(fields.String(validate=validate.OneOf(MEANS)), load_default=None,
                        validate=validate.Length(max=len(MEANS)))
    language = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z]{2}$"))
    max_cost = fields.Float(load_default=None, validate=validate.Range(0, 1_000_000))
    hours_per_week = fields.Float(load_default=None, validate=validate.Range(0.5, 80))
    deadline = fields.Date(load_default=None)
    employee_id = fields.String(load_default=None, validate=validate.Length(max=200))


class RecommendationRequest(Schema):
    gaps = fields.List(fields.Nested(GapSchema), required=True, validate=validate.Length(1, 20))
    context = fields.Nested(ContextSchema, load_default=dict)
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50))


class EmployeeQuery(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50))
    means = fields.List(fields.String(validate=validate.OneOf(MEANS)), load_default=None,
                        validate=validate.Length(max=len(MEANS)))
    language = fields.String(load_default=None, validate=validate.OneOf(["nl", "en"]))
    max_cost = fields.Float(load_default=None, validate=validate.Range(0, 1_000_000))
    hours_per_week = fields.Float(load_default=None, validate=validate.Range(0.5, 80))
    deadline = fields.Date(load_default=None)
    include_dismissed = fields.Boolean(load_default=False, metadata={
        "description": "also offers the person dismissed (their reasons then narrow nothing)"})


ROLE_MINIMUM = 3  # colleagues in the same role behind popular_with_role: fewer would point at one of them

LANGUAGE_HEADER = {"Content-Language": {"description": "the language of the reasons' text (nl or en)",
                                        "schema": {"type": "string"}}}


def explained(answer: dict, matcher: Matcher) -> tuple[dict, int, dict[str, str]]:
    """ANSWER with each reason worded in the caller's language (Accept-Language: nl or en; English
    otherwise), said in Content-Language."""
    language = request.accept_languages.best_match(LANGUAGES) or "en"
    for item in answer["recommendations"]:
        item["reasons"] = localised(item["reasons"], language, matcher.taxonomy.get)
    return answer, 200, {"Content-Language": language, "Vary": "Accept-Language"}


def model_info(matcher: Matcher) -> dict:
    """The model version a log entry names: the settings' version and the index's (catalogue) version."""
    return {"model_version": matcher.model_version, "settings_version": matcher.settings_version,
            "index_version": matcher.index.version_}


def for_person(employee_id: str, matcher: Matcher, gaps: list[Gap], ctx: Context, limit: int,
               include_dismissed: bool = False) -> tuple[list[dict], bool]:
    """What EMPLOYEE_ID is shown, logged: nothing when they switched suggestions off, and unless
    INCLUDE_DISMISSED never what they dismissed (their reasons narrow the rest, see recommender/personal.py).
    Returns the items and whether suggestions are off."""
    log = runtime().log
    if not log.suggestions_on(employee_id):
        return [], True
    if not include_dismissed:  # dismissed here (at once), or through the plan service (once the feed told us)
        feed_dismissed = (runtime().readmodel.current_plan(employee_id) or {}).get("dismissed", [])
        ctx = with_dismissals(ctx, log.dismissals(employee_id), feed_dismissed)
    items = matcher.recommend(gaps, ctx, limit)
    role, popular = runtime().readmodel.popular_with_role(employee_id, ROLE_MINIMUM)
    for item in items:
        if item["offer_id"] in popular:
            item["reasons"].append(reason("popular_with_role", role=role))
    log.record_shown(employee_id, current_principal().subject, items, model_info(matcher))
    return items, False


@blp.route("/recommendations")
class Recommendations(MethodView):
    @blp.arguments(RecommendationRequest)
    @blp.arguments(AccessHeadersSchema, location="headers")
    @blp.response(200, s.RecommendationListSchema, headers=LANGUAGE_HEADER)
    @blp.alt_response(403, "FORBIDDEN")
    def post(self, body, _purpose):
        """Offers for the gaps, ranked, varied and explained (any signed-in role); with
        context.employee_id the answer is that person's (their switch and dismissals count) and logged,
        so only they, their managers, HR or an admin (stating a purpose; the read is in the access log)
        may name them."""
        reader()
        matcher = runtime().matcher.current()
        ctx = Context(**{k: v for k, v in (body.get("context") or {}).items() if v is not None})
        if ctx.employee_id:
            read_person(ctx.employee_id, "recommendations")
        gaps = [Gap(**g) for g in body["gaps"]]
        if ctx.employee_id:
            items, off = for_person(ctx.employee_id, matcher, gaps, ctx, body["limit"])
        else:
            items, off = matcher.recommend(gaps, ctx, body["limit"]), False
        return explained({"recommendations": items, "model_version": matcher.model_version,
                          "suggestions_off": off}, matcher)


@blp.route("/employees/<employee_id>/recommendations")
class EmployeeRecommendations(MethodView):
    @blp.arguments(EmployeeQuery, location="query")
    @blp.arguments(EmployeeHeadersSchema, location="headers")
    @blp.response(200, s.EmployeeRecommendationsSchema, headers=LANGUAGE_HEADER)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(503, "SERVICE_UNAVAILABLE", description="the plan service did not give the person's gaps")
    def get(self, query, headers, employee_id):
        """Offers for the open gaps of the employee's current plan as the plan service decides them now, without
        the offers that plan already holds (planned, started or completed) and, unless include_dismissed, without
        what they dismissed (employee, their managers, HR and admins stating a purpose). X-Min-Position (a plan
        write's X-Position) is passed on, so the answer includes that write."""
        read_person(employee_id, "recommendations")
        matcher = runtime().matcher.current()
        current = current_gaps(employee_id, headers.get("min_position"))
        gaps = [{k: g[k] for k in ("skill", "current_level", "target_level")} for g in current.gaps]
        answer = {"employee_id": employee_id, "plan_id": current.plan_id, "gaps": gaps, "recommendations": [],
                  "model_version": matcher.model_version, "suggestions_off": False}
        if not gaps:
            answer["suggestions_off"] = not runtime().log.suggestions_on(employee_id)
            return answer
        filters = {k: query[k] for k in ("means", "language", "max_cost", "hours_per_week", "deadline")
                   if query.get(k) is not None}
        ctx = Context(employee_id=employee_id, exclude_offers=set(current.offers_in_plan), **filters)
        items, off = for_person(employee_id, matcher, [Gap(**g) for g in gaps], ctx, query["limit"],
                                include_dismissed=query["include_dismissed"])
        return explained({**answer, "recommendations": items, "suggestions_off": off}, matcher)
