"""L&D's tuning and reports: matcher settings with history, offline evaluation, aggregate reports.

Reports never show a group of fewer than MIN_GROUP people, so no individual can be singled out. Gaps are the plan
service's (it owns the gap rule and hides its small groups); what offers did is the recommender's own.
"""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates

from recommender.api import schemas as s
from recommender.api.common import actor, everyones_gaps, runtime
from recommender.api.people import MinPositionHeadersSchema
from recommender.evaluation import evaluate
from recommender.fairness import evaluation_by_group
from recommender.matcher import DEFAULT_WEIGHTS, Context, Gap, Matcher
from recommender.taxonomy import Taxonomy
from shared.auth import require_role
from shared.errors import ApiError, field_error
from shared.httpapi import Blueprint

blp = Blueprint("tuning", __name__, url_prefix="/api/v1",
                description="Ranking settings, offline evaluation and L&D reports.")

MIN_GROUP = 5
WEIGHT_RANGE = (0.0, 50.0)
# Below this many judged queries an offline evaluation is noise: it is still run, and says so.
MIN_JUDGED_QUERIES = 20
DECIDING_METRIC = "ndcg@10"
CATALOGUE_GAP_SCORE = 0.3


class SettingsSchema(Schema):
    weights = fields.Dict(keys=fields.String(), values=fields.Float(), load_default=dict)
    synonyms = fields.Dict(keys=fields.String(), values=fields.List(
        fields.String(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=50)),
        load_default=dict, metadata={"description": "skill id -> extra words that mean it"})
    curation = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=200)), values=fields.Dict(
        keys=fields.String(validate=validate.OneOf(("pinned", "excluded"))),
        values=fields.List(fields.String(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=200))),
        load_default=None, validate=validate.Length(max=5000), metadata={
            "description": "skill id -> {pinned: [offer ids], excluded: [offer ids]} (L&D); left out: kept as is"})

    @validates("weights")
    def known_weights(self, value, **_):
        unknown = sorted(set(value) - set(DEFAULT_WEIGHTS))
        if unknown:
            raise ValidationError(f"unknown weight(s): {', '.join(unknown)}; known: "
                                  f"{', '.join(DEFAULT_WEIGHTS)}")
        if any(not WEIGHT_RANGE[0] <= v <= WEIGHT_RANGE[1] for v in value.values()):
            raise ValidationError(f"weights lie between {WEIGHT_RANGE[0]} and {WEIGHT_RANGE[1]}")


class SettingsChange(SettingsSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    only_if_better = fields.Boolean(load_default=False, metadata={
        "description": "save only when the offline evaluation on the feed's judged queries (enough of them) "
                       f"gives a higher {DECIDING_METRIC} than the settings in use; 409 otherwise"})


class JudgedQuery(Schema):
    query = fields.String(required=True, validate=validate.Length(min=1, max=200))
    relevant = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class EvaluationRequest(Schema):
    proposed = fields.Nested(SettingsSchema, load_default=dict)
    queries = fields.List(fields.Nested(JudgedQuery), load_default=None,
                          validate=validate.Length(max=5000),
                          metadata={"description": "judged queries; by default the feed's judgments"})
    by_group = fields.String(load_default=None, validate=validate.Length(min=1, max=100), metadata={
        "description": "with the feed's judgments: also evaluate per group of this dimension (department, "
                       "job_level, language or another HR assigns), groups of 5 people or more"})


class ReportQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 200))


def current_settings() -> dict:
    app = runtime().app
    app.replica.catch_up()
    settings = app.settings() or {}
    return {"weights": {**DEFAULT_WEIGHTS, **settings.get("weights", {})},
            "synonyms": settings.get("synonyms", {}), "curation": settings.get("curation", {})}


