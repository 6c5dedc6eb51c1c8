"""DevelopmentPlan rules, part 3: review workflow, closing, feedback, progress reviews, recommendations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from plan_builders import (
    ADMIN,
    HR,
    MANAGER,
    OWNER,
    action_fields,
    active_plan,
    add_action,
    add_goal,
    goal_fields,
    new_plan,
    submitted_plan,
)

from services.plan.domain.errors import (
    InvalidStateError,
    NotAllowedError,
    NotFoundInPlanError,
    RuleViolationError,
)
from services.plan.domain.plan import Context


# -- the review workflow: draft -> submitted -> approved/changes_requested -> active -> closed ----------
def test_the_workflow_from_draft_to_closed():
    plan = new_plan()
    add_goal(plan)
    plan.submit_for_review(OWNER, note="graag bespreken")
    assert plan.status == "submitted"
    plan.review(MANAGER, outcome="changes_requested", comment="meer over plannen")
    assert plan.status == "changes_requested"
    add_action(plan)  # editable again
    plan.submit_for_review(OWNER)
    plan.review(HR, outcome="approved")
    assert plan.status == "active"
    assert [r["outcome"] for r in plan.reviews] == ["changes_requested", "approved"]
    assert plan.reviews[1]["by"] == {"subject": "hanna", "role": "hr"}
    plan.close(OWNER, reason="periode voorbij")
    assert (plan.status, plan.closed_reason) == ("closed", "periode voorbij")
    names = [type(e).__name__ for e in plan.collect_events()]
    assert names[-6:] == ["PlanSubmittedForReview", "PlanReviewed", "LearningActionPlanned",
                          "PlanSubmittedForReview", "PlanReviewed", "PlanClosed"]


def test_a_plan_without_an_open_goal_is_not_submitted():
    plan = new_plan()
    with pytest.raises(RuleViolationError) as caught:
        plan.submit_for_review(OWNER)
    assert caught.value.field == "goals"


def test_only_the_owner_submits_and_only_once():
    plan = new_plan()
    add_goal(plan)
    with pytest.raises(NotAllowedError):
        plan.submit_for_review(MANAGER)
    plan.submit_for_review(OWNER)
    with pytest.raises(InvalidStateError):
        plan.submit_for_review(OWNER)


def test_a_submitted_plan_waits_for_review_before_goals_and_actions_change():
    plan = submitted_plan()
    for command in (lambda: add_goal(plan, "g2"), lambda: add_action(plan),
                    lambda: plan.revise_goal(OWNER, "g1", reason="x", title="y"),
                    lambda: plan.assess_skill(OWNER, skill="x", category="technical", level=1)):
        with pytest.raises(InvalidStateError) as caught:
            command()
        assert caught.value.field == "status"


@pytest.mark.parametrize("status", ["draft", "active", "changes_requested"])
def test_only_a_submitted_plan_is_reviewed(status):
    plan = {"draft": new_plan, "active": active_plan}.get(status, submitted_plan)()
    if status == "changes_requested":
        plan.review(MANAGER, outcome="changes_requested", comment="x")
    with pytest.raises(InvalidStateError):
        plan.review(MANAGER, outcome="approved")


@pytest.mark.parametrize("ctx", [OWNER, Context("collega", "peer"), Context("ld", "ld")])
def test_only_the_manager_hr_or_admin_review(ctx):
    with pytest.raises(NotAllowedError):
        submitted_plan().review(ctx, outcome="approved")


def test_admin_reviews_like_hr():
    plan = submitted_plan()
    plan.review(ADMIN, outcome="approved")
    assert plan.status == "active"


@pytest.mark.parametrize("role", ["manager", "hr", "admin"])
def test_nobody_reviews_their_own_plan(role):
    plan = submitted_plan()
    with pytest.raises(NotAllowedError) as caught:
        plan.review(Context("karim", role), outcome="approved")
    assert "own plan" in caught.value.reason
    assert plan.status == "submitted"


def test_requesting_changes_says_which_and_outcomes_are_closed():
    plan = submitted_plan()
    with pytest.raises(RuleViolationError) as caught:
        plan.review(MANAGER, outcome="changes_requested", comment=" ")
    assert caught.value.field == "comment"
    with pytest.raises(RuleViolationError) as caught:
        plan.review(MANAGER, outcome="maybe")
    assert caught.value.field == "outcome"


# -- a closed plan takes no changes ---------------------------------------------------------------
def _closed_plan():
    plan = active_plan()
    add_action(plan)
    plan.request_funding(OWNER, "a1", amount=Decimal(100), justification="team")
    plan.close(MANAGER)
    return plan


CLOSED_COMMANDS = {
    "assess": lambda p: p.assess_skill(OWNER, skill="x", category="technical", level=1),
    "set_goal": lambda p: p.set_goal(OWNER, goal_id="g9", **goal_fields()),
    "revise_goal": lambda p: p.revise_goal(OWNER, "g1", reason="x", title="y"),
    "achieve_goal": lambda p: p.achieve_goal(OWNER, "g1"),
    "abandon_goal": lambda p: p.abandon_goal(OWNER, "g1", reason="x"),
    "plan_action": lambda p: p.plan_action(OWNER, action_id="a9", **action_fields()),
    "start_action": lambda p: p.start_action(OWNER, "a1", date(2026, 3, 1)),
    "cancel_action": lambda p: p.cancel_action(OWNER, "a1", reason="x"),
    "reschedule": lambda p: p.reschedule_action(OWNER, "a1", planned_start=date(2026, 3, 1),
                                                planned_end=date(2026, 4, 1), reason="x"),
    "progress": lambda p: p.review_progress(OWNER, note="x"),
    "feedback": lambda p: p.receive_feedback(MANAGER, feedback_id="f", source="manager", text="x"),
    "submit": lambda p: p.submit_for_review(OWNER),
    "review": lambda p: p.review(MANAGER, outcome="approved"),
    "approve_funding": lambda p: p.approve_funding(MANAGER, "a1"),
    "decline_funding": lambda p: p.decline_funding(MANAGER, "a1", reason="x"),
    "accept": lambda p: p.accept_recommendation(OWNER, "r1", offer_id="o1", action_id="a9", **action_fields()),
    "dismiss": lambda p: p.dismiss_recommendation(OWNER, "r1", offer_id=None, reason="x"),
    "close": lambda p: p.close(HR),
}


@pytest.mark.parametrize("name", sorted(CLOSED_COMMANDS))
def test_a_closed_plan_takes_no_changes(name):
    plan = _closed_plan()
    version = plan.version
    with pytest.raises(InvalidStateError) as caught:
        CLOSED_COMMANDS[name](plan)
    assert caught.value.field == "status" and "closed" in caught.value.reason
    assert plan.version == version


def test_a_peer_or_ld_cannot_close_a_plan():
    with pytest.raises(NotAllowedError):
        new_plan().close(Context("ld", "ld"))


# -- feedback and progress ----------------------------------------------------------------------------
@pytest.mark.parametrize(("ctx", "source", "allowed"), [
    (OWNER, "self", True), (OWNER, "mentor", True), (OWNER, "peer", True), (OWNER, "manager", False),
    (MANAGER, "manager", True), (MANAGER, "self", False), (MANAGER, "peer", False),
    (HR, "manager", True), (HR, "mentor", True), (HR, "self", False),
    (ADMIN, "mentor", True), (ADMIN, "self", False),
])
def test_the_feedback_source_follows_the_role(ctx, source, allowed):
    plan = new_plan()
    if allowed:
        plan.receive_feedback(ctx, feedback_id="f1", source=source, text=" goed bezig ")
        assert plan.feedback[-1]["source"] == source and plan.feedback[-1]["text"] == "goed bezig"
        assert plan.feedback[-1]["by"] == ctx.actor()
    else:
        with pytest.raises(NotAllowedError) as caught:
            plan.receive_feedback(ctx, feedback_id="f1", source=source, text="x")
        assert caught.value.field == "source"


def test_feedback_has_text_a_known_source_and_a_goal_of_this_plan():
    plan = new_plan()
    add_goal(plan)
    with pytest.raises(RuleViolationError):
        plan.receive_feedback(MANAGER, feedback_id="f", source="manager", text=" ")
    with pytest.raises(RuleViolationError):
        plan.receive_feedback(MANAGER, feedback_id="f", source="oracle", text="x")
    with pytest.raises(NotFoundInPlanError):
        plan.receive_feedback(MANAGER, feedback_id="f", source="manager", text="x", goal_id="nope")
    plan.receive_feedback(MANAGER, feedback_id="f", source="manager", text="x", goal_id="g1")
    assert plan.feedback[0]["goal_id"] == "g1"


def test_a_progress_review_may_set_a_goals_progress():
    plan = new_plan()
    add_goal(plan)
    plan.review_progress(MANAGER, note="halverwege", goal_id="g1", progress=50)
    assert plan.goals["g1"]["progress"] == 50
    assert plan.progress[0]["by"] == MANAGER.actor()


@pytest.mark.parametrize(("fields", "field"), [
    ({"progress": 101, "goal_id": "g1"}, "progress"), ({"progress": 40}, "goal_id"), ({"note": ""}, "note")])
def test_progress_is_0_to_100_of_a_goal_with_a_note(fields, field):
    plan = new_plan()
    add_goal(plan)
    with pytest.raises(RuleViolationError) as caught:
        plan.review_progress(OWNER, **{"note": "x", **fields})
    assert caught.value.field == field


# -- recommendations -------------------------------------------------------------------------------
def test_accepting_a_recommendation_plans_its_action_in_the_same_save():
    plan = new_plan()
    add_goal(plan)
    plan.collect_events()
    plan.accept_recommendation(OWNER, "r1", offer_id="offer-7", action_id="a1", **action_fields(goal_ids=["g1"]))
    events = plan.collect_events()
    assert [type(e).__name__ for e in events] == ["LearningActionPlanned", "RecommendationAccepted"]
    assert plan.actions["a1"]["recommendation_id"] == "r1" and plan.actions["a1"]["offer_id"] == "offer-7"
    assert plan.recommendations["r1"] == {"status": "accepted", "offer_id": "offer-7", "action_id": "a1"}


def test_an_accepted_recommendation_with_a_bad_action_leaves_no_trace():
    plan = new_plan()
    with pytest.raises(RuleViolationError):
        plan.accept_recommendation(OWNER, "r1", offer_id=None, action_id="a1",
                                   **action_fields(planned_start=date(2030, 1, 1)))
    assert plan.recommendations == {} and plan.actions == {} and plan.version == 1


def test_dismissing_needs_a_reason():
    plan = new_plan()
    with pytest.raises(RuleViolationError) as caught:
        plan.dismiss_recommendation(OWNER, "r1", offer_id="o", reason=" ")
    assert caught.value.field == "reason"
    plan.dismiss_recommendation(OWNER, "r1", offer_id="o", reason="al gevolgd")
    assert plan.recommendations["r1"] == {"status": "dismissed", "offer_id": "o", "reason": "al gevolgd"}


def test_a_recommendation_is_decided_only_once():
    plan = new_plan()
    plan.accept_recommendation(OWNER, "r1", offer_id=None, action_id="a1", **action_fields())
    plan.dismiss_recommendation(OWNER, "r2", offer_id=None, reason="niet relevant")
    for command in (
        lambda: plan.accept_recommendation(OWNER, "r1", offer_id=None, action_id="a2", **action_fields()),
        lambda: plan.dismiss_recommendation(OWNER, "r1", offer_id=None, reason="toch niet"),
        lambda: plan.accept_recommendation(OWNER, "r2", offer_id=None, action_id="a3", **action_fields()),
    ):
        with pytest.raises(InvalidStateError) as caught:
            command()
        assert caught.value.field == "recommendation_id"
    assert set(plan.actions) == {"a1"}


def test_only_the_owner_decides_on_recommendations():
    plan = new_plan()
    with pytest.raises(NotAllowedError):
        plan.accept_recommendation(MANAGER, "r1", offer_id=None, action_id="a1", **action_fields())
    with pytest.raises(NotAllowedError):
        plan.dismiss_recommendation(MANAGER, "r1", offer_id=None, reason="x")


# -- every event records the actor and, where given, the reason --------------------------------------
def test_every_event_records_actor_and_reason():
    plan = active_plan()
    add_action(plan)
    plan.cancel_action(OWNER, "a1", reason="vervalt")
    plan.close(HR, reason="uit dienst")
    events = plan.collect_events()
    assert all(set(e.actor) == {"subject", "role"} for e in events)
    assert [(type(e).__name__, e.actor["subject"], e.reason) for e in events][-2:] == [
        ("LearningActionCancelled", "karim", "vervalt"), ("PlanClosed", "hanna", "uit dienst")]
