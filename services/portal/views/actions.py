"""Learning actions: suggestions per gap (accept / dismiss), the timeline, and each action's life cycle."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal import charts
from services.portal.api_client import ApiError, api_path
from services.portal.auth import current_user, login_required
from services.portal.forms import Form, as_number
from services.portal.i18n import as_date, refusal
from services.portal.reasons import person_ids, worded
from services.portal.views.badges import badge_state, eligible_map
from services.portal.views.common import (
    load_plan,
    optional_recommender,
    overdue,
    people_by_id,
    plan_api,
    skill_gaps,
)
from services.portal.vocabulary import MEANS

bp = Blueprint("actions", __name__)
DISMISS_REASONS = {
    "not_relevant": _l("Does not fit my goal"),
    "too_expensive": _l("Too expensive"),
    "no_time": _l("Does not fit my schedule"),
    "known": _l("I know this already"),
    "other": _l("Other reason"),
}
ACTION_FIELDS = {"goal_ids", "means", "title", "provider", "planned_start", "planned_end", "hours", "cost",
                 "certificate", "offer_id"}


def action_body(form: Form) -> dict[str, Any]:
    return {
        "goal_ids": form.getlist("goal_ids")[:20],
        "means": form.choice("means", MEANS),
        "title": form.text("title", required=True, max_length=200),
        "provider": form.text("provider", max_length=200),
        "planned_start": form.day("planned_start"),
        "planned_end": form.day("planned_end"),
        "hours": as_number(form.decimal("hours")),
        "cost": as_number(form.decimal("cost")),
        "certificate": form.get("certificate") == "on",
    }


def budget_if(plan_id: str, form: Form) -> dict[str, Any] | None:
    """The plan service's budget use with this action added (its warning, with numbers), before deciding."""
    hours, cost = form.decimal("hours"), form.decimal("cost")
    if hours is None or cost is None:
        return None
    return plan_api().get(api_path("/plans/{plan_id}/budget-check", plan_id=plan_id), hours=as_number(hours),
                          cost=as_number(cost))


def default_dates(plan: dict[str, Any]) -> tuple[date, date]:
    """Next month's first day (inside the period) to three months later: a sensible first guess."""
    start, end = as_date(plan.get("period_start")), as_date(plan.get("period_end"))
    today = date.today()
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    first = min(max(first, start), end) if start and end else first
    last = min(first + timedelta(days=90), end) if end else first + timedelta(days=90)
    return first, last


@bp.get("/plans/<plan_id>/suggestions")
@login_required("employee")
def suggestions(plan_id: str):
    """The recommender's answer for the person's current gaps: it asks the plan service for them and leaves out
    what the plan holds and what they dismissed; the page only renders it."""
    plan = load_plan(plan_id)
    filters = Form(request.args)
    means = [m for m in filters.getlist("means") if m in MEANS]
    query: dict[str, Any] = {"limit": 15, "deadline": plan.get("period_end")}
    if means:
        query["means"] = means
    if filters.get("language") in {"nl", "en"}:
        query["language"] = filters.get("language")
    max_cost = filters.decimal("max_cost") if filters.get("max_cost") else None
    if max_cost is not None:
        query["max_cost"] = as_number(max_cost)
    hours = filters.decimal("hours_per_week") if filters.get("hours_per_week") else None
    if hours is not None:
        query["hours_per_week"] = as_number(hours)
    path = api_path("/employees/{employee_id}/recommendations", employee_id=plan["employee_id"])
    answer, problem = optional_recommender(
        lambda api: api.get(path, **{k: v for k, v in query.items() if v is not None}), {})
    # without the recommender's answer the page still names the gaps, as the plan service decides them
    gaps = (answer or {}).get("gaps") if not problem else skill_gaps(plan["employee_id"])
    groups: dict[str, list[dict[str, Any]]] = {g["skill"]: [] for g in gaps or []}
    items = (answer or {}).get("recommendations") or []
    names = {pid: str(p["name"]) for pid, p in people_by_id(person_ids(items)).items()
             if isinstance(p, dict) and p.get("name")}
    for item in items:
        rid = str(item.get("recommendation_id") or uuid5(NAMESPACE_URL, f"{plan_id}:{item.get('offer_id')}"))
        groups.setdefault(str(item.get("gap") or _("Other")), []).append(
            {**item, "recommendation_id": rid, "reasons": worded(item, names)})
    return render_template("employee/suggestions.html", plan=plan, gaps=gaps or [], groups=groups, problem=problem,
                           filters=filters, means=MEANS, chosen_means=means, reasons=DISMISS_REASONS,
                           model_version=(answer or {}).get("model_version"))


