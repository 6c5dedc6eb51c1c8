"""Marshmallow schemas of the plan API: what HTTP accepts and answers, not the domain's shapes."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, validate

from services.plan.domain.certificates import STATES as CERTIFICATE_STATES
from services.plan.domain.template import MILESTONE_KINDS
from services.plan.domain.vocabulary import (
    ACTION_STATUSES,
    ASSESSORS,
    CATEGORIES,
    FEEDBACK_SOURCES,
    GOAL_STATUSES,
    MAX_LEVEL,
    MEANS,
    MIN_LEVEL,
    PLAN_STATUSES,
    REVIEW_OUTCOMES,
    SKILL_STATUSES,
    TRIGGERS,
)
from shared.contracts import ActorSchema
from shared.ids import DIRECTORY_ID_PATTERN
from shared.purposes import ACCESS_PURPOSES, MAX_NOTE, NOTE_HEADER, PURPOSE_HEADER

SHORT, LONG = 200, 5000
ID = validate.Length(min=1, max=100)
MAX_INT = 2**63 - 1  # versions and positions are 64-bit in both stores; larger ones would crash the driver


def text(max_length: int = LONG, **kwargs):
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def required_text(max_length: int = LONG, **kwargs):
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length), **kwargs)


def level(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(MIN_LEVEL, MAX_LEVEL), **kwargs)


def hours(**kwargs):
    return fields.Float(validate=validate.Range(0, 100_000), **kwargs)


class Money(fields.Decimal):
    """Money is kept exact (Decimal) inside and written out as a JSON number (also in the OpenAPI limits)."""

    def _serialize(self, value, attr, obj, **kwargs):
        number = super()._serialize(value, attr, obj, **kwargs)
        return None if number is None else float(number)


def money(**kwargs):
    return Money(places=2, validate=validate.Range(0, 10_000_000), **kwargs)


class Strict(Schema):
    """Unknown fields are an error: a typo must not be silently ignored."""


# -- requests -------------------------------------------------------------------------------------
class PlanCreateSchema(Strict):
    employee_id = fields.String(required=True, validate=ID)
    template_id = fields.UUID(load_default=None, allow_none=True,
                              metadata={"description": "start from this template's current version (its hours "
                                                       "and budget norms fill in what the request leaves at 0)"})
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    trigger = fields.String(required=True, validate=validate.OneOf(TRIGGERS))
    career_project = text(load_default="")
    target_role = text(SHORT, load_default=None, allow_none=True)
    available_hours = hours(load_default=0)
    available_budget = money(load_default=0)
    carry_forward = fields.Boolean(load_default=False, metadata={
        "description": "the person's current open plan hands over its open goals and planned or started actions "
                       "to this one (GoalCarriedForward, ActionCarriedForward) and is closed, in the same save"})


class PlanDetailsSchema(Strict):
    """The fields of a plan its employee may change after starting it; only those given (and different) change."""

    reason = text(load_default="", metadata={"description": "why, for the history (optional)"})
    career_project = text()
    target_role = text(SHORT, allow_none=True, metadata={"description": "empty or null: no target role"})
    period_start = fields.Date()
    period_end = fields.Date()
    available_hours = hours()
    available_budget = money()


class AssessmentWithdrawalSchema(Strict):
    skill = required_text(SHORT)
    reason = text(load_default="")


class AssessmentSchema(Strict):
    skill = required_text(SHORT)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    level = level(required=True)
    assessor = fields.String(load_default="self", validate=validate.OneOf(ASSESSORS))
    note = text(load_default="")
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SKILL_STATUSES))
    transferable_to = fields.List(text(SHORT), load_default=list, validate=validate.Length(max=20))


class GoalSkillSchema(Strict):
    skill = required_text(SHORT)
    target_level = level(required=True)


class GoalCreateSchema(Strict):
    title = required_text(SHORT)
    skills = fields.List(fields.Nested(GoalSkillSchema), load_default=list, validate=validate.Length(max=20))
    measure = text(load_default="")
    hours_needed = hours(load_default=0)
    budget_needed = money(load_default=0)
    relevance = text(load_default="")
    deadline = fields.Date(required=True)


class GoalRevisionSchema(Strict):
    reason = required_text()
    title = text(SHORT)
    skills = fields.List(fields.Nested(GoalSkillSchema), validate=validate.Length(min=1, max=20))
    measure = text()
    hours_needed = hours()
    budget_needed = money()
    relevance = text()
    deadline = fields.Date()


class NoteSchema(Strict):
    note = text(load_default="")


class ReasonSchema(Strict):
    reason = required_text()


class OptionalReasonSchema(Strict):
    reason = text(load_default="")


class ActionFieldsSchema(Strict):
    goal_ids = fields.List(fields.String(validate=ID), load_default=list, validate=validate.Length(max=20))
    means = fields.String(required=True, validate=validate.OneOf(MEANS))
    title = required_text(SHORT)
    provider = text(SHORT, load_default="")
    planned_start = fields.Date(required=True)
    planned_end = fields.Date(required=True)
    hours = hours(load_default=0)
    cost = money(load_default=0)
    certificate = fields.Boolean(load_default=False)


class ActionCreateSchema(ActionFieldsSchema):
    offer_id = fields.String(load_default=None, allow_none=True, validate=ID)


class ActionDateSchema(Strict):
    date = fields.Date(required=True)


class SkillLevelSchema(Strict):
    skill = required_text(SHORT)
    level = level(required=True)


class ResultSchema(Strict):
    """How an action ended when it had a test: passed or failed, and a scaled score (-1 to 1) if known."""

    success = fields.Boolean(required=True)
    score = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-1, 1))


class ActionCompleteSchema(Strict):
    date = fields.Date(required=True)
    evaluation = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    reflection = text(load_default="")
    skill_levels = fields.List(fields.Nested(SkillLevelSchema), load_default=list,
                               validate=validate.Length(max=20))
    result = fields.Nested(ResultSchema, load_default=None, allow_none=True)


class RecordedCompletionSchema(Strict):
    """A completion a learning record store reported (the xAPI sync, role service)."""

    on = fields.Date(required=True)
    source = fields.String(required=True, validate=validate.OneOf(("xapi",)))
    statement_id = fields.UUID(required=True, metadata={"description": "the xAPI statement that reported it"})
    success = fields.Boolean(load_default=None, allow_none=True)
    score = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-1, 1))


class CompletionProposalCreateSchema(RecordedCompletionSchema):
    action_ids = fields.List(fields.String(validate=ID), required=True, validate=validate.Length(min=1, max=100))
    match = fields.String(required=True, validate=validate.OneOf(("url", "activity")),
                          metadata={"description": "url: the activity only resembles the offer's address; "
                                                   "activity: several planned actions are about the offer"})


class ProposalAcceptSchema(Strict):
    action_id = fields.String(required=True, validate=ID)
    evaluation = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(1, 5))


class EmptyBodySchema(Strict):
    pass


class RescheduleSchema(Strict):
    planned_start = fields.Date(required=True)
    planned_end = fields.Date(required=True)
    reason = required_text()


class ProgressSchema(Strict):
    note = required_text()
    goal_id = fields.String(load_default=None, allow_none=True, validate=ID)
    progress = fields.Integer(load_default=None, allow_none=True, strict=True,
                              validate=validate.Range(0, 100))


class FeedbackSchema(Strict):
    source = fields.String(required=True, validate=validate.OneOf(FEEDBACK_SOURCES))
    text = required_text()
    goal_id = fields.String(load_default=None, allow_none=True, validate=ID)


class ReviewSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(REVIEW_OUTCOMES))
    comment = text(load_default="")


class FundingRequestSchema(Strict):
    amount = Money(required=True, places=2, validate=validate.Range(0, 10_000_000, min_inclusive=False))
    justification = required_text()


class FundingApproveSchema(Strict):
    comment = text(load_default="")
    amount = Money(load_default=None, allow_none=True, places=2,
                   validate=validate.Range(0, 10_000_000, min_inclusive=False))


class RecommendationAcceptSchema(ActionFieldsSchema):
    offer_id = fields.String(load_default=None, allow_none=True, validate=ID)


class RecommendationDismissSchema(Strict):
    offer_id = fields.String(load_default=None, allow_none=True, validate=ID)
    reason = required_text()


# -- check-ins ------------------------------------------------------------------------------------
def time_of_day(**kwargs):
    return fields.String(validate=validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="a time as HH:MM"),
                         **kwargs)


def minutes(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(5, 480), **kwargs)


class CheckInSlotSchema(Strict):
    on = fields.Date(required=True)
    at = time_of_day(required=True)
    duration_minutes = minutes(load_default=60)
    location = required_text(SHORT, metadata={"description": "a room, an address or a meeting link"})


class CheckInCreateSchema(CheckInSlotSchema):
    agenda = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=30))


class CheckInRescheduleSchema(CheckInSlotSchema):
    reason = required_text()


class AgendaPointSchema(Strict):
    point = required_text(SHORT)


class CheckInRecordSchema(Strict):
    notes = text(load_default="")
    agreements = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=30))


class AgreementGoalRevisionSchema(GoalRevisionSchema):
    goal_id = fields.String(required=True, validate=ID)
    reason = text(load_default="", metadata={"description": "defaults to the agreement's text"})


class AgreementActionSchema(ActionCreateSchema):
    pass


class PlanQuerySchema(Strict):
    version = fields.Integer(validate=validate.Range(min=1, max=MAX_INT))
    as_of = fields.AwareDateTime(default_timezone=None, metadata={"description": "ISO 8601 with offset"})


class DiffQuerySchema(Strict):
    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1, max=MAX_INT))
    to = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_INT))


class Paged(Strict):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


def sort_field(names: tuple[str, ...], default: str) -> fields.String:
    return fields.String(load_default=default, validate=validate.OneOf([*names, *(f"-{n}" for n in names)]),
                         metadata={"description": "a column; a leading '-' sorts descending"})


class PlanListQuerySchema(Paged):
    employee_id = fields.String(validate=ID)
    department = fields.String(validate=validate.Length(max=SHORT))
    include_subdepartments = fields.Boolean(load_default=False, metadata={
        "description": "also departments named 'DEPARTMENT/...' below the given one"})
    manager_id = fields.String(validate=ID, metadata={"description": "plans of this manager's direct and "
                                                                      "indirect reports"})
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    overdue = fields.Boolean(metadata={"description": "an open plan with a learning action past its end"})
    review_pending = fields.Boolean()
    funding_pending = fields.Boolean()
    active_on = fields.Date(metadata={"description": "plans whose period includes this day"})
    q = fields.String(validate=validate.Length(max=SHORT), metadata={"description": "part of the employee's "
                                                                                   "name or id"})
    sort = sort_field(("employee_id", "employee_name", "period_start", "status", "next_deadline", "changed_at",
                       "department"), "employee_id")


class HistoryQuerySchema(Strict):
    after_version = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_INT))
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 1000))


class PeopleQuerySchema(Paged):
    q = fields.String(validate=validate.Length(max=SHORT), metadata={"description": "part of a name, id or e-mail"})
    department = fields.String(validate=validate.Length(max=SHORT))
    manager_id = fields.String(validate=ID)
    sort = sort_field(("id", "name", "department"), "id")


class ReportQuerySchema(Strict):
    year = fields.Integer(validate=validate.Range(1900, 2999))


class GoalCheckSchema(Strict):
    goal_id = fields.String(validate=validate.Length(max=100), metadata={"description": "check a revision of it"})
    title = text(SHORT, load_default="")
    skills = fields.List(fields.Nested(GoalSkillSchema), load_default=list, validate=validate.Length(max=20))
    measure = text(load_default="")
    hours_needed = hours(load_default=0)
    budget_needed = money(load_default=0)
    relevance = text(load_default="")
    deadline = fields.Date(load_default=None, allow_none=True)


class FeedQuerySchema(Strict):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_INT))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))


class PersonSchema(Strict):
    id = fields.String(required=True, validate=ID)
    name = required_text(SHORT)
    email = fields.String(load_default="", validate=validate.Length(max=SHORT))
    manager_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    department = text(SHORT, load_default="")
    job_title = text(SHORT, load_default="")


class PersonUpdateSchema(PersonSchema):
    class Meta:
        exclude = ("id",)


# -- responses ------------------------------------------------------------------------------------
class SkillViewSchema(Schema):
    skill = fields.String()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    level = fields.Integer(metadata={"description": "the current level: the newest rating, whoever gave it"})
    source = fields.String(allow_none=True, metadata={"description": "who gave the current level: self, manager, "
                                                                     "peer, or rerating (at an action's completion)"})
    rated_on = fields.String(allow_none=True)
    levels = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "each source's latest level"})
    assessor = fields.String()
    note = fields.String()
    status = fields.String(allow_none=True)
    transferable_to = fields.List(fields.String())
    target_level = fields.Integer(allow_none=True, metadata={
        "description": "the highest target of the open goals; a skill to improve without one aims a level up"})
    gap = fields.Integer(metadata={"description": "target minus current level, when above zero (domain/skills.py)"})
    assessed_on = fields.String()


class GoalViewSchema(Schema):
    goal_id = fields.String()
    title = fields.String()
    skills = fields.List(fields.Nested(GoalSkillSchema))
    measure = fields.String()
    hours_needed = fields.Float()
    budget_needed = fields.Float()
    relevance = fields.String()
    deadline = fields.Date()
    status = fields.String(validate=validate.OneOf(GOAL_STATUSES))
    progress = fields.Integer()
    actions_total = fields.Integer()
    actions_completed = fields.Integer()
    revisions = fields.Integer()
    carried_from = fields.Dict(allow_none=True, metadata={
        "description": "{plan_id, goal_id}: the previous plan's goal this one was carried forward from"})


class BudgetWarningSchema(Schema):
    code = fields.String(validate=validate.OneOf(("hours_over", "budget_over")))
    planned = fields.Float()
    available = fields.Float()
    over = fields.Float()


class BudgetUseSchema(Schema):
    """Planned hours and cost of the live actions against the plan's hours and budget (domain/budget.py)."""

    planned_hours = fields.Float()
    available_hours = fields.Float()
    hours_left = fields.Float()
    planned_cost = fields.Float()
    available_budget = fields.Float()
    budget_left = fields.Float()
    funding_requested = fields.Float()
    funding_approved = fields.Float()
    warnings = fields.List(fields.Nested(BudgetWarningSchema))


