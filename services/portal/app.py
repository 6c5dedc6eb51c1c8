"""create_app: the portal's only constructor; nothing is built at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from services.portal.accounts import PortalStore, build_portal_store
from services.portal.api_client import (
    ApiClient,
    ApiError,
    InvalidIdError,
    RequestsTransport,
    ServiceUnavailableError,
    Transport,
    api_path,
)
from services.portal.auth import (
    PasswordSignIn,
    SignInProvider,
    access_reason_header,
    api_token,
    current_user,
)
from services.portal.i18n import init_i18n, refusal, user_language_header
from services.portal.oidc import OidcSignIn
from services.portal.security import init_security
from services.portal.settings import PortalSettings
from services.portal.vocabulary import label, label_map
from shared.auth import TokenSettings
from shared.config import ConfigError, env_int
from shared.observability import init_observability
from shared.purposes import NOTE_HEADER, PURPOSE_HEADER

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 16 * 1024 * 1024


@dataclass
class Portal:
    """What the views need, built once per worker: settings, the store, sign-in providers, API access."""

    settings: PortalSettings
    store: PortalStore
    tokens: TokenSettings
    transport: Transport
    providers: dict[str, SignInProvider] = field(default_factory=dict)

    def plan_api(self) -> ApiClient:
        return ApiClient("plan", self.settings.plan_url, api_token, self.transport, self.settings.api_timeout,
                         extra_headers=access_reason_header)

    def recommender_api(self) -> ApiClient:
        return ApiClient("recommender", self.settings.recommender_url, api_token, self.transport,
                         self.settings.api_timeout, extra_headers=recommender_headers)

    def notifier_api(self, token=api_token) -> ApiClient:
        return ApiClient("notifier", self.settings.notifier_url, token, self.transport, self.settings.api_timeout)


def recommender_headers() -> dict[str, str]:
    """Why someone else's data is read (as for the plan service) and the user's language (reasons' words)."""
    return {**access_reason_header(), **user_language_header()}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The portal; CONFIG may carry SETTINGS, PORTAL_STORE, API_TRANSPORT, TOKENS and Flask settings."""
    config = dict(config or {})
    settings: PortalSettings = config.pop("SETTINGS", None) or PortalSettings.from_env()
    store = config.pop("PORTAL_STORE", None) or build_portal_store(config.pop("PORTAL_DATABASE_URL", None))
    app = Flask(__name__)
    init_observability(app, "portal")  # request ids (sent on to the APIs), JSON logs, /metrics
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="groeipad_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        WTF_CSRF_TIME_LIMIT=settings.session_hours * 3600,
        WTF_CSRF_SSL_STRICT=True,
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
    )
    app.config.update({k: v for k, v in config.items() if k.isupper() and k not in {"API_TRANSPORT", "TOKENS"}})
    if settings.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    portal = Portal(settings=settings, store=store, tokens=config.get("TOKENS") or TokenSettings.from_env(),
                    transport=config.get("API_TRANSPORT") or RequestsTransport())
    if settings.local_accounts:
        portal.providers["password"] = PasswordSignIn(store, settings.login_max_failures,
                                                      settings.login_max_failures_per_ip,
                                                      settings.login_window_seconds)
    if settings.oidc is not None:
        portal.providers["oidc"] = OidcSignIn(app, settings.oidc)
    if not portal.providers:
        raise ConfigError("PORTAL_LOCAL_ACCOUNTS=false needs single sign-on (PORTAL_OIDC_ISSUER): nobody could sign in")
    app.extensions["portal"] = portal
    CSRFProtect(app)
    # signing out after single sign-on is a form whose redirect goes on to the provider
    init_security(app, form_targets=[settings.oidc.origin] if settings.oidc else [])
    init_i18n(app, settings.default_language)
    app.jinja_env.globals.update(current_user=current_user, label=label, label_map=label_map, zip=zip,
                                 unread_notifications=unread_notifications)
    app.jinja_env.finalize = lambda value: "" if value is None else value  # erased personal data shows blank
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    register_blueprints(app)
    register_error_pages(app)
    return app


def unread_notifications() -> int | None:
    """The signed-in person's unread count for the menu; None when there is no notifier or it does not answer."""
    portal: Portal = current_app.extensions["portal"]
    if not portal.settings.notifier_url or current_user() is None:
        return None
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = portal.notifier_api().get(api_path("/notifications"), limit=1).get("unread")
        except (ApiError, ServiceUnavailableError):
            g.unread_notifications = None
    return g.unread_notifications


def follow_erasures(app: Flask) -> None:
    """Close the portal accounts of people erased through any door: a thread per worker polls the plan feed
    every PORTAL_ERASURE_POLL_SECONDS (0 turns it off, for a deployment that runs it elsewhere)."""
    from services.portal.erasures import ErasureFollower, follow_in_background, plan_feed

    seconds = env_int("PORTAL_ERASURE_POLL_SECONDS", 5)
    if seconds:
        portal: Portal = app.extensions["portal"]
        feed = plan_feed(portal.settings.plan_url, portal.transport, portal.tokens, portal.settings.api_timeout)
        follow_in_background(ErasureFollower(portal.store, feed), seconds)



def register_blueprints(app: Flask) -> None:
    from services.portal.views import (
        account,
        actions,
        admin,
        badges,
        certificates,
        checkins,
        cycles,
        editing,
        employee,
        hr,
        json_api,
        ld,
        manager,
        notifications,
        plan_templates,
        privacy,
    )

    for module in (account, employee, editing, actions, badges, certificates, checkins, manager, hr, ld, privacy,
                   json_api, notifications, plan_templates, cycles, admin):
        app.register_blueprint(module.bp)


def register_error_pages(app: Flask) -> None:
    """Every failure a user can cause gets a page in their language, never a bare 500."""

    def page(status: int, title: str, message: str):
        if request.path.startswith("/portal-api/"):
            return {"status": status, "message": message, "errors": []}, status
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return page(400, _("The form expired"), _("Reload the page and try again; nothing was saved."))

    @app.errorhandler(ServiceUnavailableError)
    def unavailable(error: ServiceUnavailableError):
        log.warning("service unavailable on %s: %s", request.path, error)
        name = {"plan": _("plan service"), "notifier": _("notifier")}.get(error.service, _("recommender"))
        return page(503, _("Temporarily unavailable"),
                    _("The %(name)s does not answer right now. Try again in a moment.", name=name))

    @app.errorhandler(InvalidIdError)
    def invalid_id(error: InvalidIdError):
        log.info("refused an invalid id on %s: %s", request.path, error.name)
        return page(404, _("Not found"), _("This page or item does not exist, or is not yours to see."))

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        if request.method == "GET" and any(e.get("field") in {PURPOSE_HEADER, NOTE_HEADER} for e in error.errors):
            return redirect(url_for("hr.purpose", next=request.full_path.rstrip("?")))
        if error.status == 404:
            return page(404, _("Not found"), _("This page or item does not exist, or is not yours to see."))
        if error.status == 403:
            return page(403, _("Not allowed"), _("You may not see or change this."))
        if error.status == 401:
            return page(401, _("Signed out"), _("Your session ended; sign in again."))
        return page(error.status if 400 <= error.status < 500 else 400, _("Could not do that"), refusal(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        titles = {403: _("Not allowed"), 404: _("Not found"), 405: _("Not allowed"),
                  413: _("File too large"), 429: _("Too many attempts")}
        messages = {403: _("You may not see or change this."),
                    404: _("This page or item does not exist, or is not yours to see."),
                    413: _("The file is larger than %(mb)d MB.", mb=MAX_UPLOAD_BYTES // (1024 * 1024))}
        return page(status, titles.get(status, _("Something went wrong")),
                    messages.get(status, _("The request could not be handled.")))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        g.pop("identity", None)
        return page(500, _("Something went wrong"), _("The error was logged. Try again, or go back."))
