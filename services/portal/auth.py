"""Signing in and out, the session, role checks and the API token of the signed-in person.

A `SignInProvider` proves who someone is and returns an `Identity`: the password form, and single
sign-on with an OpenID provider (services.portal.oidc). Everything after `establish_session` is the
same for both, so the authorisation of pages does not depend on how someone signed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol

from flask import abort, current_app, g, redirect, request, session, url_for

from services.portal.accounts import PortalStore
from shared.auth import TokenSettings, issue_token
from shared.purposes import MAX_NOTE, NOTE_HEADER, PURPOSE_HEADER

API_TOKEN_SECONDS = 300


@dataclass(frozen=True)
class Identity:
    """Who signed in, as the portal and the APIs know them."""

    username: str
    display_name: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class SignInProvider(Protocol):
    """A way to sign in. `begin` may redirect (OIDC); `complete` returns the proven identity or None.

    `label` names it on the login page; `assigns_roles` says the provider's roles replace the account's.
    """

    name: str
    label: str
    assigns_roles: bool

    def begin(self, next_url: str) -> Any | None: ...

    def complete(self, form: dict[str, str], client: str) -> SignInResult: ...

    def logout_url(self, provider_session: dict[str, Any], return_to: str) -> str | None: ...


@dataclass(frozen=True)
class SignInResult:
    identity: Identity | None
    throttled_for: int = 0  # seconds to wait before trying again
    provider_session: dict[str, Any] | None = None  # what signing out at the provider needs (the ID token)


class PasswordSignIn:
    """Username and password against the portal's argon2 hashes, throttled per username and address."""

    name = "password"
    label = "password"
    assigns_roles = False

    def __init__(self, store: PortalStore, max_failures: int, max_failures_per_ip: int, window: int):
        self.store, self.max_failures, self.max_per_ip, self.window = store, max_failures, max_failures_per_ip, window

    def begin(self, next_url: str) -> None:
        return None  # the login form is this provider's own page

    def complete(self, form: dict[str, str], client: str) -> SignInResult:
        username = (form.get("username") or "").strip().lower()[:100]
        keys = [(f"user:{username}", self.max_failures), (f"ip:{client}", self.max_per_ip)]
        now = time.time()
        throttles = self.store.throttles
        throttles.purge(self.window, now)
        # Counted before the password is checked, atomically: concurrent guesses cannot pass the limit together.
        attempts = [throttles.attempt(key, limit, self.window, now) for key, limit in keys]
        wait = max(a.wait(self.window, now) for a in attempts)
        if wait:
            return SignInResult(None, throttled_for=wait)
        account = self.store.verify_password(username, form.get("password") or "")
        if account is None:
            return SignInResult(None)
        throttles.succeeded(keys[0][0], forget=True)
        throttles.succeeded(keys[1][0], forget=False)  # a shared office address keeps only its failures
        return SignInResult(Identity(account.username, account.display_name, frozenset(account.roles)))

    def logout_url(self, provider_session: dict[str, Any], return_to: str) -> None:
        return None


def establish_session(identity: Identity, provider: str = "password",
                      provider_session: dict[str, Any] | None = None) -> None:
    """A fresh session for IDENTITY (never reuse the anonymous one: no session fixation)."""
    store = portal().store
    account = store.account(identity.username)
    language = session.get("lang")
    if session.get("sid"):
        store.end_session(session["sid"])  # the session signed in before (or as someone else) ends here
    session.clear()
    session.permanent = True
    session["sid"] = store.start_session(identity.username)
    session["user"] = identity.username
    session["epoch"] = account.session_epoch if account else 0
    session["since"] = int(time.time())
    if provider_session:
        session["sso"] = {"provider": provider, **provider_session}
    if language:
        session["lang"] = language


def end_session() -> None:
    """Sign out: the session ends on the server, and the cookie is emptied."""
    language = session.get("lang")
    if session.get("sid"):
        portal().store.end_session(session["sid"])
    session.clear()
    if language:
        session["lang"] = language


def current_user() -> Identity | None:
    """The signed-in person, or None when the session is missing, expired or signed out everywhere."""
    if "identity" in g:
        return g.identity
    g.identity = None
    username = session.get("user")
    if username:
        account = portal().store.account(username)
        max_age = current_app.permanent_session_lifetime.total_seconds()
        fresh = time.time() - session.get("since", 0) < max_age
        if (account and not account.blocked and account.session_epoch == session.get("epoch") and fresh
                and portal().store.session_alive(session.get("sid"), username)):
            g.identity = Identity(account.username, account.display_name, frozenset(account.roles))
        else:
            end_session()
    return g.identity


def login_required(*roles: str) -> Callable:
    """Views for signed-in people; with ROLES, only for people holding one of them (403 otherwise)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            user = current_user()
            if user is None:
                return redirect(url_for("account.login", next=request.full_path.rstrip("?")))
            if roles and not user.has(*roles, "admin"):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def api_token() -> str:
    """A five-minute token for the signed-in person, made once per request."""
    if "api_token" not in g:
        user = current_user()
        if user is None:
            abort(401)
        settings: TokenSettings = portal().tokens
        g.api_token = issue_token(settings, user.username, sorted(user.roles), ttl_seconds=API_TOKEN_SECONDS)
    return g.api_token


def access_reason_header() -> dict[str, str]:
    """Why HR opens someone's data, as the services' access logs want it: a code and an optional note."""
    code, note = g.get("access_purpose") or (None, None)
    if code is None:
        stated = session.get("purpose") or {}
        code, note = stated.get("code"), stated.get("note")
    if not code:
        return {}  # a session from before purposes were codes asks again
    headers = {PURPOSE_HEADER: code}
    if note:
        # HTTP header values travel as ISO-8859-1: dashes become plain, anything else unsayable becomes '?'
        plain = note.replace("\u2014", "-").replace("\u2013", "-").replace("\u20ac", "EUR")
        headers[NOTE_HEADER] = plain.encode("latin-1", "replace").decode("latin-1")[:MAX_NOTE]
    return headers


def portal():
    return current_app.extensions["portal"]