class BudgetCheckQuerySchema(Strict):
    hours = hours(load_default=0, metadata={"description": "hours of an action about to be planned"})
    cost = money(load_default=0, metadata={"description": "cost of an action about to be planned"})


class SubmissionSchema(Schema):
    note = fields.String()
    on = fields.String()
    by = fields.Nested(ActorSchema)


class FundingViewSchema(Schema):
    status = fields.String()
    amount = fields.Float(metadata={"description": "the amount requested, or granted once approved"})
    requested_amount = fields.Float(allow_none=True, metadata={"description": "the amount requested (kept after "
                                                                             "approval; unknown for old plans)"})
    justification = fields.String()
    requested_on = fields.String()
    decided_by = fields.Nested(ActorSchema, allow_none=True)
    comment = fields.String(allow_none=True)


class ActionViewSchema(Schema):
    action_id = fields.String()
    goal_ids = fields.List(fields.String())
    means = fields.String(validate=validate.OneOf(MEANS))
    title = fields.String()
    offer_id = fields.String(allow_none=True)
    provider = fields.String()
    planned_start = fields.Date()
    planned_end = fields.Date()
    hours = fields.Float()
    cost = fields.Float()
    certificate = fields.Boolean()
    recommendation_id = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(ACTION_STATUSES))
    started_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    evaluation = fields.Integer(allow_none=True)
    reflection = fields.String(allow_none=True)
    skill_levels = fields.List(fields.Nested(SkillLevelSchema))
    funding = fields.Nested(FundingViewSchema, allow_none=True)
    result = fields.Dict(allow_none=True, metadata={"description": "{success, score}: passed or failed"})
    source = fields.String(allow_none=True, metadata={"description": "xapi: completed by a learning record store"})
    certificates = fields.List(fields.Nested(lambda: CertificateViewSchema()))
    certified = fields.Boolean(metadata={"description": "carries a certificate valid today (domain/certificates.py)"})
    certificate_state = fields.String(allow_none=True, validate=validate.OneOf(CERTIFICATE_STATES), metadata={
        "description": "valid, expiring (within 90 days) or expired: the state of the certificate that counts; "
                       "None without one"})
    renews = fields.Dict(allow_none=True, metadata={"description": "{plan_id, action_id, certificate_id} this "
                                                                   "recertification action renews"})
    semester = fields.String()
    overdue = fields.Boolean(metadata={"description": "planned or started, and its planned end has passed"})
    carried_from = fields.Dict(allow_none=True, metadata={
        "description": "{plan_id, action_id}: the previous plan's action this one was carried forward from"})