@bp.route("/plans/<plan_id>/suggestions/accept", methods=["GET", "POST"])
@login_required("employee")
def accept(plan_id: str):
    plan = load_plan(plan_id)
    if request.method == "GET":
        first, last = default_dates(plan)
        args = request.args
        gap = (args.get("gap") or "").casefold()
        goals = [g["goal_id"] for g in plan.get("goals") or [] if g.get("status") == "open"
                 and any(s["skill"].casefold() == gap for s in g.get("skills") or [])]
        form = Form({"recommendation_id": args.get("recommendation_id", ""), "offer_id": args.get("offer_id", ""),
                     "title": args.get("title", ""), "means": args.get("means", ""),
                     "provider": args.get("provider", ""), "hours": args.get("hours", "0") or "0",
                     "cost": args.get("cost", "0") or "0", "planned_start": first.isoformat(),
                     "planned_end": last.isoformat()})
        form.lists["goal_ids"] = goals
        budget = budget_if(plan_id, form)
        form.errors.clear()  # a suggestion's odd number is for the form to show, not an error yet
        return render_template("employee/action_form.html", plan=plan, form=form, means=MEANS, accepting=True,
                               budget=budget)
    form = Form(request.form)
    body = action_body(form)
    body["offer_id"] = form.get("offer_id")[:100] or None
    rid = form.get("recommendation_id")[:100]
    if not rid:
        form.error("body", _("This suggestion is no longer available; open the suggestions again."))
    path = "/plans/{plan_id}/recommendations/{recommendation_id}/accept"
    if form.send(lambda: plan_api().post(api_path(path, plan_id=plan_id, recommendation_id=rid), body),
                 ACTION_FIELDS):
        flash(_("Planned: %(title)s. You find it on your timeline.", title=body["title"]), "info")
        return redirect(url_for("actions.timeline", plan_id=plan_id))
    return render_template("employee/action_form.html", plan=plan, form=form, means=MEANS, accepting=True,
                           budget=budget_if(plan_id, Form(request.form))), 422


@bp.post("/plans/<plan_id>/suggestions/dismiss")
@login_required("employee")
def dismiss(plan_id: str):
    form = Form(request.form)
    rid = form.get("recommendation_id")[:100]
    reason_key = form.choice("reason", DISMISS_REASONS)
    words = form.text("note", max_length=1000)
    reason = " — ".join(x for x in (str(DISMISS_REASONS.get(reason_key or "", "")), words) if x)
    if not rid or not form.ok or not reason:
        flash(_("Choose why the suggestion does not fit."), "error")
    else:
        try:
            offer_id = form.get("offer_id")[:100] or None
            plan_api().post(api_path("/plans/{plan_id}/recommendations/{recommendation_id}/dismiss",
                                     plan_id=plan_id, recommendation_id=rid),
                            {"offer_id": offer_id, "reason": reason})
            if offer_id:  # the recommender narrows the person's next suggestions by the reason, at once
                dismissals = api_path("/people/{person_id}/dismissals", person_id=current_user().username)
                optional_recommender(lambda api: api.post(dismissals, {
                    "offer_id": offer_id, "reason": reason_key or "other", "gap": form.get("gap")[:200] or None,
                    "note": words or None}))
            flash(_("Suggestion dismissed. Thank you: this improves the next suggestions."), "info")
        except ApiError as error:
            flash(refusal(error), "error")
    return redirect(url_for("actions.suggestions", plan_id=plan_id))


@bp.get("/plans/<plan_id>/timeline")
@login_required()
def timeline(plan_id: str):
    plan = load_plan(plan_id)
    actions = {a["action_id"]: a for a in plan.get("actions") or []}
    semesters = []
    for slot in plan.get("timeline") or []:
        items = [actions[a] for a in slot.get("actions") or [] if a in actions]
        quarters: dict[str, list[dict[str, Any]]] = {}
        for action in items:
            start = as_date(action.get("planned_start"))
            quarters.setdefault(f"Q{(start.month - 1) // 3 + 1}" if start else "", []).append(action)
        semesters.append({**slot, "quarters": quarters})
    cancelled = [a for a in actions.values() if a.get("status") == "cancelled"]
    chart = charts.timeline(list(actions.values()), plan.get("period_start"), plan.get("period_end"),
                            _("Timeline of learning actions"))
    return render_template("employee/timeline.html", plan=plan, semesters=semesters, cancelled=cancelled,
                           chart=chart, overdue=overdue)


