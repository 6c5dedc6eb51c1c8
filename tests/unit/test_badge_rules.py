"""Which parts of a DevelopmentPlan may become an Open Badge, and what the badge says about them."""

from __future__ import annotations

from datetime import date

import pytest
from plan_builders import OWNER, add_action, add_goal, new_plan

from services.plan.domain.badges import achievement_of, achievements
from services.plan.domain.errors import InvalidStateError, NotFoundInPlanError, RuleViolationError


def plan_with_achievements():
    plan = new_plan()
    add_goal(plan, "g1")
    add_goal(plan, "g2", title="Nog bezig", skills=[{"skill": "Projectmanagement", "target_level": 2}])
    plan.achieve_goal(OWNER, "g1")
    add_action(plan, "certified", goal_ids=["g1", "g2"], certificate=True)
    add_action(plan, "plain", goal_ids=["g1"])
    add_action(plan, "certified_open", certificate=True)
    for action_id in ("certified", "plain"):
        plan.start_action(OWNER, action_id, date(2026, 2, 1))
        plan.complete_action(OWNER, action_id, on=date(2026, 3, 1), evaluation=4,
                             skill_levels=[{"skill": "Communicatie", "level": 3}])
    plan.add_certificate(OWNER, "certified", certificate_id="c1", number="N-1", issuer="Academie",
                         issued_on=date(2026, 3, 1), expires_on=date(2099, 3, 1))
    return plan


def test_an_achieved_goal_and_a_completed_action_with_a_certificate_may_become_badges():
    plan = plan_with_achievements()
    assert [(a["kind"], a["item_id"]) for a in achievements(plan)] == [("goal", "g1"), ("action", "certified")]
    goal = achievement_of(plan, "goal", "g1")
    assert (goal["title"], goal["skills"], goal["measure"]) == ("Team leiden", ["teammanagement"],
                                                                "360-feedback na een jaar")
    action = achievement_of(plan, "action", "certified")
    assert action["achieved_on"] == date(2026, 3, 1) and action["started_on"] == date(2026, 2, 1)
    assert action["valid_until"] == date(2099, 3, 1)  # the badge ends when the certificate does
    assert action["skills"] == ["teammanagement", "Projectmanagement", "Communicatie"]  # its goals', then re-rated


@pytest.mark.parametrize(("kind", "item_id", "error"), [
    ("goal", "g2", InvalidStateError),  # open
    ("action", "plain", InvalidStateError),  # completed without a certificate
    ("action", "certified_open", InvalidStateError),  # a certificate, not completed
    ("goal", "nope", NotFoundInPlanError),
    ("action", "nope", NotFoundInPlanError),
    ("plan", "g1", RuleViolationError),
])
def test_anything_else_is_refused_naming_the_field(kind, item_id, error):
    with pytest.raises(error) as refused:
        achievement_of(plan_with_achievements(), kind, item_id)
    assert refused.value.field in {"item_id", "kind"}


def test_an_abandoned_goal_or_a_cancelled_action_is_no_achievement():
    plan = new_plan()
    add_goal(plan, "g1")
    plan.abandon_goal(OWNER, "g1", reason="andere rol")
    add_action(plan, "a1", certificate=True)
    plan.cancel_action(OWNER, "a1", reason="geen tijd")
    assert achievements(plan) == []


def test_an_expired_certificate_makes_no_badge_and_a_renewal_does():
    """The rule of certificates (domain/certificates.py, is_certified) decides: planned "leads to a certificate" is
    not enough, an expired certificate is not, a renewed one is."""
    plan = new_plan()
    add_action(plan, "a1", certificate=True)
    plan.start_action(OWNER, "a1", date(2026, 2, 1))
    plan.complete_action(OWNER, "a1", on=date(2026, 3, 1), evaluation=4)
    assert achievements(plan) == []  # completed, a certificate was planned, none recorded
    plan.add_certificate(OWNER, "a1", certificate_id="old", number="N-1", issuer="Academie",
                         issued_on=date(2020, 3, 1), expires_on=date(2021, 3, 1))
    with pytest.raises(InvalidStateError):
        achievement_of(plan, "action", "a1")
    plan.add_certificate(OWNER, "a1", certificate_id="new", number="N-2", issuer="Academie",
                         issued_on=date(2026, 3, 1))
    assert achievement_of(plan, "action", "a1")["valid_until"] is None  # no expiry: a badge without validUntil
