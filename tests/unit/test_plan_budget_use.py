"""Budget use, one rule (domain/budget.py): planned hours and cost against the plan's, with a warning and the
amount over; a funding request keeps the amount requested beside the amount approved; old snapshots upcast."""

from __future__ import annotations

from decimal import Decimal

from plan_builders import MANAGER, OWNER, add_action, new_plan

from services.plan.domain.budget import budget_use
from services.plan.domain.plan import DevelopmentPlan


def test_planned_against_available_with_a_warning_and_the_amount_over():
    plan = new_plan(available_hours=20, available_budget=Decimal(1000))
    add_action(plan, hours=16, cost=Decimal(800))
    use = budget_use(plan)
    assert (use["planned_hours"], use["hours_left"], use["planned_cost"], use["budget_left"]) == (
        16.0, 4.0, Decimal(800), Decimal(200))
    assert use["warnings"] == []
    more = budget_use(plan, extra_hours=10, extra_cost=Decimal(300))
    assert [(w["code"], w["over"]) for w in more["warnings"]] == [("hours_over", 6.0), ("budget_over", Decimal(100))]


def test_cancelled_actions_do_not_count():
    plan = new_plan(available_hours=10)
    add_action(plan, hours=16)
    plan.cancel_action(OWNER, "a1", "no time")
    assert budget_use(plan)["planned_hours"] == 0 and budget_use(plan)["warnings"] == []


def test_funding_keeps_the_requested_amount_beside_the_approved_one():
    plan = new_plan()
    add_action(plan, cost=Decimal(800))
    plan.request_funding(OWNER, "a1", amount=Decimal(800), justification="serves the team")
    plan.approve_funding(MANAGER, "a1", amount=Decimal(600))
    funding = plan.actions["a1"]["funding"]
    assert (funding["requested_amount"], funding["amount"], funding["status"]) == (Decimal(800), Decimal(600),
                                                                                  "approved")
    use = budget_use(plan)
    assert (use["funding_requested"], use["funding_approved"]) == (Decimal(800), Decimal(600))


def test_submission_note_is_kept_and_old_snapshots_upcast():
    plan = new_plan()
    from plan_builders import add_goal

    add_goal(plan)
    plan.submit_for_review(OWNER, "graag bespreken")
    assert plan.submission["note"] == "graag bespreken" and plan.submission["by"]["subject"] == "karim"
    state = {"actions": {"a1": {"funding": {"status": "requested", "amount": Decimal(5)}},
                         "a2": {"funding": {"status": "approved", "amount": Decimal(4)}}, "a3": {"funding": None}}}
    DevelopmentPlan.upcast_v4_v5(state)
    assert state["submission"] is None
    assert state["actions"]["a1"]["funding"]["requested_amount"] == Decimal(5)
    assert state["actions"]["a2"]["funding"]["requested_amount"] is None
