"""Plan endpoints: start a plan, every command of the five PDP steps, and the historical views."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

import jsonpatch
from flask.views import MethodView

from services.plan.api import schemas as s
from services.plan.api.common import (
    access,
    answer,
    await_views,
    employee_name,
    idempotent_request,
    if_match,
    plan_headers,
    plan_uuid,
    service,
    shaped_by_sql,
    views_headers,
)
from services.plan.api.views import plan_view
from services.plan.application import history_entry, jsonable
from services.plan.domain.budget import budget_use
from services.plan.views.queries import PlanFilter
from shared.auth import current_principal
from shared.errors import field_error
from shared.httpapi import Blueprint

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans",
                description="Development plans: self-evaluation, SMART goals, learning actions, follow-up.")


def write(plan_id: str, body: dict[str, Any], command, *, status: int = 200,
          result: dict[str, Any] | None = None, as_service: bool = False):
    """The one path of every plan command: principal, If-Match, Idempotency-Key, run, answer."""
    principal = current_principal()
    outcome = service().change_plan(plan_uuid(plan_id), principal, command, result=result,
                                    if_match=if_match(), request=idempotent_request(principal, body),
                                    as_service=as_service)
    return answer(outcome, status, minimal=as_service)


@blp.route("")
class Plans(MethodView):
    @blp.arguments(s.PlanListQuerySchema, location="query")
    @blp.response(200, s.PlanListSchema)
    def get(self, query):
        """List the plans the caller may see, from the views: filter, sort and page (X-Min-Position waits)."""
        wanted = await_views()
        flt = PlanFilter(**{k: query[k] for k in PlanFilter.__dataclass_fields__ if k in query})
        items, total, position = service().list_plans(current_principal(), flt, today=date.today(),
                                                      sort=query["sort"], limit=query["limit"],
                                                      offset=query["offset"])
        return shaped_by_sql({"items": items, "total": total, "limit": query["limit"], "offset": query["offset"]}
                             ), 200, views_headers(position, wanted)

    @blp.arguments(s.PlanCreateSchema)
    @blp.response(201, s.WriteResultSchema)
    def post(self, body):
        """Start a development plan for one employee and period (idempotent per period)."""
        principal = current_principal()
        outcome = service().start_plan(principal, idempotent_request(principal, body), **body)
        return answer(outcome, 201)


@blp.route("/<plan_id>")
class Plan(MethodView):
    @blp.arguments(s.PlanQuerySchema, location="query")
    @blp.arguments(s.AccessHeadersSchema, location="headers")
    @blp.response(200, s.PlanSchema)
    def get(self, query, _purpose, plan_id):
        """The plan now, at a version (?version=N) or as it stood at a time (?as_of=ISO-8601)."""
        if "version" in query and "as_of" in query:
            raise field_error(422, "as_of", "give either version or as_of, not both")
        what = "version" if "version" in query else "as_of" if "as_of" in query else "plan"
        plan = service().get_plan(plan_uuid(plan_id), current_principal(), version=query.get("version"),
                                  as_of=query.get("as_of"), audit=access(what))
        if "version" in query and plan.version != query["version"]:
            raise field_error(422, "version", f"the plan has {plan.version} versions")
        return plan_view(plan, employee_name(plan.employee_id)), 200, plan_headers(plan.version)


@blp.route("/<plan_id>/history")
@blp.arguments(s.HistoryQuerySchema, location="query")
@blp.arguments(s.AccessHeadersSchema, location="headers")
@blp.response(200, s.HistorySchema)
def history(query, _purpose, plan_id):
    """The plan's events in order (version, type, time, actor, reason, data), a page at a time."""
    events = service().history(plan_uuid(plan_id), current_principal(), audit=access("history"),
                               after_version=query["after_version"], limit=query["limit"] + 1)
    more = len(events) > query["limit"]
    events = events[: query["limit"]]
    last = events[-1].originator_version if events else query["after_version"]
    return ({"plan_id": plan_id, "events": [history_entry(e) for e in events],
             "next_after_version": last if more else None}, 200, plan_headers(last) if events and not more else {})


