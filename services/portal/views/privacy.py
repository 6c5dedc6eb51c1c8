"""Privacy pages: who looked at a plan, HR's access log export, GDPR export and erasure.

Downloads go through portal routes: the portal calls the plan service with the signed-in person's
short-lived token and hands the file on, so the browser never holds an API token.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.accounts import account_view
from services.portal.api_client import ApiError, api_path
from services.portal.auth import current_user, login_required, portal
from services.portal.forms import Form
from services.portal.views.common import all_plans, load_plan, people_by_id, plan_api
from services.portal.views.employee import safe_name

bp = Blueprint("privacy", __name__)
UTF8_BOM = "\ufeff".encode()  # spreadsheet programs read the CSV as UTF-8 only with it


def who(subjects: set[str]) -> dict[str, str]:
    """Display names for the people in an access log: the directory where visible, else the portal's accounts."""
    people = people_by_id(subjects)
    names = {}
    for subject in subjects:
        name = (people.get(subject) or {}).get("name")
        if not name:
            account = portal().store.account(subject)
            name = account.display_name if account is not None else None
        names[subject] = name or subject
    return names


def readable(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Access log entries, newest first, with the reader's name next to their id; repeated looks by the same
    person at the same plan, for the same reason and on the same day, are one row with how often and since when."""
    names = who({(e.get("by") or {}).get("subject") or "" for e in entries} - {""})
    rows: list[dict[str, Any]] = []
    groups: dict[tuple, dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda e: e.get("at") or "", reverse=True):
        by = entry.get("by") or {}
        key = (by.get("subject"), by.get("role"), entry.get("plan_id"), entry.get("employee_id"), entry.get("what"),
               entry.get("purpose"), entry.get("note"), str(entry.get("at") or "")[:10])
        if key in groups:
            groups[key]["times"] += 1
            groups[key]["first"] = entry.get("at")
            continue
        row = {**entry, "subject": by.get("subject") or "", "role": by.get("role") or "",
               "name": names.get(by.get("subject") or "", by.get("subject") or ""), "times": 1,
               "first": entry.get("at")}
        groups[key] = row
        rows.append(row)
    return rows


def own_plan(plan_id: str) -> dict[str, Any] | None:
    """The plan when it is the signed-in person's own (reading it is not logged); None otherwise."""
    user = current_user()
    if not user.has("employee"):
        return None
    if plan_id not in {p["id"] for p in all_plans(employee_id=user.username)}:
        return None
    return load_plan(plan_id)


# -- who looked at a plan ---------------------------------------------------------------------------
@bp.get("/plans/<plan_id>/access-log")
@login_required()
def plan_access(plan_id: str):
    """The owner (and HR, admin) sees who looked at the plan, when, at what and why."""
    entries = plan_api().get(api_path("/plans/{plan_id}/access-log", plan_id=plan_id)).get("items") or []
    plan = own_plan(plan_id)
    return render_template("privacy/plan_access.html", plan=plan, plan_id=plan_id, entries=readable(entries))


# -- HR: the whole access log ------------------------------------------------------------------------
@bp.get("/hr/access-log")
@login_required("hr")
def access_log():
    form = Form(request.args)
    employee = form.get("employee_id") or None
    entries = plan_api().get(api_path("/access-log"), employee_id=employee).get("items") or []
    return render_template("privacy/access_log.html", form=form, employee=employee, entries=readable(entries))


@bp.get("/hr/access-log.<fmt>")
@login_required("hr")
def access_log_export(fmt: str):
    if fmt not in {"csv", "json"}:
        abort(404)
    employee = request.args.get("employee_id") or None
    reply = plan_api().call("GET", api_path("/access-log"), params={"format": fmt, "employee_id": employee})
    name = f"access-log-{safe_name(employee)}" if employee else "access-log"
    if fmt == "csv":
        body = reply.content if reply.content.startswith(UTF8_BOM) else UTF8_BOM + reply.content
        return attachment(body, "text/csv", f"{name}.csv")
    return attachment(reply.content, "application/json", f"{name}.json")


def attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# -- GDPR export -----------------------------------------------------------------------------------
def portal_data(person_id: str) -> dict[str, Any]:
    """What the portal itself holds about the person: the sign-in account and recent failed sign-ins."""
    store = portal().store
    account = store.account(person_id)
    recent = store.throttles.recent(f"user:{person_id}", window=float("inf"))
    return {"account": {**account_view(account), "erased": account.erased} if account else None,
            "sign_in_attempts": {"count": recent[0], "since": datetime.fromtimestamp(recent[1], UTC).isoformat()}
            if recent else None}


def export_response(person_id: str) -> Response:
    try:
        held = plan_api().get(api_path("/people/{person_id}/export", person_id=person_id))
    except ApiError as error:
        if error.status != 404 or portal().store.account(person_id) is None:
            raise
        held = {"person": None, "plans": [], "access_log": []}  # an account without a directory entry
    held["portal"] = portal_data(person_id)
    body = json.dumps(held, ensure_ascii=False, indent=1, default=str)
    return attachment(body, "application/json", f"groeipad-data-{safe_name(person_id)}.json")


@bp.get("/account/export.json")
@login_required()
def my_export():
    """Everything held about me, as a JSON file (GDPR right of access)."""
    return export_response(current_user().username)


@bp.get("/people/<person_id>/export.json")
@login_required()
def person_export(person_id: str):
    """The person themselves, or HR and admins for anyone; a colleague gets 403."""
    user = current_user()
    if person_id != user.username and not user.has("hr", "admin"):
        abort(403)
    return export_response(person_id)


# -- HR: one person -----------------------------------------------------------------------------------
def directory_entry(person_id: str) -> dict[str, Any] | None:
    try:
        return plan_api().get(api_path("/people/{person_id}", person_id=person_id))
    except ApiError as error:
        if error.status == 404:
            return None
        raise


@bp.get("/hr/people/<person_id>")
@login_required("hr")
def person(person_id: str):
    """A person as HR sees them: directory entry, portal account, plans; export, access log and erasure."""
    entry = directory_entry(person_id)
    account = portal().store.account(person_id)
    if entry is None and account is None:
        abort(404)
    plans = all_plans(employee_id=person_id) if entry is not None else []
    manager_id = (entry or {}).get("manager_id") or ""
    manager = people_by_id([manager_id]).get(manager_id) or {}
    return render_template("privacy/person.html", person_id=person_id, entry=entry, account=account, plans=plans,
                           manager=manager)


# -- HR: erasure ---------------------------------------------------------------------------------------
@bp.route("/hr/people/<person_id>/erase", methods=["GET", "POST"])
@login_required("hr")
def erase(person_id: str):
    """Forget a person (GDPR erasure): the plan service destroys their keys, then the portal its account's."""
    user = current_user()
    entry = directory_entry(person_id)
    store = portal().store
    account = store.account(person_id)
    if entry is None and account is None:
        abort(404)
    form = Form(request.form if request.method == "POST" else None)
    if person_id == user.username:
        form.error("body", _("You cannot erase yourself; ask a colleague in HR."))
    if request.method == "POST" and form.ok:
        if form.get("confirm") != person_id:
            form.error("confirm", _("Type the username %(id)s exactly to confirm.", id=person_id))
        else:
            result = None
            if entry is not None:
                result = plan_api().post(api_path("/people/{person_id}/erase", person_id=person_id))
            erased_account = store.erase_account(person_id, actor=user.username)
            plans = (result or {}).get("plans", 0)
            if erased_account:
                flash(_("%(id)s was erased: %(n)d plan(s) made unreadable and the portal account closed for good.",
                        id=person_id, n=plans), "info")
            else:
                flash(_("%(id)s was erased: %(n)d plan(s) made unreadable; there was no portal account.",
                        id=person_id, n=plans), "info")
            return redirect(url_for("privacy.person", person_id=person_id))
    status = 200 if form.ok else 422
    return render_template("privacy/erase.html", person_id=person_id, entry=entry, account=account,
                           form=form), status
