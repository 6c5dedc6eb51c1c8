"""Human oversight: a person's own switch, dismissals and questions; L&D's pins, exclusions and rollbacks.

A person switches suggestions off for themselves, dismisses a suggestion with a reason (their next
answer changes at once), and asks why an offer was or was not shown. L&D pins or excludes offers for a
skill and rolls the settings back to an earlier version; both are settings changes, so each keeps who,
when and why.
"""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from recommender.accountability import DISMISSAL_REASONS
from recommender.api import schemas as s
from recommender.api.common import actor, current_gaps, runtime
from recommender.api.people import AccessHeadersSchema, read_person
from recommender.contest import explain
from shared.auth import Principal, current_principal, require_role
from shared.errors import ApiError, field_error
from shared.httpapi import Blueprint

blp = Blueprint("oversight", __name__, url_prefix="/api/v1",
                description="Human oversight: switching suggestions off, dismissals, explanations, pins, rollback.")

ID = validate.Length(min=1, max=200)


def the_person(person_id: str, *others: str) -> Principal:
    """The person themself (or one of the roles OTHERS); anyone else gets 403."""
    principal = current_principal()
    if principal.subject != person_id and not principal.has(*others):
        raise ApiError(403, "only the person" + (f" or {', '.join(others)}" if others else "") + " may do this")
    return principal


# -- schemas --------------------------------------------------------------------------------------
class SuggestionSwitchSchema(Schema):
    enabled = fields.Boolean(required=True, metadata={"description": "false switches suggestions off"})


class DismissalRequestSchema(Schema):
    offer_id = fields.String(required=True, validate=ID)
    reason = fields.String(required=True, validate=validate.OneOf(DISMISSAL_REASONS), metadata={
        "description": "too_expensive: nothing as costly or more; no_time: nothing as long or longer; "
                       "known: for this gap nothing at this level or below; not_relevant, other: this offer only"})
    gap = fields.String(load_default=None, allow_none=True, validate=ID,
                        metadata={"description": "the gap it was suggested for"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class ExplanationQuery(Schema):
    offer_id = fields.String(required=True, validate=ID)


class CurationRequestSchema(Schema):
    pinned = fields.List(fields.String(validate=ID), load_default=list, validate=validate.Length(max=20),
                         metadata={"description": "offer ids shown first for this skill, in this order"})
    excluded = fields.List(fields.String(validate=ID), load_default=list, validate=validate.Length(max=200))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class RollbackRequestSchema(Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=10**9))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


# -- a person's own ---------------------------------------------------------------------------------
@blp.route("/people/<person_id>/suggestions")
class SuggestionSwitch(MethodView):
    @blp.arguments(AccessHeadersSchema, location="headers")
    @blp.response(200, s.SuggestionPreferenceSchema)
    def get(self, _purpose, person_id):
        """Whether the person wants suggestions (the person; HR and admins with a purpose, logged)."""
        read_person(person_id, "suggestion_switch", managers=False)
        return runtime().log.preference(person_id)

    @blp.arguments(SuggestionSwitchSchema)
    @blp.response(200, s.SuggestionPreferenceSchema)
    def put(self, body, person_id):
        """Switch suggestions off (or on again) for oneself (the person only)."""
        the_person(person_id)
        return runtime().log.set_suggestions(person_id, body["enabled"])


@blp.route("/people/<person_id>/dismissals")
class Dismissals(MethodView):
    @blp.arguments(DismissalRequestSchema)
    @blp.response(201, s.DismissalSchema)
    def post(self, body, person_id):
        """Dismiss a suggestion with a reason: the person's next suggestions change at once (the person only)."""
        the_person(person_id)
        rt = runtime()
        offer = rt.matcher.current().index.row_of_.get(body["offer_id"])
        if offer is None:
            raise field_error(422, "offer_id", "no such offer in the catalogue")
        fields_ = rt.matcher.current().index.offers_[offer]
        return rt.log.record_dismissal(person_id, fields_, body["gap"], body["reason"], body["note"])


@blp.route("/people/<person_id>/explanation")
class Explanation(MethodView):
    @blp.arguments(ExplanationQuery, location="query")
    @blp.arguments(AccessHeadersSchema, location="headers")
    @blp.response(200, s.ExplanationSchema)
    @blp.alt_response(503, "SERVICE_UNAVAILABLE", description="the plan service did not give the person's gaps")
    def get(self, query, _purpose, person_id):
        """Why an offer was shown (from the log) or is not shown now, against the plan as the plan service has
        it (the person; HR and admins with a purpose, logged)."""
        read_person(person_id, "explanation", managers=False)
        return explain(runtime(), person_id, query["offer_id"], current_gaps(person_id))


# -- L&D -----------------------------------------------------------------------------------------------
@blp.route("/skills/<skill_id>/curation")
class Curation(MethodView):
    @blp.arguments(CurationRequestSchema)
    @blp.response(200, s.CurationSchema)
    def put(self, body, skill_id):
        """Pin or exclude offers for a skill; a settings change with its reason (ld, admin)."""
        principal = require_role("ld", "admin")
        rt = runtime()
        if rt.matcher.current().taxonomy.get(skill_id) is None:
            raise ApiError(404, f"no skill {skill_id}")
        rt.app.replica.catch_up()
        settings = dict(rt.app.settings() or {})
        curation = dict(settings.get("curation") or {})
        chosen = {"pinned": list(dict.fromkeys(body["pinned"])), "excluded": list(dict.fromkeys(body["excluded"]))}
        if chosen["pinned"] or chosen["excluded"]:
            curation[skill_id] = chosen
        else:
            curation.pop(skill_id, None)
        version = rt.app.change_settings({**settings, "curation": curation}, actor(principal, "ld"), body["reason"])
        return {"skill_id": skill_id, **chosen, "settings_version": version}


@blp.route("/settings/rollback")
class SettingsRollback(MethodView):
    @blp.arguments(RollbackRequestSchema)
    @blp.response(200, s.RollbackSchema)
    def post(self, body):
        """Restore the settings of an earlier version, as a new change with its reason (ld, admin)."""
        principal = require_role("ld", "admin")
        app = runtime().app
        history = {h["version"]: h["settings"] for h in app.settings_history()}
        if body["version"] not in history:
            raise field_error(422, "version", f"no settings version {body['version']}; "
                                              f"known: {', '.join(map(str, sorted(history))) or 'none'}")
        restored = history[body["version"]]
        version = app.change_settings(restored, actor(principal, "ld"),
                                      f"rollback to version {body['version']}: {body['reason']}")
        return {"settings_version": version, "restored_from": body["version"], "settings": restored}
