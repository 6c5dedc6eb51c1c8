"""Single sign-on with any OpenID provider, through Authlib's Flask client.

Authlib does the protocol: discovery, the authorisation code flow with PKCE (S256), state and nonce
kept in the session, and the ID token's signature (the provider's JWKS, fetched again when a token
names a key it has not seen: key rotation), issuer, audience, nonce and expiry. This module adds
what Authlib leaves to the application: the discovered issuer must be the configured one, the
response's `iss` (RFC 9207) must match, and the claims map to a directory id and portal roles.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response
from joserfc.errors import JoseError

from services.portal.accounts import USERNAME
from services.portal.auth import Identity, SignInResult
from services.portal.settings import OidcSettings

log = logging.getLogger(__name__)
HTTP_TIMEOUT = 10
# The ID token rides in the session cookie as the logout hint; a huge one (hundreds of groups) would push
# the cookie past the browsers' 4 KB, so then logout goes without the hint (the client id identifies us).
MAX_HINT_CHARS = 2000


class SignInRefusedError(Exception):
    """The provider's answer does not sign anyone in; the message says why, for the log."""


class OidcSignIn:
    """A sign-in provider (services.portal.auth.SignInProvider) for one OpenID provider."""

    name = "oidc"

    def __init__(self, app: Flask, settings: OidcSettings):
        self.settings = settings
        self.label = settings.label
        self.assigns_roles = settings.roles_claim is not None
        auth_method = "client_secret_basic" if settings.client_secret else "none"
        self.client = OAuth(app).register(
            self.name,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": settings.scopes, "code_challenge_method": "S256",
                           "token_endpoint_auth_method": auth_method, "timeout": HTTP_TIMEOUT},
        )

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (cached by Authlib), refused when it names another issuer."""
        metadata = self.client.load_server_metadata()
        if metadata.get("issuer") != self.settings.issuer:
            raise SignInRefusedError(f"discovery names issuer {metadata.get('issuer')!r}, "
                                     f"not PORTAL_OIDC_ISSUER {self.settings.issuer!r}")
        return metadata

    def begin(self, redirect_uri: str) -> Response | None:
        """The redirect to the provider; None when it cannot be reached or is not the one configured."""
        try:
            self.metadata()
            return self.client.authorize_redirect(redirect_uri)
        except (SignInRefusedError, AuthlibBaseError, requests.RequestException, ValueError) as error:
            log.warning("single sign-on could not start: %s: %s", type(error).__name__, error)
            return None

    def complete(self, form: dict[str, str], client: str) -> SignInResult:
        """Check the provider's answer to the current request; a refusal is logged with its reason."""
        try:
            self.metadata()
            if "iss" in form and form["iss"] != self.settings.issuer:
                raise SignInRefusedError(f"the response came from issuer {form['iss']!r}")
            token = self.client.authorize_access_token(leeway=self.settings.clock_skew_seconds)
            claims = dict(token.get("userinfo") or {})
            if not claims:
                raise SignInRefusedError("the provider sent no ID token")
            identity = self.identity(self.with_userinfo(claims, token))
        except (SignInRefusedError, AuthlibBaseError, JoseError, requests.RequestException, ValueError) as error:
            log.warning("single sign-on refused from %s: %s: %s", client, type(error).__name__, error)
            return SignInResult(None)
        hint = token["id_token"] if len(token["id_token"]) <= MAX_HINT_CHARS else None
        return SignInResult(identity, provider_session={"id_token": hint})

    def with_userinfo(self, claims: dict[str, Any], token: dict[str, Any]) -> dict[str, Any]:
        """Claims the ID token lacks, from the userinfo endpoint (for the same subject only)."""
        wanted = [c for c in (self.settings.username_claim, self.settings.roles_claim) if c]
        endpoint = self.metadata().get("userinfo_endpoint")
        if all(c in claims for c in wanted) or not endpoint:
            return claims
        extra = self.client.userinfo(token=token)
        if extra.get("sub") != claims.get("sub"):
            raise SignInRefusedError("userinfo names another subject than the ID token")
        return {**extra, **claims}

    def identity(self, claims: dict[str, Any]) -> Identity:
        """The directory id and roles the claims map to (roles empty when the portal keeps its own)."""
        raw = claims.get(self.settings.username_claim)
        if not isinstance(raw, str) or not raw.strip():
            raise SignInRefusedError(f"the ID token has no {self.settings.username_claim!r} claim")
        username = raw.strip().lower()
        domain = self.settings.username_domain
        if domain:
            local, at, host = username.rpartition("@")
            if not at or host != domain:
                raise SignInRefusedError(f"{username!r} is not in the domain {domain!r}")
            username = local
        if not USERNAME.match(username):
            raise SignInRefusedError(f"{username!r} is not a directory id")
        return Identity(username, str(claims.get("name") or username), frozenset(self.roles(claims)))

    def roles(self, claims: dict[str, Any]) -> set[str]:
        if self.settings.roles_claim is None:
            return set()
        values = claims.get(self.settings.roles_claim) or []
        values = [values] if isinstance(values, str) else values
        roles = set(self.settings.default_roles)
        for value in values if isinstance(values, list) else []:
            roles.update(self.settings.role_map.get(str(value), ()))
        return roles

    def logout_url(self, provider_session: dict[str, Any], return_to: str) -> str | None:
        """Where to end the provider's session too (RP-initiated logout), when it offers that."""
        try:
            if not self.metadata().get("end_session_endpoint"):
                return None
            return self.client.create_logout_url(post_logout_redirect_uri=return_to,
                                                 id_token_hint=provider_session.get("id_token"),
                                                 client_id=self.settings.client_id)["url"]
        except (SignInRefusedError, AuthlibBaseError, requests.RequestException, ValueError) as error:
            log.warning("single sign-on logout at the provider skipped: %s", error)
            return None

