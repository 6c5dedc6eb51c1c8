"""A stand-in for the recommender that answers its contract (issue 3) with canned data.

Used by the portal's endpoint tests, and by the browser tests when the real recommender does not
answer a part of the contract yet (gunicorn 'tests.portal.fake_recommender:create_app()').
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, uuid5

from flask import Flask, jsonify, request

from recommender.plan_gaps import PlanGapsClient, PlanServiceUnavailableError
from recommender.reasons import LANGUAGES, reason, sentence

MENTOR = "marieke"  # a directory id: the portal must show her name or "a colleague", never this id


def fake_id(kind: str, index: int | str, n: int) -> str:
    """A stable UUID, as the real recommender gives for recommendations and offers."""
    return str(uuid5(NAMESPACE_URL, f"fake:{kind}-{index}-{n}"))


def create_app() -> Flask:
    """The recommender's contract (issue 3) with canned answers, so portal tests do not depend on its progress."""
    app = Flask("fake_recommender")
    app.config["imports"] = []
    app.config["languages"] = []
    skills = [{"id": "project-management", "type": "technical",
               "labels": {"en": "project management", "nl": "projectmanagement"}, "synonyms": {}},
              {"id": "interpersonal-communication", "type": "behavioural",
               "labels": {"en": "interpersonal communication", "nl": "interpersoonlijke communicatie"},
               "synonyms": {"nl": ["sociale vaardigheden"]}}]

    @app.get("/api/v1/skills")
    def skills_():
        q = (request.args.get("q") or "").lower()
        return {"skills": [s for s in skills if any(q in label for label in s["labels"].values())]}

    def offers_for(gaps: list[dict], context: dict) -> tuple[list[dict], str]:
        language = request.accept_languages.best_match(LANGUAGES) or "en"
        app.config["languages"].append(request.headers.get("Accept-Language"))
        out = []
        for index, gap in enumerate(gaps):
            for n, means in enumerate(app.config["means_per_gap"]):
                if context.get("means") and means not in context["means"]:
                    continue
                reasons = [reason("teaches_skill", skill_id=None, skill=gap["skill"]),
                           reason("matched_words", words=gap["skill"].lower().split()[:3])]
                if context.get("max_cost") is not None:
                    reasons.append(reason("within_budget", cost=250.0, currency="EUR", budget=context["max_cost"]))
                if means == "internal_training":
                    reasons.append(reason("mentor_colleague", person_id=MENTOR))
                out.append({"recommendation_id": fake_id("rec", index, n), "offer_id": fake_id("offer", index, n),
                            "external_id": f"EXT-{index}-{n}", "title": f"Cursus {gap['skill']} ({means})",
                            "means": means, "score": 0.8 - n / 10, "gap": gap["skill"], "hours": 12, "cost": 250,
                            "provider": "Academie", "language": "nl",
                            "reasons": [{**r, "text": sentence(r["code"], r["params"], language)} for r in reasons]})
        return out, language

    @app.post("/api/v1/recommendations")
    def recommend():
        body = request.get_json()
        out, language = offers_for(body["gaps"], body.get("context") or {})
        return ({"recommendations": out, "model_version": "fake-1", "suggestions_off": False}, 200,
                {"Content-Language": language})

    app.config["means_per_gap"] = ("mooc", "internal_training")  # a test may ask for a longer list per gap
    app.config["gaps_of"] = None  # person id -> PlanGaps; by default the plan service at PLAN_SERVICE_URL

    @app.get("/api/v1/employees/<employee_id>/recommendations")
    def employee_recommendations(employee_id):
        """As the real one: the plan service's gaps, without the plan's offers and the person's dismissals."""
        gaps_of = app.config["gaps_of"] or PlanGapsClient.from_env().gaps_of
        try:
            current = gaps_of(employee_id)
        except PlanServiceUnavailableError as error:
            return {"status": 503, "message": str(error), "errors": []}, 503
        gaps = [{k: g[k] for k in ("skill", "current_level", "target_level")} for g in current.gaps]
        context = {"means": request.args.getlist("means"), "max_cost": request.args.get("max_cost", type=float)}
        out, language = offers_for(gaps, context)
        dismissed = {d["offer_id"] for d in app.config["dismissals"] if d["person_id"] == employee_id}
        out = [o for o in out if o["offer_id"] not in current.offers_in_plan | dismissed]
        return ({"employee_id": employee_id, "plan_id": current.plan_id, "gaps": gaps, "recommendations": out,
                 "model_version": "fake-1", "suggestions_off": False}, 200, {"Content-Language": language})

    app.config["dismissals"] = []

    @app.post("/api/v1/people/<person_id>/dismissals")
    def dismissals(person_id):
        app.config["dismissals"].append({"person_id": person_id, **request.get_json()})
        return {**request.get_json(), "dismissed_at": "2026-05-01T10:00:00.000000Z"}, 201

    @app.get("/api/v1/offers")
    def offers():
        return {"offers": [{"offer_id": "0b7c8f0e-1111-4c1b-9a7e-000000000001", "external_id": "EXT-1",
                            "title": "Excel voor gevorderden", "means": "internal_training", "language": "nl",
                            "hours": 16, "cost": 450.0, "currency": "EUR", "status": "published", "version": 1}],
                "total": 1}

    @app.get("/api/v1/offers/<offer_id>")
    def offer(offer_id):
        return {"offer_id": offer_id, "external_id": "EXT-1", "title": "Excel voor gevorderden",
                "means": "internal_training", "language": "nl", "hours": 16, "cost": 450.0, "currency": "EUR",
                "status": "published", "version": 3, "skills": [{"skill": "Excel", "level": 3}]}

    @app.patch("/api/v1/offers/<offer_id>")
    def patch_offer(offer_id):
        if request.headers.get("If-Match") != '"3"':
            return {"status": 412, "message": "stale", "errors": []}, 412
        return {"offer_id": offer_id, "version": 4, **request.get_json()}

    @app.post("/api/v1/offers")
    def publish():
        body = request.get_json()
        if body.get("external_id") == "DUP":
            return {"status": 422, "message": "invalid input",
                    "errors": [{"field": "external_id", "reason": "already used"}]}, 422
        return {"offer_id": fake_id("offer", "new", 0), "version": 1, **body}, 201

    @app.get("/api/v1/offers/<offer_id>/history")
    def history(offer_id):
        return {"history": []}

    @app.post("/api/v1/offers/<offer_id>/retire")
    def retire(offer_id):
        return {"offer_id": offer_id, "status": "retired", "version": 4}

    @app.post("/api/v1/catalogue/import")
    def import_():
        text = request.get_data(as_text=True)
        app.config["imports"].append((request.mimetype, text))
        lines = [line for line in text.splitlines() if line.strip()]
        bad = [{"line": n, "field": "means", "reason": "Must be one of: mooc, ..."}
               for n, line in enumerate(lines, 1) if "bogus" in line]
        return {"imported": len(lines) - len(bad) - (1 if request.mimetype == "text/csv" else 0), "updated": 0,
                "unchanged": 0, "rejected": bad}

    @app.get("/api/v1/reports/<name>")
    def report(name):
        return {"items": [{"skill": "projectmanagement", "employees": 7}, {"skill": "excel", "employees": 5}]}

    @app.get("/api/v1/settings")
    def settings():
        return {"weights": {"text": 1.0, "taxonomy": 0.25}, "version": 2}

    @app.put("/api/v1/settings")
    def save_settings():
        if not (request.get_json() or {}).get("reason"):
            return {"status": 422, "message": "invalid input",
                    "errors": [{"field": "reason", "reason": "Missing data for required field."}]}, 422
        if (request.get_json() or {}).get("only_if_better"):  # the stand-in's feed has too few judged queries
            return {"status": 409, "message": "not better", "errors": [
                {"field": "only_if_better", "reason": "only 3 judged queries, 20 needed to compare"}]}, 409
        return {"version": 3}

    @app.get("/api/v1/settings/history")
    def settings_history():
        return {"history": [
            {"version": 1, "occurred_at": "2026-03-02T09:00:00+00:00", "actor": {"subject": "daan", "role": "ld"},
             "reason": "Meer gewicht voor getagde vaardigheden", "settings": {"weights": {"taxonomy": 0.25}}},
            {"version": 2, "occurred_at": "2026-05-11T14:30:00+00:00", "actor": {"subject": "daan", "role": "ld"},
             "reason": "Minder nadruk op tekst", "settings": {"weights": {"text": 1.0}}}]}

    @app.post("/api/v1/evaluation")
    def evaluation():
        return {"source": "feed", "queries": 3, "minimum_queries": 20, "enough": False,
                "current": {"ndcg@10": 0.41, "recall@10": 0.5}, "proposed": {"ndcg@10": 0.45, "recall@10": 0.52}}

    @app.errorhandler(404)
    def not_found(error):
        return jsonify(status=404, message="not found", errors=[]), 404

    return app
