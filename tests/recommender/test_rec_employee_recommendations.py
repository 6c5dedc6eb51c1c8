"""GET /employees/{id}/recommendations answers from the gaps the plan service decides now, over real HTTP.

The plan service runs for real (tests/live_plan_service.py); the recommender asks it with a service token.
"""

from __future__ import annotations

import pytest
from rec_feed_fake import PlanEvents, person, story

from recommender.app import create_app
from recommender.demo import seed
from tests.live_plan_service import LivePlanService

PLAN = {"employee_id": "sophie", "period_start": "2026-01-01", "period_end": "2027-12-31",
        "trigger": "appraisal_interview", "available_hours": 120, "available_budget": 3000}
GOAL = {"title": "Rekenbladen", "skills": [{"skill": "Excel", "target_level": 4}], "measure": "eigen rapportage",
        "hours_needed": 20, "budget_needed": 500, "relevance": "maandrapportage", "deadline": "2027-06-30"}


@pytest.fixture
def plan_service(tmp_path):
    service = LivePlanService(tmp_path)
    yield service
    service.close()


@pytest.fixture
def client(runtime, sqlite_url, plan_service):
    seed(sqlite_url)
    runtime.matcher.refresh()
    events = [person("petra"), person("sophie", "petra")]  # the directory as the feed gives it: petra manages sophie
    runtime.readmodel.apply_page(events, events[-1]["position"])
    return create_app({"RUNTIME": runtime, "PLAN_GAPS": plan_service.gaps_client(timeout=2)}).test_client()


def start_plan(plan_service) -> str:
    plan_id = plan_service.call("POST", "/plans", "sophie", PLAN, 201)["id"]
    plan_service.call("POST", f"/plans/{plan_id}/assessments", "sophie",
                      {"skill": "Excel", "category": "technical", "level": 1}, 201)
    plan_service.call("POST", f"/plans/{plan_id}/goals", "sophie", GOAL, 201)
    return plan_id


def suggested(client, tokens, who="sophie", query="") -> dict:
    answer = client.get(f"/api/v1/employees/sophie/recommendations?limit=20{query}",
                        headers=tokens(who, "employee", "manager"))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_gaps_come_from_the_plan_service_and_planned_offers_are_left_out(client, plan_service, tokens):
    assert suggested(client, tokens)["gaps"] == []  # no plan yet: nothing to suggest, and no guess
    plan_id = start_plan(plan_service)
    first = suggested(client, tokens)
    assert first["plan_id"] == plan_id
    assert first["gaps"] == [{"skill": "Excel", "current_level": 1, "target_level": 4}]
    offers = [r["offer_id"] for r in first["recommendations"]]
    assert len(offers) >= 3 and {r["gap"] for r in first["recommendations"]} == {"Excel"}
    planned, started, completed, cancelled = offers[:4]
    actions = {}
    for offer_id in (planned, started, completed, cancelled):
        actions[offer_id] = plan_service.call("POST", f"/plans/{plan_id}/actions", "sophie", {
            "means": "internal_training", "title": "Excel", "offer_id": offer_id, "planned_start": "2026-02-01",
            "planned_end": "2026-06-30", "hours": 8, "cost": 0}, 201)["action_id"]
    for offer_id in (started, completed):
        plan_service.call("POST", f"/plans/{plan_id}/actions/{actions[offer_id]}/start", "sophie",
                          {"date": "2026-02-02"}, 200)
    plan_service.call("POST", f"/plans/{plan_id}/actions/{actions[completed]}/complete", "sophie",
                      {"date": "2026-03-02", "evaluation": 4}, 200)
    plan_service.call("POST", f"/plans/{plan_id}/actions/{actions[cancelled]}/cancel", "sophie",
                      {"reason": "geen tijd"}, 200)
    now = [r["offer_id"] for r in suggested(client, tokens)["recommendations"]]
    assert not {planned, started, completed} & set(now), "an offer in the plan is suggested again"
    assert cancelled in now, "a cancelled action frees its offer"
    # the manager sees the same answer; the means filter reaches the ranking
    moocs = suggested(client, tokens, "petra", "&means=mooc")["recommendations"]
    assert moocs and {r["means"] for r in moocs} == {"mooc"}


def test_a_dismissal_with_a_reason_changes_the_next_answer_at_once(client, plan_service, tokens):
    start_plan(plan_service)
    items = suggested(client, tokens)["recommendations"]
    costly = max(items, key=lambda r: r["cost"] or 0)
    assert costly["cost"], "the demo catalogue must have a paid offer for Excel, or this proves nothing"
    answer = client.post("/api/v1/people/sophie/dismissals", headers=tokens("sophie", "employee"),
                         json={"offer_id": costly["offer_id"], "reason": "too_expensive", "gap": "Excel"})
    assert answer.status_code == 201, answer.get_json()
    after = suggested(client, tokens)["recommendations"]
    assert costly["offer_id"] not in [r["offer_id"] for r in after]
    assert all((r["cost"] or 0) < costly["cost"] for r in after), "too expensive: nothing as costly comes back"
    asked = suggested(client, tokens, query="&include_dismissed=true")["recommendations"]
    assert costly["offer_id"] in [r["offer_id"] for r in asked], "asked for, the dismissed offer is back"


