"""L&D's pages: catalogue search and editing, uploads with the per-line report, taxonomy, ranking, reports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal import charts
from services.portal.api_client import ApiError, api_path
from services.portal.auth import login_required
from services.portal.forms import Form, as_number
from services.portal.views.common import optional_recommender, recommender_api
from services.portal.vocabulary import LANGUAGES, MEANS

bp = Blueprint("ld", __name__, url_prefix="/ld")
CATALOGUE_PAGE = 25
FORMATS = {"online": _l("Online"), "classroom": _l("Classroom"), "blended": _l("Blended")}
LEVELS = {"beginner": _l("Beginner"), "intermediate": _l("Intermediate"), "advanced": _l("Advanced")}
OFFER_FIELDS = {"external_id", "title", "means", "provider", "language", "format", "hours", "cost", "currency",
                "level", "description", "skills", "url", "certificate"}
UPLOAD_TYPES = {".csv": "text/csv", ".jsonl": "application/x-ndjson", ".ndjson": "application/x-ndjson",
                ".json": "application/json"}
# The matcher's weights (recommender/matcher.py DEFAULT_WEIGHTS) in words, with what raising one does.
WEIGHTS = {
    "text": (_l("Text similarity"), _l("How much the words of an offer matching the gap count.")),
    "char_share": (_l("Share of word parts"), _l("Part of the text score from word fragments, so that "
                                                 "'projectmanagement' meets 'project management'.")),
    "taxonomy": (_l("Tagged skill"), _l("Bonus for an offer tagged with the gap's skill in the taxonomy.")),
    "level": (_l("Level fit"), _l("Bonus when the offer's level fits the step the employee wants to make.")),
    "quality": (_l("Learned quality"), _l("Weight of ratings, completions and dismissals of the offer.")),
    "synonym": (_l("Synonyms"), _l("Weight of a skill's synonyms against its name in the search.")),
    "translation": (_l("Translations"), _l("Weight of the English words of a Dutch gap (and back).")),
    "expansion": (_l("Taxonomy words"), _l("How much the taxonomy's words together may weigh against the gap's "
                                           "own words.")),
    "match_synonym": (_l("Match on a synonym"), _l("Weight of the taxonomy's words when the gap is a synonym.")),
    "match_partial": (_l("Partial match"), _l("Weight when a skill's name is inside the gap's longer text.")),
    "match_fuzzy": (_l("Spelling match"), _l("Weight when the gap only spells close to a skill's name.")),
    "feedback": (_l("Feedback from top offers"), _l("Weight of what the best first results have in common.")),
    "feedback_docs": (_l("Top offers fed back"), _l("How many of the first results feed back.")),
    "means_cap": (_l("Most of one means"), _l("At most this share of a list comes from one means type "
                                              "(variety).")),
    "min_score": (_l("Minimum score"), _l("Below this score an offer is not suggested at all.")),
}
REPORTS = {"demand": _l("Demand: most common open gaps"), "catalogue-gaps": _l("Catalogue gaps: what to buy or build"),
           "effectiveness": _l("Offer effectiveness")}


@bp.get("/catalogue")
@login_required("ld")
def catalogue():
    form = Form(request.args)
    params = {"q": form.get("q")[:200] or None, "status": form.get("status") or "published",
              "means": form.get("means") if form.get("means") in MEANS else None,
              "language": form.get("language") if form.get("language") in LANGUAGES else None,
              "limit": CATALOGUE_PAGE}
    if params["status"] not in {"published", "retired", "all"}:
        params["status"] = "published"
    page = int(form.get("page")) if form.get("page").isdigit() and 0 < int(form.get("page")) < 100_000 else 1
    params["offset"] = (page - 1) * CATALOGUE_PAGE
    answer, problem = optional_recommender(lambda api: api.get(api_path("/offers"), **params), {})
    total = (answer or {}).get("total", 0)
    pages = max(1, -(-total // CATALOGUE_PAGE))
    query = {k: v for k, v in params.items() if k in ("q", "means", "language", "status") and v}
    return render_template("ld/catalogue.html", form=form, offers=(answer or {}).get("offers") or [],
                           total=total, problem=problem, means=MEANS, languages=LANGUAGES, page=page, pages=pages,
                           query=query)


def offer_body(form: Form, partial: bool) -> dict[str, Any]:
    skills = []
    for part in form.get("skills").split(";"):
        name, _sep, level = part.partition(":")
        if name.strip():
            item: dict[str, Any] = {"skill": name.strip()[:200]}
            if level.strip().isdigit():
                item["level"] = int(level.strip())
            skills.append(item)
    body: dict[str, Any] = {
        "title": form.text("title", required=True, max_length=300),
        "means": form.choice("means", MEANS),
        "provider": form.text("provider", max_length=200) or None,
        "language": form.choice("language", LANGUAGES, required=False),
        "format": form.choice("format", FORMATS, required=False),
        "level": form.choice("level", LEVELS, required=False),
        "hours": as_number(form.decimal("hours")) if form.get("hours") else None,
        "cost": as_number(form.decimal("cost")) if form.get("cost") else None,
        "currency": (form.get("currency") or "EUR").upper()[:3],
        "description": form.text("description", max_length=20000) or None,
        "url": form.text("url", max_length=500) or None,
        "certificate": form.get("certificate") == "on",
        "skills": skills or None,
    }
    if not partial:
        body["external_id"] = form.text("external_id", required=True, max_length=200)
    return body


def offer_form_values(offer: dict[str, Any]) -> dict[str, Any]:
    values = {k: "" if offer.get(k) is None else str(offer.get(k)) for k in OFFER_FIELDS}
    values["skills"] = "; ".join(f"{s.get('skill')}:{s.get('level')}" if s.get("level") is not None else s.get("skill")
                                 for s in offer.get("skills") or [])
    values["certificate"] = "on" if offer.get("certificate") else ""
    values["version"] = str(offer.get("version", ""))
    return values


@bp.route("/catalogue/new", methods=["GET", "POST"])
@login_required("ld")
def new_offer():
    form = Form(request.form if request.method == "POST" else {"means": "internal_training", "language": "nl",
                                                                 "currency": "EUR"})
    if request.method == "POST":
        body = offer_body(form, partial=False)
        if form.ok:
            try:
                offer = recommender_api().post(api_path("/offers"), {k: v for k, v in body.items() if v is not None})
                flash(_("Published: %(title)s", title=offer.get("title", body["title"])), "info")
                return redirect(url_for("ld.catalogue", q=body["external_id"], status="all"))
            except ApiError as error:
                form.api_errors(error, OFFER_FIELDS)
    return render_template("ld/offer_form.html", form=form, offer=None, means=MEANS, languages=LANGUAGES,
                           formats=FORMATS, levels=LEVELS), (200 if form.ok else 422)


@bp.route("/catalogue/<offer_id>", methods=["GET", "POST"])
@login_required("ld")
def edit_offer(offer_id: str):
    offer = recommender_api().get(api_path("/offers/{offer_id}", offer_id=offer_id))
    form = Form(request.form if request.method == "POST" else offer_form_values(offer))
    if request.method == "POST":
        body = offer_body(form, partial=True)
        if form.ok:
            try:
                recommender_api().patch(api_path("/offers/{offer_id}", offer_id=offer_id), body,
                                        headers={"If-Match": f'"{form.get("version") or offer.get("version")}"'})
                flash(_("Saved: %(title)s", title=body["title"]), "info")
                return redirect(url_for("ld.edit_offer", offer_id=offer_id))
            except ApiError as error:
                if error.status == 412:
                    form.error("body", _("Someone else changed this offer meanwhile. Reload it and redo your change."))
                else:
                    form.api_errors(error, OFFER_FIELDS)
    history, _problem = optional_recommender(
        lambda api: api.get(api_path("/offers/{offer_id}/history", offer_id=offer_id)), {})
    return render_template("ld/offer_form.html", form=form, offer=offer, means=MEANS, languages=LANGUAGES,
                           formats=FORMATS, levels=LEVELS, history=(history or {}).get("history") or []), \
        (200 if form.ok else 422)


@bp.post("/catalogue/<offer_id>/retire")
@login_required("ld")
def retire_offer(offer_id: str):
    reason = (request.form.get("reason") or "").strip()[:500] or None
    recommender_api().post(api_path("/offers/{offer_id}/retire", offer_id=offer_id), {"reason": reason})
    flash(_("The offer was retired; it is no longer suggested."), "info")
    return redirect(url_for("ld.edit_offer", offer_id=offer_id))


@bp.route("/catalogue/upload", methods=["GET", "POST"])
@login_required("ld")
def upload():
    form = Form(request.form if request.method == "POST" else None)
    result = None
    if request.method == "POST":
        upload_file = request.files.get("file")
        name = (upload_file.filename or "").lower() if upload_file else ""
        kind = next((t for ext, t in UPLOAD_TYPES.items() if name.endswith(ext)), None)
        if not upload_file or not name:
            form.error("file", _("Choose a file."))
        elif kind is None:
            form.error("file", _("Use a .csv or .jsonl file."))
        else:
            data = upload_file.read()
            try:
                result = recommender_api().call("POST", api_path("/catalogue/import"), data=data,
                                                content_type=kind).json()
            except ApiError as error:
                form.api_errors(error, {"file"})
                if "body" in form.errors:
                    form.errors["file"] = form.errors.pop("body")
    return render_template("ld/upload.html", form=form, result=result), (200 if form.ok else 422)


@bp.get("/taxonomy")
@login_required("ld")
def taxonomy():
    form = Form(request.args)
    query = form.get("q")[:100]
    answer, problem = optional_recommender(lambda api: api.get(api_path("/skills"), q=query, limit=50), {})
    skills = (answer.get("skills") or []) if isinstance(answer, dict) else (answer or [])
    return render_template("ld/taxonomy.html", form=form, skills=skills, problem=problem)


def weights_of(answer: Any) -> dict[str, float]:
    """The ranking weights in whichever envelope the recommender answers."""
    if not isinstance(answer, dict):
        return {}
    for candidate in (answer.get("weights"), (answer.get("settings") or {}).get("weights"), answer.get("settings")):
        if isinstance(candidate, dict) and candidate and all(isinstance(v, int | float) for v in candidate.values()):
            return dict(candidate)
    return {}


@bp.route("/ranking", methods=["GET", "POST"])
@login_required("ld")
def ranking():
    current, problem = optional_recommender(lambda api: api.get(api_path("/settings")), {})
    history, _history_problem = optional_recommender(lambda api: api.get(api_path("/settings/history")), {})
    weights = weights_of(current)
    synonyms = (current or {}).get("synonyms") if isinstance(current, dict) else None
    form = Form(request.form if request.method == "POST"
                else {**{k: str(v) for k, v in weights.items()}, "only_if_better": "on"})
    evaluation = None
    if request.method == "POST":
        proposed = {}
        for key in weights:
            value = form.decimal(key, required=True)
            if value is not None:
                proposed[key] = float(value)
        saving = request.form.get("action") == "save"
        reason = form.text("reason", required=saving, max_length=500)
        only_if_better = form.get("only_if_better") == "on"
        if saving and not only_if_better and form.get("confirm") != "on":
            form.error("confirm", _("Confirm that you save without the evaluation deciding, or tick "
                                    "\"only if better\"."))
        if form.ok:
            try:
                if saving:
                    recommender_api().put(api_path("/settings"), {
                        "weights": proposed, "synonyms": synonyms or {}, "reason": reason,
                        "only_if_better": only_if_better})
                    flash(_("The ranking settings were saved."), "info")
                    return redirect(url_for("ld.ranking"))
                evaluation = recommender_api().post(api_path("/evaluation"), {"proposed": {"weights": proposed}})
            except ApiError as error:
                if error.status == 409:
                    form.error("only_if_better", _("Not saved: the proposal does not do better on enough judged "
                                                   "queries. Evaluate it, or save with confirmation."))
                else:
                    form.api_errors(error, set(weights) | {"reason"})
    changes = (history or {}).get("history") if isinstance(history, dict) else None
    return render_template("ld/ranking.html", form=form, weights=weights, problem=problem, evaluation=evaluation,
                           metrics=metric_rows(evaluation), labels=WEIGHTS,
                           history=sorted(changes or [], key=lambda c: c.get("version", 0), reverse=True)), (
        200 if form.ok else 422)


def metric_rows(evaluation: Any) -> list[tuple[str, Any, Any]]:
    """(metric, current, proposed) from an evaluation answer."""
    if not isinstance(evaluation, dict):
        return []
    current = evaluation.get("current") or {}
    proposed = evaluation.get("proposed") or {}
    current = current.get("metrics", current) if isinstance(current, dict) else {}
    proposed = proposed.get("metrics", proposed) if isinstance(proposed, dict) else {}
    keys = [k for k in (*current, *[k for k in proposed if k not in current]) if not isinstance(current.get(k), dict)]
    return [(k, current.get(k), proposed.get(k)) for k in keys]


def report_table(answer: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """The first list of objects in a report answer, with its columns."""
    rows: list[dict[str, Any]] = []
    if isinstance(answer, list):
        rows = answer
    elif isinstance(answer, dict):
        rows = next((v for v in answer.values() if isinstance(v, list)), [])
    rows = [r for r in rows if isinstance(r, dict)]
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns and not isinstance(row[k], dict | list))
    return columns, rows


def report_chart(title: str, columns: list[str], rows: list[dict[str, Any]]):
    name = next((c for c in columns if all(isinstance(r.get(c), str) for r in rows)), None)
    value = next((c for c in columns if all(isinstance(r.get(c), int | float) and not isinstance(r.get(c), bool)
                                            for r in rows)), None)
    if not name or not value:
        return None
    return charts.bars([(str(r[name]), float(r[value])) for r in rows[:15]], f"{title} ({value})")


@bp.get("/reports")
@login_required("ld")
def reports():
    sections = []
    for key, title in REPORTS.items():
        answer, problem = optional_recommender(
            lambda api, key=key: api.get(api_path("/reports/{report}", report=key)), None)
        columns, rows = report_table(answer)
        sections.append({"key": key, "title": title, "problem": problem, "columns": columns, "rows": rows,
                         "chart": report_chart(str(title), columns, rows)})
    return render_template("ld/reports.html", sections=sections)
