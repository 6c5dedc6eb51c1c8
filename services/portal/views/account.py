"""Sign in, sign out (here or everywhere), change password, switch language, and the home redirect."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from services.portal.accounts import NO_PASSWORD, AccountError
from services.portal.auth import Identity, current_user, end_session, establish_session, login_required, portal
from services.portal.forms import Form
from services.portal.settings import LANGUAGES

bp = Blueprint("account", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def home_for(user) -> str:
    if user.has("manager"):  # a manager's work starts with the team, not with their own (often empty) plan
        return url_for("manager.team")
    if user.has("employee"):
        return url_for("employee.dashboard")
    if user.has("hr", "admin"):
        return url_for("hr.plans")
    if user.has("ld"):
        return url_for("ld.catalogue")
    return url_for("account.profile")


@bp.get("/")
def home():
    user = current_user()
    if user is None:
        return redirect(url_for("account.login"))
    return redirect(home_for(user))


@bp.get("/health")
def health():
    return {"status": "ok"}


@bp.get("/ready")
def ready():
    """Ready when the portal's own store answers; the APIs being down only degrades pages, so it is not checked."""
    try:
        portal().store.recorder.max_notification_id()
    except Exception as error:  # any store failure means "not ready", with the reason
        return {"status": "unavailable", "reason": type(error).__name__}, 503
    return {"status": "ready", "store": "reachable"}


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = Form(request.form if request.method == "POST" else {"next": request.args.get("next", "")})
    status = 200
    password = portal().providers.get("password")
    if request.method == "POST":
        if password is None:  # local accounts are switched off: only the identity provider signs in
            abort(404)
        result = password.complete(request.form, request.remote_addr or "unknown")
        if result.identity is not None:
            establish_session(result.identity)
            return redirect(safe_next(form.get("next")) or home_for(result.identity))
        if result.throttled_for:
            minutes = max(1, (result.throttled_for + 59) // 60)
            form.error("body", _("Too many failed attempts. Try again in %(n)d minute(s).", n=minutes))
            status = 429
        else:
            form.error("body", _("The username or password is incorrect."))
            status = 401
        form.data.pop("password", None)  # never echo a password back into the page
    others = [(name, p.label) for name, p in portal().providers.items() if name != "password"]
    return render_template("login.html", form=form, providers=others, local=password is not None), status


@bp.get("/login/<name>")
def external_login(name: str):
    """Start signing in with another provider (OpenID Connect): it redirects to the identity provider."""
    provider = portal().providers.get(name)
    if provider is None or name == "password":
        abort(404)
    next_url = safe_next(request.args.get("next")) or ""
    response = provider.begin(url_for("account.external_callback", name=name, _external=True))
    if response is None:
        flash(_("Single sign-on is not available right now. Try again in a moment."), "error")
        return redirect(url_for("account.login"))
    session["login_next"] = next_url
    return response


@bp.get("/login/<name>/callback")
def external_callback(name: str):
    """The identity provider sends the person back here; it decides who they are, the portal what they may do."""
    provider = portal().providers.get(name)
    if provider is None or name == "password":
        abort(404)
    result = provider.complete(request.args, request.remote_addr or "unknown")
    account = signed_in_account(provider, result.identity)
    if account is None or account.blocked:
        flash(_("Signing in did not work. Ask the administrator for access."), "error")
        return redirect(url_for("account.login"))
    next_url = session.pop("login_next", "")
    identity = Identity(account.username, account.display_name, frozenset(account.roles))
    establish_session(identity, name, result.provider_session)
    return redirect(next_url or home_for(identity))


def signed_in_account(provider, identity: Identity | None):
    """The portal account IDENTITY signs in to: made or updated when the provider assigns the roles, else
    an existing account with the portal's own roles; None when there is none or no role maps."""
    if identity is None:
        return None
    if not provider.assigns_roles:
        return portal().store.account(identity.username)
    if not identity.roles:
        return None
    try:
        return portal().store.sync_external_account(identity.username, identity.display_name,
                                                    sorted(identity.roles), actor=f"sso:{provider.name}")
    except AccountError:
        return None


@bp.post("/logout")
def logout():
    """End the portal's session and, after single sign-on, the provider's too where it offers that."""
    sso = session.get("sso") or {}
    end_session()
    flash(_("You are signed out."), "info")
    provider = portal().providers.get(sso.get("provider", ""))
    if provider is not None:
        url = provider.logout_url(sso, url_for("account.login", _external=True))
        if url:
            return redirect(url)
    return redirect(url_for("account.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required()
def profile():
    user = current_user()
    form = Form(request.form if request.method == "POST" else None)
    if request.method == "POST":
        if not can_change_password(user):
            abort(404)
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        if portal().store.verify_password(user.username, current) is None:
            form.error("current_password", _("This is not your current password."))
        elif new != request.form.get("repeat_password", ""):
            form.error("repeat_password", _("The two new passwords differ."))
        else:
            try:
                portal().store.set_password(user.username, new, actor=user.username)
            except AccountError:
                form.error("new_password", _("Use at least 8 characters."))
        if form.ok:
            establish_session(user)  # the new password moved the epoch: keep this session, end the others
            flash(_("Your password was changed; other sessions are signed out."), "info")
            return redirect(url_for("account.profile"))
        form.data = {}
    return render_template("account.html", form=form, password=can_change_password(user)), (200 if form.ok else 422)


def can_change_password(user: Identity) -> bool:
    """Only with local accounts on, and for accounts that have a password (not made by single sign-on)."""
    account = portal().store.account(user.username)
    return "password" in portal().providers and account is not None and account.password_hash != NO_PASSWORD


@bp.post("/account/sign-out-everywhere")
@login_required()
def sign_out_everywhere():
    user = current_user()
    portal().store.sign_out_everywhere(user.username, actor=user.username)
    end_session()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("account.login"))


@bp.post("/language")
def language():
    chosen = request.form.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(safe_next(request.form.get("next")) or url_for("account.home"))
