"""HR's pages: plan search, readable history, the plan as of a date, diffs, audit export and org reports."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from services.portal import charts
from services.portal.api_client import ApiError, api_path
from services.portal.audit_words import GOAL_FIELDS, PLAN_FIELDS, plan_difference, sentence, titles_from
from services.portal.audit_words import shown as shown_value
from services.portal.auth import login_required
from services.portal.forms import Form
from services.portal.i18n import fdate, money
from services.portal.views.account import safe_next
from services.portal.views.common import all_plans, load_plan, people_by_id, plan_api
from services.portal.views.employee import safe_name, skill_chart
from services.portal.vocabulary import ACCESS_PURPOSES, PLAN_STATUSES, label
from shared.csvexport import write_csv
from shared.purposes import MAX_NOTE

bp = Blueprint("hr", __name__, url_prefix="/hr")
PURPOSES = ACCESS_PURPOSES  # the codes the services accept (shared.purposes), with their words
SUMMARY_KEYS = ("title", "skill", "level", "outcome", "amount", "source", "text", "comment", "means", "note",
                "deadline", "planned_start", "planned_end", "evaluation", "reflection", "status", "progress",
                "on", "at", "duration_minutes", "location", "agenda", "point", "notes", "agreements")


FIELD_LABELS = {
    "title": _l("Title"), "skill": _l("Skill"), "level": _l("Level"), "outcome": _l("Outcome"),
    "amount": _l("Amount"), "source": _l("As"), "text": _l("Feedback"), "comment": _l("Comment"),
    "means": _l("Means"), "note": _l("Note"), "deadline": _l("Deadline"), "planned_start": _l("Start"),
    "planned_end": _l("End"), "evaluation": _l("Evaluation"), "reflection": _l("Reflection"),
    "status": _l("Mark"), "progress": _l("Progress"), "on": _l("Date"), "at": _l("Time"),
    "duration_minutes": _l("Duration (minutes)"), "location": _l("Place or meeting link"), "agenda": _l("Agenda"),
    "point": _l("Agenda point"), "notes": _l("Notes"), "agreements": _l("Agreements"),
}
VALUE_GROUPS = {"means": "means", "outcome": "outcome", "status": "skill_status", "source": "source"}


def summarise(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The few fields of an event a reader cares about, in a stable order, in the reader's words."""
    out = []
    for key in SUMMARY_KEYS:
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        if key in VALUE_GROUPS:
            shown = label(VALUE_GROUPS[key], value)
        elif key == "amount":
            shown = money(value)
        elif key in {"deadline", "planned_start", "planned_end", "on"}:
            shown = fdate(value)
        elif key in {"agenda", "agreements"} and isinstance(value, list):
            shown = "; ".join(str(item.get("text") if isinstance(item, dict) else item) for item in value)
        elif isinstance(value, dict | list):
            shown = shown_value("goal", "skills" if key == "skills" else key, value) if isinstance(value, list) \
                else ", ".join(f"{k}: {v}" for k, v in value.items())
        else:
            shown = str(value)
        out.append((str(FIELD_LABELS.get(key, key)), shown))
    changes = data.get("changes")
    if isinstance(changes, dict):  # a revision or a change of the plan's details: the new values, labelled
        kind = "goal" if "goal_id" in data else "plan"
        words = GOAL_FIELDS if kind == "goal" else PLAN_FIELDS
        out.extend((f"→ {words.get(k, FIELD_LABELS.get(k, k))}", shown_value(kind, k, v)) for k, v in changes.items())
    return out


@bp.route("/purpose", methods=["GET", "POST"])
@login_required("hr", "manager")
def purpose():
    """HR states why they open plans of people who are not their reports; the plan service logs it."""
    form = Form(request.form if request.method == "POST" else {"next": request.args.get("next", "")})
    if request.method == "POST":
        choice = form.choice("purpose", PURPOSES)
        note = form.text("note", max_length=300)
        if choice == "other" and not note:
            form.error("note", _("Explain the reason."))
        if form.ok:
            note = "".join(c for c in (note or "") if c.isprintable())[:MAX_NOTE] or None
            session["purpose"] = {"code": choice, "note": note}
            return redirect(safe_next(form.get("next")) or url_for("hr.plans"))
    return render_template("hr/purpose.html", form=form, purposes=PURPOSES), (200 if form.ok else 422)