class NoteViewSchema(Schema):
    feedback_id = fields.String()
    source = fields.String()
    text = fields.String()
    note = fields.String()
    outcome = fields.String()
    comment = fields.String()
    goal_id = fields.String(allow_none=True)
    progress = fields.Integer(allow_none=True)
    by = fields.Nested(ActorSchema)
    on = fields.String()


class AgendaPointViewSchema(Schema):
    text = fields.String()
    by = fields.Nested(ActorSchema)


class AgreementViewSchema(Schema):
    agreement_id = fields.String()
    text = fields.String()
    goal_id = fields.String(allow_none=True, metadata={"description": "the goal it revised, once acted on"})
    action_id = fields.String(allow_none=True, metadata={"description": "the action it became, once acted on"})


class CheckInViewSchema(Schema):
    checkin_id = fields.String()
    on = fields.Date()
    at = fields.String()
    duration_minutes = fields.Integer()
    location = fields.String()
    status = fields.String(validate=validate.OneOf(("scheduled", "cancelled", "held")))
    scheduled_by = fields.Nested(ActorSchema)
    agenda = fields.List(fields.Nested(AgendaPointViewSchema))
    notes = fields.String(allow_none=True)
    agreements = fields.List(fields.Nested(AgreementViewSchema))
    reschedules = fields.Integer()
    cancel_reason = fields.String(allow_none=True)


