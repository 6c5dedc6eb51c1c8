"""DevelopmentPlan rules, check-ins: schedule, agenda, reschedule, cancel, record, agreements acted on."""

from __future__ import annotations

from datetime import date

import pytest
from plan_builders import ADMIN, HR, MANAGER, OWNER, action_fields, add_goal, fields_of, new_plan

from services.plan.domain.errors import (
    InvalidStateError,
    NotAllowedError,
    NotFoundInPlanError,
    RuleViolationError,
    SmartGoalError,
)
from services.plan.domain.plan import Context

SLOT = {"on": date(2026, 3, 10), "at": "14:00", "duration_minutes": 45, "location": "Kamer 2.14"}


def scheduled(ctx: Context = MANAGER, checkin_id: str = "c1", **overrides):
    plan = new_plan()
    plan.schedule_checkin(ctx, checkin_id=checkin_id, agenda=["Voortgang doelen"], **{**SLOT, **overrides})
    return plan


def test_the_manager_schedules_and_both_add_agenda_points():
    plan = scheduled()
    plan.add_agenda_point(OWNER, "c1", "Budget voor de cursus")
    checkin = plan.checkins["c1"]
    assert checkin["status"] == "scheduled" and checkin["on"] == date(2026, 3, 10) and checkin["at"] == "14:00"
    assert [(p["text"], p["by"]["role"]) for p in checkin["agenda"]] == [
        ("Voortgang doelen", "manager"), ("Budget voor de cursus", "owner")]
    assert plan.next_checkin()["checkin_id"] == "c1"


@pytest.mark.parametrize("ctx", [OWNER, MANAGER, HR, ADMIN])
def test_the_employee_their_manager_and_hr_may_schedule(ctx):
    assert scheduled(ctx).checkins["c1"]["scheduled_by"]["subject"] == ctx.subject


def test_a_stranger_role_may_not_schedule():
    with pytest.raises(NotAllowedError):
        scheduled(Context("daan", "ld"))


@pytest.mark.parametrize(("overrides", "field"), [
    ({"on": date(2025, 12, 31)}, "on"), ({"at": "25:00"}, "at"), ({"at": "9:00"}, "at"),
    ({"duration_minutes": 2}, "duration_minutes"), ({"duration_minutes": 9 * 60}, "duration_minutes"),
    ({"duration_minutes": True}, "duration_minutes"), ({"location": "  "}, "location")])
def test_a_check_in_needs_a_real_slot_inside_the_period(overrides, field):
    with pytest.raises(RuleViolationError) as caught:
        scheduled(**overrides)
    assert fields_of(caught.value) == [field]


def test_the_same_check_in_id_twice_is_refused():
    plan = scheduled()
    with pytest.raises(InvalidStateError):
        plan.schedule_checkin(OWNER, checkin_id="c1", **SLOT)


def test_reschedule_needs_a_reason_and_a_change_and_counts():
    plan = scheduled()
    with pytest.raises(RuleViolationError):
        plan.reschedule_checkin(OWNER, "c1", reason="", **SLOT)
    with pytest.raises(RuleViolationError):
        plan.reschedule_checkin(OWNER, "c1", reason="ziek", **SLOT)
    plan.reschedule_checkin(OWNER, "c1", reason="ziek", **{**SLOT, "on": date(2026, 3, 17), "location": "Teams"})
    checkin = plan.checkins["c1"]
    assert (checkin["on"], checkin["location"], checkin["reschedules"]) == (date(2026, 3, 17), "Teams", 1)


def test_a_cancelled_check_in_takes_nothing_more():
    plan = scheduled()
    plan.schedule_checkin(MANAGER, checkin_id="c2", **{**SLOT, "on": date(2026, 9, 1)})
    plan.cancel_checkin(MANAGER, "c1", reason="reorganisatie")
    assert plan.checkins["c1"]["status"] == "cancelled" and plan.checkins["c1"]["cancel_reason"] == "reorganisatie"
    assert plan.next_checkin()["checkin_id"] == "c2"
    for command in (lambda: plan.add_agenda_point(OWNER, "c1", "x"),
                    lambda: plan.cancel_checkin(OWNER, "c1", reason="again"),
                    lambda: plan.record_checkin(MANAGER, "c1", notes="n")):
        with pytest.raises(InvalidStateError):
            command()


