"""Account management for administrators (list, search, create, roles, disable, reset link, activity), and
the public page where a one-time link sets a password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal import account_admin
from services.portal.account_admin import PasswordResetError
from services.portal.accounts import PORTAL_ROLES, AccountError
from services.portal.auth import current_user, login_required, portal
from services.portal.forms import Form

bp = Blueprint("admin", __name__)
PAGE = 25


@bp.get("/admin/accounts")
@login_required("admin")
def accounts():
    q = request.args.get("q", "")[:100]
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    rows, total = account_admin.list_accounts(portal().store, q, PAGE, (page - 1) * PAGE)
    pages = max(1, (total + PAGE - 1) // PAGE)
    return render_template("admin/accounts.html", rows=rows, total=total, q=q, page=page, pages=pages)


@bp.route("/admin/accounts/new", methods=["GET", "POST"])
@login_required("admin")
def new_account():
    form = Form(request.form if request.method == "POST" else None)
    if request.method == "POST":
        username = form.text("username", required=True, max_length=100).lower()
        name = form.text("display_name", required=True, max_length=200)
        roles = [r for r in request.form.getlist("roles") if r in PORTAL_ROLES]
        if not roles:
            form.error("roles", _("Choose one or more roles."))
        if form.ok:
            try:
                token = account_admin.create_account(portal().store, username, name, roles, actor=actor())
            except AccountError as error:
                form.error("username" if error.field == "username" else "roles",
                           _("An account with this username exists already, or the username is not allowed "
                             "(lower-case letters, digits, dots, dashes).") if error.field == "username"
                           else _("Choose one or more roles."))
            else:
                flash(_("Account %(name)s created.", name=username), "info")
                return render_account(username, reset_link=reset_link(token))
    return render_template("admin/account_new.html", form=form, roles=PORTAL_ROLES), 200 if form.ok else 422


@bp.get("/admin/accounts/<username>")
@login_required("admin")
def account(username: str):
    return render_account(username)


def render_account(username: str, reset_link: str | None = None, form: Form | None = None, status: int = 200):
    record = portal().store.account(username)
    if record is None:
        abort(404)
    changes, sign_ins = account_admin.activity(portal().store, username)
    return render_template("admin/account.html", account=account_admin.summary(record), changes=changes,
                           sign_ins=sign_ins, roles=PORTAL_ROLES, reset_link=reset_link, form=form or Form(),
                           myself=username == current_user().username), status


@bp.post("/admin/accounts/<username>/roles")
@login_required("admin")
def change_roles(username: str):
    roles = [r for r in request.form.getlist("roles") if r in PORTAL_ROLES]
    form = Form(request.form)
    if username == current_user().username and "admin" not in roles:
        form.error("roles", _("You cannot take away your own administrator role."))
    elif not roles:
        form.error("roles", _("Choose one or more roles."))
    else:
        try:
            account_admin.change_roles(portal().store, username, roles, actor=actor())
        except AccountError:
            abort(404)
        flash(_("The roles were changed."), "info")
        return redirect(url_for("admin.account", username=username))
    return render_account(username, form=form, status=422)


@bp.post("/admin/accounts/<username>/disable")
@login_required("admin")
def disable(username: str):
    if username == current_user().username:
        flash(_("You cannot disable your own account."), "error")
        return redirect(url_for("admin.account", username=username))
    try:
        portal().store.disable(username, actor=actor())
    except AccountError:
        abort(404)
    flash(_("The account is disabled: its sessions ended and it cannot sign in."), "info")
    return redirect(url_for("admin.account", username=username))


@bp.post("/admin/accounts/<username>/enable")
@login_required("admin")
def enable(username: str):
    try:
        portal().store.enable(username, actor=actor())
    except AccountError:
        abort(404)
    flash(_("The account can sign in again."), "info")
    return redirect(url_for("admin.account", username=username))


@bp.post("/admin/accounts/<username>/reset")
@login_required("admin")
def reset(username: str):
    try:
        token = account_admin.issue_reset(portal().store, username, actor=actor())
    except AccountError:
        abort(404)
    return render_account(username, reset_link=reset_link(token))


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def use_reset(token: str):
    """The one-time link: set a new password once, before it expires."""
    store = portal().store
    try:
        reset_for = account_admin.pending_reset(store, token)
    except PasswordResetError:
        return render_template("admin/reset_invalid.html"), 410
    form = Form(request.form if request.method == "POST" else None)
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("repeat_password", ""):
            form.error("repeat_password", _("The two new passwords differ."))
        elif len(new) < 8:
            form.error("new_password", _("Use at least 8 characters."))
        else:
            try:
                account_admin.use_reset(store, token, new)
            except PasswordResetError:
                return render_template("admin/reset_invalid.html"), 410
            flash(_("Your password is set. Sign in with it."), "info")
            return redirect(url_for("account.login"))
        form.data = {}
    return render_template("admin/reset.html", form=form, username=reset_for.username), 200 if form.ok else 422


def actor() -> str:
    return current_user().username


def reset_link(token: str) -> str:
    return url_for("admin.use_reset", token=token, _external=True)
