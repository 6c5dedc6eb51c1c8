"""What the recommender's endpoints answer, as marshmallow schemas: the OpenAPI document's responses.

flask-smorest dumps every answer through its schema, so a field missing here is missing on the wire:
add it here first. Request schemas live next to their views. Errors have the shared shape
(shared/errors.py); each view names the ones it gives with `@blp.alt_response(404, "NOT_FOUND")`,
which refers to the response flask-smorest registers under the status's name.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from recommender.domainmodel import MEANS
from recommender.fairness import MIN_GROUP
from recommender.reasons import CODES
from shared.contracts import ActorSchema


def text(**kwargs) -> fields.String:
    return fields.String(allow_none=True, **kwargs)


def number(**kwargs) -> fields.Float:
    return fields.Float(allow_none=True, **kwargs)


# -- the catalogue --------------------------------------------------------------------------------
class SkillTaughtViewSchema(Schema):
    skill = fields.String(required=True)
    level = fields.Integer(allow_none=True)


class SessionViewSchema(Schema):
    start = fields.String(required=True, metadata={"format": "date"})
    end = text(metadata={"format": "date"})
    location = text()


class OfferSchema(Schema):
    offer_id = fields.String(required=True)
    external_id = fields.String(required=True)
    title = fields.String(required=True)
    means = fields.String(required=True, validate=validate.OneOf(MEANS))
    description = text()
    provider = text()
    language = text()
    format = text()
    hours = number()
    cost = number()
    currency = text()
    level = text()
    learning_outcomes = fields.List(fields.String(), allow_none=True)
    certificate = fields.Boolean(allow_none=True)
    skills = fields.List(fields.Nested(SkillTaughtViewSchema), allow_none=True)
    prerequisites = fields.List(fields.String(), allow_none=True)
    sessions = fields.List(fields.Nested(SessionViewSchema), allow_none=True)
    capacity = fields.Integer(allow_none=True)
    url = text()
    mentor = text(metadata={"description": "person id of the mentor (mentoring offers)"})
    status = fields.String(required=True, validate=validate.OneOf(("published", "retired")))
    version = fields.Integer(required=True)
    modified_on = fields.String(required=True, metadata={"format": "date-time"})


class OfferListSchema(Schema):
    offers = fields.List(fields.Nested(OfferSchema), required=True)
    total = fields.Integer(required=True)


class OfferEventSchema(Schema):
    version = fields.Integer(required=True)
    type = fields.String(required=True, metadata={"description": "the event's class, e.g. Published"})
    occurred_at = fields.String(required=True, metadata={"format": "date-time"})
    actor = fields.Nested(ActorSchema, required=True)
    data = fields.Dict(required=True, metadata={"description": "what the event changed"})


class OfferHistorySchema(Schema):
    history = fields.List(fields.Nested(OfferEventSchema), required=True)


class RejectedLineSchema(Schema):
    line = fields.Integer(required=True)
    field = fields.String(required=True)
    reason = fields.String(required=True)


class ImportCountsSchema(Schema):
    imported = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)


class CatalogueImportSchema(ImportCountsSchema):
    rejected = fields.List(fields.Nested(RejectedLineSchema), required=True)


# -- skills and roles -----------------------------------------------------------------------------
class SkillSchema(Schema):
    id = fields.String(required=True)
    type = fields.String(required=True)
    labels = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"description": "language code -> label"})
    synonyms = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    description = fields.String(allow_none=True)
    matched = fields.String(metadata={"description": "the name a search matched (searches only)"})


class SkillListSchema(Schema):
    skills = fields.List(fields.Nested(SkillSchema), required=True)
    total = fields.Integer(metadata={"description": "skills in the taxonomy (lists without q only)"})


class RequiredSkillViewSchema(Schema):
    skill = fields.String(required=True)
    level = fields.Integer(required=True)


class RoleProfileSchema(Schema):
    role_id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String()
    skills = fields.List(fields.Nested(RequiredSkillViewSchema), required=True)
    version = fields.Integer(required=True)


class RoleListSchema(Schema):
    roles = fields.List(fields.Nested(RoleProfileSchema), required=True)


class RoleGapRowSchema(Schema):
    skill = fields.String(required=True)
    skill_id = text()
    required_level = fields.Integer(required=True)
    current_level = fields.Integer(allow_none=True)
    gap = fields.Integer(required=True)


class RoleGapSchema(Schema):
    role_id = fields.String(required=True)
    employee_id = fields.String(required=True)
    gaps = fields.List(fields.Nested(RoleGapRowSchema), required=True)
    met = fields.List(fields.Nested(RoleGapRowSchema), required=True)


# -- recommendations ------------------------------------------------------------------------------
class ReasonSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(tuple(CODES)), metadata={
        "description": "why, as a code a client renders itself; its parameters: "
                       + "; ".join(f"{code}{{{', '.join(params)}}}" for code, params in CODES.items())})
    params = fields.Dict(keys=fields.String(), required=True,
                         metadata={"description": "the code's parameters; people by person id only"})
    text = fields.String(required=True, metadata={"description": "a sentence in the Content-Language"})


class RecommendationSchema(Schema):
    recommendation_id = fields.String(required=True)
    offer_id = fields.String(required=True)
    external_id = fields.String(required=True)
    title = text()
    means = text()
    provider = text()
    language = text()
    hours = number()
    cost = number()
    score = fields.Float(required=True)
    gap = fields.String(required=True, metadata={"description": "the gap this offer answers"})
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)


class RecommendationListSchema(Schema):
    recommendations = fields.List(fields.Nested(RecommendationSchema), required=True)
    model_version = fields.String(required=True)
    suggestions_off = fields.Boolean(required=True, metadata={
        "description": "the person switched suggestions off for themselves (the list is then empty)"})


class OpenGapSchema(Schema):
    skill = fields.String(required=True)
    current_level = fields.Integer(allow_none=True)
    target_level = fields.Integer(allow_none=True)
    goal_id = text()
    deadline = text(metadata={"format": "date"})


class EmployeeRecommendationsSchema(RecommendationListSchema):
    employee_id = fields.String(required=True)
    plan_id = text()
    gaps = fields.List(fields.Nested(OpenGapSchema), required=True)


# -- tuning and reports ---------------------------------------------------------------------------
class SettingsViewSchema(Schema):
    weights = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    synonyms = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    curation = fields.Dict(keys=fields.String(), values=fields.Dict(
        keys=fields.String(), values=fields.List(fields.String())), required=True, metadata={
        "description": "skill id -> {pinned: [offer ids], excluded: [offer ids]} (L&D)"})


class SettingsWriteSchema(SettingsViewSchema):
    version = fields.Integer(required=True)


class SettingsChangeViewSchema(Schema):
    version = fields.Integer(required=True)
    occurred_at = fields.String(required=True, metadata={"format": "date-time"})
    actor = fields.Nested(ActorSchema, required=True)
    reason = text()
    settings = fields.Dict(required=True)


class SettingsHistorySchema(Schema):
    history = fields.List(fields.Nested(SettingsChangeViewSchema), required=True)


class EvaluatedSettingsSchema(Schema):
    settings = fields.Nested(SettingsViewSchema, required=True)
    metrics = fields.Dict(keys=fields.String(), values=fields.Float(), required=True,
                          metadata={"description": "ndcg@10, recall@10, mrr, coverage"})


class GroupEvaluationSchema(Schema):
    group = fields.String(required=True)
    people = fields.Integer(required=True)
    current = fields.Dict(allow_none=True, metadata={"description": "metrics on the group's judged skills"})
    proposed = fields.Dict(allow_none=True)
    disparity = fields.Dict(required=True, metadata={"description": "ndcg@10: {ratio, flagged}"})


class EvaluationByGroupSchema(Schema):
    dimension = fields.String(required=True)
    measure = fields.String(required=True)
    groups = fields.List(fields.Nested(GroupEvaluationSchema), required=True)
    hidden_groups = fields.Integer(required=True)


class EvaluationSchema(Schema):
    source = fields.String(required=True, validate=validate.OneOf(("request", "feed")))
    queries = fields.Integer(required=True)
    minimum_queries = fields.Integer(required=True, metadata={"description": "judged queries needed to compare"})
    enough = fields.Boolean(required=True, metadata={"description": "whether the judged queries reach the minimum"})
    current = fields.Nested(EvaluatedSettingsSchema, required=True)
    proposed = fields.Nested(EvaluatedSettingsSchema, required=True)
    by_group = fields.Nested(EvaluationByGroupSchema, metadata={"description": "when by_group was asked"})


class GapGroupSchema(Schema):
    skill = fields.String(required=True)
    skill_id = text()
    people = fields.Integer(required=True)
    mean_target_level = fields.Float(required=True)


class DemandReportSchema(Schema):
    min_group = fields.Integer(required=True)
    gaps = fields.List(fields.Nested(GapGroupSchema), required=True)


class CatalogueGapSchema(GapGroupSchema):
    best_score = fields.Float(required=True)
    best_offer = text()


class CatalogueGapReportSchema(Schema):
    min_group = fields.Integer(required=True)
    threshold = fields.Float(required=True)
    gaps = fields.List(fields.Nested(CatalogueGapSchema), required=True)


class OfferEffectSchema(Schema):
    offer_id = fields.String(required=True)
    title = text()
    people = fields.Integer(required=True)
    completions = fields.Integer(required=True)
    mean_rating = number()
    mean_level_gain = number()


class EffectivenessReportSchema(Schema):
    min_group = fields.Integer(required=True)
    offers = fields.List(fields.Nested(OfferEffectSchema), required=True)


# -- people ---------------------------------------------------------------------------------------
class OfferFeedbackViewSchema(Schema):
    position = fields.Integer(required=True, metadata={"description": "feed position it came from"})
    offer_id = fields.String(required=True)
    kind = fields.String(required=True)
    skill = text()
    rating = fields.Integer(allow_none=True)
    level_gain = fields.Integer(allow_none=True)
    reason = text()


# -- accountability: the log, a person's own choices, oversight, fairness ---------------------------
class SuggestionPreferenceSchema(Schema):
    employee_id = fields.String(required=True)
    suggestions = fields.Boolean(required=True)
    changed_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class DismissalSchema(Schema):
    offer_id = fields.String(required=True)
    dismissed_at = fields.String(required=True, metadata={"format": "date-time"})
    gap = fields.String(allow_none=True)
    reason = fields.String(required=True)
    note = fields.String(allow_none=True)


class CauseSchema(Schema):
    code = fields.String(required=True, metadata={"description": (
        "suggestions_off, not_in_catalogue, dismissed_by_you{reason}, in_your_plan, no_gaps, outside_your_limits, "
        "excluded_by_ld{gap, skill}, matches_no_gap{gaps}, rank{gap, rank}")})
    params = fields.Dict(keys=fields.String(), required=True)
    text = fields.String(required=True)


class ShownEntrySchema(Schema):
    shown_at = fields.String(required=True, metadata={"format": "date-time"})
    viewer = fields.String(required=True, metadata={"description": "who asked (the person, their manager, HR)"})
    recommendation_id = fields.String(required=True)
    offer_id = fields.String(required=True)
    title = fields.String(allow_none=True)
    gap = fields.String(required=True)
    rank = fields.Integer(required=True)
    score = fields.Float(allow_none=True)
    reasons = fields.List(fields.Raw(), required=True, metadata={"description": "the reasons as shown"})
    model_version = fields.String(required=True)
    settings_version = fields.Integer(required=True)
    index_version = fields.Integer(required=True)


class ExplanationSchema(Schema):
    employee_id = fields.String(required=True)
    offer_id = fields.String(required=True)
    shown = fields.List(fields.Nested(ShownEntrySchema), required=True,
                        metadata={"description": "every time the log holds it was shown, newest first"})
    gaps_considered = fields.List(fields.String(), required=True)
    now = fields.List(fields.Nested(CauseSchema), required=True,
                      metadata={"description": "what keeps it out now, or its rank"})


class CurationSchema(Schema):
    skill_id = fields.String(required=True)
    pinned = fields.List(fields.String(), required=True)
    excluded = fields.List(fields.String(), required=True)
    settings_version = fields.Integer(required=True)


class RollbackSchema(Schema):
    settings_version = fields.Integer(required=True, metadata={"description": "the new version"})
    restored_from = fields.Integer(required=True)
    settings = fields.Dict(required=True)


class GroupsAnswerSchema(Schema):
    updated = fields.Integer(required=True)


class RatioSchema(Schema):
    ratio = fields.Float(required=True)
    flagged = fields.Boolean(required=True)


class GroupRowSchema(Schema):
    group = fields.String(required=True)
    people = fields.Integer(required=True)
    exposure_rate = fields.Float(required=True)
    suggestions_per_person = fields.Float(required=True)
    acceptance_rate = fields.Float(allow_none=True)
    evaluation = fields.Dict(allow_none=True, metadata={"description": "ndcg@10, recall@10, mrr, coverage, queries"})
    disparity = fields.Dict(keys=fields.String(), values=fields.Nested(RatioSchema), required=True)


class DimensionSchema(Schema):
    dimension = fields.String(required=True)
    groups = fields.List(fields.Nested(GroupRowSchema), required=True)
    hidden_groups = fields.Integer(required=True, metadata={"description": f"groups under {MIN_GROUP} people"})


class MeasureSchema(Schema):
    name = fields.String(required=True)
    explanation = fields.String(required=True)
    flag_below = fields.Float(required=True)
    min_group = fields.Integer(required=True)


class FairnessReportSchema(Schema):
    measure = fields.Nested(MeasureSchema, required=True)
    dimensions = fields.List(fields.Nested(DimensionSchema), required=True)
    retention_days = fields.Integer(required=True)


class ShownPeriodSchema(Schema):
    month = fields.String(required=True)
    model_version = fields.String(required=True)
    people = fields.Integer(required=True)
    suggestions = fields.Integer(required=True)


class ShownReportSchema(Schema):
    min_group = fields.Integer(required=True)
    retention_days = fields.Integer(required=True)
    periods = fields.List(fields.Nested(ShownPeriodSchema), required=True)
    hidden_periods = fields.Integer(required=True)


class PersonDataSchema(Schema):
    directory_entry = fields.Dict(allow_none=True, metadata={"description": "as the feed's directory gave it"})
    plans_as_learned_from_the_feed = fields.List(fields.Dict(), required=True)
    offer_feedback = fields.List(fields.Nested(OfferFeedbackViewSchema), required=True)
    access_log = fields.List(fields.Dict(), required=True,
                             metadata={"description": "who else read this person's data here, and why"})
    suggestions_shown = fields.List(fields.Nested(ShownEntrySchema), required=True, metadata={
        "description": "the log of suggestions shown to the person, within its retention period"})
    retention_days = fields.Integer(required=True, metadata={"description": "how long the log keeps an entry"})
    dismissals = fields.List(fields.Nested(DismissalSchema), required=True)
    preferences = fields.Nested(SuggestionPreferenceSchema, required=True)
    groups = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"description": "the groups HR assigned for fairness monitoring"})