@blp.route("/<plan_id>/diff")
@blp.arguments(s.DiffQuerySchema, location="query")
@blp.arguments(s.AccessHeadersSchema, location="headers")
@blp.response(200, s.DiffSchema)
def diff(query, _purpose, plan_id):
    """What changed between two versions, as an RFC 6902 JSON Patch."""
    first, second = sorted((query["from_"], query["to"]))
    plans = service().two_versions(plan_uuid(plan_id), current_principal(), first, second, audit=access("diff"))
    by_version = dict(zip((first, second), plans, strict=True))
    views = []
    for name in ("from_", "to"):
        plan = by_version[query[name]]
        if plan.version != query[name]:
            raise field_error(422, name.rstrip("_"), f"the plan has {plan.version} versions")
        views.append(jsonable(plan_view(plan, employee_name(plan.employee_id))))
    patch = jsonpatch.make_patch(views[0], views[1]).patch
    return {"plan_id": plan_id, "from_": query["from_"], "to": query["to"], "changes": patch}


@blp.route("/<plan_id>/access-log")
@blp.response(200, s.AccessLogSchema)
def plan_access_log(plan_id):
    """Who looked at this plan, when and why (the owner, HR and admins)."""
    return {"items": service().access_log(current_principal(), plan_id=plan_uuid(plan_id))}


@blp.route("/<plan_id>/details", methods=["PATCH"])
@blp.arguments(s.PlanDetailsSchema)
@blp.response(200, s.WriteResultSchema)
def change_details(body, plan_id):
    """Change the plan's career project, target role, period, or hours and budget available (the employee)."""
    changes = dict(body)
    reason = changes.pop("reason")
    return write(plan_id, body, lambda plan, ctx: service().change_plan_details(plan, ctx, reason=reason, **changes))


# -- step 1: self-evaluation ----------------------------------------------------------------------
@blp.route("/<plan_id>/assessments", methods=["POST"])
@blp.arguments(s.AssessmentSchema)
@blp.response(201, s.WriteResultSchema)
def assess(body, plan_id):
    """Record a skill assessment (level 0-5; strength, to improve, obsolete, transferable)."""
    return write(plan_id, body, lambda plan, ctx: plan.assess_skill(ctx, **body), status=201)


@blp.route("/<plan_id>/assessments/withdraw", methods=["POST"])
@blp.arguments(s.AssessmentWithdrawalSchema)
@blp.response(200, s.WriteResultSchema)
def withdraw_assessment(body, plan_id):
    """Take a skill out of the self-evaluation (its ratings stop counting; the history keeps them)."""
    return write(plan_id, body, lambda plan, ctx: plan.withdraw_assessment(ctx, **body))


# -- step 2: SMART goals --------------------------------------------------------------------------
@blp.route("/<plan_id>/goals", methods=["POST"])
@blp.arguments(s.GoalCreateSchema)
@blp.response(201, s.WriteResultSchema)
def set_goal(body, plan_id):
    """Set a SMART goal; the error names each failing letter and field."""
    goal_id = str(uuid4())
    return write(plan_id, body, lambda plan, ctx: plan.set_goal(ctx, goal_id=goal_id, **body),
                 status=201, result={"goal_id": goal_id})


@blp.route("/<plan_id>/goals/check", methods=["POST"])
@blp.arguments(s.GoalCheckSchema)
@blp.response(200, s.SmartVerdictSchema)
def check_goal(body, plan_id):
    """The SMART verdict on a goal (new, or a revision of goal_id), letter by letter; nothing is saved."""
    plan = service().get_plan(plan_uuid(plan_id), current_principal())
    failures = plan.smart_verdict(**body)
    letters = [{"letter": letter, "ok": letter not in failures, "errors": failures.get(letter, [])}
               for letter in "SMART"]
    return {"smart": not failures, "letters": letters}


@blp.route("/<plan_id>/budget-check")
@blp.arguments(s.BudgetCheckQuerySchema, location="query")
@blp.response(200, s.BudgetUseSchema)
def budget_check(query, plan_id):
    """The plan's budget use with an action of HOURS and COST added (nothing is saved): the warning to show before
    planning it or accepting a suggestion."""
    plan = service().get_plan(plan_uuid(plan_id), current_principal())
    return budget_use(plan, query["hours"], query["cost"])


@blp.route("/<plan_id>/goals/<goal_id>", methods=["PATCH"])
@blp.arguments(s.GoalRevisionSchema)
@blp.response(200, s.WriteResultSchema)
def revise_goal(body, plan_id, goal_id):
    """Revise a goal; a reason is required and the result must still be SMART."""
    changes = dict(body)
    reason = changes.pop("reason")
    return write(plan_id, body, lambda plan, ctx: plan.revise_goal(ctx, goal_id, reason=reason, **changes))


