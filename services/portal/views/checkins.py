"""Check-ins on the plan page: schedule, add agenda points, reschedule, cancel, record notes and agreements, and
turn an agreement into a learning action or a goal change in one step. Each form is one plan-service command;
who may do what and what is valid, the plan service decides. A refused form comes back with its reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from services.portal.api_client import ApiPath, api_path
from services.portal.auth import login_required
from services.portal.forms import Form, as_number
from services.portal.views.common import plan_api
from services.portal.views.employee import plan_page_response
from services.portal.vocabulary import MEANS

bp = Blueprint("checkins", __name__)
PREFIX = "/plans/<plan_id>/checkins"
SHORT = 200


def lines(raw: str, limit: int = 30) -> list[str]:
    """One point per line (what an agenda or a list of agreements is typed as)."""
    return [line.strip()[:SHORT] for line in (raw or "").splitlines() if line.strip()][:limit]


def slot(form: Form) -> dict[str, Any]:
    return {"on": form.day("on"), "at": form.text("at", required=True, max_length=5),
            "duration_minutes": form.integer("duration_minutes", 1, 24 * 60),
            "location": form.text("location", required=True, max_length=SHORT)}


def send(plan_id: str, key: str, form: Form, path: ApiPath, body: dict[str, Any], done: str,
         call: Callable[[ApiPath, dict[str, Any]], Any] | None = None):
    """Post BODY; on success back to the plan's check-ins with DONE, else the plan page with this form's errors."""
    post = call or (lambda p, b: plan_api().post(p, b))
    if form.send(lambda: post(path, body), set(body)):
        flash(done, "info")
        return redirect(url_for("employee.plan_page", plan_id=plan_id, _anchor="checkins"))
    return plan_page_response(plan_id, {key: form}, 422)


@bp.post(PREFIX)
@login_required()
def schedule(plan_id: str):
    form = Form(request.form)
    body = {**slot(form), "agenda": lines(form.get("agenda"))}
    return send(plan_id, "schedule", form, api_path("/plans/{plan_id}/checkins", plan_id=plan_id), body,
                _("The check-in is scheduled."))


@bp.get(PREFIX + "/<checkin_id>")
@bp.get("/team" + PREFIX + "/<checkin_id>")
@login_required()
def show(plan_id: str, checkin_id: str):
    """Where the notifier's mails point: the check-in on the plan page (for the employee and the manager)."""
    api_path("/plans/{plan_id}/checkins/{checkin_id}/agenda", plan_id=plan_id, checkin_id=checkin_id)  # ids valid
    return redirect(url_for("employee.plan_page", plan_id=plan_id, _anchor=f"checkin-{checkin_id}"))


def checkin_path(plan_id: str, checkin_id: str, operation: str) -> ApiPath:
    return api_path("/plans/{plan_id}/checkins/{checkin_id}/" + operation, plan_id=plan_id, checkin_id=checkin_id)


@bp.post(PREFIX + "/<checkin_id>/agenda")
@login_required()
def agenda(plan_id: str, checkin_id: str):
    form = Form(request.form)
    body = {"point": form.text("point", required=True, max_length=SHORT)}
    return send(plan_id, f"agenda-{checkin_id}", form, checkin_path(plan_id, checkin_id, "agenda"), body,
                _("Your point is on the agenda."))


@bp.post(PREFIX + "/<checkin_id>/reschedule")
@login_required()
def reschedule(plan_id: str, checkin_id: str):
    form = Form(request.form)
    body = {**slot(form), "reason": form.text("reason", required=True)}
    return send(plan_id, f"reschedule-{checkin_id}", form, checkin_path(plan_id, checkin_id, "reschedule"), body,
                _("The check-in is moved."))


@bp.post(PREFIX + "/<checkin_id>/cancel")
@login_required()
def cancel(plan_id: str, checkin_id: str):
    form = Form(request.form)
    body = {"reason": form.text("reason", required=True)}
    return send(plan_id, f"cancel-{checkin_id}", form, checkin_path(plan_id, checkin_id, "cancel"), body,
                _("The check-in is cancelled."))


@bp.post(PREFIX + "/<checkin_id>/record")
@login_required()
def record(plan_id: str, checkin_id: str):
    form = Form(request.form)
    body = {"notes": form.text("notes"), "agreements": lines(form.get("agreements"))}
    return send(plan_id, f"record-{checkin_id}", form, checkin_path(plan_id, checkin_id, "record"), body,
                _("The notes and agreements are saved."))


def agreement_path(plan_id: str, checkin_id: str, agreement_id: str, operation: str) -> ApiPath:
    return api_path("/plans/{plan_id}/checkins/{checkin_id}/agreements/{agreement_id}/" + operation,
                    plan_id=plan_id, checkin_id=checkin_id, agreement_id=agreement_id)


@bp.post(PREFIX + "/<checkin_id>/agreements/<agreement_id>/action")
@login_required()
def to_action(plan_id: str, checkin_id: str, agreement_id: str):
    form = Form(request.form)
    body = {"title": form.text("title", required=True, max_length=SHORT), "means": form.choice("means", MEANS),
            "planned_start": form.day("planned_start"), "planned_end": form.day("planned_end"),
            "hours": as_number(form.decimal("hours")), "cost": as_number(form.decimal("cost")),
            "goal_ids": form.getlist("goal_ids")[:20]}
    return send(plan_id, f"action-{agreement_id}", form,
                agreement_path(plan_id, checkin_id, agreement_id, "action"), body,
                _("The agreement is now a learning action on your plan."))


@bp.post(PREFIX + "/<checkin_id>/agreements/<agreement_id>/goal")
@login_required()
def to_goal(plan_id: str, checkin_id: str, agreement_id: str):
    form = Form(request.form)
    body: dict[str, Any] = {"goal_id": form.text("goal_id", required=True, max_length=100),
                            "reason": form.text("reason")}
    if form.get("title"):
        body["title"] = form.text("title", max_length=SHORT)
    if form.get("deadline"):
        body["deadline"] = form.day("deadline")
    if form.get("measure"):
        body["measure"] = form.text("measure")
    return send(plan_id, f"goal-{agreement_id}", form,
                agreement_path(plan_id, checkin_id, agreement_id, "goal-revision"), body,
                _("The agreement changed the goal."))
