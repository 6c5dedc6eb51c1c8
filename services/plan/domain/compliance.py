"""Is a person compliant with a mandatory learning requirement on a given day: compliant, due or overdue, and why.

Pure rules over what was known on that day (the caller passes only the facts recorded by then), so the same facts
always give the same answer: that is what lets an auditor reproduce last year's report. Whether a completion
carries a valid certificate is decided by services/plan/domain/certificates.py, nowhere else.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from services.plan.domain import certificates as certificate_rules
from services.plan.domain.vocabulary import skill_key

COMPLIANT, DUE, OVERDUE = "compliant", "due", "overdue"
STATUSES = (COMPLIANT, DUE, OVERDUE)
FROM_CERTIFICATE_STATE = {certificate_rules.VALID: COMPLIANT, certificate_rules.EXPIRING: DUE,
                          certificate_rules.EXPIRED: OVERDUE}


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _norm(text: str | None) -> str:
    return (text or "").strip().casefold()


def applies(requirement: Mapping[str, Any], person: Mapping[str, Any]) -> bool:
    """The requirement names the person's department or role (job title), compared without case."""
    return (_norm(person.get("department")) in {_norm(d) for d in requirement.get("departments", [])}
            or _norm(person.get("job_title")) in {_norm(r) for r in requirement.get("roles", [])})


def satisfies(requirement: Mapping[str, Any], completion: Mapping[str, Any]) -> bool:
    """The completed action was one of the requirement's offers, or re-rated one of its skills."""
    if completion.get("offer_id") and completion["offer_id"] in requirement.get("offer_ids", []):
        return True
    wanted = {skill_key(s) for s in requirement.get("skills", [])}
    return bool(wanted & set(completion.get("skills") or []))


def evaluate(requirement: Mapping[str, Any], completions: Iterable[Mapping[str, Any]], as_of: date,
             applicable_since: date) -> dict[str, Any]:
    """The person's status for REQUIREMENT on AS_OF from their COMPLETIONS (each {plan_id, action_id, offer_id,
    completed_on, skills, certificates}), with the evidence behind it; APPLICABLE_SINCE starts the grace period
    of someone who never did it."""
    evidence = []
    for completion in completions:
        if not satisfies(requirement, completion) or completion["completed_on"] > as_of:
            continue
        action = {"action_id": completion["action_id"], "status": "completed",
                  "certificates": completion.get("certificates") or []}
        certificate = certificate_rules.current(action, as_of)
        counts = not requirement.get("certificate_required") or certificate is not None
        if certificate is not None and certificate.get("expires_on"):
            valid_until = certificate_rules.as_date(certificate["expires_on"])
        elif requirement.get("recurrence_months"):
            start = certificate_rules.as_date(certificate["issued_on"]) if certificate else completion["completed_on"]
            valid_until = add_months(start, requirement["recurrence_months"])
        else:
            valid_until = None
        evidence.append({"plan_id": completion["plan_id"], "action_id": completion["action_id"],
                         "completed_on": completion["completed_on"],
                         "certificate_id": certificate.get("certificate_id") if certificate else None,
                         "certified": certificate_rules.is_certified(action, as_of),
                         "valid_until": valid_until, "counts": counts})
    counting = [e for e in evidence if e["counts"]]
    best = max(counting, key=lambda e: e["valid_until"] or date.max, default=None)
    for entry in evidence:
        entry["decisive"] = entry is best
    if best is not None:
        state = certificate_rules.state({"expires_on": best["valid_until"]}, as_of)
        status, due_by = FROM_CERTIFICATE_STATE[state], best["valid_until"]
    else:
        due_by = applicable_since + timedelta(days=int(requirement.get("grace_days", 0)))
        status = DUE if as_of <= due_by else OVERDUE
    evidence.sort(key=lambda e: (e["completed_on"], e["action_id"]))
    return {"status": status, "due_by": due_by, "evidence": evidence}