class MilestoneDueSchema(Schema):
    kind = fields.String()
    due = fields.String(metadata={"format": "date"})


class TemplateRefSchema(Schema):
    template_id = fields.String()
    version = fields.Integer()
    milestones = fields.List(fields.Nested(MilestoneDueSchema))


# -- plan templates -------------------------------------------------------------------------------
class TemplateGoalSchema(Strict):
    title = required_text(SHORT, metadata={"description": "may hold placeholders the employee completes, "
                                                          "e.g. [skill]"})
    skills = fields.List(fields.Nested(GoalSkillSchema), load_default=list, validate=validate.Length(max=20))
    measure = text(load_default="")
    relevance = text(load_default="")
    deadline_offset_days = fields.Integer(strict=True, load_default=None, allow_none=True,
                                          validate=validate.Range(0, 5 * 366))


class TemplateMeansSchema(Strict):
    means = fields.String(required=True, validate=validate.OneOf(MEANS))
    title = text(SHORT, load_default="")
    offer_id = fields.String(load_default=None, allow_none=True, validate=ID)


class MilestoneSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(MILESTONE_KINDS))
    offset_days = fields.Integer(strict=True, required=True, validate=validate.Range(0, 5 * 366),
                                 metadata={"description": "days after the plan period's start"})


class TemplateContentSchema(Strict):
    name = required_text(SHORT)
    role_profiles = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=50))
    departments = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=50))
    goals = fields.List(fields.Nested(TemplateGoalSchema), load_default=list, validate=validate.Length(max=50))
    skills_to_assess = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=50))
    learning_means = fields.List(fields.Nested(TemplateMeansSchema), load_default=list,
                                 validate=validate.Length(max=50))
    milestones = fields.List(fields.Nested(MilestoneSchema), load_default=list, validate=validate.Length(max=5))
    hours_norm = hours(load_default=0)
    budget_norm = money(load_default=0)


class TemplateRevisionSchema(TemplateContentSchema):
    change_note = text(load_default="")


class TemplateRetireSchema(Strict):
    change_note = text(load_default="")


class TemplateVersionQuerySchema(Strict):
    version = fields.Integer(validate=validate.Range(1, MAX_INT))


class TemplateListQuerySchema(Strict):
    include_retired = fields.Boolean(load_default=False)


class TemplateSchema(Schema):
    template_id = fields.String()
    version = fields.Integer(metadata={"description": "the content version shown"})
    current_version = fields.Integer()
    retired = fields.Boolean()
    name = fields.String()
    role_profiles = fields.List(fields.String())
    departments = fields.List(fields.String())
    goals = fields.List(fields.Dict())
    skills_to_assess = fields.List(fields.String())
    learning_means = fields.List(fields.Dict())
    milestones = fields.List(fields.Dict())
    hours_norm = fields.Float()
    budget_norm = fields.Float()


class TemplateSummarySchema(Schema):
    template_id = fields.String()
    name = fields.String()
    version = fields.Integer()
    retired = fields.Boolean()
    role_profiles = fields.List(fields.String())
    departments = fields.List(fields.String())
    changed_at = fields.String()


class TemplateListSchema(Schema):
    items = fields.List(fields.Nested(TemplateSummarySchema))


class TimelineSchema(Schema):
    semester = fields.String(metadata={"description": "e.g. 2026-H1"})
    actions = fields.List(fields.String())
    hours = fields.Float()


class CompletionProposalViewSchema(Schema):
    proposal_id = fields.String()
    action_ids = fields.List(fields.String())
    on = fields.Date()
    result = fields.Dict(allow_none=True)
    source = fields.String()
    reference = fields.String()
    match = fields.String()
    status = fields.String(validate=validate.OneOf(("pending", "accepted", "rejected")))
    action_id = fields.String(allow_none=True)
    proposed_at = fields.String()


class PlanSchema(Schema):
    id = fields.String()
    version = fields.Integer()
    employee_id = fields.String()
    employee_name = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    period_start = fields.Date()
    period_end = fields.Date()
    trigger = fields.String()
    career_project = fields.String()
    target_role = fields.String(allow_none=True)
    available_hours = fields.Float()
    available_budget = fields.Float()
    planned_hours = fields.Float()
    planned_cost = fields.Float()
    skills = fields.List(fields.Nested(SkillViewSchema))
    goals = fields.List(fields.Nested(GoalViewSchema))
    actions = fields.List(fields.Nested(ActionViewSchema))
    timeline = fields.List(fields.Nested(TimelineSchema))
    feedback = fields.List(fields.Nested(NoteViewSchema))
    progress = fields.List(fields.Nested(NoteViewSchema))
    reviews = fields.List(fields.Nested(NoteViewSchema))
    recommendations = fields.Dict(keys=fields.String(), values=fields.Dict())
    closed_reason = fields.String(allow_none=True)
    checkins = fields.List(fields.Nested(CheckInViewSchema))
    completion_proposals = fields.List(fields.Nested(CompletionProposalViewSchema), metadata={
        "description": "completions a learning record store reported that wait for the employee's answer"})
    next_checkin = fields.Date(allow_none=True, metadata={"description": "the date of the earliest scheduled "
                                                                         "check-in"})
    template = fields.Nested(TemplateRefSchema, allow_none=True,
                             metadata={"description": "the template version the plan started from"})
    erased = fields.Boolean(metadata={"description": "personal data of this plan was erased (crypto-shredded)"})
    expiring = fields.List(fields.Nested(lambda: ExpiryViewSchema()), metadata={
        "description": "what expires: each completed action whose certificate is expiring or expired, soonest first"})
    budget = fields.Nested(BudgetUseSchema)
    submission = fields.Nested(SubmissionSchema, allow_none=True,
                               metadata={"description": "the latest submission for review: the employee's note"})
    created_on = fields.DateTime()
    modified_on = fields.DateTime()


