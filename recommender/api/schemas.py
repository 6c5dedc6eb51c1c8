"""What the recommender's endpoints answer, as marshmallow schemas: the OpenAPI document's responses.

flask-smorest dumps every answer through its schema, so a field missing here is missing on the wire:
add it here first. Request schemas live next to their views. Errors have the shared shape
(shared/errors.py); each view names the ones it gives with `@blp.alt_response(404, "NOT_FOUND")`,
which refers to the response flask-smorest registers under the status's name.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from recommender.domainmodel import MEANS
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


class EvaluationSchema(Schema):
    source = fields.String(required=True, validate=validate.OneOf(("request", "feed")))
    queries = fields.Integer(required=True)
    current = fields.Nested(EvaluatedSettingsSchema, required=True)
    proposed = fields.Nested(EvaluatedSettingsSchema, required=True)


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


class PersonDataSchema(Schema):
    directory_entry = fields.Dict(allow_none=True, metadata={"description": "as the feed's directory gave it"})
    plans_as_learned_from_the_feed = fields.List(fields.Dict(), required=True)
    offer_feedback = fields.List(fields.Nested(OfferFeedbackViewSchema), required=True)
    access_log = fields.List(fields.Dict(), required=True,
                             metadata={"description": "who else read this person's data here, and why"})