def test_recording_keeps_notes_and_numbered_agreements_once():
    plan = scheduled()
    with pytest.raises(RuleViolationError):
        plan.record_checkin(MANAGER, "c1")
    plan.record_checkin(MANAGER, "c1", notes="Goed gesprek", agreements=["Deadline later", "Cursus plannen"])
    checkin = plan.checkins["c1"]
    assert checkin["status"] == "held" and checkin["notes"] == "Goed gesprek"
    assert [a["agreement_id"] for a in checkin["agreements"]] == ["c1-1", "c1-2"]
    assert plan.next_checkin() is None
    with pytest.raises(InvalidStateError):
        plan.record_checkin(MANAGER, "c1", notes="again")


def held_plan():
    plan = scheduled()
    add_goal(plan)
    plan.record_checkin(MANAGER, "c1", notes="n", agreements=["Deadline later", "Cursus plannen"])
    return plan


def test_an_agreement_becomes_a_goal_revision_in_one_step():
    plan = held_plan()
    plan.act_on_agreement(OWNER, "c1", "c1-1", goal_id="g1", revision={"deadline": date(2027, 9, 30)})
    assert plan.goals["g1"]["deadline"] == date(2027, 9, 30) and plan.goals["g1"]["revisions"] == 1
    assert plan.checkins["c1"]["agreements"][0]["goal_id"] == "g1"
    events = plan.collect_events()
    assert [type(e).__name__ for e in events[-2:]] == ["GoalRevised", "CheckInAgreementActedOn"]
    assert events[-2].reason == "agreed in check-in: Deadline later"
    with pytest.raises(InvalidStateError):
        plan.act_on_agreement(OWNER, "c1", "c1-1", goal_id="g1", revision={"deadline": date(2027, 8, 30)})


def test_an_agreement_becomes_a_learning_action_in_one_step():
    plan = held_plan()
    plan.act_on_agreement(OWNER, "c1", "c1-2", action={"action_id": "a9", **action_fields(goal_ids=["g1"])})
    assert plan.actions["a9"]["status"] == "planned"
    assert plan.checkins["c1"]["agreements"][1]["action_id"] == "a9"


def test_acting_on_an_agreement_keeps_the_goal_and_action_rules():
    plan = held_plan()
    with pytest.raises(SmartGoalError):
        plan.act_on_agreement(OWNER, "c1", "c1-1", goal_id="g1", revision={"measure": " "})
    with pytest.raises(NotAllowedError):  # goals and actions are the employee's to change
        plan.act_on_agreement(MANAGER, "c1", "c1-1", goal_id="g1", revision={"deadline": date(2027, 9, 30)})
    with pytest.raises(NotFoundInPlanError):
        plan.act_on_agreement(OWNER, "c1", "nope", goal_id="g1", revision={"deadline": date(2027, 9, 30)})
    with pytest.raises(RuleViolationError):
        plan.act_on_agreement(OWNER, "c1", "c1-1")
    assert not plan.checkins["c1"]["agreements"][0]["goal_id"]


def test_a_closed_plan_takes_no_check_ins():
    plan = new_plan()
    plan.close(OWNER)
    with pytest.raises(InvalidStateError):
        plan.schedule_checkin(MANAGER, checkin_id="c1", **SLOT)


def test_check_ins_replay_from_their_events():
    from services.plan.domain.plan import DevelopmentPlan

    plan = held_plan()
    plan.act_on_agreement(OWNER, "c1", "c1-1", goal_id="g1", revision={"deadline": date(2027, 9, 30)})
    replayed = None
    for event in plan.collect_events():
        replayed = event.mutate(replayed)
    assert isinstance(replayed, DevelopmentPlan) and replayed.checkins == plan.checkins
