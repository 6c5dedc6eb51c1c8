"""Carry-forward on the aggregate: a new period's plan takes over the previous plan's open goals and its planned or
started actions, each as an event naming its source, and the previous plan closes with that reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from plan_builders import HR, OWNER, add_action, add_goal, new_plan

from services.plan.domain.errors import InvalidStateError, RuleViolationError
from services.plan.domain.plan import CARRIED_FORWARD, DevelopmentPlan

NEXT_START, NEXT_END = date(2028, 1, 1), date(2028, 12, 31)


def previous_plan() -> DevelopmentPlan:
    """Karim's 2026-2027 plan: g1 open, g2 achieved, a1 started, a2 planned (overdue), a3 completed, a4 cancelled."""
    plan = new_plan()
    add_goal(plan, "g1", hours_needed=30)
    add_goal(plan, "g2", hours_needed=10, title="Plannen")
    plan.achieve_goal(OWNER, "g2")
    add_action(plan, "a1", goal_ids=["g1", "g2"])
    plan.start_action(OWNER, "a1", date(2026, 2, 3))
    add_action(plan, "a2", goal_ids=["g1"], planned_start=date(2027, 11, 1), planned_end=date(2027, 11, 30))
    add_action(plan, "a3", title="Klaar")
    plan.start_action(OWNER, "a3", date(2026, 2, 1))
    plan.complete_action(OWNER, "a3", on=date(2026, 3, 1), evaluation=4)
    add_action(plan, "a4", title="Weg")
    plan.cancel_action(OWNER, "a4", "past niet")
    plan.request_funding(OWNER, "a2", amount=Decimal(300), justification="cursusgeld")
    return plan


def next_plan() -> DevelopmentPlan:
    return new_plan(period_start=NEXT_START, period_end=NEXT_END, available_hours=80)


def test_open_goals_and_planned_or_started_actions_carry_forward_with_their_source():
    old, new = previous_plan(), next_plan()
    carried = new.carry_forward_from(HR, old)
    assert carried == {"goals": ["g1"], "actions": ["a1", "a2"]}
    events = new.collect_events()[1:]
    assert [type(e).__name__ for e in events] == ["GoalCarriedForward", "ActionCarriedForward", "ActionCarriedForward"]
    assert all(e.from_plan_id == str(old.id) for e in events)
    assert (events[0].from_goal_id, events[1].from_action_id) == ("g1", "a1")
    goal = new.goals["g1"]
    assert goal["status"] == "open" and goal["title"] == "Team leiden" and goal["carried_from"] == {
        "plan_id": str(old.id), "goal_id": "g1"}
    assert goal["deadline"] == NEXT_END and events[0].original_deadline == date(2027, 6, 30)  # moved into the period
    started, planned = new.actions["a1"], new.actions["a2"]
    assert started["status"] == "started" and started["started_on"] == date(2026, 2, 3)
    assert started["goal_ids"] == ["g1"]  # g2 was achieved and stayed behind
    assert (planned["planned_start"], planned["planned_end"]) == (NEXT_START, NEXT_START)  # overdue: still overdue
    assert planned["funding"]["status"] == "requested" and planned["funding"]["amount"] == Decimal(300)
    assert "a3" not in new.actions and "a4" not in new.actions


def test_the_previous_plan_closes_with_the_reason_naming_the_new_plan():
    old, new = previous_plan(), next_plan()
    new.carry_forward_from(HR, old)
    old.close_carried_forward(HR, new.id, NEXT_START, NEXT_END)
    assert old.status == "closed"
    assert old.closed_reason.startswith(CARRIED_FORWARD) and str(new.id) in old.closed_reason
    with pytest.raises(InvalidStateError):
        old.close_carried_forward(HR, new.id, NEXT_START, NEXT_END)


def test_replaying_the_new_plan_gives_the_same_state():
    old, new = previous_plan(), next_plan()
    new.carry_forward_from(HR, old)
    replayed = None
    for event in new.collect_events():
        replayed = event.mutate(replayed)
    assert replayed.goals == new.goals and replayed.actions == new.actions


def test_only_into_a_new_plan_of_the_same_person_from_an_open_plan():
    old = previous_plan()
    other = new_plan(employee_id="sophie", period_start=NEXT_START, period_end=NEXT_END)
    with pytest.raises(RuleViolationError) as caught:
        other.carry_forward_from(HR, old)
    assert caught.value.field == "from_plan_id"
    with pytest.raises(RuleViolationError):
        old.carry_forward_from(HR, old)
    busy = next_plan()
    add_goal(busy, "own", deadline=date(2028, 6, 1))
    with pytest.raises(InvalidStateError) as caught:
        busy.carry_forward_from(HR, old)
    assert caught.value.field == "plan"
    done = next_plan()
    done.carry_forward_from(HR, old)
    old.close_carried_forward(HR, done.id, NEXT_START, NEXT_END)
    with pytest.raises(InvalidStateError) as caught:
        next_plan().carry_forward_from(HR, old)  # closed: nothing is carried a second time
    assert caught.value.field == "from_plan_id"
