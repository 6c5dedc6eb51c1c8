"""The employee's pages: dashboard, start a plan, self-evaluation, SMART goals, feedback, submit, exports."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal import charts, ical, pdf
from services.portal.api_client import ApiError, api_path
from services.portal.auth import current_user, login_required
from services.portal.forms import Form, as_number
from services.portal.i18n import refusal, translate_reason
from services.portal.smart import check_goal, letter_names
from services.portal.views.assessments import assessment_body, checked_skill
from services.portal.views.badges import badge_state, eligible_map
from services.portal.views.common import (
    current_plan_summary,
    goal_progress,
    load_plan,
    next_actions,
    optional_recommender,
    overdue,
    plan_api,
)
from services.portal.vocabulary import FEEDBACK_SOURCES, MEANS, TRIGGERS

bp = Blueprint("employee", __name__)
GOAL_SKILL_ROWS = 3


def skill_chart(plan: dict[str, Any]):
    skills = [s for s in plan.get("skills") or [] if s.get("status") != "obsolete"]
    return charts.skill_bars(skills, _("Skills: current level against target level"), _("Current level"),
                             _("Target level"))


def safe_name(value: Any) -> str:
    """A file name part that no header or file system misreads."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", str(value or "plan"))[:60] or "plan"


def is_owner(plan: dict[str, Any]) -> bool:
    user = current_user()
    return bool(user and plan.get("employee_id") == user.username)


@bp.get("/plan")
@login_required("employee")
def dashboard():
    user = current_user()
    summary = current_plan_summary(user.username)
    if summary is None:
        return render_template("employee/dashboard.html", plan=None)
    plan = load_plan(summary["id"])
    goals = [{**g, "percent": goal_progress(g)} for g in plan.get("goals") or [] if g.get("status") != "abandoned"]
    deadlines = sorted((g for g in goals if g.get("status") == "open"), key=lambda g: g.get("deadline") or "")
    actions = next_actions(plan)
    return render_template("employee/dashboard.html", plan=plan, goals=goals, deadlines=deadlines,
                           actions=actions, overdue=overdue, chart=skill_chart(plan))


@bp.route("/plan/new", methods=["GET", "POST"])
@login_required("employee")
def start():
    user = current_user()
    existing = current_plan_summary(user.username)
    if existing is not None and existing.get("status") != "closed":  # the API would refuse a second open plan
        flash(_("You already have a plan for this period; here it is. You can change its details here."), "info")
        return redirect(url_for("employee.plan_page", plan_id=existing["id"]))
    today = date.today()
    defaults = {"period_start": date(today.year, 1, 1).isoformat(),
                "period_end": date(today.year + 1, 12, 31).isoformat(),
                "trigger": "appraisal_interview", "available_hours": "80", "available_budget": "1500"}
    form = Form(request.form if request.method == "POST" else defaults)
    if request.method == "POST":
        body = {"employee_id": user.username, "trigger": form.choice("trigger", TRIGGERS), **plan_details(form)}
        if form.ok:
            try:
                plan = plan_api().post(api_path("/plans"), body)
                flash(_("Your plan has started. Begin with your self-evaluation."), "info")
                return redirect(url_for("employee.skills", plan_id=plan["id"]))
            except ApiError as error:
                form.api_errors(error, set(body))
    return render_template("employee/start.html", form=form, triggers=TRIGGERS), (200 if form.ok else 422)


@bp.get("/plans/<plan_id>")
@login_required()
def plan_page(plan_id: str):
    return plan_page_response(plan_id)


