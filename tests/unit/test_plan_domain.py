"""DevelopmentPlan rules, part 1: starting a plan, self-evaluation (levels 0-5, assessor per role), SMART goals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from plan_builders import END, HR, MANAGER, OWNER, START, add_goal, fields_of, goal_fields, new_plan

from services.plan.domain.errors import (
    InvalidStateError,
    NotAllowedError,
    NotFoundInPlanError,
    RuleViolationError,
    SmartGoalError,
)
from services.plan.domain.plan import Context, DevelopmentPlan


# -- starting a plan ------------------------------------------------------------------------------
def test_a_new_plan_is_a_draft_that_records_who_started_it():
    plan = new_plan()
    assert (plan.version, plan.status, plan.employee_id) == (1, "draft", "karim")
    (started,) = plan.collect_events()
    assert type(started).__name__ == "PlanStarted"
    assert started.actor == {"subject": "karim", "role": "owner"} and started.reason is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"period_end": START}, "period_end"),
    ({"period_end": date(2020, 1, 1)}, "period_end"),
    ({"period_end": date(2032, 1, 1)}, "period_end"),
    ({"trigger": "boredom"}, "trigger"),
    ({"employee_id": "  "}, "employee_id"),
    ({"available_hours": -1}, "available_hours"),
    ({"available_budget": Decimal(-5)}, "available_budget"),
])
def test_a_plan_needs_a_sound_period_trigger_and_means(fields, field):
    with pytest.raises(RuleViolationError) as caught:
        new_plan(**fields)
    assert caught.value.field == field


def test_only_the_owner_their_manager_hr_or_admin_start_a_plan():
    with pytest.raises(NotAllowedError):
        DevelopmentPlan.start(Context("ld", "ld"), employee_id="karim", period_start=START,
                              period_end=END, trigger="career_project")
    assert DevelopmentPlan.start(HR, employee_id="karim", period_start=START, period_end=END,
                                 trigger="mobility").status == "draft"


# -- self-evaluation --------------------------------------------------------------------------------
@pytest.mark.parametrize("level", [0, 5])
def test_levels_zero_and_five_are_the_bounds(level):
    plan = new_plan()
    plan.assess_skill(OWNER, skill="Excel", category="technical", level=level)
    assert plan.current_level("excel") == level


@pytest.mark.parametrize("level", [-1, 6, 2.5])
def test_a_level_outside_0_to_5_is_refused(level):
    plan = new_plan()
    with pytest.raises(RuleViolationError) as caught:
        plan.assess_skill(OWNER, skill="Excel", category="technical", level=level)
    assert caught.value.field == "level"
    assert plan.skills == {}


def test_an_assessment_records_status_transferability_and_the_level_per_assessor():
    plan = new_plan()
    plan.assess_skill(OWNER, skill="Teammanagement", category="behavioural", level=1, status="to_improve",
                      transferable_to=["Logistiek", " "], note=" eerste indruk ")
    plan.assess_skill(MANAGER, skill="teammanagement", category="behavioural", level=2, assessor="manager")
    entry = plan.skills["teammanagement"]
    assert entry["levels"] == {"self": 1, "manager": 2}
    assert (entry["level"], entry["assessor"], entry["status"]) == (2, "manager", "to_improve")
    assert entry["transferable_to"] == ["Logistiek"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"category": "spiritual"}, "category"), ({"status": "forgotten"}, "status"),
    ({"assessor": "astrologer"}, "assessor"), ({"skill": " "}, "skill")])
def test_an_assessment_uses_the_closed_vocabularies(fields, field):
    with pytest.raises(RuleViolationError) as caught:
        new_plan().assess_skill(OWNER, **{"skill": "Excel", "category": "technical", "level": 2, **fields})
    assert caught.value.field == field


@pytest.mark.parametrize(("ctx", "assessor", "allowed"), [
    (OWNER, "self", True), (OWNER, "peer", True), (OWNER, "manager", False),
    (MANAGER, "manager", True), (MANAGER, "self", False), (MANAGER, "peer", False)])
def test_the_assessor_follows_the_role(ctx, assessor, allowed):
    plan = new_plan()
    if allowed:
        plan.assess_skill(ctx, skill="Excel", category="technical", level=2, assessor=assessor)
        assert plan.skills["excel"]["levels"] == {assessor: 2}
    else:
        with pytest.raises(NotAllowedError) as caught:
            plan.assess_skill(ctx, skill="Excel", category="technical", level=2, assessor=assessor)
        assert caught.value.field == "assessor"


def test_hr_does_not_assess_skills():
    with pytest.raises(NotAllowedError):
        new_plan().assess_skill(HR, skill="Excel", category="technical", level=2, assessor="manager")


# -- SMART goals ------------------------------------------------------------------------------------
def test_a_smart_goal_is_set_open_and_linked_to_its_skills():
    plan = new_plan()
    add_goal(plan)
    goal = plan.goals["g1"]
    assert (goal["status"], goal["progress"], goal["revisions"]) == ("open", 0, 0)
    assert goal["skills"] == [{"skill": "teammanagement", "target_level": 3}]


def _assess(plan, level):
    plan.assess_skill(OWNER, skill="TeamManagement", category="behavioural", level=level)


@pytest.mark.parametrize(("letter", "overrides", "field"), [
    ("S", {"skills": [{"skill": "teammanagement", "target_level": 2}]}, "skills"),
    ("M", {"measure": "  "}, "measure"),
    ("A", {"hours_needed": 121}, "hours_needed"),
    ("A", {"budget_needed": Decimal("3000.01")}, "budget_needed"),
    ("R", {"relevance": ""}, "relevance"),
    ("T", {"deadline": date(2028, 1, 1)}, "deadline"),
    ("T", {"deadline": date(2025, 12, 31)}, "deadline"),
])
def test_each_smart_letter_fails_alone(letter, overrides, field):
    plan = new_plan()
    _assess(plan, 2)  # current level 2: a target of 2 is not an improvement
    with pytest.raises(SmartGoalError) as caught:
        plan.set_goal(OWNER, goal_id="g1", **goal_fields(**overrides))
    assert caught.value.letters == [letter]
    assert fields_of(caught.value) == [field]
    assert caught.value.errors[0]["reason"].startswith(f"{letter}: ")
    assert plan.goals == {}


def test_a_goal_without_skills_is_not_specific():
    with pytest.raises(SmartGoalError) as caught:
        new_plan().set_goal(OWNER, goal_id="g1", **goal_fields(skills=[]))
    assert caught.value.letters == ["S"]


def test_the_skill_level_compares_whatever_the_spelling():
    plan = new_plan()
    _assess(plan, 3)
    with pytest.raises(SmartGoalError):
        plan.set_goal(OWNER, goal_id="g1", **goal_fields(skills=[{"skill": " teammanagement", "target_level": 3}]))
    add_goal(plan, skills=[{"skill": "Teammanagement", "target_level": 4}])


def test_several_failing_letters_are_named_together_in_smart_order():
    plan = new_plan()
    with pytest.raises(SmartGoalError) as caught:
        plan.set_goal(OWNER, goal_id="g1", **goal_fields(
            deadline=date(2030, 1, 1), measure="", relevance="", hours_needed=500))
    error = caught.value
    assert error.letters == ["M", "A", "R", "T"]
    assert "MART" in str(error) and "measurable" in str(error) and "time-bound" in str(error)
    assert "specific" not in str(error)
    assert fields_of(error) == ["measure", "hours_needed", "relevance", "deadline"]


def test_the_deadline_may_be_on_the_last_day_of_the_period():
    plan = new_plan()
    add_goal(plan, deadline=END)
    assert plan.goals["g1"]["deadline"] == END


@pytest.mark.parametrize("level", [6, -1])
def test_a_goal_target_level_is_0_to_5(level):
    with pytest.raises(RuleViolationError) as caught:
        new_plan().set_goal(OWNER, goal_id="g1", **goal_fields(skills=[{"skill": "x", "target_level": level}]))
    assert caught.value.field == "skills.0.target_level"


def test_realistic_counts_the_other_open_goals():
    plan = new_plan()
    add_goal(plan, "g1", hours_needed=60, budget_needed=Decimal(1500))
    add_goal(plan, "g2", hours_needed=60, budget_needed=Decimal(1500))  # exactly what is available
    with pytest.raises(SmartGoalError) as caught:
        add_goal(plan, "g3", hours_needed=1, budget_needed=Decimal(1))
    assert caught.value.letters == ["A"]
    assert fields_of(caught.value) == ["hours_needed", "budget_needed"]
    assert "121 hours" in caught.value.errors[0]["reason"]


def test_abandoned_and_achieved_goals_no_longer_count_against_what_is_available():
    plan = new_plan()
    add_goal(plan, "g1", hours_needed=60)
    add_goal(plan, "g2", hours_needed=60)
    plan.abandon_goal(OWNER, "g1", reason="past de afdeling niet meer")
    plan.achieve_goal(OWNER, "g2")
    add_goal(plan, "g3", hours_needed=120, budget_needed=Decimal(3000))
    assert plan.goals["g3"]["status"] == "open"


def test_only_the_owner_sets_goals():
    for ctx in (MANAGER, HR):
        with pytest.raises(NotAllowedError):
            add_goal(new_plan(), ctx=ctx)


# -- revising, achieving, abandoning goals -----------------------------------------------------------
def test_a_revision_needs_a_reason():
    plan = new_plan()
    add_goal(plan)
    for reason in ("", "   ", None):
        with pytest.raises(RuleViolationError) as caught:
            plan.revise_goal(OWNER, "g1", reason=reason, deadline=date(2027, 9, 1))
        assert caught.value.field == "reason"
    assert plan.goals["g1"]["revisions"] == 0


def test_a_revision_names_at_least_one_change():
    plan = new_plan()
    add_goal(plan)
    with pytest.raises(RuleViolationError) as caught:
        plan.revise_goal(OWNER, "g1", reason="later", deadline=None)
    assert caught.value.field == "body"


def test_a_revision_is_recorded_with_its_reason():
    plan = new_plan()
    add_goal(plan)
    plan.revise_goal(OWNER, "g1", reason="cursus pas in het najaar", deadline=date(2027, 11, 30), hours_needed=80)
    goal = plan.goals["g1"]
    assert (goal["deadline"], goal["hours_needed"], goal["revisions"]) == (date(2027, 11, 30), 80.0, 1)
    revised = plan.collect_events()[-1]
    assert type(revised).__name__ == "GoalRevised" and revised.reason == "cursus pas in het najaar"


@pytest.mark.parametrize(("changes", "letter"), [
    ({"deadline": date(2028, 3, 1)}, "T"), ({"measure": " "}, "M"), ({"relevance": ""}, "R"),
    ({"skills": [{"skill": "teammanagement", "target_level": 1}]}, "S"), ({"hours_needed": 121}, "A")])
def test_a_revision_is_checked_as_smart_again(changes, letter):
    plan = new_plan()
    _assess(plan, 1)
    add_goal(plan)
    with pytest.raises(SmartGoalError) as caught:
        plan.revise_goal(OWNER, "g1", reason="bijsturen", **changes)
    assert caught.value.letters == [letter]
    assert plan.goals["g1"]["revisions"] == 0


def test_a_revised_goal_does_not_count_its_own_old_hours():
    plan = new_plan()
    add_goal(plan, "g1", hours_needed=100)
    plan.revise_goal(OWNER, "g1", reason="meer oefenen", hours_needed=120)
    assert plan.goals["g1"]["hours_needed"] == 120


def test_unknown_goals_are_not_found_and_closed_goals_are_not_revised():
    plan = new_plan()
    add_goal(plan)
    with pytest.raises(NotFoundInPlanError):
        plan.revise_goal(OWNER, "nope", reason="x", title="y")
    plan.achieve_goal(MANAGER, "g1", note="behaald")
    assert plan.goals["g1"]["progress"] == 100
    with pytest.raises(InvalidStateError):
        plan.revise_goal(OWNER, "g1", reason="x", title="y")
    with pytest.raises(InvalidStateError):
        plan.abandon_goal(OWNER, "g1", reason="x")


def test_abandoning_a_goal_needs_a_reason_and_the_owner():
    plan = new_plan()
    add_goal(plan)
    with pytest.raises(RuleViolationError):
        plan.abandon_goal(OWNER, "g1", reason=" ")
    with pytest.raises(NotAllowedError):
        plan.abandon_goal(MANAGER, "g1", reason="niet nodig")
    plan.abandon_goal(OWNER, "g1", reason="functie vervalt")
    assert plan.goals["g1"]["status"] == "abandoned"
    assert plan.collect_events()[-1].reason == "functie vervalt"


def test_a_boolean_is_not_a_level():
    plan = new_plan()
    with pytest.raises(RuleViolationError) as error:
        plan.assess_skill(OWNER, skill="excel", category="technical", level=True)
    assert error.value.field == "level"
