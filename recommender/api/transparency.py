"""Transparency for HR, L&D and a works council: the groups HR assigns, the fairness report, the log of
what was shown in aggregate, and the model card.

Nothing here names a person: reports count groups of at least MIN_GROUP people.
"""

from __future__ import annotations

from collections import defaultdict

from flask import Response
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from recommender.api import schemas as s
from recommender.api.common import reader, runtime
from recommender.fairness import MIN_GROUP, fairness_report
from recommender.model_card import as_html, as_markdown, build_card
from shared.auth import require_role
from shared.httpapi import Blueprint

blp = Blueprint("transparency", __name__, url_prefix="/api/v1",
                description="Fairness monitoring, the log in aggregate, and the model card.")

GROUP_NAME = validate.Length(min=1, max=100)


# -- schemas --------------------------------------------------------------------------------------
class PersonGroupsSchema(Schema):
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    groups = fields.Dict(keys=fields.String(validate=GROUP_NAME), values=fields.String(validate=GROUP_NAME),
                         required=True, validate=validate.Length(max=20), metadata={
                             "description": "dimension -> group, e.g. department, job_level, language, "
                                            "and any other grouping HR monitors"})


class GroupsRequestSchema(Schema):
    people = fields.List(fields.Nested(PersonGroupsSchema), required=True, validate=validate.Length(min=1, max=50_000))


class PeriodQuery(Schema):
    since = fields.Date(load_default=None, metadata={"description": "only what was shown from this day on"})


class CardQuery(Schema):
    format = fields.String(load_default="markdown", validate=validate.OneOf(("markdown", "html")))


# -- endpoints ------------------------------------------------------------------------------------
@blp.route("/fairness/groups")
class FairnessGroups(MethodView):
    @blp.arguments(GroupsRequestSchema)
    @blp.response(200, s.GroupsAnswerSchema)
    def put(self, body):
        """Assign people to the groups fairness is monitored by (replaces each named person's groups) (hr, admin)."""
        require_role("hr", "admin")
        return {"updated": runtime().log.set_groups(body["people"])}


@blp.route("/reports/fairness")
class FairnessReport(MethodView):
    @blp.arguments(PeriodQuery, location="query")
    @blp.response(200, s.FairnessReportSchema)
    def get(self, query):
        """Exposure, acceptance and ranking quality per group, with the disparity measure explained (hr, ld, admin)."""
        require_role("hr", "ld", "admin")
        rt = runtime()
        since = query["since"].isoformat() if query["since"] else None
        report = fairness_report(rt.log.groups(), rt.log.shown_rows(since), rt.readmodel.accepted_pairs(),
                                 rt.readmodel.judgments_by_person(), rt.matcher.current())
        return {**report, "retention_days": rt.log.days}


@blp.route("/reports/suggestions-shown")
class ShownReport(MethodView):
    @blp.arguments(PeriodQuery, location="query")
    @blp.response(200, s.ShownReportSchema)
    def get(self, query):
        """The log of what was shown, in aggregate: per month and model version (5 people or more) (hr, admin)."""
        require_role("hr", "admin")
        rt = runtime()
        people: dict[tuple[str, str], set[str]] = defaultdict(set)
        count: dict[tuple[str, str], int] = defaultdict(int)
        for row in rt.log.shown_rows(query["since"].isoformat() if query["since"] else None):
            key = (row["shown_at"][:7], row["model_version"])
            people[key].add(row["employee_id"])
            count[key] += 1
        periods = [{"month": m, "model_version": v, "people": len(people[(m, v)]), "suggestions": count[(m, v)]}
                   for m, v in sorted(people) if len(people[(m, v)]) >= MIN_GROUP]
        return {"min_group": MIN_GROUP, "retention_days": rt.log.days, "periods": periods,
                "hidden_periods": len(people) - len(periods)}


@blp.route("/model-card")
class ModelCard(MethodView):
    @blp.arguments(CardQuery, location="query")
    def get(self, query):
        """The model card, generated from the current settings, data, evaluation and known limits, as a
        Markdown or HTML download (any signed-in role)."""
        reader()
        card = build_card(runtime())
        if query["format"] == "html":
            return Response(as_html(card), mimetype="text/html",
                            headers={"Content-Disposition": 'attachment; filename="groeipad-model-card.html"'})
        return Response(as_markdown(card), mimetype="text/markdown",
                        headers={"Content-Disposition": 'attachment; filename="groeipad-model-card.md"'})
