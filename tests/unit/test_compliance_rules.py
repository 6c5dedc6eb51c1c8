"""The per-person compliance rule (services/plan/domain/compliance.py) and the requirement aggregate."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.plan.domain import compliance as rules
from services.plan.domain.errors import InvalidStateError, RuleViolationError
from services.plan.domain.requirement import LearningRequirement

HR = {"subject": "hanna", "role": "hr"}
REQ = {"name": "Privacy", "departments": ["HR"], "roles": ["monteur"], "recurrence_months": 24,
       "offer_ids": ["avg"], "skills": ["AVG-kennis"], "grace_days": 30, "certificate_required": False}


def done(on, offer_id="avg", skills=(), certificates=()):
    return {"plan_id": "p", "action_id": f"a-{on}", "offer_id": offer_id, "completed_on": on, "skills": list(skills),
            "certificates": list(certificates)}


def test_applies_by_department_or_role_without_case():
    assert rules.applies(REQ, {"department": "hr", "job_title": "x"})
    assert rules.applies(REQ, {"department": "TD", "job_title": "Monteur"})
    assert not rules.applies(REQ, {"department": "TD", "job_title": "Planner"})


def test_recurrence_makes_a_completion_valid_for_so_many_months_then_due_then_overdue():
    completion = [done(date(2024, 3, 31))]
    assert rules.evaluate(REQ, completion, date(2025, 12, 1), date(2020, 1, 1))["status"] == "compliant"
    due = rules.evaluate(REQ, completion, date(2026, 2, 1), date(2020, 1, 1))
    assert due["status"] == "due" and due["due_by"] == date(2026, 3, 31)
    assert rules.evaluate(REQ, completion, date(2026, 4, 1), date(2020, 1, 1))["status"] == "overdue"


def test_a_skill_satisfies_too_and_a_completion_after_the_day_does_not_count():
    assert rules.evaluate(REQ, [done(date(2025, 1, 1), offer_id=None, skills=["avg-kennis"])], date(2025, 6, 1),
                          date(2020, 1, 1))["status"] == "compliant"
    assert rules.evaluate(REQ, [done(date(2025, 7, 1))], date(2025, 6, 1), date(2020, 1, 1))["status"] == "overdue"


def test_never_done_is_due_within_the_grace_period_then_overdue():
    assert rules.evaluate(REQ, [], date(2025, 1, 20), date(2025, 1, 1))["status"] == "due"
    assert rules.evaluate(REQ, [], date(2025, 2, 1), date(2025, 1, 1))["status"] == "overdue"


def test_a_required_certificate_decides_through_is_certified_and_its_expiry():
    vca = {**REQ, "certificate_required": True}
    bare = done(date(2025, 1, 1))
    verdict = rules.evaluate(vca, [bare], date(2025, 6, 1), date(2020, 1, 1))
    assert verdict["status"] == "overdue" and verdict["evidence"][0]["counts"] is False
    certified = done(date(2025, 1, 1), certificates=[{"certificate_id": "c", "issued_on": "2025-01-02",
                                                      "expires_on": "2025-08-01"}])
    verdict = rules.evaluate(vca, [certified], date(2025, 6, 1), date(2020, 1, 1))
    assert verdict["status"] == "due" and verdict["due_by"] == date(2025, 8, 1)  # expiring within 90 days
    assert verdict["evidence"][0]["certified"] and verdict["evidence"][0]["decisive"]


def test_the_requirement_keeps_versions_with_who_and_why_and_checks_its_content():
    requirement = LearningRequirement.define(uuid4(), HR, "wet", **REQ)
    requirement.revise(HR, "cao", **{**REQ, "recurrence_months": 12})
    assert requirement.current_version == 2 and requirement.content()["recurrence_months"] == 12
    with pytest.raises(RuleViolationError):
        requirement.revise(HR, "", **REQ)
    with pytest.raises(RuleViolationError):
        LearningRequirement.define(uuid4(), HR, **{**REQ, "departments": [], "roles": []})
    with pytest.raises(RuleViolationError):
        LearningRequirement.define(uuid4(), HR, **{**REQ, "recurrence_months": 0})
    requirement.retire(HR, "vervangen")
    with pytest.raises(InvalidStateError):
        requirement.revise(HR, "nog eens", **REQ)