def plan_page_response(plan_id: str, forms: dict[str, Form] | None = None, status: int = 200):
    """The plan's overview; FORMS carry a refused check-in form back with its errors (status 422)."""
    plan = load_plan(plan_id)
    gap = problem = None  # the recommender's answer as it is: the portal computes no level of its own
    if plan.get("target_role"):
        gap, problem = optional_recommender(
            lambda api: api.get(api_path("/roles/{role_id}/gap", role_id=plan["target_role"]),
                            employee=plan["employee_id"]))
    goals = [{**g, "percent": goal_progress(g)} for g in plan.get("goals") or []]
    actions = {a["action_id"]: a for a in plan.get("actions") or []}
    owner = is_owner(plan)
    badges = eligible_map(badge_state(plan_id)) if owner else {}
    return render_template("employee/plan.html", plan=plan, goals=goals, actions=actions, owner=owner, badges=badges,
                           chart=skill_chart(plan), role_gap=gap, role_gap_problem=problem, overdue=overdue,
                           forms=forms or {}, means=MEANS,
                           timeline=charts.timeline(plan.get("actions") or [], plan.get("period_start"),
                                                    plan.get("period_end"), _("Timeline of learning actions"))), \
        status


def editing_skill(plan: dict[str, Any], name: str) -> dict[str, str] | None:
    """The form values of the plan's assessment of NAME (to edit it), or None."""
    for entry in plan.get("skills") or []:
        if str(entry.get("skill", "")).casefold() == name.casefold():
            return {"skill": entry["skill"], "category": entry.get("category") or "technical",
                    "level": str(entry.get("level", "")), "status": entry.get("status") or "",
                    "note": entry.get("note") or "", "transferable_to": ", ".join(entry.get("transferable_to") or [])}
    return None


def plan_details(form: Form) -> dict[str, Any]:
    """A plan's details as the start form and the details form both read them."""
    return {"career_project": form.text("career_project", max_length=5000),
            "target_role": form.text("target_role", max_length=200) or None,
            "period_start": form.day("period_start"), "period_end": form.day("period_end"),
            "available_hours": as_number(form.decimal("available_hours")),
            "available_budget": as_number(form.decimal("available_budget"))}


def check_goal_skills(plan: dict[str, Any], form: Form, rows: list[dict[str, Any]],
                      already: set[str] = frozenset()) -> None:
    """Each goal skill row must name a skill the plan or the taxonomy knows (saved under that name), or be marked
    as new: a half-typed word is refused, not saved. ALREADY: names the goal has (a revision keeps them)."""
    for index, row in enumerate(rows, start=1):
        field = row.pop("field", f"skill_{index}")
        if row["skill"].casefold() not in already:
            row["skill"] = checked_skill(plan, form, field, row["skill"])


@bp.route("/plans/<plan_id>/skills", methods=["GET", "POST"])
@login_required("employee")
def skills(plan_id: str):
    plan = load_plan(plan_id)
    editing = editing_skill(plan, request.args.get("skill", "")[:200]) if request.method == "GET" else None
    form = Form(request.form if request.method == "POST" else editing or {"category": "technical"})
    if request.method == "POST":
        body = assessment_body(plan, form, "self")
        path = api_path("/plans/{plan_id}/assessments", plan_id=plan_id)
        if form.send(lambda: plan_api().post(path, body), set(body)):
            flash(_("Saved: %(skill)s, level %(level)d.", skill=body["skill"], level=body["level"]), "info")
            return redirect(url_for("employee.skills", plan_id=plan_id))
    return render_template("employee/skills.html", plan=plan, form=form, chart=skill_chart(plan),
                           editing=editing is not None or (request.method == "POST" and bool(
                               editing_skill(plan, form.get("skill"))))), (200 if form.ok else 422)


def goal_body(form: Form) -> dict[str, Any]:
    """The API body of a goal form; skill rows without a name are left out."""
    rows = []
    for index in range(1, GOAL_SKILL_ROWS + 1):
        name = form.get(f"skill_{index}")
        if not name:
            continue
        level = form.integer(f"target_{index}", 0, 5)
        rows.append({"skill": name[:200], "target_level": level, "field": f"skill_{index}"})
    return {
        "title": form.text("title", required=True, max_length=200),
        "skills": rows,
        "measure": form.text("measure"),
        "hours_needed": as_number(form.decimal("hours_needed")),
        "budget_needed": as_number(form.decimal("budget_needed")),
        "relevance": form.text("relevance"),
        "deadline": form.day("deadline"),
    }