@blp.route("/<plan_id>/goals/<goal_id>/achieve", methods=["POST"])
@blp.arguments(s.NoteSchema)
@blp.response(200, s.WriteResultSchema)
def achieve_goal(body, plan_id, goal_id):
    """Mark a goal achieved."""
    return write(plan_id, body, lambda plan, ctx: plan.achieve_goal(ctx, goal_id, body["note"]))


@blp.route("/<plan_id>/goals/<goal_id>/abandon", methods=["POST"])
@blp.arguments(s.ReasonSchema)
@blp.response(200, s.WriteResultSchema)
def abandon_goal(body, plan_id, goal_id):
    """Abandon a goal, saying why."""
    return write(plan_id, body, lambda plan, ctx: plan.abandon_goal(ctx, goal_id, body["reason"]))


# -- steps 3 and 4: learning actions on the timeline ----------------------------------------------
@blp.route("/<plan_id>/actions", methods=["POST"])
@blp.arguments(s.ActionCreateSchema)
@blp.response(201, s.WriteResultSchema)
def plan_action(body, plan_id):
    """Plan a learning action (training, course, MOOC, workshop, mentoring, ...)."""
    action_id = str(uuid4())
    return write(plan_id, body, lambda plan, ctx: plan.plan_action(ctx, action_id=action_id, **body),
                 status=201, result={"action_id": action_id})


@blp.route("/<plan_id>/actions/<action_id>/start", methods=["POST"])
@blp.arguments(s.ActionDateSchema)
@blp.response(200, s.WriteResultSchema)
def start_action(body, plan_id, action_id):
    """Record that a learning action started."""
    return write(plan_id, body, lambda plan, ctx: plan.start_action(ctx, action_id, body["date"]))


@blp.route("/<plan_id>/actions/<action_id>/complete", methods=["POST"])
@blp.arguments(s.ActionCompleteSchema)
@blp.response(200, s.WriteResultSchema)
def complete_action(body, plan_id, action_id):
    """Complete a learning action with an evaluation (1-5) and a reflection."""
    return write(plan_id, body, lambda plan, ctx: plan.complete_action(
        ctx, action_id, on=body["date"], evaluation=body["evaluation"],
        reflection=body["reflection"], skill_levels=body["skill_levels"], result=body["result"]))


# -- completions reported by a learning record store (services/xapi) --------------------------------
def _reported(body: dict[str, Any]) -> dict[str, Any]:
    return {"on": body["on"], "source": body["source"], "reference": str(body["statement_id"]),
            "result": {"success": body["success"], "score": body["score"]}}


@blp.route("/<plan_id>/actions/<action_id>/record-completion", methods=["POST"])
@blp.arguments(s.RecordedCompletionSchema)
@blp.response(200, s.WriteResultSchema)
@blp.alt_response(403, "FORBIDDEN")
def record_completion(body, plan_id, action_id):
    """Record a completion a learning record store reported for certain (role service: the xAPI sync); a planned
    action starts on the same day."""
    return write(plan_id, body, lambda plan, ctx: plan.record_completion(ctx, action_id, **_reported(body)),
                 as_service=True)


@blp.route("/<plan_id>/completion-proposals", methods=["POST"])
@blp.arguments(s.CompletionProposalCreateSchema)
@blp.response(201, s.WriteResultSchema)
@blp.alt_response(403, "FORBIDDEN")
def propose_completion(body, plan_id):
    """Propose a completion a learning record store reported to the employee, who accepts it for one of the
    actions or rejects it (role service: the xAPI sync)."""
    proposal_id = str(uuid5(NAMESPACE_URL, f"completion-proposal:{body['statement_id']}"))
    return write(plan_id, body, lambda plan, ctx: plan.propose_completion(
        ctx, proposal_id, action_ids=body["action_ids"], match=body["match"], **_reported(body)),
        status=201, result={"proposal_id": proposal_id}, as_service=True)


@blp.route("/<plan_id>/completion-proposals/<proposal_id>/accept", methods=["POST"])
@blp.arguments(s.ProposalAcceptSchema)
@blp.response(200, s.WriteResultSchema)
def accept_completion_proposal(body, plan_id, proposal_id):
    """Accept a completion proposal for one of its actions, optionally rating it (1-5): the action completes."""
    return write(plan_id, body, lambda plan, ctx: plan.accept_completion_proposal(
        ctx, proposal_id, body["action_id"], body["evaluation"]))