class WriteResultSchema(PlanSchema):
    goal_id = fields.String()
    action_id = fields.String()
    feedback_id = fields.String()
    checkin_id = fields.String()
    proposal_id = fields.String()
    certificate_id = fields.String()


class PlanSummarySchema(Schema):
    id = fields.String()
    next_checkin = fields.String(allow_none=True, metadata={"description": "date of the earliest scheduled check-in"})
    employee_id = fields.String()
    employee_name = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    status = fields.String()
    version = fields.Integer()
    period_start = fields.String()
    period_end = fields.String()
    trigger = fields.String()
    erased = fields.Boolean()
    pending_funding = fields.Integer(metadata={"description": "funding requests waiting for a decision"})
    review_pending = fields.Boolean()
    overdue_actions = fields.Integer(metadata={"description": "planned or started actions past their end"})
    next_deadline = fields.String(allow_none=True, metadata={"description": "the nearest open goal deadline or "
                                                                            "action end"})
    goals_open = fields.Integer()
    goals_achieved = fields.Integer()
    goals_abandoned = fields.Integer()
    actions_planned = fields.Integer()
    actions_started = fields.Integer()
    actions_completed = fields.Integer()
    actions_cancelled = fields.Integer()
    available_hours = fields.Float()
    available_budget = fields.Float()
    planned_hours = fields.Float()
    planned_cost = fields.Float()
    completed_hours = fields.Float()
    hours_left = fields.Float(metadata={"description": "available minus planned hours (negative: over)"})
    budget_left = fields.Float(metadata={"description": "available budget minus planned cost (negative: over)"})
    funding_requested = fields.Float()
    funding_approved = fields.Float()
    changed_at = fields.String()


