"""The manager's pages: team overview (direct and indirect reports), review, feedback, funding decisions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.api_client import ApiError, api_path
from services.portal.auth import current_user, login_required
from services.portal.forms import Form, as_number
from services.portal.views.assessments import assessment_body
from services.portal.views.common import load_plan, plan_api
from services.portal.vocabulary import CATEGORIES, REVIEW_OUTCOMES

bp = Blueprint("manager", __name__, url_prefix="/team")


TEAM_PAGE = 50
TEAM_FILTERS = {"all": {}, "waiting": {"attention": "true"}, "direct": {"direct": "true"}}


@bp.get("")
@login_required("manager")
def team():
    """The manager's direct and indirect reports, a page at a time, and what waits for them: two calls whatever the
    team's size, and no plan is opened (so the reports' access logs stay quiet)."""
    shown = request.args.get("show") if request.args.get("show") in TEAM_FILTERS else "all"
    q = (request.args.get("q") or "").strip()[:100]
    page = max(1, min(int(request.args["page"]) if request.args.get("page", "").isdigit() else 1, 20_000))
    path = api_path("/teams/{person_id}/overview", person_id=current_user().username)
    query = {**TEAM_FILTERS[shown], "limit": TEAM_PAGE, "offset": (page - 1) * TEAM_PAGE, **({"q": q} if q else {})}
    try:
        overview = plan_api().get(path, **query)
        waiting = plan_api().get(path, attention="true", limit=20)
    except ApiError as error:
        if error.status != 404:
            raise
        overview = waiting = {"members": [], "total": 0, "people": 0, "attention": 0}  # nobody reports to them
    return render_template("manager/team.html", rows=[team_row(m) for m in overview["members"]],
                           waiting=[team_row(m) for m in waiting["members"]], overview=overview,
                           waiting_total=waiting["total"], shown=shown, q=q, page=page,
                           pages=max(1, -(-overview["total"] // TEAM_PAGE)))


def team_row(member: dict) -> dict:
    plan = member.get("plan") or {}
    return {"person": member["person"], "direct": member["direct"], "plan": member.get("plan"),
            "pending_review": bool(plan.get("review_pending")), "pending_funding": plan.get("pending_funding") or 0,
            "overdue": plan.get("overdue_actions") or 0}


def review_page(plan_id: str, forms: dict[str, Form] | None = None, status: int = 200):
    plan = load_plan(plan_id)
    funding = [a for a in plan.get("actions") or [] if (a.get("funding") or {}).get("status") == "requested"]
    decided = [a for a in plan.get("actions") or [] if (a.get("funding") or {}).get("status") in {"approved",
                                                                                                   "declined"}]
    forms = {"assess": Form({"category": "technical"}), **(forms or {})}
    return render_template("manager/review.html", plan=plan, funding=funding, decided=decided, forms=forms,
                           outcomes=REVIEW_OUTCOMES, categories=CATEGORIES,
                           may_assess=current_user().has("manager") and plan.get("employee_id") != current_user()
                           .username), status


@bp.get("/plans/<plan_id>")
@login_required("manager", "hr")
def review(plan_id: str):
    return review_page(plan_id)


@bp.post("/plans/<plan_id>/review")
@login_required("manager", "hr")
def decide_review(plan_id: str):
    form = Form(request.form)
    body = {"outcome": form.choice("outcome", REVIEW_OUTCOMES), "comment": form.text("comment")}
    if body["outcome"] == "changes_requested" and not body["comment"]:
        form.error("comment", _("Say which changes are needed."))
    if form.send(lambda: plan_api().post(api_path("/plans/{plan_id}/review", plan_id=plan_id), body), set(body)):
        flash(_("Your review was saved."), "info")
        return redirect(url_for("manager.review", plan_id=plan_id))
    return review_page(plan_id, {"review": form}, 422)


@bp.post("/plans/<plan_id>/assessments")
@login_required("manager")
def assess(plan_id: str):
    """The manager's own rating of a report's skill: the same skill check as the employee's self-evaluation."""
    plan = load_plan(plan_id)
    form = Form(request.form)
    body = assessment_body(plan, form, "manager")
    path = api_path("/plans/{plan_id}/assessments", plan_id=plan_id)
    if form.send(lambda: plan_api().post(path, body), set(body)):
        flash(_("Your assessment was saved: %(skill)s, level %(level)d.", skill=body["skill"], level=body["level"]),
              "info")
        return redirect(url_for("manager.review", plan_id=plan_id, _anchor="assess-title"))
    return review_page(plan_id, {"assess": form}, 422)


@bp.post("/plans/<plan_id>/actions/<action_id>/funding/<decision>")
@login_required("manager", "hr")
def decide_funding(plan_id: str, action_id: str, decision: str):
    if decision not in {"approve", "decline"}:
        raise ApiError(404, "no such decision")
    form = Form(request.form)
    if decision == "approve":
        body: dict[str, Any] = {"comment": form.text("comment")}
        if form.get("amount"):
            body["amount"] = as_number(form.decimal("amount"))
    else:
        body = {"reason": form.text("reason", required=True)}
    path = api_path("/plans/{plan_id}/actions/{action_id}/funding/{decision}", plan_id=plan_id,
                    action_id=action_id, decision=decision)
    if form.send(lambda: plan_api().post(path, body), set(body)):
        flash(_("Funding approved.") if decision == "approve" else _("Funding declined."), "info")
        return redirect(url_for("manager.review", plan_id=plan_id))
    return review_page(plan_id, {f"{decision}-{action_id}": form}, 422)
