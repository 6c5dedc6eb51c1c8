"""Plan templates for HR and L&D: the list, a new template, a new version, and every version as it was.

The portal only turns form rows into the plan API's shape; what a valid template is, the plan service decides.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.api_client import api_path
from services.portal.auth import login_required
from services.portal.forms import Form, as_number
from services.portal.views.common import plan_api
from services.portal.vocabulary import MEANS, MILESTONES

bp = Blueprint("plan_templates", __name__, url_prefix="/templates")
MAX_ROWS = 50
EMPTY_ROWS = 2  # blank rows a form offers after the filled ones
SKILL_LEVEL = re.compile(r"^(?P<skill>.+?)\s*:\s*(?P<level>\d+)$")
EDITORS = ("hr", "ld", "admin")


def split_list(raw: str) -> list[str]:
    """Comma- or line-separated words as a list (what one text box holds)."""
    return [part.strip() for part in re.split(r"[,\n]", raw or "") if part.strip()]


def goal_skills(form: Form, name: str) -> list[dict[str, Any]]:
    """`skill: level` pairs; a level outside 0-5 is for the plan service to judge, a missing one is a typo."""
    skills = []
    for part in split_list(form.get(name)):
        match = SKILL_LEVEL.match(part)
        if match is None:
            form.error(name, _("Write each skill as “skill: level”, e.g. “planning: 3”."))
            continue
        skills.append({"skill": match["skill"][:200], "target_level": int(match["level"][:3])})
    return skills


def row_numbers(form: Form, prefix: str) -> list[int]:
    """The row numbers the form sent for PREFIX (`goal_3_title` -> 3), in order."""
    found = set()
    for key in form.data:
        match = re.fullmatch(rf"{prefix}_(\d{{1,2}})(_.*)?", key)
        if match and 1 <= int(match[1]) <= MAX_ROWS:
            found.add(int(match[1]))
    return sorted(found)


def template_body(form: Form) -> dict[str, Any]:
    """The API body of a template form: rows without a title or means are left out."""
    goals = []
    for number in row_numbers(form, "goal"):
        title = form.text(f"goal_{number}_title", max_length=200)
        if not title:
            continue
        goals.append({"title": title, "skills": goal_skills(form, f"goal_{number}_skills"),
                      "measure": form.text(f"goal_{number}_measure"),
                      "relevance": form.text(f"goal_{number}_relevance"),
                      "deadline_offset_days": form.integer(f"goal_{number}_offset", 0, 5 * 366, required=False)})
    means = []
    for number in row_numbers(form, "means"):
        kind = form.choice(f"means_{number}", MEANS, required=False)
        if kind:
            means.append({"means": kind, "title": form.text(f"means_{number}_title", max_length=200)})
    milestones = []
    for kind in MILESTONES:
        offset = form.integer(f"milestone_{kind}", 0, 5 * 366, required=False)
        if offset is not None:
            milestones.append({"kind": kind, "offset_days": offset})
    return {
        "name": form.text("name", required=True, max_length=200),
        "role_profiles": split_list(form.get("role_profiles"))[:50],
        "departments": split_list(form.get("departments"))[:50],
        "goals": goals,
        "skills_to_assess": split_list(form.get("skills_to_assess"))[:50],
        "learning_means": means,
        "milestones": milestones,
        "hours_norm": as_number(form.decimal("hours_norm")),
        "budget_norm": as_number(form.decimal("budget_norm")),
    }


def form_data(template: dict[str, Any]) -> dict[str, str]:
    """A template's content as the form's fields, to start a new version from."""
    data = {"name": template.get("name") or "", "role_profiles": ", ".join(template.get("role_profiles") or []),
            "departments": ", ".join(template.get("departments") or []),
            "skills_to_assess": ", ".join(template.get("skills_to_assess") or []),
            "hours_norm": str(template.get("hours_norm") or 0), "budget_norm": str(template.get("budget_norm") or 0)}
    for number, goal in enumerate(template.get("goals") or [], start=1):
        offset = goal.get("deadline_offset_days")
        data.update({f"goal_{number}_title": goal.get("title") or "", f"goal_{number}_measure": goal.get("measure")
                     or "", f"goal_{number}_relevance": goal.get("relevance") or "",
                     f"goal_{number}_offset": "" if offset is None else str(offset),
                     f"goal_{number}_skills": ", ".join(f"{s['skill']}: {s['target_level']}"
                                                         for s in goal.get("skills") or [])})
    for number, means in enumerate(template.get("learning_means") or [], start=1):
        data.update({f"means_{number}": means.get("means") or "", f"means_{number}_title": means.get("title") or ""})
    for milestone in template.get("milestones") or []:
        data[f"milestone_{milestone['kind']}"] = str(milestone.get("offset_days"))
    return data


def rows(form: Form, prefix: str) -> range:
    filled = row_numbers(form, prefix)
    return range(1, min(MAX_ROWS, (max(filled) if filled else 0) + EMPTY_ROWS) + 1)


def form_page(form: Form, template: dict[str, Any] | None, status: int = 200):
    return render_template("plan_templates/form.html", form=form, template=template, goal_rows=rows(form, "goal"),
                           means_rows=rows(form, "means"), means=MEANS, milestones=MILESTONES), status


@bp.get("")
@login_required(*EDITORS)
def index():
    """Templates by name with their current version; retired ones on request."""
    retired = request.args.get("retired") == "1"
    items = plan_api().get(api_path("/templates"), include_retired="true" if retired else None).get("items") or []
    return render_template("plan_templates/list.html", items=items, retired=retired)


@bp.route("/new", methods=["GET", "POST"])
@login_required(*EDITORS)
def new():
    form = Form(request.form if request.method == "POST" else {"hours_norm": "40", "budget_norm": "1000"})
    if request.method == "POST":
        body = template_body(form)
        created: dict[str, Any] = {}
        if form.send(lambda: created.update(plan_api().post(api_path("/templates"), body)), set(body)):
            flash(_("Template saved: %(name)s (version 1).", name=body["name"]), "info")
            return redirect(url_for(".show", template_id=created["template_id"]))
        return form_page(form, None, 422)
    return form_page(form, None)


@bp.get("/<template_id>")
@login_required(*EDITORS)
def show(template_id: str):
    """One version of a template (the current one, or ?version=N) with links to all its versions."""
    form = Form(request.args)
    current = plan_api().get(api_path("/templates/{template_id}", template_id=template_id))
    version = form.integer("version", 1, current["current_version"], required=False)
    shown = current if version in (None, current["current_version"]) else plan_api().get(
        api_path("/templates/{template_id}", template_id=template_id), version=version)
    return render_template("plan_templates/show.html", template=shown, current=current, means=MEANS,
                           versions=range(current["current_version"], 0, -1))


@bp.route("/<template_id>/revise", methods=["GET", "POST"])
@login_required(*EDITORS)
def revise(template_id: str):
    """A new version from the current one's content; plans already started keep theirs."""
    path = api_path("/templates/{template_id}", template_id=template_id)
    current = plan_api().get(path)
    form = Form(request.form if request.method == "POST" else form_data(current))
    if request.method == "POST":
        body = {**template_body(form), "change_note": form.text("change_note", max_length=2000)}
        answer: dict[str, Any] = {}
        if form.send(lambda: answer.update(plan_api().put(path, body)), set(body)):
            flash(_("Version %(n)d of %(name)s saved.", n=answer["current_version"], name=body["name"]), "info")
            return redirect(url_for(".show", template_id=template_id))
        return form_page(form, current, 422)
    return form_page(form, current)


@bp.post("/<template_id>/retire")
@login_required(*EDITORS)
def retire(template_id: str):
    """No new plans start from a retired template; plans started from it keep their version."""
    form = Form(request.form)
    note = form.text("change_note", max_length=2000)
    path = api_path("/templates/{template_id}/retire", template_id=template_id)
    if form.send(lambda: plan_api().post(path, {"change_note": note})):
        flash(_("The template is retired. Plans started from it keep their version."), "info")
    else:
        flash(_("The template could not be retired: %(why)s", why="; ".join(
            reason for reasons in form.errors.values() for reason in reasons)), "error")
    return redirect(url_for(".show", template_id=template_id))
