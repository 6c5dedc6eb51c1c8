"""PlanTemplate rules: versions, retirement, and the content rules a template keeps."""

from __future__ import annotations

from uuid import uuid4

import pytest

from services.plan.domain.errors import InvalidStateError, RuleViolationError
from services.plan.domain.template import PlanTemplate

HR = {"subject": "hanna", "role": "hr"}
CONTENT = {"name": "Monteur jaarcyclus", "role_profiles": ["Monteur"], "departments": ["TD"],
           "goals": [{"title": "[vaardigheid] naar niveau 3", "skills": [{"skill": "[vaardigheid]", "target_level": 3}],
                      "deadline_offset_days": 300}],
           "skills_to_assess": ["Veiligheid", "Veiligheid", "Plannen"],
           "learning_means": [{"means": "mooc", "title": "VCA"}],
           "milestones": [{"kind": "conversation", "offset_days": 28}, {"kind": "self_evaluation", "offset_days": 14}],
           "hours_norm": 40, "budget_norm": 1000}


def test_revisions_are_versions_and_old_ones_stay_readable():
    template = PlanTemplate.create(uuid4(), HR, **CONTENT)
    assert template.current_version == 1
    assert template.content()["skills_to_assess"] == ["Veiligheid", "Plannen"]
    assert [m["kind"] for m in template.content()["milestones"]] == ["self_evaluation", "conversation"]
    template.revise(HR, "meer uren", **{**CONTENT, "hours_norm": 60})
    assert template.current_version == 2 and template.content(1)["hours_norm"] == 40
    assert template.content(2)["hours_norm"] == 60
    with pytest.raises(RuleViolationError):
        template.content(3)


def test_a_revision_must_change_something_and_a_retired_template_takes_none():
    template = PlanTemplate.create(uuid4(), HR, **CONTENT)
    with pytest.raises(RuleViolationError):
        template.revise(HR, "", **CONTENT)
    template.retire(HR, "vervangen")
    with pytest.raises(InvalidStateError):
        template.revise(HR, "", **{**CONTENT, "hours_norm": 1})
    with pytest.raises(InvalidStateError):
        template.usable()


@pytest.mark.parametrize(("change", "field"), [
    ({"name": " "}, "name"), ({"milestones": [{"kind": "party", "offset_days": 1}]}, "milestones.0.kind"),
    ({"milestones": [{"kind": "conversation", "offset_days": -1}]}, "milestones.0.offset_days"),
    ({"milestones": [{"kind": "conversation", "offset_days": 1}, {"kind": "conversation", "offset_days": 2}]},
     "milestones"),
    ({"learning_means": [{"means": "holiday"}]}, "learning_means.0.means"),
    ({"goals": [{"title": "x", "skills": [{"skill": "a", "target_level": 9}]}]}, "goals.0.skills.0.target_level"),
    ({"budget_norm": -1}, "budget_norm")])
def test_content_rules(change, field):
    with pytest.raises(RuleViolationError) as caught:
        PlanTemplate.create(uuid4(), HR, **{**CONTENT, **change})
    assert caught.value.field == field
