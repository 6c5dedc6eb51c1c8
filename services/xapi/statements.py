"""xAPI statements as Groeipad writes and reads them, described by marshmallow schemas.

No well-kept Python library fits: `tincan` is unmaintained since 2020 and `ralph-malph`'s models need pydantic
and a click older than Flask's; the tests check what we send against Ralph's own validation instead (its
LRS refuses a statement its models reject). The schemas here describe the subset we write, and read the
statements of others tolerantly (unknown keys kept out of the way, every field we use checked).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {name: f"{ADL}{name}" for name in ("registered", "attended", "launched", "completed", "passed", "failed")}
COURSE = "http://adlnet.gov/expapi/activities/course"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
PLATFORM = "Groeipad"
# Means met in person are attended; the rest (courses, MOOCs) are launched.
ATTENDED_MEANS = {"internal_training", "workshop", "seminar", "conference", "mentoring", "coaching", "on_the_job"}
NAMESPACE = uuid.UUID("7c1f3a52-1d7e-5b7c-9a55-2f6b2d0e8a11")


class _Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class AccountSchema(_Tolerant):
    homePage = fields.Url(required=True, require_tld=False)  # noqa: N815 (the standard's spelling)
    name = fields.String(required=True, validate=validate.Length(min=1, max=500))


class AgentSchema(_Tolerant):
    objectType = fields.String(load_default="Agent", validate=validate.OneOf(("Agent", "Group")))  # noqa: N815
    account = fields.Nested(AccountSchema)
    mbox = fields.String()
    mbox_sha1sum = fields.String()
    openid = fields.String()


class VerbSchema(_Tolerant):
    id = fields.Url(required=True, require_tld=False)
    display = fields.Dict(keys=fields.String(), values=fields.String())


class DefinitionSchema(_Tolerant):
    name = fields.Dict(keys=fields.String(), values=fields.String())
    type = fields.Url(require_tld=False)


class ActivitySchema(_Tolerant):
    objectType = fields.String(load_default="Activity")  # noqa: N815
    id = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    definition = fields.Nested(DefinitionSchema)


class ScoreSchema(_Tolerant):
    scaled = fields.Float(validate=validate.Range(-1, 1))


class ResultSchema(_Tolerant):
    completion = fields.Boolean()
    success = fields.Boolean()
    score = fields.Nested(ScoreSchema)
    duration = fields.String(validate=validate.Regexp(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?"
                                                      r"(\d+(\.\d+)?S)?)?$"))


class ContextSchema(_Tolerant):
    registration = fields.UUID()
    platform = fields.String()
    extensions = fields.Dict(keys=fields.String(), values=fields.Raw())


class StatementSchema(_Tolerant):
    """One statement: what we write, and what we need of one we read."""

    id = fields.UUID(required=True)
    actor = fields.Nested(AgentSchema, required=True)
    verb = fields.Nested(VerbSchema, required=True)
    object = fields.Nested(ActivitySchema, required=True)
    result = fields.Nested(ResultSchema)
    context = fields.Nested(ContextSchema)
    timestamp = fields.String()
    stored = fields.String()

    @validates_schema
    def _one_identifier(self, data: dict[str, Any], **_: Any) -> None:
        found = [k for k in ("account", "mbox", "mbox_sha1sum", "openid") if k in data["actor"]]
        if len(found) != 1:
            raise ValidationError("an agent has exactly one identifier", "actor")


SCHEMA = StatementSchema()


def check(statement: dict[str, Any]) -> dict[str, Any]:
    """STATEMENT loaded by the schema; ValueError naming the first bad field."""
    try:
        return SCHEMA.load(statement)
    except ValidationError as error:
        raise ValueError(str(error.messages)) from None


def statement_id(*parts: str) -> str:
    """A statement id derived from the event that causes it, so a retry or a replay makes the same statement."""
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def registration(plan_id: str, action_id: str) -> str:
    """One registration per learning action: the LRS groups its statements by it."""
    return str(uuid.uuid5(NAMESPACE, f"registration|{plan_id}|{action_id}"))


def agent(home_page: str, pseudonym: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": pseudonym}}


def activity(activity_id: str, name: str, means: str) -> dict[str, Any]:
    kind = MEETING if means in {"mentoring", "coaching"} else COURSE
    return {"objectType": "Activity", "id": activity_id, "definition": {"name": {"en-US": name}, "type": kind}}


def verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {"en-US": name}}


def days_duration(start: date | None, end: date) -> str:
    """The ISO 8601 duration from START to END in whole days (P0D when the same day or unknown)."""
    return f"P{max(0, (end - start).days) if start else 0}D"


def timestamp(day: date, occurred_at: str) -> str:
    """When it happened: the moment it was recorded when that is on the day itself, else that day's start (UTC)."""
    recorded = datetime.fromisoformat(occurred_at)
    return occurred_at if recorded.date() == day else f"{day.isoformat()}T00:00:00+00:00"


def statement(*, id: str, actor: dict, verb_name: str, obj: dict, when: str, plan_id: str, action_id: str,
              result: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {"id": id, "actor": actor, "verb": verb(verb_name), "object": obj, "timestamp": when,
            "context": {"registration": registration(plan_id, action_id), "platform": PLATFORM}}
    if result:
        body["result"] = result
    check(body)
    return body
