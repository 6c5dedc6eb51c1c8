"""What one plan may hold (issue 13 §4): counts, text lengths, hours and dates, each refused with a named field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from plan_builders import OWNER, action_fields, add_action, add_goal, fields_of, new_plan

from services.plan.domain import limits
from services.plan.domain.errors import RuleViolationError, SmartGoalError
from services.plan.domain.person import Person


def roomy_plan():
    return new_plan(available_hours=limits.MAX_HOURS, available_budget=Decimal(10_000_000),
                    period_start=date(2026, 1, 1), period_end=date(2030, 12, 31))


def test_a_plan_holds_at_most_so_many_goals():
    plan = roomy_plan()
    for n in range(limits.MAX_GOALS):
        add_goal(plan, f"g{n}", hours_needed=1, budget_needed=Decimal(0))
    with pytest.raises(RuleViolationError) as refused:
        add_goal(plan, "one-too-many", hours_needed=1, budget_needed=Decimal(0))
    assert fields_of(refused.value) == ["goals"] and len(plan.goals) == limits.MAX_GOALS


def test_a_plan_holds_at_most_so_many_actions():
    plan = roomy_plan()
    for n in range(limits.MAX_ACTIONS):
        add_action(plan, f"a{n}")
    with pytest.raises(RuleViolationError) as refused:
        add_action(plan, "one-too-many")
    assert fields_of(refused.value) == ["actions"]


def test_a_plan_holds_at_most_so_many_skills_and_notes():
    plan = roomy_plan()
    for n in range(limits.MAX_SKILLS):
        plan.assess_skill(OWNER, skill=f"vaardigheid {n}", category="technical", level=2)
    plan.assess_skill(OWNER, skill="vaardigheid 0", category="technical", level=3)  # a known skill may change
    with pytest.raises(RuleViolationError) as refused:
        plan.assess_skill(OWNER, skill="nog een", category="technical", level=2)
    assert fields_of(refused.value) == ["skill"]
    for n in range(limits.MAX_NOTES):
        plan.receive_feedback(OWNER, feedback_id=f"f{n}", source="self", text="Goed bezig")
    with pytest.raises(RuleViolationError):
        plan.review_progress(OWNER, note="nog een notitie")


@pytest.mark.parametrize("command, field", [
    (lambda p: add_goal(p, title="x" * (limits.SHORT_TEXT + 1)), "title"),
    (lambda p: add_goal(p, measure="x" * (limits.LONG_TEXT + 1)), "measure"),
    (lambda p: add_goal(p, skills=[{"skill": "x" * 201, "target_level": 3}]), "skills.0.skill"),
    (lambda p: add_goal(p, skills=[{"skill": f"s{n}", "target_level": 3} for n in range(11)]), "skills"),
    (lambda p: add_action(p, provider="x" * (limits.SHORT_TEXT + 1)), "provider"),
    (lambda p: add_action(p, hours=limits.MAX_HOURS + 1), "hours"),
    (lambda p: p.assess_skill(OWNER, skill="s", category="technical", level=2, note="x" * 5001), "note"),
    (lambda p: p.receive_feedback(OWNER, feedback_id="f", source="self", text="x" * 5001), "text"),
])
def test_texts_and_numbers_have_bounds(command, field):
    plan = new_plan()
    with pytest.raises(RuleViolationError) as refused:
        command(plan)
    assert fields_of(refused.value) == [field]
    assert plan.version == 1, "nothing was recorded"


def test_a_goal_that_takes_no_time_is_not_realistic():
    with pytest.raises(SmartGoalError) as refused:
        add_goal(new_plan(), hours_needed=0)
    assert refused.value.letters == ["A"] and fields_of(refused.value) == ["hours_needed"]


@pytest.mark.parametrize("start, end", [(date(1, 1, 1), date(2026, 1, 1)), (date(2026, 1, 1), date(9999, 12, 31)),
                                        (date(1999, 12, 31), date(2000, 6, 1))])
def test_dates_lie_in_a_plausible_range(start, end):
    with pytest.raises(RuleViolationError):
        new_plan(period_start=start, period_end=end)


def test_action_dates_stay_inside_the_period_so_inside_the_range():
    with pytest.raises(RuleViolationError):
        add_action(new_plan(), **{**action_fields(), "planned_end": date(9999, 1, 1)})


def test_a_person_has_a_directory_id_and_no_nul_characters():
    with pytest.raises(RuleViolationError) as refused:
        Person.register("../erase", {"subject": "h", "role": "hr"}, name="X")
    assert fields_of(refused.value) == ["id"]
    with pytest.raises(RuleViolationError) as refused:
        Person.register("nul", {"subject": "h", "role": "hr"}, name="A\x00B")
    assert fields_of(refused.value) == ["name"]