class PlanListSchema(Schema):
    items = fields.List(fields.Nested(PlanSummarySchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class HistoryEventSchema(Schema):
    version = fields.Integer()
    type = fields.String()
    timestamp = fields.String()
    actor = fields.Nested(ActorSchema)
    reason = fields.String(allow_none=True)
    data = fields.Dict()


class HistorySchema(Schema):
    plan_id = fields.String()
    events = fields.List(fields.Nested(HistoryEventSchema))
    next_after_version = fields.Integer(allow_none=True, metadata={"description": "pass as after_version for the "
                                                                                  "next page; null at the end"})


class PatchOperationSchema(Schema):
    op = fields.String()
    path = fields.String()
    value = fields.Raw()
    from_ = fields.String(data_key="from")


class DiffSchema(Schema):
    plan_id = fields.String()
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    changes = fields.List(fields.Nested(PatchOperationSchema),
                          metadata={"description": "RFC 6902 JSON Patch from one version to the other"})


class PersonViewSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    manager_id = fields.String(allow_none=True)
    department = fields.String()
    job_title = fields.String()
    active = fields.Boolean(metadata={"description": "false once deactivated (SCIM active=false): plans read-only, "
                                                     "no notifications, no portal sign-in"})


class PeopleListSchema(Schema):
    items = fields.List(fields.Nested(PersonViewSchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class TeamPersonSchema(Schema):
    id = fields.String()
    name = fields.String()
    manager_id = fields.String(allow_none=True)
    department = fields.String()
    job_title = fields.String()


class TeamMemberSchema(Schema):
    person = fields.Nested(TeamPersonSchema)
    direct = fields.Boolean(metadata={"description": "a direct report (else further down the line)"})
    plan = fields.Nested(PlanSummarySchema, allow_none=True, metadata={"description": "the current plan"})


class TeamOverviewQuerySchema(Strict):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))
    q = fields.String(validate=validate.Length(max=SHORT), metadata={"description": "part of a name or id"})
    direct = fields.Boolean(metadata={"description": "only direct reports (true) or only indirect ones (false)"})
    attention = fields.Boolean(metadata={"description": "only those with a plan to review, funding to decide or an "
                                                        "overdue action (true), or only the others (false)"})


class TeamOverviewSchema(Schema):
    manager_id = fields.String()
    members = fields.List(fields.Nested(TeamMemberSchema), metadata={"description": "a page, by name"})
    total = fields.Integer(metadata={"description": "members matching the filters"})
    limit = fields.Integer()
    offset = fields.Integer()
    people = fields.Integer(metadata={"description": "the whole team: direct and indirect reports"})
    attention = fields.Integer(metadata={"description": "members with something waiting (the whole team)"})
    pending_reviews = fields.Integer(metadata={"description": "the whole team"})
    pending_funding = fields.Integer(metadata={"description": "the whole team"})
    overdue_actions = fields.Integer(metadata={"description": "the whole team"})


class FunnelRowSchema(Schema):
    department = fields.String()
    status = fields.String()
    plans = fields.Integer()
    people = fields.Integer()


class CoverageRowSchema(Schema):
    department = fields.String()
    skill_key = fields.String()
    skill = fields.String()
    people = fields.Integer()
    mean_level = fields.Float()


class SkillGapRowSchema(Schema):
    skill_key = fields.String()
    skill = fields.String(metadata={"description": "the skill as a plan names it"})
    people = fields.Integer(metadata={"description": "people whose current, open plan has a gap in this skill"})
    mean_current_level = fields.Float()
    mean_target_level = fields.Float()


class TrainingRowSchema(Schema):
    department = fields.String()
    semester = fields.String()
    people = fields.Integer()
    planned_hours = fields.Float()
    completed_hours = fields.Float()
    funding_requested = fields.Float()
    funding_approved = fields.Float()


def report_schema(row: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict({"items": fields.List(fields.Nested(row)), "minimum_group": fields.Integer(
        metadata={"description": "groups with fewer people are left out"})}, name=name)


DepartmentsSchema = Schema.from_dict({"items": fields.List(fields.Nested(Schema.from_dict(
    {"department": fields.String(), "people": fields.Integer()}, name="Department")))}, name="Departments")
FunnelReportSchema = report_schema(FunnelRowSchema, "FunnelReport")
CoverageReportSchema = report_schema(CoverageRowSchema, "CoverageReport")
TrainingReportSchema = report_schema(TrainingRowSchema, "TrainingReport")
SkillGapReportSchema = report_schema(SkillGapRowSchema, "SkillGapReport")


class PersonSkillSchema(Schema):
    skill = fields.String()
    category = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    current_level = fields.Integer()
    source = fields.String(allow_none=True, metadata={"description": "self, manager, peer or rerating: who "
                                                                     "gave the current level"})
    rated_on = fields.String(allow_none=True)
    levels = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "each source's latest level"})
    target_level = fields.Integer(allow_none=True)
    gap = fields.Integer(metadata={"description": "target minus current level, 0 when none"})


class PersonSkillsSchema(Schema):
    person_id = fields.String()
    plan_id = fields.String(allow_none=True)
    rule = fields.String(metadata={"description": "how the current level and the gap are decided"})
    items = fields.List(fields.Nested(PersonSkillSchema))
    offers = fields.List(fields.Nested(Schema.from_dict({
        "offer_id": fields.String(), "action_id": fields.String(),
        "status": fields.String(metadata={"description": "planned, started, completed or cancelled"})},
        name="OfferInPlan")), metadata={"description": "catalogue offers the current plan's learning actions take up"})


class SmartLetterSchema(Schema):
    letter = fields.String()
    ok = fields.Boolean()
    errors = fields.List(fields.Nested(Schema.from_dict({
        "field": fields.String(), "reason": fields.String(),
        "code": fields.String(metadata={"description": "no_skill, no_rising_skill, no_measure, negative, "
                                                       "hours_over, budget_over, no_relevance, no_deadline, "
                                                       "outside_period"}),
        "params": fields.Dict(metadata={"description": "need/have for the budget and hours, start/end of the "
                                                       "period"})}, name="SmartError")))


class SmartVerdictSchema(Schema):
    smart = fields.Boolean()
    letters = fields.List(fields.Nested(SmartLetterSchema))


class ImportCountsSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()


class ErasureSchema(Schema):
    person_id = fields.String()
    plans = fields.Integer(metadata={"description": "plans of the person whose data is now unreadable"})
    keys_destroyed = fields.Integer()


class AccessSchema(Schema):
    at = fields.String(metadata={"format": "date-time"})
    plan_id = fields.String()
    employee_id = fields.String()
    what = fields.String(metadata={"description": "plan, version, as_of, history, diff or export"})
    purpose = fields.String(allow_none=True, metadata={"description": "the purpose code the reader stated",
                                                       "enum": [*ACCESS_PURPOSES, None]})
    note = fields.String(allow_none=True, metadata={"description": "the reader's note, if any "
                                                                   "(\"[erased]\" once the person is forgotten)"})
    by = fields.Nested(ActorSchema)


class AccessHeadersSchema(Schema):
    """Why someone reads another person's plan: HR and admins must say so when it is not their report's."""

    class Meta:
        unknown = EXCLUDE

    purpose = fields.String(data_key=PURPOSE_HEADER, validate=validate.OneOf(ACCESS_PURPOSES),
                            metadata={"description": "purpose code; required of HR and admins for plans "
                                                     "that are not their reports'"})
    note = fields.String(data_key=NOTE_HEADER, validate=validate.Length(max=MAX_NOTE),
                         metadata={"description": "optional note (required with purpose 'other'), "
                                                  "sealed with the person's key"})


class AccessLogSchema(Schema):
    items = fields.List(fields.Nested(AccessSchema))


class AccessLogQuerySchema(Strict):
    employee_id = fields.String(validate=ID)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class PersonExportSchema(Schema):
    person = fields.Nested(PersonViewSchema)
    erased = fields.Boolean()
    plans = fields.List(fields.Dict(), metadata={"description": "each plan as GET /plans/{id} shows it, "
                                                                "with its full history"})
    access_log = fields.List(fields.Nested(AccessSchema))
    certificate_files = fields.List(fields.Nested(lambda: CertificateFileExportSchema()), metadata={
        "description": "the person's certificate files, content in base64"})
    credentials = fields.List(fields.Dict(), metadata={"description": "the Open Badges issued to the person: ids, "
                                                                      "what for, when, revoked or not"})
    recommender = fields.Dict(metadata={"description": "what the recommender holds, or why it is missing"})
    notifier = fields.Dict(metadata={"description": "what the notifier holds (notifications, delivery choices, "
                                                    "followed actions and check-ins), or why it is missing"})
    complete = fields.Boolean(metadata={"description": "false when a service could not answer"})
    exported_at = fields.String(metadata={"format": "date-time"})


# -- development cycles ---------------------------------------------------------------------------
class CycleScopeSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(("organisation", "departments", "people")))
    departments = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=500))
    include_sub_departments = fields.Boolean(load_default=False, metadata={
        "description": "also departments named '<department>/...'"})
    people = fields.List(fields.String(validate=ID), load_default=list, validate=validate.Length(max=10_000))


