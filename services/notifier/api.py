"""The notifier's HTTP API: a person's notification centre and delivery choices, unsubscribe, GDPR export."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from services.notifier import kinds as k
from shared.auth import current_principal, require_role
from shared.errors import ApiError
from shared.httpapi import Blueprint

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="In-portal notifications and how each person wants to receive them.")
PEOPLE = ("employee", "manager", "hr", "ld", "admin")


def store():
    return current_app.extensions["notifier_store"]


class Strict(Schema):
    class Meta:
        ordered = True


class InboxQuerySchema(Strict):
    unread = fields.Boolean(load_default=False, metadata={"description": "only what is not read yet"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class NotificationSchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"enum": list(k.KINDS)})
    created_at = fields.String(metadata={"format": "date-time"})
    about = fields.String(metadata={"description": "the person the notification is about"})
    data = fields.Dict(metadata={"description": "plan_id, action_id, title, dates, outcome ... per kind"})
    state = fields.String(metadata={"enum": ["pending", "sent", "digest", "digested", "portal", "failed"]})
    read = fields.Boolean()
    sent_at = fields.String(allow_none=True)


class InboxSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    total = fields.Integer()
    unread = fields.Integer()


class UnreadSchema(Schema):
    unread = fields.Integer()


def _kinds_field(**kwargs):
    return fields.Dict(keys=fields.String(validate=validate.OneOf(k.CHOOSABLE)),
                       values=fields.String(validate=validate.OneOf(k.MODES)), **kwargs)


class PreferencesSchema(Strict):
    language = fields.String(validate=validate.OneOf(k.LANGUAGES))
    kinds = _kinds_field(metadata={"description": "per kind: immediately, daily_digest or portal_only"})


class PreferencesViewSchema(Schema):
    language = fields.String()
    kinds = fields.Dict(keys=fields.String(), values=fields.String())
    unsubscribable = fields.List(fields.String())


class UnsubscribeSchema(Strict):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


class UnsubscribedSchema(Schema):
    person_id = fields.String()
    kind = fields.String()
    mode = fields.String()


class PersonExportSchema(Schema):
    notifications = fields.List(fields.Nested(NotificationSchema))
    actions = fields.List(fields.Dict())
    checkins = fields.List(fields.Dict(), metadata={"description": "check-ins followed for invitations"})
    certificates = fields.List(fields.Dict(), metadata={"description": "certificates with an expiry date, for the "
                                                                       "reminders"})
    choices = fields.Dict()
    forgotten = fields.Boolean(metadata={"description": "the person was erased: the notifier keeps nothing of "
                                                        "them but this mark"})


def me() -> str:
    return require_role(*PEOPLE).subject


@blp.route("/notifications")
@blp.arguments(InboxQuerySchema, location="query")
@blp.response(200, InboxSchema)
def inbox(query):
    """The caller's notifications, newest first, with how many are unread."""
    person = me()
    items, total = store().inbox(person, unread_only=query["unread"], limit=query["limit"], offset=query["offset"])
    return {"items": [n.view() for n in items], "total": total, "unread": store().unread(person)}


@blp.route("/notifications/<notification_id>/read", methods=["POST"])
@blp.response(200, UnreadSchema)
def read_one(notification_id):
    """Mark one of the caller's notifications read."""
    person = me()
    if len(notification_id) > 100 or not store().mark_read(person, notification_id):
        raise ApiError(404, "notification not found")
    return {"unread": store().unread(person)}


@blp.route("/notifications/read", methods=["POST"])
@blp.response(200, UnreadSchema)
def read_all():
    """Mark every notification of the caller read."""
    person = me()
    store().mark_read(person, None)
    return {"unread": store().unread(person)}


def preferences_of(person: str) -> dict:
    choices = store().choices(person)
    language = choices.pop("language", None) or current_app.config["NOTIFIER_DEFAULT_LANGUAGE"]
    return {"language": language, "kinds": {kind: choices.get(kind, k.IMMEDIATELY) for kind in k.CHOOSABLE},
            "unsubscribable": sorted(k.UNSUBSCRIBABLE & set(k.CHOOSABLE))}


@blp.route("/preferences")
class Preferences(MethodView):
    @blp.response(200, PreferencesViewSchema)
    def get(self):
        """The caller's language for mails and delivery mode per kind (immediately, daily digest, portal only)."""
        return preferences_of(me())

    @blp.arguments(PreferencesSchema)
    @blp.response(200, PreferencesViewSchema)
    def put(self, body):
        """Change the caller's language and delivery modes (only the kinds given change)."""
        person = me()
        changes = dict(body.get("kinds") or {})
        if body.get("language"):
            changes["language"] = body["language"]
        store().choose(person, changes)
        return preferences_of(person)


@blp.route("/unsubscribe", methods=["POST"])
@blp.arguments(UnsubscribeSchema)
@blp.response(200, UnsubscribedSchema)
def unsubscribe(body):
    """Switch one kind to portal only for the person an unsubscribe link was made for (the portal calls this)."""
    require_role("service", "admin")
    found = current_app.extensions["notifier_unsubscribe"].read(body["token"])
    if found is None:
        raise ApiError(422, "the unsubscribe link is not valid", [{"field": "token", "reason": "not valid"}])
    person, kind = found
    store().choose(person, {kind: k.PORTAL})
    return {"person_id": person, "kind": kind, "mode": k.PORTAL}


@blp.route("/people/<person_id>/export")
@blp.response(200, PersonExportSchema)
def export_person(person_id):
    """What the notifier holds about a person (the person, HR, admins, services): part of the GDPR export."""
    principal = current_principal()
    if principal.subject != person_id and not principal.has("hr", "admin", "service"):
        raise ApiError(403, "only the person, HR or an admin may export this")
    return store().person_data(person_id)