@blp.route("/<plan_id>/completion-proposals/<proposal_id>/reject", methods=["POST"])
@blp.arguments(s.EmptyBodySchema, required=False)
@blp.response(200, s.WriteResultSchema)
def reject_completion_proposal(body, plan_id, proposal_id):
    """Reject a completion proposal: it was not one of my actions."""
    return write(plan_id, body or {}, lambda plan, ctx: plan.reject_completion_proposal(ctx, proposal_id))


@blp.route("/<plan_id>/actions/<action_id>/cancel", methods=["POST"])
@blp.arguments(s.ReasonSchema)
@blp.response(200, s.WriteResultSchema)
def cancel_action(body, plan_id, action_id):
    """Cancel a learning action, saying why."""
    return write(plan_id, body, lambda plan, ctx: plan.cancel_action(ctx, action_id, body["reason"]))


@blp.route("/<plan_id>/actions/<action_id>/reschedule", methods=["POST"])
@blp.arguments(s.RescheduleSchema)
@blp.response(200, s.WriteResultSchema)
def reschedule_action(body, plan_id, action_id):
    """Move a learning action's dates, saying why."""
    return write(plan_id, body, lambda plan, ctx: plan.reschedule_action(ctx, action_id, **body))


@blp.route("/<plan_id>/actions/<action_id>/funding", methods=["POST"])
@blp.arguments(s.FundingRequestSchema)
@blp.response(201, s.WriteResultSchema)
def request_funding(body, plan_id, action_id):
    """Ask the company to fund an action, with its benefit to the organisation."""
    return write(plan_id, body, lambda plan, ctx: plan.request_funding(ctx, action_id, **body), status=201)


@blp.route("/<plan_id>/actions/<action_id>/funding/approve", methods=["POST"])
@blp.arguments(s.FundingApproveSchema)
@blp.response(200, s.WriteResultSchema)
def approve_funding(body, plan_id, action_id):
    """Approve a funding request (the employee's manager or HR)."""
    return write(plan_id, body, lambda plan, ctx: plan.approve_funding(ctx, action_id, **body))


@blp.route("/<plan_id>/actions/<action_id>/funding/decline", methods=["POST"])
@blp.arguments(s.ReasonSchema)
@blp.response(200, s.WriteResultSchema)
def decline_funding(body, plan_id, action_id):
    """Decline a funding request, saying why (the employee's manager or HR)."""
    return write(plan_id, body, lambda plan, ctx: plan.decline_funding(ctx, action_id, reason=body["reason"]))


# -- step 5: follow-up ----------------------------------------------------------------------------
@blp.route("/<plan_id>/progress", methods=["POST"])
@blp.arguments(s.ProgressSchema)
@blp.response(201, s.WriteResultSchema)
def review_progress(body, plan_id):
    """Record a progress review, optionally with a goal's progress in percent."""
    return write(plan_id, body, lambda plan, ctx: plan.review_progress(ctx, **body), status=201)


@blp.route("/<plan_id>/feedback", methods=["POST"])
@blp.arguments(s.FeedbackSchema)
@blp.response(201, s.WriteResultSchema)
def give_feedback(body, plan_id):
    """Add feedback from the manager, a mentor, a peer or the employee."""
    feedback_id = str(uuid4())
    return write(plan_id, body, lambda plan, ctx: plan.receive_feedback(ctx, feedback_id=feedback_id, **body),
                 status=201, result={"feedback_id": feedback_id})


@blp.route("/<plan_id>/submit", methods=["POST"])
@blp.arguments(s.NoteSchema)
@blp.response(200, s.WriteResultSchema)
def submit(body, plan_id):
    """Submit the plan to the manager for review."""
    return write(plan_id, body, lambda plan, ctx: plan.submit_for_review(ctx, body["note"]))


@blp.route("/<plan_id>/review", methods=["POST"])
@blp.arguments(s.ReviewSchema)
@blp.response(200, s.WriteResultSchema)
def review(body, plan_id):
    """Review a submitted plan: approve it or request changes (the manager or HR)."""
    return write(plan_id, body, lambda plan, ctx: plan.review(ctx, **body))


@blp.route("/<plan_id>/close", methods=["POST"])
@blp.arguments(s.OptionalReasonSchema)
@blp.response(200, s.WriteResultSchema)
def close(body, plan_id):
    """Close the plan; it takes no changes afterwards."""
    return write(plan_id, body, lambda plan, ctx: plan.close(ctx, body["reason"]))


