"""A person's data in the recommender: who may read it, the record of each read, and the GDPR export.

Access follows the org directory the feed publishes, as in the plan service: the person, their direct and
indirect managers as the directory stands now, HR and admins (who state a purpose code when it is not
their report). Every read by someone else is recorded (who, whose, what, purpose code, when); HR reads the
record here. A re-organisation takes a manager's access away as soon as the follower applied it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request
from marshmallow import EXCLUDE, Schema, fields, validate

from recommender.api import schemas as s
from recommender.api.common import reader, runtime
from shared.auth import Principal, require_role
from shared.contracts import ActorSchema
from shared.errors import ApiError, field_error
from shared.httpapi import Blueprint
from shared.purposes import (
    ACCESS_PURPOSES,
    MAX_NOTE,
    NOTE_HEADER,
    ON_BEHALF_HEADER,
    PURPOSE_HEADER,
    PurposeError,
    parse_purpose,
    require_purpose,
)

blp = Blueprint("people", __name__, url_prefix="/api/v1",
                description="A person's data: the GDPR export and the log of who read it.")
ID = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,199}$")


class AccessHeadersSchema(Schema):
    """Why someone reads another person's data: HR and admins must say so when it is not their report's."""

    class Meta:
        unknown = EXCLUDE

    purpose = fields.String(data_key=PURPOSE_HEADER, validate=validate.OneOf(ACCESS_PURPOSES),
                            metadata={"description": "purpose code; required of HR and admins for people who "
                                                     "are not their reports"})
    note = fields.String(data_key=NOTE_HEADER, validate=validate.Length(max=MAX_NOTE),
                         metadata={"description": "optional note (required with 'other'); not stored here"})


class MinPositionHeadersSchema(Schema):
    """For answers built from the plan service's views: a write the caller made there must be in them."""

    class Meta:
        unknown = EXCLUDE

    min_position = fields.String(data_key="X-Min-Position", load_default=None, validate=validate.Regexp(r"^\d{1,18}$"),
                                 metadata={"description": "a plan-service write's X-Position: the answer includes it"})


class EmployeeHeadersSchema(AccessHeadersSchema, MinPositionHeadersSchema):
    """Why someone reads another person's data, and which plan-service write the answer must include."""


class AccessEntrySchema(Schema):
    at = fields.String(metadata={"format": "date-time"})
    employee_id = fields.String(metadata={"description": "whose data was read"})
    what = fields.String(metadata={"description": "export, role_gap, recommendations, explanation or "
                                                  "suggestion_switch"})
    by = fields.Nested(ActorSchema)
    purpose = fields.String(allow_none=True, metadata={"enum": [*ACCESS_PURPOSES, None]})
    on_behalf_of = fields.String(allow_none=True, metadata={"description": "who a service read for"})


class AccessLogSchema(Schema):
    items = fields.List(fields.Nested(AccessEntrySchema))


class AccessLogQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    employee_id = fields.String(validate=ID)
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


def read_person(employee_id: str, what: str, *, services: bool = False, managers: bool = True) -> Principal:
    """Authorise a read of EMPLOYEE_ID's data and record it when the reader is someone else."""
    principal = reader()
    if principal.subject == employee_id:
        return principal
    try:
        purpose, _note = parse_purpose(request.headers.get(PURPOSE_HEADER), request.headers.get(NOTE_HEADER))
        on_behalf_of = None
        if managers and principal.has("manager") and runtime().readmodel.manages(principal.subject, employee_id):
            role = "manager"
        elif principal.has("hr", "admin"):
            role = "hr" if principal.has("hr") else "admin"
            require_purpose(purpose)
        elif services and principal.has("service"):
            role, on_behalf_of = "service", (request.headers.get(ON_BEHALF_HEADER) or "").strip()[:200] or None
            if on_behalf_of == employee_id:
                return principal  # the person's own export, assembled by the plan service
        else:
            raise ApiError(403, "only the person, their managers or HR may see this")
    except PurposeError as error:
        raise field_error(422, error.field, error.reason) from None
    runtime().readmodel.record_access({
        "at": datetime.now(UTC).isoformat(), "employee_id": employee_id, "what": what,
        "by": {"subject": principal.subject, "role": role}, "purpose": purpose, "on_behalf_of": on_behalf_of})
    return principal


@blp.route("/people/<person_id>/export")
@blp.arguments(AccessHeadersSchema, location="headers")
@blp.response(200, s.PersonDataSchema)
@blp.alt_response(403, "FORBIDDEN")
def export_person(_purpose, person_id):
    """The plans the follower learned, the feedback on offers, the reads of one person, and the log of
    suggestions shown to them with their dismissals, switch and groups (the person, HR, service)."""
    read_person(person_id, "export", services=True, managers=False)
    rt = runtime()
    return {**rt.readmodel.person_data(person_id), **rt.log.person_data(person_id)}


@blp.route("/access-log")
@blp.arguments(AccessLogQuery, location="query")
@blp.response(200, AccessLogSchema)
def access_log(query):
    """Every recorded read of a person's data by someone else, newest first (hr, admin)."""
    require_role("hr", "admin")
    return {"items": runtime().readmodel.access_log(query.get("employee_id"), query["limit"], query["offset"])}
