"""Why someone reads another person's data: a closed list of codes every service and the portal share.

A read of someone else's plan or profile is logged with one of these codes (header `X-Access-Purpose`)
and an optional note (header `X-Access-Reason`). The code is what audits count and filter on; the note is
free text, so the services seal it with the person's key. The portal shows the codes with NL/EN labels.
"""

from __future__ import annotations

ACCESS_PURPOSES = (
    "audit",             # internal audit of development plans
    "compliance",        # a legal or policy compliance check
    "gdpr_request",      # a GDPR request of the person (access, rectification, erasure)
    "employee_request",  # a question or request from the person
    "appraisal",         # support for an appraisal or a review
    "report",            # an organisation report
    "investigation",     # a complaint, a dispute or a legal matter
    "other",             # anything else: the note says what
)
PURPOSE_HEADER, NOTE_HEADER = "X-Access-Purpose", "X-Access-Reason"
ON_BEHALF_HEADER = "X-Access-On-Behalf-Of"  # a service reading for someone names them (trusted from services only)
MAX_NOTE = 500


class PurposeError(ValueError):
    """A stated purpose the services cannot accept; FIELD names the header at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


def parse_purpose(code: str | None, note: str | None) -> tuple[str | None, str | None]:
    """The purpose code and note from the two headers, checked; (None, None) when none was stated."""
    note = (note or "").strip() or None
    code = (code or "").strip() or None
    if note is not None and (len(note) > MAX_NOTE or not note.isprintable()):
        raise PurposeError(NOTE_HEADER, f"at most {MAX_NOTE} printable characters")
    if code is None:
        if note is not None:
            raise PurposeError(PURPOSE_HEADER, f"state the purpose as one of: {', '.join(ACCESS_PURPOSES)}")
        return None, None
    if code not in ACCESS_PURPOSES:
        raise PurposeError(PURPOSE_HEADER, f"unknown purpose {code[:50]!r}; one of: {', '.join(ACCESS_PURPOSES)}")
    if code == "other" and note is None:
        raise PurposeError(NOTE_HEADER, "say what the purpose is when it is 'other'")
    return code, note


def require_purpose(code: str | None) -> None:
    """Refuse a read that needs a purpose (HR or an admin reading someone not in their reports) without one."""
    if code is None:
        raise PurposeError(PURPOSE_HEADER, "say why you open this person's data (one of: "
                                           f"{', '.join(ACCESS_PURPOSES)}): it is not one of your reports'")