@blp.route("/<plan_id>/recommendations/<recommendation_id>/accept", methods=["POST"])
@blp.arguments(s.RecommendationAcceptSchema)
@blp.response(201, s.WriteResultSchema)
def accept_recommendation(body, plan_id, recommendation_id):
    """Accept a suggested learning means: plans the action it suggests."""
    action_id = str(uuid4())
    fields = dict(body)
    offer_id = fields.pop("offer_id")
    return write(plan_id, body, lambda plan, ctx: plan.accept_recommendation(
        ctx, recommendation_id, offer_id=offer_id, action_id=action_id, **fields),
        status=201, result={"action_id": action_id})


@blp.route("/<plan_id>/recommendations/<recommendation_id>/dismiss", methods=["POST"])
@blp.arguments(s.RecommendationDismissSchema)
@blp.response(200, s.WriteResultSchema)
def dismiss_recommendation(body, plan_id, recommendation_id):
    """Dismiss a suggested learning means, saying why."""
    return write(plan_id, body, lambda plan, ctx: plan.dismiss_recommendation(
        ctx, recommendation_id, offer_id=body["offer_id"], reason=body["reason"]))


# -- check-ins: a conversation about the plan -------------------------------------------------------
@blp.route("/<plan_id>/checkins", methods=["POST"])
@blp.arguments(s.CheckInCreateSchema)
@blp.response(201, s.WriteResultSchema)
def schedule_checkin(body, plan_id):
    """Schedule a check-in (date, time, duration, place or link, agenda): the employee, their manager or HR."""
    checkin_id = str(uuid4())
    return write(plan_id, body, lambda plan, ctx: plan.schedule_checkin(ctx, checkin_id=checkin_id, **body),
                 status=201, result={"checkin_id": checkin_id})


@blp.route("/<plan_id>/checkins/<checkin_id>/agenda", methods=["POST"])
@blp.arguments(s.AgendaPointSchema)
@blp.response(201, s.WriteResultSchema)
def add_agenda_point(body, plan_id, checkin_id):
    """Add a point to a scheduled check-in's agenda."""
    return write(plan_id, body, lambda plan, ctx: plan.add_agenda_point(ctx, checkin_id, body["point"]), status=201)


@blp.route("/<plan_id>/checkins/<checkin_id>/reschedule", methods=["POST"])
@blp.arguments(s.CheckInRescheduleSchema)
@blp.response(200, s.WriteResultSchema)
def reschedule_checkin(body, plan_id, checkin_id):
    """Move a scheduled check-in (date, time, duration or place), saying why."""
    return write(plan_id, body, lambda plan, ctx: plan.reschedule_checkin(ctx, checkin_id, **body))


@blp.route("/<plan_id>/checkins/<checkin_id>/cancel", methods=["POST"])
@blp.arguments(s.ReasonSchema)
@blp.response(200, s.WriteResultSchema)
def cancel_checkin(body, plan_id, checkin_id):
    """Cancel a scheduled check-in, saying why."""
    return write(plan_id, body, lambda plan, ctx: plan.cancel_checkin(ctx, checkin_id, body["reason"]))


@blp.route("/<plan_id>/checkins/<checkin_id>/record", methods=["POST"])
@blp.arguments(s.CheckInRecordSchema)
@blp.response(200, s.WriteResultSchema)
def record_checkin(body, plan_id, checkin_id):
    """After the conversation: record its notes and agreements (once)."""
    return write(plan_id, body, lambda plan, ctx: plan.record_checkin(ctx, checkin_id, **body))


@blp.route("/<plan_id>/checkins/<checkin_id>/agreements/<agreement_id>/goal-revision", methods=["POST"])
@blp.arguments(s.AgreementGoalRevisionSchema)
@blp.response(200, s.WriteResultSchema)
def agreement_to_goal_revision(body, plan_id, checkin_id, agreement_id):
    """Turn an agreement into a revision of a goal, in one step (the reason defaults to the agreement)."""
    revision = dict(body)
    goal_id = revision.pop("goal_id")
    return write(plan_id, body, lambda plan, ctx: plan.act_on_agreement(
        ctx, checkin_id, agreement_id, goal_id=goal_id, revision=revision))


@blp.route("/<plan_id>/checkins/<checkin_id>/agreements/<agreement_id>/action", methods=["POST"])
@blp.arguments(s.AgreementActionSchema)
@blp.response(201, s.WriteResultSchema)
def agreement_to_action(body, plan_id, checkin_id, agreement_id):
    """Turn an agreement into a learning action, in one step."""
    action_id = str(uuid4())
    return write(plan_id, body, lambda plan, ctx: plan.act_on_agreement(
        ctx, checkin_id, agreement_id, action={"action_id": action_id, **body}),
        status=201, result={"action_id": action_id})
