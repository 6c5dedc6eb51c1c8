"""Certificates on a plan's completed actions, recorded as plan events; recertification in one step."""

from __future__ import annotations

from datetime import date

import pytest

from services.plan.domain import certificates as certs
from services.plan.domain.errors import InvalidStateError, NotAllowedError, NotFoundInPlanError
from services.plan.domain.events import CertificateAdded, LearningActionPlanned, RecertificationOpened
from tests.unit.plan_builders import HR, MANAGER, OWNER, active_plan, add_action

ISSUED, EXPIRES = date(2026, 7, 1), date(2027, 7, 1)


def completed_plan():
    plan = active_plan()
    add_action(plan)
    plan.start_action(OWNER, "a1", date(2026, 2, 2))
    plan.complete_action(OWNER, "a1", on=date(2026, 6, 30), evaluation=4)
    return plan


def add(plan, ctx=OWNER, certificate_id="c1", **overrides):
    fields = {"number": "VCA-1", "issuer": "SSVV", "issued_on": ISSUED, "expires_on": EXPIRES, **overrides}
    plan.add_certificate(ctx, "a1", certificate_id=certificate_id, **fields)


def test_a_completed_action_carries_a_certificate_recorded_as_an_event_with_who_and_when():
    plan = completed_plan()
    add(plan, file={"file_id": "f", "content_type": "application/pdf", "size": 10, "sha256": "x", "filename": "a"})
    event = list(plan.collect_events())[-1]
    assert isinstance(event, CertificateAdded) and event.actor == {"subject": "karim", "role": "owner"}
    certificate = plan.actions["a1"]["certificates"][0]
    assert (certificate["number"], certificate["issuer"], certificate["expires_on"]) == ("VCA-1", "SSVV", EXPIRES)
    assert certificate["file"]["content_type"] == "application/pdf"
    assert certs.is_certified(plan.actions["a1"], date(2026, 8, 1))
    assert certs.state(certificate, date(2027, 5, 1)) == "expiring"
    assert not certs.is_certified(plan.actions["a1"], date(2027, 7, 2))


def test_a_certificate_arrives_after_the_plan_closed():
    plan = completed_plan()
    plan.close(OWNER, "period over")
    add(plan, HR)
    assert plan.actions["a1"]["certificates"][0]["added_by"]["role"] == "hr"
    with pytest.raises(InvalidStateError):  # the rest of a closed plan stays closed
        add_action(plan, "a2")


def test_only_completed_actions_take_certificates_and_only_the_employee_or_hr_add_them():
    plan = active_plan()
    add_action(plan)
    with pytest.raises(InvalidStateError):
        add(plan)
    plan = completed_plan()
    with pytest.raises(NotAllowedError):
        add(plan, MANAGER)
    with pytest.raises(NotFoundInPlanError):
        plan.add_certificate(OWNER, "nope", certificate_id="c", number="1", issuer="x", issued_on=ISSUED)
    add(plan)
    with pytest.raises(InvalidStateError):
        add(plan)  # the same id twice


def test_an_expired_certificate_opens_a_recertification_action_linked_to_the_old_one_in_one_step():
    plan = completed_plan()
    add(plan, expires_on=date(2026, 9, 1))
    on = date(2026, 9, 2)
    renews = {"plan_id": str(plan.id), "action_id": "a1", "certificate_id": "c1",
              "state": certs.state(plan.actions["a1"]["certificates"][0], on)}
    plan.collect_events()
    plan.open_recertification(OWNER, action_id="a2", renews=renews, template=plan.actions["a1"],
                              planned_start=date(2026, 10, 1), planned_end=date(2026, 10, 31))
    events = list(plan.collect_events())
    assert [type(e) for e in events] == [LearningActionPlanned, RecertificationOpened]
    new = plan.actions["a2"]
    assert (new["status"], new["title"], new["certificate"]) == ("planned", "Communicatie", True)
    assert new["renews"] == {"plan_id": str(plan.id), "action_id": "a1", "certificate_id": "c1"}
    with pytest.raises(InvalidStateError):  # once
        plan.open_recertification(OWNER, action_id="a3", renews=renews, template=plan.actions["a1"],
                                  planned_start=date(2026, 10, 1), planned_end=date(2026, 10, 31))


def test_a_valid_certificate_is_not_renewed_yet():
    plan = completed_plan()
    add(plan)
    renews = {"plan_id": str(plan.id), "action_id": "a1", "certificate_id": "c1", "state": "valid"}
    with pytest.raises(InvalidStateError):
        plan.open_recertification(OWNER, action_id="a2", renews=renews, template=plan.actions["a1"],
                                  planned_start=date(2026, 10, 1), planned_end=date(2026, 10, 31))


def test_a_snapshot_from_before_certificates_upcasts_to_actions_without_any():
    from services.plan.domain.plan import DevelopmentPlan

    state = {"actions": {"a1": {"action_id": "a1", "status": "completed"}}}
    DevelopmentPlan.upcast_v5_v6(state)
    assert state["actions"]["a1"]["certificates"] == [] and state["actions"]["a1"]["renews"] is None
    assert not certs.is_certified(state["actions"]["a1"])
