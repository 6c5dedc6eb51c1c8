"""Certificates on completed learning actions: THE rule for "does this action carry a valid certificate".

Everything that asks it (the plan's expiry list, the compliance report, Open Badges) calls `is_certified` or
`state` here, so the answer is decided once. A certificate without an expiry date never expires. Works on the
plan's own action dicts (dates) and on the API's JSON of them (ISO dates), so a consumer of the plan API applies
the same rule to what it read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from services.plan.domain import limits
from services.plan.domain.errors import InvalidStateError, RuleViolationError

VALID, EXPIRING, EXPIRED = "valid", "expiring", "expired"
STATES = (VALID, EXPIRING, EXPIRED)
EXPIRING_WITHIN_DAYS = 90  # a certificate that expires within this many days is "expiring"
MAX_CERTIFICATES = 10  # per action: the first and its corrections or renewals


def as_date(value: Any) -> date | None:
    """A date, from a date or ISO text (the API's JSON of an action)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def state(certificate: Mapping[str, Any], today: date) -> str:
    """valid, expiring (expires within EXPIRING_WITHIN_DAYS days) or expired (its expiry date has passed)."""
    expires_on = as_date(certificate.get("expires_on"))
    if expires_on is None:
        return VALID
    if expires_on < today:
        return EXPIRED
    if expires_on <= today + timedelta(days=EXPIRING_WITHIN_DAYS):
        return EXPIRING
    return VALID


def current(action: Mapping[str, Any], today: date | None = None) -> dict[str, Any] | None:
    """The action's certificate that counts on TODAY: issued by then, and of those the one valid longest (no expiry
    date beats any date); None when it has none. Expired ones count too, so that "expired" can be told apart
    from "never certified"."""
    today = today or date.today()
    if action.get("status") != "completed":
        return None
    issued = [c for c in action.get("certificates") or [] if (as_date(c.get("issued_on")) or today) <= today]
    if not issued:
        return None
    return dict(max(issued, key=lambda c: (as_date(c.get("expires_on")) or date.max, as_date(c.get("issued_on")))))


def is_certified(action: Mapping[str, Any], today: date | None = None) -> bool:
    """Does ACTION carry a valid certificate on TODAY (default: today)? Completed, with a certificate issued by
    then that has not expired (an expiring one still counts until its expiry date)."""
    today = today or date.today()
    certificate = current(action, today)
    return certificate is not None and state(certificate, today) != EXPIRED


def expiries(actions: Iterable[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    """What expires: every completed action's current certificate that is expiring or expired, soonest first."""
    out = []
    for action in actions:
        certificate = current(action, today)
        if certificate is None:
            continue
        verdict = state(certificate, today)
        if verdict != VALID:
            out.append({"action_id": action.get("action_id"), "certificate_id": certificate.get("certificate_id"),
                        "expires_on": as_date(certificate.get("expires_on")), "state": verdict})
    return sorted(out, key=lambda e: e["expires_on"])


def check_new(action: Mapping[str, Any], *, number: str, issuer: str, issued_on: date,
              expires_on: date | None) -> None:
    """The rules a certificate keeps when it is added to ACTION."""
    if action.get("status") != "completed":
        raise InvalidStateError("action_id", f"the action is {action.get('status')}; a certificate belongs to a "
                                             "completed action")
    if len(action.get("certificates") or []) >= MAX_CERTIFICATES:
        raise RuleViolationError("action_id", f"at most {MAX_CERTIFICATES} certificates per action")
    for name, value in (("number", number), ("issuer", issuer)):
        if not (value or "").strip():
            raise RuleViolationError(name, "must not be empty")
        if len(value) > limits.SHORT_TEXT:
            raise RuleViolationError(name, f"at most {limits.SHORT_TEXT} characters")
    if not limits.EARLIEST <= issued_on <= limits.LATEST:
        raise RuleViolationError("issued_on", f"must lie between {limits.EARLIEST.isoformat()} and "
                                              f"{limits.LATEST.isoformat()}")
    if expires_on is not None:
        if expires_on <= issued_on:
            raise RuleViolationError("expires_on", "must be after issued_on")
        if expires_on > limits.LATEST:
            raise RuleViolationError("expires_on", f"must not be after {limits.LATEST.isoformat()}")