@blp.route("/settings")
class Settings(MethodView):
    @blp.response(200, s.SettingsViewSchema)
    @blp.alt_response(403, "FORBIDDEN")
    def get(self):
        """The ranking weights and extra synonyms in use (ld, admin)."""
        require_role("ld", "admin")
        return current_settings()

    @blp.arguments(SettingsChange)
    @blp.response(200, s.SettingsWriteSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(409, "CONFLICT")
    def put(self, body):
        """Replace the settings; the reason is kept in the history (ld, admin)."""
        principal = require_role("ld", "admin")
        reason = body.pop("reason")
        if body.pop("only_if_better"):
            verdict, _ = compare(body, None)
            better = verdict["proposed"]["metrics"].get(DECIDING_METRIC, 0) > verdict["current"]["metrics"].get(
                DECIDING_METRIC, 0)
            if not verdict["enough"] or not better:
                why = (f"only {verdict['queries']} judged queries, {MIN_JUDGED_QUERIES} needed to compare"
                       if not verdict["enough"] else f"the proposal's {DECIDING_METRIC} is not higher")
                raise ApiError(409, "not better", [{"field": "only_if_better", "reason": why}])
        if body.get("curation") is None:  # pins and exclusions have their own endpoint; keep them
            body["curation"] = current_settings()["curation"]
        body["curation"] = {k: {"pinned": v.get("pinned", []), "excluded": v.get("excluded", [])}
                            for k, v in body["curation"].items()}
        version = runtime().app.change_settings(body, actor(principal, "ld"), reason)
        return {**current_settings(), "version": version}


@blp.route("/settings/history")
class SettingsHistory(MethodView):
    @blp.response(200, s.SettingsHistorySchema)
    @blp.alt_response(403, "FORBIDDEN")
    def get(self):
        """Every change of the settings: who, when, why (ld, admin)."""
        require_role("ld", "admin")
        return {"history": runtime().app.settings_history()}


@blp.route("/evaluation")
class Evaluation(MethodView):
    @blp.arguments(EvaluationRequest)
    @blp.response(200, s.EvaluationSchema)
    @blp.alt_response(403, "FORBIDDEN")
    def post(self, body):
        """nDCG@10, recall@10, MRR, coverage of current and proposed settings, side by side (ld)."""
        require_role("ld", "admin")
        answer, matchers = compare(body["proposed"], body["queries"])
        rt = runtime()
        if body["by_group"]:
            if answer["source"] != "feed":
                raise field_error(422, "by_group", "groups are evaluated on the feed's judgments; send no queries")
            answer["by_group"] = evaluation_by_group(body["by_group"], rt.log.groups(),
                                                     rt.readmodel.judgments_by_person(), matchers)
        return answer


def compare(proposal: dict, queries: list[dict] | None) -> tuple[dict, dict[str, Matcher]]:
    """The metrics of the settings in use and of PROPOSAL on QUERIES (default: the feed's judgments), with
    whether there were enough judged queries for the difference to mean something; and the two matchers."""
    rt = runtime()
    matcher = rt.matcher.current()
    if queries is not None:
        source = "request"
    else:
        queries = [{"query": skill, "relevant": sorted(offers)}
                   for skill, offers in sorted(rt.readmodel.judgments().items())]
        source = "feed"
    if not queries:
        raise ApiError(422, "nothing to evaluate on", [{
            "field": "queries", "reason": "the feed has no accepted or completed "
                                          "recommendations yet; send judged queries"}])
    current = current_settings()
    proposed = {"weights": {**current["weights"], **(proposal.get("weights") or {})},
                "synonyms": proposal.get("synonyms") or current["synonyms"],
                "curation": proposal.get("curation") or current["curation"]}
    # Both sides are built from stored settings: the live matcher picks up a save only at its next index check,
    # so a save right after another would otherwise be judged against the settings before it.
    in_use, alternative = (settings_matcher(matcher, settings) for settings in (current, proposed))
    return {"source": source, "queries": len(queries), "minimum_queries": MIN_JUDGED_QUERIES,
            "enough": len(queries) >= MIN_JUDGED_QUERIES,
            "current": {"settings": current, "metrics": evaluate(in_use, queries)},
            "proposed": {"settings": proposed, "metrics": evaluate(alternative, queries)}}, {
        "current": in_use, "proposed": alternative}


def settings_matcher(base: Matcher, settings: dict) -> Matcher:
    """BASE's index and statistics ranked with SETTINGS (weights, synonyms, curation)."""
    taxonomy = Taxonomy.build(runtime().app.imported_skills(), settings["synonyms"])
    return Matcher(base.index, taxonomy, settings["weights"], base.stats, curation=settings["curation"])


def demand(min_position: str | None) -> tuple[list[dict], int]:
    """Open gaps per skill as the plan service counts them (its gap rule, its groups under 5 hidden), most people
    first, each with the taxonomy skill it resolves to; and the smallest group shown. One row per skill as plans
    name it: two names of one taxonomy skill stay two rows, since a person may have a gap in both."""
    rows, min_group = everyones_gaps(min_position)
    taxonomy = runtime().matcher.current().taxonomy
    out = []
    for row in rows:
        resolved = taxonomy.resolve(row["skill"])
        out.append({**row, "skill_id": resolved[0].id if resolved else None})
    return sorted(out, key=lambda g: (-g["people"], g["skill"])), min_group


@blp.route("/reports/demand")
class DemandReport(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.arguments(MinPositionHeadersSchema, location="headers")
    @blp.response(200, s.DemandReportSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(503, "SERVICE_UNAVAILABLE", description="the plan service did not give the gaps")
    def get(self, query, headers):
        """The most common open gaps, as the plan service decides them (groups of at least 5 people) (ld, hr,
        admin)."""
        require_role("ld", "hr", "admin")
        gaps, min_group = demand(headers["min_position"])
        return {"min_group": min_group, "gaps": gaps[: query["limit"]]}


@blp.route("/reports/catalogue-gaps")
class CatalogueGapReport(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.arguments(MinPositionHeadersSchema, location="headers")
    @blp.response(200, s.CatalogueGapReportSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(503, "SERVICE_UNAVAILABLE", description="the plan service did not give the gaps")
    def get(self, query, headers):
        """Common gaps whose best offer scores low: what to buy or build (ld, admin)."""
        require_role("ld", "admin")
        matcher = runtime().matcher.current()
        gaps, min_group = demand(headers["min_position"])
        out = []
        for group in gaps:
            best = matcher.recommend([Gap(group["skill"])], Context(), limit=1)
            score = best[0]["score"] if best else 0.0
            if score < CATALOGUE_GAP_SCORE:
                out.append({**group, "best_score": score,
                            "best_offer": best[0]["title"] if best else None})
        return {"min_group": min_group, "threshold": CATALOGUE_GAP_SCORE,
                "gaps": out[: query["limit"]]}


@blp.route("/reports/effectiveness")
class EffectivenessReport(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, s.EffectivenessReportSchema)
    @blp.alt_response(403, "FORBIDDEN")
    def get(self, query):
        """Per offer: completions, mean rating, mean level gained (5 people or more) (ld, hr, admin)."""
        require_role("ld", "hr", "admin")
        rt = runtime()
        titles = rt.app.offer_titles()
        rows = [{**r, "title": titles.get(r["offer_id"]),
                 "mean_rating": None if r["mean_rating"] is None else round(r["mean_rating"], 2),
                 "mean_level_gain": None if r["mean_level_gain"] is None
                 else round(r["mean_level_gain"], 2)}
                for r in rt.readmodel.effectiveness() if r["people"] >= MIN_GROUP]
        rows.sort(key=lambda r: (-(r["mean_level_gain"] or 0), -r["people"]))
        return {"min_group": MIN_GROUP, "offers": rows[: query["limit"]]}