@bp.route("/plans/<plan_id>/actions/new", methods=["GET", "POST"])
@login_required("employee")
def new_action(plan_id: str):
    plan = load_plan(plan_id)
    if request.method == "GET":
        first, last = default_dates(plan)
        form = Form({"means": "internal_training", "hours": "8", "cost": "0", "planned_start": first.isoformat(),
                     "planned_end": last.isoformat()})
        return render_template("employee/action_form.html", plan=plan, form=form, means=MEANS, accepting=False)
    form = Form(request.form)
    body = action_body(form)
    if form.send(lambda: plan_api().post(api_path("/plans/{plan_id}/actions", plan_id=plan_id), body), ACTION_FIELDS):
        flash(_("Planned: %(title)s.", title=body["title"]), "info")
        return redirect(url_for("actions.timeline", plan_id=plan_id))
    return render_template("employee/action_form.html", plan=plan, form=form, means=MEANS, accepting=False), 422


def find_action(plan: dict[str, Any], action_id: str) -> dict[str, Any]:
    for action in plan.get("actions") or []:
        if action["action_id"] == action_id:
            return action
    raise ApiError(404, "action not found")


@bp.get("/plans/<plan_id>/actions/<action_id>")
@login_required()
def action(plan_id: str, action_id: str):
    plan = load_plan(plan_id)
    item = find_action(plan, action_id)
    mine = plan.get("employee_id") == getattr(current_user(), "username", None)
    badges = eligible_map(badge_state(plan_id)) if mine and item.get("status") == "completed" else {}
    return render_template("employee/action.html", plan=plan, action=item, forms={}, today=date.today().isoformat(),
                           badges=badges)


OPERATIONS = {"start", "complete", "reschedule", "cancel", "funding"}


@bp.post("/plans/<plan_id>/actions/<action_id>/<operation>")
@login_required("employee")
def act(plan_id: str, action_id: str, operation: str):
    if operation not in OPERATIONS:
        raise ApiError(404, "no such operation")
    form = Form(request.form)
    if operation == "start":
        body: dict[str, Any] = {"date": form.day("date")}
    elif operation == "complete":
        body = {"date": form.day("date"), "evaluation": form.integer("evaluation", 1, 5),
                "reflection": form.text("reflection")}
        level = form.integer("new_level", 0, 5, required=False)
        if level is not None and form.get("skill"):
            body["skill_levels"] = [{"skill": form.get("skill")[:200], "level": level}]
    elif operation == "reschedule":
        body = {"planned_start": form.day("planned_start"), "planned_end": form.day("planned_end"),
                "reason": form.text("reason", required=True)}
    elif operation == "cancel":
        body = {"reason": form.text("reason", required=True)}
    else:
        body = {"amount": as_number(form.decimal("amount", required=True)),
                "justification": form.text("justification", required=True)}
    path = api_path("/plans/{plan_id}/actions/{action_id}/{operation}", plan_id=plan_id, action_id=action_id,
                    operation=operation)
    if form.send(lambda: plan_api().post(path, body),
                 set(body) | {"date"}):
        done = {"start": _("Started."), "complete": _("Completed. Well done!"), "reschedule": _("Rescheduled."),
                "cancel": _("Cancelled."), "funding": _("Funding requested; your manager decides.")}
        flash(done[operation], "info")
        return redirect(url_for("actions.action", plan_id=plan_id, action_id=action_id))
    plan = load_plan(plan_id)
    item = find_action(plan, action_id)
    return render_template("employee/action.html", plan=plan, action=item, forms={operation: form},
                           today=date.today().isoformat(), badges={}), 422


@bp.post("/plans/<plan_id>/completion-proposals")
@login_required("employee")
def settle_proposal(plan_id: str):
    """A completion the learning platform reported (services/xapi): the employee says which action it was, or
    that it was none of them. The proposal's id travels in the form, like the choice."""
    form = Form(request.form)
    decision, proposal_id = form.get("decision"), form.get("proposal_id")
    if decision not in {"accept", "reject"} or not proposal_id:
        raise ApiError(404, "no such proposal")
    body: dict[str, Any] = {}
    if decision == "accept":
        body = {"action_id": form.get("action_id"), "evaluation": form.integer("evaluation", 1, 5, required=False)}
    path = api_path("/plans/{plan_id}/completion-proposals/{proposal_id}/{decision}", plan_id=plan_id,
                    proposal_id=proposal_id, decision=decision)
    if form.send(lambda: plan_api().post(path, body), set(body)):
        flash(_("Completed. Well done!") if decision == "accept" else _("Noted: that was not one of your actions."),
              "info")
    else:
        flash(" ".join(m for messages in form.errors.values() for m in messages) or _("That did not work; try again."),
              "error")
    return redirect(url_for("actions.timeline", plan_id=plan_id))
