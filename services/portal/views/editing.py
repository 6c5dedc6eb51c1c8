"""Editing what one made: the plan's own fields, a goal's revision, achieved or abandoned, progress notes and
withdrawing a skill assessment. Every change is a command of the plan service, so it lands in the history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.api_client import ApiError, api_path
from services.portal.auth import login_required
from services.portal.forms import Form, as_number
from services.portal.i18n import refusal
from services.portal.views.common import load_plan, plan_api
from services.portal.views.employee import check_goal_skills, plan_details

bp = Blueprint("editing", __name__)
GOAL_SKILL_ROWS = 3
DETAIL_FIELDS = ("career_project", "target_role", "period_start", "period_end", "available_hours",
                 "available_budget")


def _same(old: Any, new: Any) -> bool:
    """Form values against the plan's: numbers and dates compared as the API writes them."""
    if isinstance(new, int | float) and old is not None:
        try:
            return float(old) == float(new)
        except (TypeError, ValueError):
            return False
    return str(old if old is not None else "") == str(new if new is not None else "")


@bp.route("/plans/<plan_id>/details", methods=["GET", "POST"])
@login_required("employee")
def details(plan_id: str):
    """The career project, target role, period, hours and budget: only what changed is sent."""
    plan = load_plan(plan_id)
    form = Form(request.form if request.method == "POST" else {
        **{k: plan.get(k) if plan.get(k) is not None else "" for k in DETAIL_FIELDS}})
    if request.method == "POST":
        body: dict[str, Any] = {k: v for k, v in plan_details(form).items() if not _same(plan.get(k), v)}
        if form.ok and not body:
            form.error("body", _("Nothing changed: change a field, or go back to the plan."))
        body["reason"] = form.text("reason", max_length=5000)
        path = api_path("/plans/{plan_id}/details", plan_id=plan_id)
        if form.send(lambda: plan_api().patch(path, body), set(DETAIL_FIELDS) | {"reason"}):
            flash(_("Your plan was updated."), "info")
            return redirect(url_for("employee.plan_page", plan_id=plan_id))
    return render_template("employee/details.html", plan=plan, form=form), (200 if form.ok else 422)


def _goal(plan: dict[str, Any], goal_id: str) -> dict[str, Any]:
    for goal in plan.get("goals") or []:
        if goal.get("goal_id") == goal_id:
            return goal
    raise ApiError(404, "goal not found")


@bp.route("/plans/<plan_id>/goals/<goal_id>/edit", methods=["GET", "POST"])
@login_required("employee")
def revise_goal(plan_id: str, goal_id: str):
    """Revise a goal: the API asks why, so the form does too; only the fields that changed are sent."""
    plan = load_plan(plan_id)
    goal = _goal(plan, goal_id)
    initial = {k: goal.get(k) if goal.get(k) is not None else "" for k in
               ("title", "measure", "relevance", "deadline", "hours_needed", "budget_needed")}
    for index, item in enumerate((goal.get("skills") or [])[:GOAL_SKILL_ROWS], start=1):
        initial[f"skill_{index}"], initial[f"target_{index}"] = item["skill"], str(item["target_level"])
    form = Form(request.form if request.method == "POST" else initial)
    if request.method == "POST":
        rows = []
        for index in range(1, GOAL_SKILL_ROWS + 1):
            name = form.get(f"skill_{index}")
            if name:
                rows.append({"skill": name[:200], "target_level": form.integer(f"target_{index}", 0, 5),
                             "field": f"skill_{index}"})
        check_goal_skills(plan, form, rows, {s["skill"].casefold() for s in goal.get("skills") or []})
        typed = {
            "title": form.text("title", required=True, max_length=200),
            "measure": form.text("measure"),
            "relevance": form.text("relevance"),
            "deadline": form.day("deadline"),
            "hours_needed": as_number(form.decimal("hours_needed")),
            "budget_needed": as_number(form.decimal("budget_needed")),
        }
        body: dict[str, Any] = {k: v for k, v in typed.items() if not _same(goal.get(k), v)}
        if not rows:
            form.error("skill_1", _("S (specific): name at least one skill"))
        elif rows != [{"skill": s["skill"], "target_level": s["target_level"]} for s in goal.get("skills") or []]:
            body["skills"] = rows
        reason = form.text("reason", required=True, max_length=5000)
        if form.ok and not body:
            form.error("body", _("Nothing changed: change a field, or go back to the plan."))
        body["reason"] = reason
        path = api_path("/plans/{plan_id}/goals/{goal_id}", plan_id=plan_id, goal_id=goal_id)
        if form.send(lambda: plan_api().patch(path, body), set(typed) | {"reason", "skills"}):
            flash(_("Goal revised: %(title)s", title=typed["title"]), "info")
            return redirect(url_for("employee.plan_page", plan_id=plan_id))
        if "skills" in form.errors:
            form.errors["skill_1"] = form.errors.pop("skills")
    return render_template("employee/goal_edit.html", plan=plan, goal=goal, form=form,
                           rows=range(1, GOAL_SKILL_ROWS + 1)), (200 if form.ok else 422)