@bp.post("/purpose/clear")
@login_required("hr", "manager")
def clear_purpose():
    session.pop("purpose", None)
    return redirect(url_for("hr.plans"))


@bp.get("/plans")
@login_required("hr")
def plans():
    """Plan search, filtered and sorted by the plan service (a page of at most 200)."""
    form = Form(request.args)
    query = {"sort": "employee_name", "limit": 200}
    if form.get("status") in PLAN_STATUSES:
        query["status"] = form.get("status")
    for name in ("department", "q"):
        if form.get(name):
            query[name] = form.get(name)[:200]
    page = plan_api().get(api_path("/plans"), **query)
    departments = [d["department"] for d in plan_api().get(api_path("/reports/departments")).get("items") or []
                   if d["department"]]
    return render_template("hr/plans.html", plans=page.get("items") or [], total=page.get("total", 0), form=form,
                           departments=departments, statuses=PLAN_STATUSES)


@bp.get("/plans/<plan_id>/history")
@login_required("hr", "manager")
def history(plan_id: str):
    plan = load_plan(plan_id)
    events = plan_api().get(api_path("/plans/{plan_id}/history", plan_id=plan_id)).get("events") or []
    people = people_by_id((e.get("actor") or {}).get("subject") for e in events)
    titles = titles_from(events, plan)
    entries = [{**e, "who": people.get((e.get("actor") or {}).get("subject"), {}).get("name")
                or (e.get("actor") or {}).get("subject"), "details": summarise(e.get("data") or {}),
                "sentence": sentence(e, titles)}
               for e in events]
    return render_template("hr/history.html", plan=plan, entries=entries)


