"""Development cycles: HR creates, launches (with progress) and closes them; HR and managers read the dashboard.

Every number, who is in scope and who may see whom is the plan service's answer; the progress shown while a
launch runs is the cycle's own stored record, so any portal worker can answer the page's polling.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.api_client import ApiError, ServiceUnavailableError, api_path
from services.portal.auth import current_user, login_required
from services.portal.forms import Form
from services.portal.views.common import plan_api
from services.portal.views.plan_templates import split_list
from services.portal.vocabulary import MILESTONE_STATES, MILESTONES, SCOPE_KINDS

bp = Blueprint("cycles", __name__, url_prefix="/cycles")
TEMPLATE_ROWS = 3  # rows for a template per department and per role


def template_choices() -> dict[str, str]:
    items = plan_api().get(api_path("/templates")).get("items") or []
    return {t["template_id"]: f"{t['name']} (v{t['version']})" for t in items}


def departments() -> list[str]:
    return [d["department"] for d in plan_api().get(api_path("/reports/departments")).get("items") or []
            if d.get("department")]


def cycle_body(form: Form, templates: dict[str, str]) -> dict[str, Any]:
    """The API body of the launch form; which scope, templates and dates make sense is for the service."""
    kind = form.choice("scope_kind", SCOPE_KINDS)
    by_department, by_role = {}, {}
    for number in range(1, TEMPLATE_ROWS + 1):
        for prefix, target in (("department", by_department), ("role", by_role)):
            key = form.text(f"{prefix}_{number}", max_length=200)
            chosen = form.choice(f"{prefix}_{number}_template", templates, required=bool(key))
            if key and chosen:
                target[key] = chosen
    return {
        "name": form.text("name", required=True, max_length=200),
        "period_start": form.day("period_start"),
        "period_end": form.day("period_end"),
        "scope": {"kind": kind or "organisation", "departments": form.getlist("departments")[:500],
                  "include_sub_departments": form.get("include_sub_departments") == "1",
                  "people": split_list(form.get("people"))[:10_000]},
        "templates": {"default": form.choice("template_default", templates, required=False),
                      "by_department": by_department, "by_role": by_role},
        "milestones": [{"kind": kind, "due": day} for kind in MILESTONES
                       if (day := form.day(f"due_{kind}", required=False)) is not None],
    }


@bp.get("")
@login_required("hr", "manager")
def index():
    items = plan_api().get(api_path("/cycles")).get("items") or []
    return render_template("cycles/list.html", items=items)


@bp.route("/new", methods=["GET", "POST"])
@login_required("hr")
def new():
    templates = template_choices()
    form = Form(request.form if request.method == "POST" else {"scope_kind": "organisation"})
    if request.method == "POST":
        body = cycle_body(form, templates)
        created: dict[str, Any] = {}
        if form.send(lambda: created.update(plan_api().post(api_path("/cycles"), body)), set(body) | {"scope"}):
            flash(_("Cycle created: %(name)s. Check it, then launch it.", name=body["name"]), "info")
            return redirect(url_for(".show", cycle_id=created["cycle_id"]))
        for name in [n for n in form.errors if n.startswith("scope")]:
            form.errors.setdefault("scope_kind", []).extend(form.errors.pop(name))
    return render_template("cycles/new.html", form=form, templates=templates, departments=departments(),
                           scopes=SCOPE_KINDS, milestones=MILESTONES, rows=range(1, TEMPLATE_ROWS + 1)), \
        (200 if form.ok else 422)


@bp.get("/<cycle_id>")
@login_required("hr", "manager")
def show(cycle_id: str):
    """The cycle and its dashboard: HR sees everyone, a manager their reports (the service filters)."""
    cycle = plan_api().get(api_path("/cycles/{cycle_id}", cycle_id=cycle_id))
    board = plan_api().get(api_path("/cycles/{cycle_id}/dashboard", cycle_id=cycle_id))
    names = template_choices() if current_user().has("hr", "admin") else {}
    return render_template("cycles/show.html", cycle=cycle, board=board, template_names=names,
                           states=MILESTONE_STATES)


@bp.get("/<cycle_id>/progress")
@login_required("hr", "manager")
def progress(cycle_id: str):
    """The launch's stored progress, for the page to poll while a launch runs (any worker can answer)."""
    cycle = plan_api().get(api_path("/cycles/{cycle_id}", cycle_id=cycle_id))
    return jsonify({"status": cycle["status"], **cycle["progress"]})


@bp.post("/<cycle_id>/launch")
@login_required("hr")
def launch(cycle_id: str):
    """Launch or sync: the plan service works through the scope in batches and stores how far it got. A launch
    too big for one request is cut off by a time-out, not lost: the page posts again and the service goes on
    where its record ends (nothing twice), until everyone is dealt with."""
    path = api_path("/cycles/{cycle_id}", cycle_id=cycle_id)
    complete = True
    try:
        progress = plan_api().post(api_path("/cycles/{cycle_id}/launch", cycle_id=cycle_id))["progress"]
        flash(_("Launched: %(done)d of %(total)d people have their plan (%(started)d started, %(carried)d carried "
                "forward).", done=progress["done"], total=progress["total"], started=progress["started"],
                carried=progress["carried_forward"]), "info")
    except ServiceUnavailableError:
        complete = False
        progress = plan_api().get(path)["progress"]
        if request.accept_mimetypes.best != "application/json":
            flash(_("The launch takes longer: %(done)d of %(total)d people so far. Press “Resume the launch” to go "
                    "on; nobody gets a second plan.", done=progress["done"], total=progress["total"]), "info")
    except ApiError as error:
        if error.status in (401, 403, 404):
            raise
        flash(_("The cycle could not be launched: %(why)s", why=error.message), "error")
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"next": url_for(".show", cycle_id=cycle_id), "complete": complete})
    return redirect(url_for(".show", cycle_id=cycle_id))


@bp.post("/<cycle_id>/close")
@login_required("hr")
def close(cycle_id: str):
    """Closing freezes the cycle; the form asks for an explicit confirmation first."""
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm that you want to close the cycle."), "error")
        return redirect(url_for(".show", cycle_id=cycle_id))
    try:
        plan_api().post(api_path("/cycles/{cycle_id}/close", cycle_id=cycle_id))
        flash(_("The cycle is closed. Its dashboard is frozen as it stands now."), "info")
    except ApiError as error:
        if error.status in (401, 403, 404):
            raise
        flash(_("The cycle could not be closed: %(why)s", why=error.message), "error")
    return redirect(url_for(".show", cycle_id=cycle_id))


@bp.get("/<cycle_id>/people")
@login_required("hr", "manager")
def people(cycle_id: str):
    """The people behind one number of the dashboard, as far as the service lets this person see them."""
    form = Form(request.args)
    milestone = form.choice("milestone", MILESTONES)
    state = form.choice("state", MILESTONE_STATES)
    department = form.text("department", max_length=200) or None
    cycle = plan_api().get(api_path("/cycles/{cycle_id}", cycle_id=cycle_id))
    if not form.ok:
        return render_template("cycles/people.html", cycle=cycle, items=[], form=form, milestone=milestone,
                               state=state, department=department), 422
    items = plan_api().get(api_path("/cycles/{cycle_id}/people", cycle_id=cycle_id), milestone=milestone,
                           state=state, department=department).get("items") or []
    return render_template("cycles/people.html", cycle=cycle, items=items, form=form, milestone=milestone,
                           state=state, department=department)
