"""Certificates on completed actions (upload, download, recertify) and mandatory learning (HR and L&D define
requirements; the compliance report). The plan service decides every state; these pages show it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from urllib3 import encode_multipart_formdata

from services.portal.api_client import ApiError, api_path
from services.portal.auth import login_required
from services.portal.forms import Form
from services.portal.views.actions import find_action
from services.portal.views.common import load_plan, plan_api

bp = Blueprint("certificates", __name__)
CERTIFICATE_FIELDS = {"number", "issuer", "issued_on", "expires_on", "file"}
STATES = {"valid": _l("valid"), "expiring": _l("expires soon"), "expired": _l("expired")}
COMPLIANCE = {"compliant": _l("compliant"), "due": _l("due"), "overdue": _l("overdue")}
AUTHORS = ("hr", "ld")


def render_action(plan: dict[str, Any], action_id: str, forms: dict[str, Form], status: int = 200):
    return render_template("employee/action.html", plan=plan, action=find_action(plan, action_id), forms=forms,
                           today=date.today().isoformat()), status


@bp.post("/plans/<plan_id>/actions/<action_id>/certificates")
@login_required()
def add_certificate(plan_id: str, action_id: str):
    """The certificate form with its file, passed on as multipart to the plan service, which checks the file."""
    form = Form(request.form)
    fields = {"number": form.text("number", required=True, max_length=200),
              "issuer": form.text("issuer", required=True, max_length=200)}
    issued, expires = form.day("issued_on"), form.day("expires_on", required=False)
    parts: dict[str, Any] = {**fields, "issued_on": issued.isoformat() if issued else ""}
    if expires is not None:
        parts["expires_on"] = expires.isoformat()
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        parts["file"] = (upload.filename[:200], upload.read(), "application/octet-stream")
    body, content_type = encode_multipart_formdata(parts)
    path = api_path("/plans/{plan_id}/actions/{action_id}/certificates", plan_id=plan_id, action_id=action_id)
    if form.send(lambda: plan_api().call("POST", path, data=body, content_type=content_type), CERTIFICATE_FIELDS):
        flash(_("Certificate saved."), "info")
        return redirect(url_for("actions.action", plan_id=plan_id, action_id=action_id))
    return render_action(load_plan(plan_id), action_id, {"certificate": form}, 422)


@bp.get("/plans/<plan_id>/certificates/<certificate_id>/file")
@login_required()
def certificate_file(plan_id: str, certificate_id: str):
    reply = plan_api().call("GET", api_path("/plans/{plan_id}/certificates/{certificate_id}/file", plan_id=plan_id,
                                            certificate_id=certificate_id), headers={"Accept": "*/*"})
    return Response(reply.content, mimetype=reply.headers.get("Content-Type", "application/octet-stream"), headers={
        "Content-Disposition": reply.headers.get("Content-Disposition", "attachment"),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@bp.post("/plans/<plan_id>/certificates/<certificate_id>/recertify")
@login_required()
def recertify(plan_id: str, certificate_id: str):
    """One click: a planned action like the old one, from today for a month, linked to the certificate."""
    form = Form(request.form)
    start = form.day("planned_start", required=False) or date.today()
    end = form.day("planned_end", required=False) or start + timedelta(days=30)
    path = api_path("/plans/{plan_id}/certificates/{certificate_id}/recertify", plan_id=plan_id,
                    certificate_id=certificate_id)
    try:
        answer = plan_api().post(path, {"planned_start": start.isoformat(), "planned_end": end.isoformat()})
    except ApiError as error:
        flash(" ".join(m for messages in error.field_errors().values() for m in messages) or error.message, "error")
        return redirect(request.referrer or url_for("employee.dashboard"))
    flash(_("Recertification planned."), "info")
    return redirect(url_for("actions.action", plan_id=answer["id"], action_id=answer["action_id"]))


# -- mandatory learning --------------------------------------------------------------------------------
def requirement_body(form: Form) -> dict[str, Any]:
    def items(name: str) -> list[str]:
        return [part.strip() for part in form.get(name).replace("\n", ",").split(",") if part.strip()][:50]

    recurrence = form.integer("recurrence_months", 1, 120, required=False)
    return {"name": form.text("name", required=True, max_length=200), "departments": items("departments"),
            "roles": items("roles"), "recurrence_months": recurrence, "offer_ids": items("offer_ids"),
            "skills": items("skills"), "certificate_required": form.get("certificate_required") == "on",
            "grace_days": form.integer("grace_days", 0, 366, required=False) or 0,
            "reason": form.text("reason", max_length=5000)}


REQUIREMENT_FIELDS = {"name", "departments", "roles", "recurrence_months", "offer_ids", "skills", "grace_days",
                      "reason"}


@bp.route("/requirements", methods=["GET", "POST"])
@login_required(*AUTHORS)
def requirements():
    form = Form(request.form) if request.method == "POST" else None
    if form is not None:
        body = requirement_body(form)
        created: dict[str, Any] = {}
        if form.send(lambda: created.update(plan_api().post(api_path("/requirements"), body)), REQUIREMENT_FIELDS):
            flash(_("Requirement saved."), "info")
            return redirect(url_for("certificates.requirement", requirement_id=created["requirement_id"]))
    items = plan_api().get(api_path("/requirements")).get("items") or []
    return render_template("compliance/requirements.html", items=items, form=form), (422 if form else 200)


@bp.route("/requirements/<requirement_id>", methods=["GET", "POST"])
@login_required(*AUTHORS)
def requirement(requirement_id: str):
    path = api_path("/requirements/{requirement_id}", requirement_id=requirement_id)
    form = Form(request.form) if request.method == "POST" else None
    if form is not None:
        if form.get("retire"):
            call = lambda: plan_api().post(api_path("/requirements/{requirement_id}/retire",  # noqa: E731
                                                    requirement_id=requirement_id),
                                           {"reason": form.text("reason", required=True)})
        else:
            body = requirement_body(form)
            call = lambda: plan_api().put(path, body)  # noqa: E731
        if form.send(call, REQUIREMENT_FIELDS):
            flash(_("Requirement saved."), "info")
            return redirect(url_for("certificates.requirement", requirement_id=requirement_id))
    item = plan_api().get(path)
    return render_template("compliance/requirement.html", item=item, form=form), (422 if form else 200)


@bp.get("/compliance")
@login_required(*AUTHORS)
def compliance():
    """Who is compliant, due or overdue per department as of a date (the numbers only for L&D)."""
    form = Form(request.args)
    as_of = form.day("as_of", required=False) or date.today()
    department = (form.get("department") or "").strip()[:200] or None
    report = plan_api().get(api_path("/reports/compliance"), as_of=as_of.isoformat(), department=department)
    return render_template("compliance/report.html", report=report, as_of=as_of.isoformat(),
                           department=department or "", words=COMPLIANCE)