class CycleTemplatesSchema(Strict):
    default = fields.UUID(load_default=None, allow_none=True)
    by_department = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=SHORT)), values=fields.UUID(),
                                load_default=dict, validate=validate.Length(max=500))
    by_role = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=SHORT)), values=fields.UUID(),
                          load_default=dict, validate=validate.Length(max=500),
                          metadata={"description": "per job title; a role's template wins over a department's"})


class CycleMilestoneSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(MILESTONE_KINDS))
    due = fields.Date(required=True)


class CycleCreateSchema(Strict):
    name = required_text(SHORT)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    scope = fields.Nested(CycleScopeSchema, required=True)
    templates = fields.Nested(CycleTemplatesSchema, required=True)
    milestones = fields.List(fields.Nested(CycleMilestoneSchema), load_default=list, validate=validate.Length(max=5))


class CycleProgressSchema(Schema):
    done = fields.Integer(metadata={"description": "people dealt with"})
    total = fields.Integer(metadata={"description": "people in scope at the last run"})
    started = fields.Integer()
    carried_forward = fields.Integer()
    removed = fields.Integer()


class CycleSchema(Schema):
    cycle_id = fields.String()
    version = fields.Integer()
    owner = fields.String(allow_none=True, metadata={"description": "who created the cycle (its HR owner)"})
    closed_on = fields.String(allow_none=True, metadata={"format": "date"})
    name = fields.String()
    status = fields.String(validate=validate.OneOf(("draft", "launched", "closed")))
    period_start = fields.Date()
    period_end = fields.Date()
    scope = fields.Dict()
    templates = fields.Dict()
    milestones = fields.List(fields.Dict())
    progress = fields.Nested(CycleProgressSchema)


class CycleSummarySchema(Schema):
    cycle_id = fields.String()
    name = fields.String()
    status = fields.String()
    period_start = fields.String()
    period_end = fields.String()
    milestones = fields.List(fields.Dict())


class CycleListSchema(Schema):
    items = fields.List(fields.Nested(CycleSummarySchema))


class DepartmentCountSchema(Schema):
    department = fields.String()
    hidden = fields.Boolean(metadata={"description": "fewer than 5 people: the numbers are withheld"})
    people = fields.Integer(allow_none=True)
    done = fields.Integer(allow_none=True)
    due = fields.Integer(allow_none=True)
    overdue = fields.Integer(allow_none=True)


class MilestoneCountSchema(Schema):
    kind = fields.String()
    due = fields.String(metadata={"format": "date"})
    departments = fields.List(fields.Nested(DepartmentCountSchema))
    totals = fields.Nested(DepartmentCountSchema, metadata={"description": "every department the caller sees "
                                                                           "(hidden under 5 people)"})


class CycleOnQuerySchema(Strict):
    on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "the day to judge due and overdue on (default today; a closed cycle: its closing day)"})


class CycleDashboardSchema(Schema):
    cycle_id = fields.String()
    status = fields.String()
    on = fields.String(metadata={"format": "date", "description": "the day judged on: a closed cycle's is its "
                                                                  "closing day, and its numbers are as they stood"})
    progress = fields.Nested(CycleProgressSchema)
    milestones = fields.List(fields.Nested(MilestoneCountSchema))


class CyclePeopleQuerySchema(CycleOnQuerySchema):
    milestone = fields.String(required=True, validate=validate.OneOf(MILESTONE_KINDS))
    state = fields.String(required=True, validate=validate.OneOf(("done", "due", "overdue")))
    department = fields.String(validate=validate.Length(max=SHORT))


class CyclePersonSchema(Schema):
    person_id = fields.String()
    name = fields.String(allow_none=True)
    department = fields.String()
    plan_id = fields.String(allow_none=True)


class CyclePeopleSchema(Schema):
    items = fields.List(fields.Nested(CyclePersonSchema))


# -- certificates ---------------------------------------------------------------------------------
class CertificateFormSchema(Strict):
    """The certificate's fields as multipart/form-data (the file goes in the part `file`)."""

    certificate_id = fields.String(load_default=None, validate=validate.Regexp(DIRECTORY_ID_PATTERN), metadata={
        "description": "optional (letters, digits, . _ @ -); made up when missing"})
    number = required_text(SHORT)
    issuer = required_text(SHORT)
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(load_default=None, allow_none=True,
                             metadata={"description": "leave out for a certificate that does not expire"})


class CertificateFileSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    file = Upload(metadata={"description": "PDF, PNG or JPEG, recognised by its content; at most "
                                           "PLAN_CERTIFICATE_MAX_BYTES (5 MiB)"})


class CertificateFileDetailsSchema(Schema):
    file_id = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    filename = fields.String()


class CertificateViewSchema(Schema):
    certificate_id = fields.String()
    number = fields.String()
    issuer = fields.String()
    issued_on = fields.Date()
    expires_on = fields.Date(allow_none=True)
    file = fields.Nested(CertificateFileDetailsSchema, allow_none=True)
    added_by = fields.Nested(ActorSchema)
    added_at = fields.String()
    state = fields.String(validate=validate.OneOf(CERTIFICATE_STATES))


class ExpiryViewSchema(Schema):
    action_id = fields.String()
    certificate_id = fields.String()
    expires_on = fields.Date()
    state = fields.String(validate=validate.OneOf(CERTIFICATE_STATES))


class RecertifySchema(Strict):
    action_id = fields.String(load_default=None, validate=ID, metadata={"description": "the new action's id"})
    planned_start = fields.Date(required=True)
    planned_end = fields.Date(required=True)


class CertificateFileExportSchema(Schema):
    file_id = fields.String()
    plan_id = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    stored_at = fields.String()
    content_base64 = fields.String()


