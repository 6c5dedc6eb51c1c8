"""Editing what one made: the plan's own fields (PlanDetailsChanged) and withdrawing a skill assessment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from plan_builders import HR, MANAGER, OWNER, add_action, add_goal, new_plan, submitted_plan

from services.plan.domain.errors import InvalidStateError, NotAllowedError, NotFoundInPlanError, RuleViolationError


def test_the_owner_changes_career_project_target_role_period_and_means_as_one_event():
    plan = new_plan()
    plan.collect_events()
    plan.change_details(OWNER, reason="new role in sight", career_project="  Naar productowner ",
                        target_role="Productowner", period_end=date(2028, 6, 30), available_hours=150,
                        available_budget=Decimal(4000))
    (changed,) = plan.collect_events()
    assert type(changed).__name__ == "PlanDetailsChanged" and changed.reason == "new role in sight"
    assert changed.changes == {"career_project": "Naar productowner", "target_role": "Productowner",
                               "period_end": date(2028, 6, 30), "available_hours": 150.0,
                               "available_budget": Decimal(4000)}
    assert (plan.career_project, plan.target_role, plan.period_end) == ("Naar productowner", "Productowner",
                                                                        date(2028, 6, 30))
    assert (plan.available_hours, plan.available_budget) == (150.0, Decimal(4000))


def test_only_changed_fields_are_recorded_and_nothing_changed_is_refused():
    plan = new_plan()
    plan.change_details(OWNER, available_hours=120, available_budget=Decimal(3500))
    assert list(plan.collect_events())[-1].changes == {"available_budget": Decimal(3500)}
    with pytest.raises(RuleViolationError) as caught:
        plan.change_details(OWNER, available_hours=120)
    assert caught.value.field == "body"


def test_an_empty_target_role_clears_it():
    plan = new_plan(target_role="Teamleider")
    plan.change_details(OWNER, target_role="  ")
    assert plan.target_role is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"period_end": date(2025, 12, 31)}, "period_end"),
    ({"period_start": date(1900, 1, 1)}, "period_start"),
    ({"available_hours": -1}, "available_hours"),
    ({"available_budget": Decimal(-1)}, "available_budget"),
    ({"period_end": date(2032, 1, 1)}, "period_end"),
])
def test_details_keep_the_rules_of_a_new_plan(changes, field):
    with pytest.raises(RuleViolationError) as caught:
        new_plan().change_details(OWNER, **changes)
    assert caught.value.field == field


def test_a_shorter_period_must_still_hold_open_goals_and_live_actions():
    plan = new_plan()
    add_goal(plan, deadline=date(2027, 6, 30))
    with pytest.raises(RuleViolationError) as caught:
        plan.change_details(OWNER, period_end=date(2026, 12, 31))
    assert caught.value.field == "period_end" and "Team leiden" in caught.value.reason
    plan.abandon_goal(OWNER, "g1", "other role")
    add_action(plan, planned_start=date(2026, 2, 1), planned_end=date(2026, 6, 30))
    with pytest.raises(RuleViolationError):
        plan.change_details(OWNER, period_start=date(2026, 3, 1))
    plan.change_details(OWNER, period_end=date(2026, 12, 31))
    assert plan.period_end == date(2026, 12, 31)


def test_only_the_owner_edits_the_details_and_not_while_the_plan_waits_for_review():
    with pytest.raises(NotAllowedError):
        new_plan().change_details(MANAGER, available_hours=10)
    with pytest.raises(NotAllowedError):
        new_plan().change_details(HR, available_hours=10)
    with pytest.raises(InvalidStateError):
        submitted_plan().change_details(OWNER, available_hours=10)


def test_withdrawing_an_assessment_takes_the_skill_out_of_the_self_evaluation():
    plan = new_plan()
    plan.assess_skill(OWNER, skill="Excel", category="technical", level=3)
    plan.assess_skill(OWNER, skill="Excel", category="technical", level=4, note="corrected")
    assert plan.current_level("excel") == 4
    plan.withdraw_assessment(OWNER, skill="EXCEL", reason="not part of this plan")
    assert "excel" not in plan.skills and plan.current_level("excel") == 0
    events = [type(e).__name__ for e in plan.collect_events()]
    assert events[-3:] == ["SkillAssessed", "SkillAssessed", "SkillAssessmentWithdrawn"]
    with pytest.raises(NotFoundInPlanError):
        plan.withdraw_assessment(OWNER, skill="excel")
    with pytest.raises(NotAllowedError):
        plan.withdraw_assessment(HR, skill="excel")