def as_of_instant(day: date) -> str:
    """The end of DAY in the portal's time zone, as ISO 8601 with offset (what ?as_of expects)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))
    return datetime.combine(day, time(23, 59, 59), zone).isoformat()


@bp.get("/plans/<plan_id>/as-of")
@login_required("hr", "manager")
def as_of(plan_id: str):
    form = Form(request.args)
    day = form.day("date", required=False) or date.today()
    version = form.integer("version", 1, 10_000_000, required=False)
    current = load_plan(plan_id)
    try:
        plan = load_plan(plan_id, version=version) if version else load_plan(plan_id, as_of=as_of_instant(day))
    except ApiError as error:
        if error.status not in (404, 422):
            raise
        plan = None
        form.error("date", _("The plan did not exist yet on that date."))
    return render_template("hr/as_of.html", plan=plan, current=current, form=form, day=day, version=version,
                           chart=skill_chart(plan) if plan else None), (200 if plan else 404)


@bp.get("/plans/<plan_id>/diff")
@login_required("hr", "manager")
def diff(plan_id: str):
    """Two versions side by side as rows: a field, its old and its new value, under the goal or action it belongs
    to. A version that does not exist gets a message saying so, never an empty "no changes"."""
    plan = load_plan(plan_id)
    latest = int(plan.get("version", 1))
    low, high, problems = _versions(request.args, latest)
    sections = None
    if not problems:
        before, after = load_plan(plan_id, version=low), load_plan(plan_id, version=high)
        sections = plan_difference(before, after)
    return render_template("hr/diff.html", plan=plan, sections=sections, low=low, high=high, latest=latest,
                           problems=problems), (200 if not problems else 422)


def _versions(args: Any, latest: int) -> tuple[int, int, list[str]]:
    """The two versions asked for (defaults: the last change), with a sentence for each one that cannot be."""
    problems = []
    chosen = []
    for name, default in (("from", max(1, latest - 1)), ("to", latest)):
        raw = (args.get(name) or "").strip()
        if not raw:
            chosen.append(default)
            continue
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):  # '²' is a digit to isdigit(), not to int()
            problems.append(_("“%(value)s” is not a version number: choose a number from 1 to %(n)d.",
                              value=raw[:20], n=latest))
            chosen.append(default)
            continue
        value = int(raw)
        if not 1 <= value <= latest:
            problems.append(ngettext("Version %(v)d does not exist: this plan has %(num)d version so far.",
                                     "Version %(v)d does not exist: this plan has %(num)d versions so far.",
                                     latest, v=value))
        chosen.append(value)
    low, high = sorted(chosen)
    if not problems and low == high:
        problems.append(_("Choose two different versions to compare."))
    return low, high, problems


AUDIT_COLUMNS = ("plan_id", "employee_id", "version", "timestamp", "type", "actor_subject", "actor_role", "reason",
                 "data")


def audit_rows(plan_ids: list[tuple[str, str]]) -> list[dict[str, Any]]:
    rows = []
    for plan_id, employee_id in plan_ids:
        for event in plan_api().get(api_path("/plans/{plan_id}/history", plan_id=plan_id)).get("events") or []:
            actor = event.get("actor") or {}
            rows.append({"plan_id": plan_id, "employee_id": employee_id, "version": event.get("version"),
                         "timestamp": event.get("timestamp"), "type": event.get("type"),
                         "actor_subject": actor.get("subject"), "actor_role": actor.get("role"),
                         "reason": event.get("reason"), "data": event.get("data") or {}})
    return rows


def audit_response(rows: list[dict[str, Any]], fmt: str, name: str) -> Response:
    if fmt == "json":
        body = json.dumps({"events": rows}, ensure_ascii=False, indent=1, default=str)
        return Response(body, mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}.json"'})
    body = write_csv(AUDIT_COLUMNS, ([json.dumps(row["data"], ensure_ascii=False, default=str) if key == "data"
                                      else row[key] for key in AUDIT_COLUMNS] for row in rows), bom=True)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.get("/plans/<plan_id>/audit.<fmt>")
@login_required("hr")
def plan_audit(plan_id: str, fmt: str):
    if fmt not in {"csv", "json"}:
        raise ApiError(404, "unknown format")
    plan = load_plan(plan_id)
    return audit_response(audit_rows([(plan_id, plan["employee_id"])]), fmt,
                          f"audit-{safe_name(plan['employee_id'])}")


@bp.get("/audit.<fmt>")
@login_required("hr")
def org_audit(fmt: str):
    if fmt not in {"csv", "json"}:
        raise ApiError(404, "unknown format")
    department = request.args.get("department") or None
    plans_ = all_plans(department=department)
    return audit_response(audit_rows([(p["id"], p["employee_id"]) for p in plans_]), fmt, "audit-groeipad")



@bp.get("/reports")
@login_required("hr")
def reports():
    """The organisation's reports as the plan service computes them: aggregates only, no plan opened."""
    form = Form(request.args)
    year = form.get("year") if (form.get("year") or "").isdigit() and len(form.get("year")) == 4 else ""
    coverage = plan_api().get(api_path("/reports/skills-coverage")).get("items") or []
    training = plan_api().get(api_path("/reports/training"), **({"year": year} if year else {})).get("items") or []
    every = plan_api().get(api_path("/reports/training")).get("items") or [] if year else training
    all_years = {r["semester"][:4] for r in every}
    people_per_skill: dict[str, int] = defaultdict(int)
    for row in coverage:
        people_per_skill[row["skill"]] += row["people"]
    skills = [name for name, _n in sorted(people_per_skill.items(), key=lambda kv: (-kv[1], kv[0]))][:14]
    departments = sorted({r["department"] or _("(none)") for r in coverage} |
                         {r["department"] or _("(none)") for r in training})
    means = {(r["department"] or _("(none)"), r["skill"]): round(r["mean_level"], 1) for r in coverage
             if r["skill"] in skills}
    heat = charts.heatmap(departments, skills, means, _("Mean skill level per department"))
    rows = [((r["department"] or _("(none)"), r["semester"]),
             {"people": r["people"], "planned_hours": r["planned_hours"], "completed_hours": r["completed_hours"],
              "requested": r["funding_requested"], "approved": r["funding_approved"]}) for r in training]
    funding_by_dept: dict[str, float] = defaultdict(float)
    hours_by_dept: dict[str, float] = defaultdict(float)
    for (department, _period), row in rows:
        funding_by_dept[department] += row["approved"]
        hours_by_dept[department] += row["planned_hours"]
    return render_template(
        "hr/reports.html", form=form, heat=heat, skills=skills, departments=departments, means=means,
        rows=sorted(rows), years=sorted(all_years), year=year,
        hours_chart=charts.bars(sorted(hours_by_dept.items()), _("Planned training hours per department"), " h"),
        funding_chart=charts.bars(sorted(funding_by_dept.items()), _("Approved funding per department"), " €"),
        label=label)