def test_without_the_plan_service_the_answer_is_503_never_a_guess(client, plan_service, tokens):
    start_plan(plan_service)
    assert suggested(client, tokens)["recommendations"]
    plan_service.stop()
    answer = client.get("/api/v1/employees/sophie/recommendations", headers=tokens("sophie", "employee"))
    assert answer.status_code == 503
    body = answer.get_json()
    assert set(body) == {"status", "message", "errors"} and body["status"] == 503
    assert body["errors"][0]["field"] == "plan_service" and answer.headers["Retry-After"]
    # who may not ask is still told so first, without the plan service being asked
    assert client.get("/api/v1/employees/sophie/recommendations",
                      headers=tokens("lotte", "employee")).status_code == 403


def test_the_explanation_weighs_an_offer_against_the_plan_service_s_plan(client, plan_service, tokens):
    plan_id = start_plan(plan_service)
    shown = suggested(client, tokens)["recommendations"][0]["offer_id"]
    plan_service.call("POST", f"/plans/{plan_id}/actions", "sophie", {
        "means": "mooc", "title": "Excel", "offer_id": shown, "planned_start": "2026-02-01",
        "planned_end": "2026-06-30", "hours": 8, "cost": 0}, 201)
    why = client.get(f"/api/v1/people/sophie/explanation?offer_id={shown}", headers=tokens("sophie", "employee"))
    assert why.status_code == 200, why.get_json()
    assert "in_your_plan" in [c["code"] for c in why.get_json()["now"]]
    plan_service.stop()
    down = client.get(f"/api/v1/people/sophie/explanation?offer_id={shown}", headers=tokens("sophie", "employee"))
    assert down.status_code == 503 and down.get_json()["errors"][0]["field"] == "plan_service"


def test_query_filters_are_validated(client, tokens):
    for query, field in (("means=lecture", "means"), ("limit=500", "limit"), ("language=de", "language"),
                         ("include_dismissed=perhaps", "include_dismissed"), ("max_cost=-1", "max_cost")):
        answer = client.get(f"/api/v1/employees/sophie/recommendations?{query}", headers=tokens("sophie", "employee"))
        assert answer.status_code == 422, query
        assert field in str(answer.get_json()["errors"]), (query, answer.get_json())


def test_who_may_ask_and_what_an_unknown_person_gets(client, plan_service, tokens):
    start_plan(plan_service)
    assert client.get("/api/v1/employees/sophie/recommendations",
                      headers=tokens("other", "manager")).status_code == 403  # not her manager
    hanna = tokens("hanna", "hr")
    assert client.get("/api/v1/employees/sophie/recommendations", headers=hanna).status_code == 422  # why?
    stated = client.get("/api/v1/employees/sophie/recommendations",
                        headers={**hanna, "X-Access-Purpose": "employee_request"})
    assert stated.status_code == 200 and stated.get_json()["recommendations"]
    nobody = client.get("/api/v1/employees/nobody/recommendations", headers=tokens("nobody"))
    assert nobody.status_code == 200
    assert nobody.get_json()["recommendations"] == [] and nobody.get_json()["plan_id"] is None


def test_offers_colleagues_in_the_same_role_took_say_so_from_three_colleagues(client, plan_service, runtime, tokens):
    start_plan(plan_service)
    items = suggested(client, tokens)["recommendations"]
    three, two = items[-1]["offer_id"], items[-2]["offer_id"]
    colleagues = [person(c, "petra") for c in ("c1", "c2", "c3", "c4", "c5")]  # all "Advisor", as sophie
    events = [*colleagues, person("x1", "petra", job_title="Monteur"), *story("c1", three), *story("c2", three),
              *story("x1", three), *story("c4", two), *story("c5", two)]
    runtime.readmodel.apply_page(events, events[-1]["position"])
    assert not any(r["code"] == "popular_with_role" for i in suggested(client, tokens)["recommendations"]
                   for r in i["reasons"]), "two colleagues and someone in another role are not enough"
    runtime.readmodel.apply_page(story("c3", three), PlanEvents.position)
    answer = client.get("/api/v1/employees/sophie/recommendations?limit=20",
                        headers={**tokens("sophie", "employee"), "Accept-Language": "nl"}).get_json()
    popular = {i["offer_id"]: r for i in answer["recommendations"] for r in i["reasons"]
               if r["code"] == "popular_with_role"}
    assert set(popular) == {three}
    assert popular[three]["params"] == {"role": "Advisor"}
    assert popular[three]["text"] == "Populair bij collega's in de rol Advisor"
