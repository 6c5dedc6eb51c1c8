"""HTTP shapes of the Open Badges endpoints (issue, list, revoke, and the public documents)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.plan.api.schemas import ID, Strict
from services.plan.domain.badges import KINDS


class IssueSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS),
                         metadata={"description": "an achieved goal, or a completed action with a certificate"})
    item_id = fields.String(required=True, validate=ID, metadata={"description": "the goal's or the action's id"})


class RevokeSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CredentialSummarySchema(Schema):
    credential_id = fields.String(required=True)
    kind = fields.String(required=True)
    item_id = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "the public address: verifiable without sign-in"})
    issued_at = fields.String(required=True)
    kid = fields.String(required=True, metadata={"description": "the signing key, in the published key set"})
    status_index = fields.Integer(required=True)
    revoked = fields.Boolean(required=True)
    revoked_at = fields.String(allow_none=True)
    revoked_reason = fields.String(allow_none=True)


class IssuedCredentialSchema(CredentialSummarySchema):
    jwt = fields.String(allow_none=True, metadata={"description": "the OpenBadgeCredential as a VC-JWT (EdDSA)"})


class EligibleSchema(Schema):
    kind = fields.String(required=True)
    item_id = fields.String(required=True)
    title = fields.String(required=True)
    credential_id = fields.String(allow_none=True, metadata={"description": "its badge, unless none stands"})


class CredentialListSchema(Schema):
    items = fields.List(fields.Nested(CredentialSummarySchema), required=True)
    eligible = fields.List(fields.Nested(EligibleSchema), required=True,
                           metadata={"description": "achieved goals and completed actions with a certificate"})


class PublicCredentialSchema(Schema):
    id = fields.String(required=True)
    jwt = fields.String(required=True, metadata={"description": "the signed credential (application/vc+jwt)"})
    revoked = fields.Boolean(required=True, metadata={"description": "as the status list says now"})
    kid = fields.String(required=True)
    jwks = fields.String(required=True, metadata={"description": "where the issuer's public keys are"})
    status_list = fields.String(required=True)
    status_index = fields.Integer(required=True)


class JwkSchema(Schema):
    kty = fields.String(required=True)
    crv = fields.String(required=True)
    x = fields.String(required=True)
    kid = fields.String(required=True)
    alg = fields.String(required=True)
    use = fields.String(required=True)


class JwksSchema(Schema):
    keys = fields.List(fields.Nested(JwkSchema), required=True)


class ProfileSchema(Schema):
    class Meta:
        include = {"@context": fields.List(fields.String(), required=True)}

    id = fields.String(required=True)
    type = fields.List(fields.String(), required=True)
    name = fields.String(required=True)
    url = fields.String()