# -- mandatory learning and compliance ----------------------------------------------------------------
class RequirementContentSchema(Strict):
    name = required_text(SHORT, metadata={"description": "e.g. VCA, privacy, safety"})
    departments = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=50))
    roles = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=50),
                        metadata={"description": "job titles it applies to"})
    recurrence_months = fields.Integer(load_default=None, allow_none=True, strict=True,
                                       validate=validate.Range(1, 120),
                                       metadata={"description": "repeat every N months; none: once"})
    offer_ids = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=50),
                            metadata={"description": "catalogue offers whose completion satisfies it"})
    skills = fields.List(required_text(SHORT), load_default=list, validate=validate.Length(max=50),
                         metadata={"description": "skills re-rated at an action's completion that satisfy it"})
    certificate_required = fields.Boolean(load_default=False, metadata={
        "description": "only a completion carrying a valid certificate counts"})
    grace_days = fields.Integer(load_default=90, strict=True, validate=validate.Range(0, 366), metadata={
        "description": "days someone new to it has before they are overdue"})


class RequirementCreateSchema(RequirementContentSchema):
    reason = text(load_default="")


class RequirementRevisionSchema(RequirementContentSchema):
    reason = required_text(LONG, metadata={"description": "why it changes (kept with the version)"})


class RequirementRetireSchema(Strict):
    reason = required_text(LONG)


class RequirementVersionSchema(Schema):
    version = fields.Integer()
    type = fields.String(validate=validate.OneOf(("created", "revised", "retired")))
    at = fields.String()
    actor = fields.Nested(ActorSchema)
    reason = fields.String()
    content = fields.Dict(allow_none=True)


class RequirementSummarySchema(Schema):
    requirement_id = fields.String()
    version = fields.Integer()
    retired = fields.Boolean()
    name = fields.String()
    departments = fields.List(fields.String())
    roles = fields.List(fields.String())
    recurrence_months = fields.Integer(allow_none=True)
    offer_ids = fields.List(fields.String())
    skills = fields.List(fields.String())
    certificate_required = fields.Boolean()
    grace_days = fields.Integer()


class RequirementSchema(RequirementSummarySchema):
    history = fields.List(fields.Nested(RequirementVersionSchema), metadata={
        "description": "every version: who, when, why"})


class RequirementListSchema(Schema):
    items = fields.List(fields.Nested(RequirementSummarySchema))


class ComplianceQuerySchema(Strict):
    as_of = fields.String(required=True, validate=validate.Length(min=10, max=40), metadata={
        "description": "YYYY-MM-DD (the whole day, UTC) or an ISO-8601 instant: only what was known then counts"})
    department = fields.String(load_default=None, validate=validate.Length(min=1, max=SHORT))


class ComplianceEvidenceSchema(Schema):
    plan_id = fields.String()
    action_id = fields.String()
    completed_on = fields.Date()
    certificate_id = fields.String(allow_none=True)
    certified = fields.Boolean(metadata={"description": "carried a valid certificate on that day"})
    valid_until = fields.Date(allow_none=True)
    counts = fields.Boolean(metadata={"description": "false when a certificate is required and missing"})
    decisive = fields.Boolean(metadata={"description": "the completion the answer rests on"})


class PersonRequirementSchema(Schema):
    requirement_id = fields.String()
    name = fields.String()
    version = fields.Integer()
    status = fields.String(validate=validate.OneOf(("compliant", "due", "overdue")))
    due_by = fields.Date(allow_none=True, metadata={"description": "when it (next) has to be done"})
    evidence = fields.List(fields.Nested(ComplianceEvidenceSchema))


class CompliancePersonSchema(Schema):
    person_id = fields.String()
    name = fields.String()
    job_title = fields.String()
    requirements = fields.List(fields.Nested(PersonRequirementSchema))


class ComplianceCountSchema(Schema):
    requirement_id = fields.String()
    name = fields.String()
    applicable = fields.Integer()
    compliant = fields.Integer(allow_none=True)
    due = fields.Integer(allow_none=True)
    overdue = fields.Integer(allow_none=True)
    hidden = fields.Boolean(metadata={"description": "fewer than 5 people: counts left out for L&D"})


class ComplianceDepartmentSchema(Schema):
    department = fields.String()
    people = fields.Integer()
    requirements = fields.List(fields.Nested(ComplianceCountSchema))
    people_detail = fields.List(fields.Nested(CompliancePersonSchema), allow_none=True,
                                metadata={"description": "the people behind the numbers (HR and admins only)"})


class ComplianceRequirementSchema(Schema):
    requirement_id = fields.String()
    name = fields.String()
    version = fields.Integer()
    changed_at = fields.String()
    changed_by = fields.String()
    reason = fields.String()
    recurrence_months = fields.Integer(allow_none=True)
    certificate_required = fields.Boolean()


class ComplianceReportSchema(Schema):
    as_of = fields.Date()
    known_by = fields.String(metadata={"description": "the instant up to which recorded facts count"})
    department = fields.String(allow_none=True)
    requirements = fields.List(fields.Nested(ComplianceRequirementSchema))
    departments = fields.List(fields.Nested(ComplianceDepartmentSchema))


class OverdueQuerySchema(Strict):
    on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "the day to judge on (default today): the notifier's sweep passes its clock's day"})
    employee_id = fields.String(validate=ID)
    manager_id = fields.String(validate=ID, metadata={"description": "only this manager's direct and indirect "
                                                                     "reports"})
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class OverdueActionSchema(Schema):
    plan_id = fields.String()
    action_id = fields.String()
    employee_id = fields.String()
    manager_id = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(("planned", "started")))
    means = fields.String()
    planned_start = fields.String()
    planned_end = fields.String()
    days_overdue = fields.Integer(metadata={"description": "days since the planned end"})


class OverduePageSchema(Schema):
    on = fields.Date()
    items = fields.List(fields.Nested(OverdueActionSchema), metadata={"description": "oldest planned end first"})
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
