"""DevelopmentCycle rules: what a cycle is, who is in its scope, which template applies, and that closing freezes."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.plan.domain.cycle import DevelopmentCycle
from services.plan.domain.errors import InvalidStateError, RuleViolationError

HR = {"subject": "hanna", "role": "hr"}
FIELDS = {"name": "Functioneringsgesprekken 2027", "period_start": date(2027, 1, 1), "period_end": date(2027, 12, 31),
          "scope": {"kind": "departments", "departments": ["TD"], "include_sub_departments": True},
          "templates": {"default": "t-default", "by_department": {"TD/Onderhoud": "t-dept"},
                        "by_role": {"Teamleider": "t-role"}},
          "milestones": [{"kind": "conversation", "due": date(2027, 3, 1)},
                         {"kind": "self_evaluation", "due": date(2027, 1, 15)}]}


def cycle(**changes) -> DevelopmentCycle:
    return DevelopmentCycle.create(uuid4(), HR, **{**FIELDS, **changes})


def person(person_id: str, department: str, job_title: str = "Monteur", erased: int = 0) -> dict:
    return {"person_id": person_id, "department": department, "job_title": job_title, "erased": erased}


def test_milestones_are_dated_in_order_and_templates_go_role_then_department_then_default():
    c = cycle()
    assert [m["kind"] for m in c.milestones] == ["self_evaluation", "conversation"]
    assert c.template_for("TD/Onderhoud", "Teamleider") == "t-role"
    assert c.template_for("TD/Onderhoud", "Monteur") == "t-dept"
    assert c.template_for("TD", "Monteur") == "t-default"


def test_scope_with_and_without_sub_departments_and_never_the_erased():
    with_sub = cycle()
    assert with_sub.in_scope(person("a", "TD")) and with_sub.in_scope(person("b", "TD/Onderhoud"))
    assert not with_sub.in_scope(person("c", "TDX")) and not with_sub.in_scope(person("d", "TD", erased=1))
    without = cycle(scope={"kind": "departments", "departments": ["TD"]})
    assert not without.in_scope(person("b", "TD/Onderhoud"))
    listed = cycle(scope={"kind": "people", "people": ["a"]})
    assert listed.in_scope(person("a", "X")) and not listed.in_scope(person("b", "TD"))
    assert cycle(scope={"kind": "organisation"}).in_scope(person("z", ""))


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": " "}, "name"), ({"period_end": date(2026, 12, 31)}, "period_end"),
    ({"scope": {"kind": "departments"}}, "scope.departments"), ({"scope": {"kind": "planet"}}, "scope.kind"),
    ({"templates": {}}, "templates"),
    ({"milestones": [{"kind": "conversation", "due": date(2028, 1, 1)}]}, "milestones.0.due"),
    ({"milestones": [{"kind": "conversation", "due": date(2027, 2, 1)}] * 2}, "milestones")])
def test_what_a_cycle_needs(changes, field):
    with pytest.raises(RuleViolationError) as caught:
        cycle(**changes)
    assert caught.value.field == field


def test_batches_record_who_was_dealt_with_and_removals_bring_them_back_when_in_scope_again():
    c = cycle()
    c.record_batch(HR, [{"person_id": "a", "department": "TD", "plan_id": "p", "outcome": "started", "reason": None},
                        {"person_id": "b", "department": "TD", "plan_id": "q", "outcome": "carried_forward",
                         "reason": "current plan"}], total=2)
    assert not c.pending("a") and c.pending("z")
    assert c.progress() == {"done": 2, "total": 2, "started": 1, "carried_forward": 1, "removed": 0}
    c.remove(HR, "a", "left the directory")
    c.remove(HR, "a", "again")  # once is enough
    assert c.pending("a") and c.participants["a"]["reason"] == "left the directory"
    assert [type(e).__name__ for e in c.collect_events()].count("ParticipantRemoved") == 1


def test_a_closed_cycle_is_frozen():
    c = cycle()
    c.close(HR)
    for command in (lambda: c.record_batch(HR, [{"person_id": "a", "outcome": "started"}], 1),
                    lambda: c.close(HR)):
        with pytest.raises(InvalidStateError):
            command()


def test_closing_keeps_who_had_done_each_milestone_and_an_old_closing_reads_without():
    c = cycle()
    c.close(HR, on="2027-03-02", done={"conversation": ["a"], "self_evaluation": []})
    assert c.frozen == {"on": "2027-03-02", "done": {"conversation": ["a"], "self_evaluation": []}}
    state = {"actor": HR}
    DevelopmentCycle.Closed.upcast_v1_v2(state)  # a closing stored before the report was kept
    assert state == {"actor": HR, "on": None, "done": None}
    assert c.created_by == "hanna"