def _post_and_report(path, body: dict[str, Any], done: str) -> None:
    """Send a one-step command; its refusal is flashed as a sentence in the user's language."""
    try:
        plan_api().post(path, body)
        flash(done, "info")
    except ApiError as error:
        flash(refusal(error), "error")


@bp.post("/plans/<plan_id>/goals/<goal_id>/achieve")
@login_required("employee")
def achieve_goal(plan_id: str, goal_id: str):
    form = Form(request.form)
    _post_and_report(api_path("/plans/{plan_id}/goals/{goal_id}/achieve", plan_id=plan_id, goal_id=goal_id),
                     {"note": form.text("note", max_length=5000)}, _("Goal achieved. Well done!"))
    return redirect(url_for("employee.plan_page", plan_id=plan_id))


@bp.post("/plans/<plan_id>/goals/<goal_id>/abandon")
@login_required("employee")
def abandon_goal(plan_id: str, goal_id: str):
    form = Form(request.form)
    reason = form.text("reason", max_length=5000)
    if not reason:
        flash(_("Say why you stop working on this goal; nothing was changed."), "error")
    else:
        _post_and_report(api_path("/plans/{plan_id}/goals/{goal_id}/abandon", plan_id=plan_id, goal_id=goal_id),
                         {"reason": reason}, _("The goal was stopped. Its history stays in the plan."))
    return redirect(url_for("employee.plan_page", plan_id=plan_id))


@bp.post("/plans/<plan_id>/progress")
@login_required()
def progress_note(plan_id: str):
    """A progress note on the plan or one goal, optionally with the goal's progress in percent."""
    form = Form(request.form)
    note = form.text("note", max_length=5000)
    percent = form.integer("progress", 0, 100, required=False)
    body: dict[str, Any] = {"note": note}
    if form.get("goal_id"):
        body["goal_id"] = form.get("goal_id")[:100]
        if percent is not None:
            body["progress"] = percent
    if not note or not form.ok:
        flash(_("Write a short note about your progress; nothing was saved."), "error")
    else:
        _post_and_report(api_path("/plans/{plan_id}/progress", plan_id=plan_id), body, _("Progress noted."))
    return redirect(url_for("employee.plan_page", plan_id=plan_id) + "#goals")


@bp.post("/plans/<plan_id>/skills/withdraw")
@login_required("employee")
def withdraw_skill(plan_id: str):
    form = Form(request.form)
    skill = form.text("skill", required=True, max_length=200)
    if form.ok:
        _post_and_report(api_path("/plans/{plan_id}/assessments/withdraw", plan_id=plan_id),
                         {"skill": skill, "reason": form.text("reason", max_length=5000)},
                         _("Removed from your self-evaluation: %(skill)s. The history keeps it.", skill=skill))
    return redirect(url_for("employee.skills", plan_id=plan_id))
