"""Security headers and cookie flags: a strict CSP (no inline script), no framing, no sniffing."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def content_security_policy(form_targets: list[str]) -> str:
    """CSP, with FORM_TARGETS (origins) allowed as where a form's redirect may lead (browsers check that)."""
    if not form_targets:
        return CSP
    return CSP.replace("form-action 'self'", "form-action 'self' " + " ".join(form_targets))


class PortalSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so, or whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_security(app: Flask, form_targets: list[str] | None = None) -> None:
    app.session_interface = PortalSessionInterface()
    policy = content_security_policy(form_targets or [])

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"  # personal pages never land in a shared cache
        return response
