"""DevelopmentPlan rules, part 2: learning actions on the timeline (dates, start, complete, cancel) and funding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from plan_builders import (
    ADMIN,
    END,
    HR,
    MANAGER,
    OWNER,
    START,
    add_action,
    add_goal,
    new_plan,
)

from services.plan.domain.errors import (
    InvalidStateError,
    NotAllowedError,
    NotFoundInPlanError,
    RuleViolationError,
)
from services.plan.domain.plan import Context


# -- planning --------------------------------------------------------------------------------------
def test_a_planned_action_links_goals_and_keeps_means_dates_hours_and_cost():
    plan = new_plan()
    add_goal(plan)
    add_action(plan, goal_ids=["g1"], certificate=True)
    action = plan.actions["a1"]
    assert (action["status"], action["goal_ids"], action["means"]) == ("planned", ["g1"], "external_course")
    assert (action["hours"], action["cost"], action["certificate"]) == (16.0, Decimal(800), True)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"planned_start": date(2025, 12, 31)}, "planned_start"),
    ({"planned_end": date(2028, 1, 1)}, "planned_end"),
    ({"planned_start": date(2026, 5, 1), "planned_end": date(2026, 4, 30)}, "planned_end"),
    ({"means": "osmosis"}, "means"),
    ({"title": " "}, "title"),
    ({"hours": -1}, "hours"),
    ({"cost": Decimal(-1)}, "cost"),
])
def test_an_action_lies_inside_the_period_and_has_sound_fields(overrides, field):
    plan = new_plan()
    with pytest.raises(RuleViolationError) as caught:
        add_action(plan, **overrides)
    assert caught.value.field == field
    assert plan.actions == {}


def test_an_action_may_fill_the_whole_period():
    plan = new_plan()
    add_action(plan, planned_start=START, planned_end=END)
    assert plan.actions["a1"]["planned_end"] == END


def test_an_action_names_only_goals_of_this_plan():
    plan = new_plan()
    add_goal(plan)
    with pytest.raises(NotFoundInPlanError) as caught:
        add_action(plan, goal_ids=["g1", "elsewhere"])
    assert caught.value.field == "goal_ids.1"


def test_only_the_owner_plans_actions():
    with pytest.raises(NotAllowedError):
        add_action(new_plan(), ctx=MANAGER)


# -- start, complete, cancel, reschedule ------------------------------------------------------------
def test_an_action_starts_then_completes_with_an_evaluation():
    plan = new_plan()
    add_action(plan)
    plan.start_action(OWNER, "a1", date(2026, 2, 3))
    plan.complete_action(OWNER, "a1", on=date(2026, 6, 20), evaluation=4, reflection=" nuttig ",
                         skill_levels=[{"skill": "communicatie", "level": 3}])
    action = plan.actions["a1"]
    assert (action["status"], action["started_on"], action["completed_on"]) == (
        "completed", date(2026, 2, 3), date(2026, 6, 20))
    assert (action["evaluation"], action["reflection"]) == (4, "nuttig")
    assert action["skill_levels"] == [{"skill": "communicatie", "level": 3}]


def test_an_action_cannot_complete_before_it_started():
    plan = new_plan()
    add_action(plan)
    plan.start_action(OWNER, "a1", date(2026, 3, 1))
    with pytest.raises(RuleViolationError) as caught:
        plan.complete_action(OWNER, "a1", on=date(2026, 2, 28), evaluation=4)
    assert caught.value.field == "date" and "2026-03-01" in caught.value.reason
    plan.complete_action(OWNER, "a1", on=date(2026, 3, 1), evaluation=4)  # the same day is fine


def test_an_action_that_never_started_cannot_complete():
    plan = new_plan()
    add_action(plan)
    with pytest.raises(InvalidStateError):
        plan.complete_action(OWNER, "a1", on=date(2026, 3, 1), evaluation=3)


def test_a_cancelled_action_cannot_start_complete_or_be_rescheduled():
    plan = new_plan()
    add_action(plan)
    plan.cancel_action(OWNER, "a1", reason="cursus vervalt")
    assert plan.actions["a1"]["status"] == "cancelled"
    with pytest.raises(InvalidStateError) as caught:
        plan.start_action(OWNER, "a1", date(2026, 2, 3))
    assert caught.value.field == "action_id" and "cancelled" in caught.value.reason
    with pytest.raises(InvalidStateError):
        plan.complete_action(OWNER, "a1", on=date(2026, 3, 1), evaluation=3)
    with pytest.raises(InvalidStateError):
        plan.reschedule_action(OWNER, "a1", planned_start=date(2026, 3, 1), planned_end=date(2026, 4, 1),
                               reason="x")
    with pytest.raises(InvalidStateError):
        plan.cancel_action(OWNER, "a1", reason="twice")


def test_an_action_starts_only_once_and_inside_the_period():
    plan = new_plan()
    add_action(plan)
    with pytest.raises(RuleViolationError) as caught:
        plan.start_action(OWNER, "a1", date(2028, 1, 2))
    assert caught.value.field == "date"
    plan.start_action(OWNER, "a1", date(2026, 2, 3))
    with pytest.raises(InvalidStateError):
        plan.start_action(OWNER, "a1", date(2026, 2, 4))


@pytest.mark.parametrize("evaluation", [0, 6])
def test_an_evaluation_is_1_to_5(evaluation):
    plan = new_plan()
    add_action(plan)
    plan.start_action(OWNER, "a1", date(2026, 2, 3))
    with pytest.raises(RuleViolationError) as caught:
        plan.complete_action(OWNER, "a1", on=date(2026, 3, 1), evaluation=evaluation)
    assert caught.value.field == "evaluation"


def test_skill_levels_after_completion_are_0_to_5():
    plan = new_plan()
    add_action(plan)
    plan.start_action(OWNER, "a1", date(2026, 2, 3))
    with pytest.raises(RuleViolationError) as caught:
        plan.complete_action(OWNER, "a1", on=date(2026, 3, 1), evaluation=4,
                             skill_levels=[{"skill": "x", "level": 2}, {"skill": "y", "level": 6}])
    assert caught.value.field == "skill_levels.1.level"


def test_cancelling_needs_a_reason():
    plan = new_plan()
    add_action(plan)
    with pytest.raises(RuleViolationError) as caught:
        plan.cancel_action(OWNER, "a1", reason="")
    assert caught.value.field == "reason"


def test_rescheduling_needs_a_reason_and_dates_inside_the_period():
    plan = new_plan()
    add_action(plan)
    with pytest.raises(RuleViolationError):
        plan.reschedule_action(OWNER, "a1", planned_start=date(2026, 9, 1), planned_end=date(2026, 12, 1), reason="")
    with pytest.raises(RuleViolationError):
        plan.reschedule_action(OWNER, "a1", planned_start=date(2027, 9, 1), planned_end=date(2028, 2, 1),
                               reason="later")
    plan.reschedule_action(OWNER, "a1", planned_start=date(2026, 9, 1), planned_end=date(2026, 12, 1),
                           reason="volgeboekt")
    assert plan.actions["a1"]["planned_start"] == date(2026, 9, 1)


def test_a_started_action_only_moves_its_end():
    plan = new_plan()
    add_action(plan)
    plan.start_action(OWNER, "a1", date(2026, 2, 3))
    with pytest.raises(InvalidStateError) as caught:
        plan.reschedule_action(OWNER, "a1", planned_start=date(2026, 3, 1), planned_end=date(2026, 9, 1),
                               reason="uitloop")
    assert caught.value.field == "planned_start"
    plan.reschedule_action(OWNER, "a1", planned_start=date(2026, 2, 1), planned_end=date(2026, 9, 1), reason="uitloop")
    assert plan.actions["a1"]["planned_end"] == date(2026, 9, 1)


def test_unknown_actions_are_not_found():
    plan = new_plan()
    for command in (lambda: plan.start_action(OWNER, "zz", date(2026, 2, 3)),
                    lambda: plan.cancel_action(OWNER, "zz", reason="x"),
                    lambda: plan.request_funding(OWNER, "zz", amount=Decimal(1), justification="x"),
                    lambda: plan.approve_funding(MANAGER, "zz")):
        with pytest.raises(NotFoundInPlanError):
            command()


# -- funding ----------------------------------------------------------------------------------------
def _requested(amount=Decimal(800)):
    plan = new_plan()
    add_action(plan)
    plan.request_funding(OWNER, "a1", amount=amount, justification="betere storingsanalyses voor het team")
    return plan


def test_funding_is_requested_with_a_justification_by_the_owner():
    plan = _requested()
    funding = plan.actions["a1"]["funding"]
    assert (funding["status"], funding["amount"]) == ("requested", Decimal(800))
    add_action(plan, "a2")
    with pytest.raises(NotAllowedError):
        plan.request_funding(MANAGER, "a2", amount=Decimal(10), justification="x")


@pytest.mark.parametrize(("amount", "justification", "field"), [
    (Decimal(0), "goed voor het team", "amount"), (Decimal(801), "goed voor het team", "amount"),
    (Decimal(100), "  ", "justification")])
def test_a_funding_request_is_positive_within_the_cost_and_justified(amount, justification, field):
    plan = new_plan()
    add_action(plan)
    with pytest.raises(RuleViolationError) as caught:
        plan.request_funding(OWNER, "a1", amount=amount, justification=justification)
    assert caught.value.field == field


def test_funding_is_not_requested_twice_while_pending_or_approved():
    plan = _requested()
    with pytest.raises(InvalidStateError):
        plan.request_funding(OWNER, "a1", amount=Decimal(100), justification="nog eens")
    plan.approve_funding(MANAGER, "a1")
    with pytest.raises(InvalidStateError):
        plan.request_funding(OWNER, "a1", amount=Decimal(100), justification="nog eens")


@pytest.mark.parametrize("decider", [MANAGER, HR, ADMIN])
def test_the_manager_hr_or_admin_approve_funding(decider):
    plan = _requested()
    plan.approve_funding(decider, "a1", comment=" akkoord ", amount=Decimal(600))
    funding = plan.actions["a1"]["funding"]
    assert (funding["status"], funding["amount"], funding["comment"]) == ("approved", Decimal(600), "akkoord")
    assert funding["decided_by"] == decider.actor()


def test_the_owner_does_not_decide_their_own_funding():
    plan = _requested()
    with pytest.raises(NotAllowedError):
        plan.approve_funding(OWNER, "a1")
    with pytest.raises(NotAllowedError):
        plan.decline_funding(OWNER, "a1", reason="x")
    with pytest.raises(NotAllowedError):  # an HR employee deciding on their own plan
        plan.approve_funding(Context("karim", "hr"), "a1")


@pytest.mark.parametrize("amount", [Decimal(801), Decimal(0), Decimal(-1)])
def test_approval_grants_at_most_what_was_requested(amount):
    plan = _requested()
    with pytest.raises(RuleViolationError) as caught:
        plan.approve_funding(MANAGER, "a1", amount=amount)
    assert caught.value.field == "amount"


def test_declining_needs_a_reason_and_allows_a_new_request():
    plan = _requested()
    with pytest.raises(RuleViolationError):
        plan.decline_funding(HR, "a1", reason="")
    plan.decline_funding(HR, "a1", reason="geen budget dit jaar")
    funding = plan.actions["a1"]["funding"]
    assert (funding["status"], funding["comment"]) == ("declined", "geen budget dit jaar")
    with pytest.raises(InvalidStateError):
        plan.approve_funding(MANAGER, "a1")
    plan.request_funding(OWNER, "a1", amount=Decimal(400), justification="half, met eigen bijdrage")
    assert plan.actions["a1"]["funding"]["status"] == "requested"


def test_no_decision_without_a_pending_request():
    plan = new_plan()
    add_action(plan)
    with pytest.raises(InvalidStateError):
        plan.approve_funding(MANAGER, "a1")
    with pytest.raises(InvalidStateError):
        plan.decline_funding(MANAGER, "a1", reason="x")


def test_funding_needs_an_action_that_costs_something():
    plan = new_plan()
    add_action(plan, cost=Decimal(0))
    with pytest.raises(RuleViolationError) as error:
        plan.request_funding(OWNER, "a1", amount=Decimal(100), justification="helps the team")
    assert error.value.field == "action_id"


def test_a_funding_request_lapses_when_its_action_is_cancelled():
    plan = new_plan()
    add_action(plan)
    plan.request_funding(OWNER, "a1", amount=Decimal(500), justification="helps the team")
    plan.cancel_action(OWNER, "a1", "course cancelled by the provider")
    with pytest.raises(InvalidStateError):
        plan.approve_funding(MANAGER, "a1")