@bp.route("/plans/<plan_id>/goals/new", methods=["GET", "POST"])
@login_required("employee")
def new_goal(plan_id: str):
    plan = load_plan(plan_id)
    form = Form(request.form if request.method == "POST" else {"hours_needed": "0", "budget_needed": "0",
                                                                 "target_1": "3"})
    smart = None
    if request.method == "POST":
        body = goal_body(form)
        if not body["skills"]:
            form.error("skill_1", _("S (specific): name at least one skill"))
        check_goal_skills(plan, form, body["skills"])
        if form.send(lambda: plan_api().post(api_path("/plans/{plan_id}/goals", plan_id=plan_id), body), set(body)):
            flash(_("Goal saved: %(title)s", title=body["title"]), "info")
            return redirect(url_for("employee.plan_page", plan_id=plan_id))
        if "skills" in form.errors:
            form.errors["skill_1"] = form.errors.pop("skills")
        smart = check_goal(plan_api(), plan_id, {**form.data, "skills": [
            {"skill": form.get(f"skill_{i}"), "target_level": form.get(f"target_{i}")}
            for i in range(1, GOAL_SKILL_ROWS + 1)]})
    return render_template("employee/goal.html", plan=plan, form=form, rows=range(1, GOAL_SKILL_ROWS + 1),
                           smart=smart, names=letter_names()), (200 if form.ok else 422)


@bp.route("/plans/<plan_id>/feedback", methods=["GET", "POST"])
@login_required()
def feedback(plan_id: str):
    plan = load_plan(plan_id)
    user = current_user()
    owner = is_owner(plan)
    sources = {k: v for k, v in FEEDBACK_SOURCES.items() if (k in {"self", "peer", "mentor"}) == owner}
    form = Form(request.form if request.method == "POST" else {"source": next(iter(sources))})
    if request.method == "POST":
        body = {"source": form.choice("source", sources), "text": form.text("text", required=True),
                "goal_id": form.get("goal_id") or None}
        if form.send(lambda: plan_api().post(api_path("/plans/{plan_id}/feedback", plan_id=plan_id), body), set(body)):
            flash(_("Your feedback was added."), "info")
            return redirect(url_for("employee.feedback", plan_id=plan_id))
    thread = sorted(
        [{"kind": "feedback", **f} for f in plan.get("feedback") or []]
        + [{"kind": "review", **r} for r in plan.get("reviews") or []]
        + [{"kind": "progress", **p} for p in plan.get("progress") or []],
        key=lambda item: item.get("on") or "")
    return render_template("employee/feedback.html", plan=plan, thread=thread, form=form, sources=sources,
                           user=user, owner=owner,
                           goal_options={g["goal_id"]: g["title"] for g in plan.get("goals") or []}), \
        (200 if form.ok else 422)


@bp.post("/plans/<plan_id>/submit")
@login_required("employee")
def submit(plan_id: str):
    try:
        plan_api().post(api_path("/plans/{plan_id}/submit", plan_id=plan_id),
                        {"note": request.form.get("note", "")[:5000]})
        flash(_("Your plan was sent to your manager for review."), "info")
    except ApiError as error:
        reasons = [translate_reason(e.get("reason")) for e in error.errors]
        flash(_("The plan could not be submitted: %(why)s", why="; ".join(reasons)) if reasons else refusal(error),
              "error")
    return redirect(url_for("employee.plan_page", plan_id=plan_id))


@bp.get("/plans/<plan_id>/export.pdf")
@login_required()
def export_pdf(plan_id: str):
    plan = load_plan(plan_id)
    data = pdf.plan_pdf(plan)
    name = f"groeipad-{safe_name(plan.get('employee_id'))}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/plans/<plan_id>/actions.ics")
@login_required()
def export_ics(plan_id: str):
    plan = load_plan(plan_id)
    name = f"groeipad-{safe_name(plan.get('employee_id'))}.ics"
    return Response(ical.plan_calendar(plan, request.host), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
