"""The one rule for certificates (services/plan/domain/certificates.py): state, is_certified, what expires."""

from __future__ import annotations

from datetime import date

import pytest

from services.plan.domain import certificates as certs
from services.plan.domain.errors import InvalidStateError, RuleViolationError

TODAY = date(2026, 6, 1)


def action(*certificates, status="completed"):
    return {"action_id": "a1", "status": status, "certificates": list(certificates)}


def cert(issued="2025-01-01", expires=None, cid="c1"):
    return {"certificate_id": cid, "issued_on": issued, "expires_on": expires}


def test_state_is_valid_expiring_within_90_days_or_expired():
    assert certs.state(cert(expires=None), TODAY) == "valid"
    assert certs.state(cert(expires="2026-08-31"), TODAY) == "valid"  # 91 days
    assert certs.state(cert(expires="2026-08-30"), TODAY) == "expiring"  # 90 days
    assert certs.state(cert(expires="2026-06-01"), TODAY) == "expiring"  # the last day it holds
    assert certs.state(cert(expires="2026-05-31"), TODAY) == "expired"


def test_an_action_is_certified_only_when_completed_with_a_certificate_that_has_not_expired():
    assert not certs.is_certified(action(), TODAY)
    assert not certs.is_certified(action(cert(), status="started"), TODAY)
    assert certs.is_certified(action(cert()), TODAY)
    assert certs.is_certified(action(cert(expires=date(2026, 7, 1))), TODAY)  # expiring still counts
    assert not certs.is_certified(action(cert(expires=date(2026, 5, 1))), TODAY)
    assert not certs.is_certified(action(cert(issued="2026-07-01")), TODAY)  # not issued yet on that day


def test_the_certificate_valid_longest_counts_so_a_renewal_certifies_again():
    old, new = cert(expires="2026-01-01", cid="old"), cert(issued="2026-05-01", expires="2028-05-01", cid="new")
    assert certs.current(action(old, new), TODAY)["certificate_id"] == "new"
    assert certs.is_certified(action(old, new), TODAY)
    assert not certs.is_certified(action(old, new), date(2026, 4, 1))  # the renewal was not issued yet


def test_expiries_list_what_expires_soonest_first():
    soon = {**action(cert(expires="2026-07-01")), "action_id": "soon"}
    gone = {**action(cert(expires="2026-02-01")), "action_id": "gone"}
    fine = {**action(cert(expires="2030-01-01")), "action_id": "fine"}
    listed = certs.expiries([soon, fine, gone], TODAY)
    assert [(e["action_id"], e["state"]) for e in listed] == [("gone", "expired"), ("soon", "expiring")]




def test_a_new_certificate_needs_a_completed_action_and_sensible_dates():
    with pytest.raises(InvalidStateError):
        certs.check_new(action(status="started"), number="1", issuer="VCA", issued_on=TODAY, expires_on=None)
    with pytest.raises(RuleViolationError) as error:
        certs.check_new(action(), number=" ", issuer="VCA", issued_on=TODAY, expires_on=None)
    assert error.value.field == "number"
    with pytest.raises(RuleViolationError) as error:
        certs.check_new(action(), number="1", issuer="VCA", issued_on=TODAY, expires_on=TODAY)
    assert error.value.field == "expires_on"
    certs.check_new(action(), number="1", issuer="VCA", issued_on=TODAY, expires_on=date(2036, 6, 1))
