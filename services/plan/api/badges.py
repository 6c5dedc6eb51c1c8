"""Open Badges 3.0: an employee's badges for their plan (issue, list, revoke), and the public documents a
verifier needs without signing in (the credential, the issuer, its keys, the revocation list)."""

from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView

from services.plan.api import badge_schemas as s
from services.plan.api.common import access, plan_uuid
from services.plan.badges.credential import OB_CONTEXT, VC_CONTEXT
from services.plan.badges.issuer import BadgeIssuer
from shared.auth import current_principal
from shared.errors import ApiError
from shared.httpapi import Blueprint

VC_JWT = "application/vc+jwt"
PUBLIC = {"security": []}
JWT_TEXT = {VC_JWT: {"schema": {"type": "string", "pattern": r"^[\w-]+\.[\w-]+\.[\w-]+$"}}}

blp = Blueprint("badges", __name__, url_prefix="/api/v1/plans",
                description="Open Badges 3.0 for achieved goals and certified learning actions.")
public = Blueprint("badges_public", __name__, url_prefix="/api/v1/badges",
                   description="What verifiers read without signing in: credentials, the issuer, keys, status.")


def issuer() -> BadgeIssuer:
    found = current_app.extensions.get("badges")
    if found is None:
        raise ApiError(503, "Open Badges are not configured here: set GROEIPAD_BADGE_SIGNING_KEY and "
                            "GROEIPAD_BADGE_BASE_URL")
    return found


@blp.route("/<plan_id>/credentials")
class PlanCredentials(MethodView):
    @blp.response(200, s.CredentialListSchema)
    def get(self, plan_id):
        """The badges issued for this plan, and which goals and actions may become one (whoever may read the plan)."""
        return issuer().of_plan(current_principal(), plan_uuid(plan_id), access("credentials"))

    @blp.arguments(s.IssueSchema)
    @blp.response(201, s.IssuedCredentialSchema)
    @blp.alt_response(200, schema=s.IssuedCredentialSchema, description="the badge issued before, unchanged")
    def post(self, body, plan_id):
        """Issue the employee's own badge for an achieved goal or a certified completed action (once: asking again
        answers the same credential until it is revoked)."""
        credential, created = issuer().issue(current_principal(), plan_uuid(plan_id), body["kind"], body["item_id"])
        return credential, 201 if created else 200


@blp.route("/<plan_id>/credentials/<credential_id>/revoke", methods=["POST"])
@blp.arguments(s.RevokeSchema)
@blp.response(200, s.CredentialSummarySchema)
def revoke(body, plan_id, credential_id):
    """Withdraw a badge (the holder, HR or an admin): the public status list says so from now on."""
    return issuer().revoke(current_principal(), plan_uuid(plan_id), credential_id, body["reason"])


@public.route("/credentials/<credential_id>")
@public.doc(**PUBLIC)
@public.response(200, s.PublicCredentialSchema, description="the credential and whether it is revoked; with "
                                                            "Accept: application/vc+jwt the signed credential alone")
@public.alt_response(404, description="no such credential")
@public.alt_response(410, description="its stored copy was erased with its holder's data")
def public_credential(credential_id):
    """A credential at its public address, with whether it is revoked now (no sign-in)."""
    found = issuer().public(credential_id)
    if request.accept_mimetypes.best_match(["application/json", VC_JWT]) == VC_JWT:
        return Response(found["jwt"], mimetype=VC_JWT)
    return found


@public.route("/status/revocation")
@public.doc(**PUBLIC, responses={"200": {"description": "the BitstringStatusListCredential as a VC-JWT",
                                         "content": JWT_TEXT}})
def status_list():
    """The revocation list of every badge issued (W3C Bitstring Status List), signed (no sign-in)."""
    return Response(issuer().status_list(), mimetype=VC_JWT, headers={"Cache-Control": "max-age=60"})


@public.route("/jwks.json")
@public.doc(**PUBLIC)
@public.response(200, s.JwksSchema)
def jwks():
    """The issuer's public Ed25519 keys: the signing key and the earlier ones (no sign-in)."""
    return issuer().keys.jwks()


@public.route("/issuer")
@public.doc(**PUBLIC)
@public.response(200, s.ProfileSchema)
def profile():
    """The issuer's Open Badges Profile (no sign-in)."""
    return {"@context": [VC_CONTEXT, OB_CONTEXT], **issuer().settings.issuer_profile()}
