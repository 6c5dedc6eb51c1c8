"""Employee pages against the real plan service (in-process) and the contract-shaped fake recommender."""

from __future__ import annotations

import re

import pytest

from tests.portal.conftest import PLAN_URL, RECOMMENDER_URL, Browser, FlaskTransport
from tests.portal.fake_recommender import fake_id


def plan_id_of(browser) -> str:
    return re.search(r"/plans/([0-9a-f-]{36})", browser.get("/plan").get_data(as_text=True)).group(1)


@pytest.fixture
def karim(signed_in):
    browser = signed_in("karim")
    browser.plan_id = plan_id_of(browser)
    return browser


def test_dashboard_shows_plan_actions_deadlines_and_progress(karim):
    html = karim.get("/plan").get_data(as_text=True)
    assert "Active" in html
    assert "Projectmanagement (IPMA-D)" in html  # next action
    assert "Onderhoudsprojecten zelfstandig leiden" in html  # deadline
    assert "<progress" in html and 'value="75"' in html  # progress reported on the communication goal
    assert "<svg" in html  # the skill chart


def test_dashboard_without_a_plan_offers_to_start_one(signed_in):
    html = signed_in("daan").get("/plan").get_data(as_text=True)
    assert "Start a plan" in html


def test_start_a_plan_with_a_mistake_then_right(signed_in):
    daan = signed_in("daan")
    bad = daan.post("/plan/new", {"trigger": "career_project", "career_project": "Leren coachen",
                                  "period_start": "2027-01-01", "period_end": "2026-01-01",
                                  "available_hours": "40", "available_budget": "1.000,50"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Not a valid number." in html  # 1.000,50 is not a number the form takes
    good = daan.post("/plan/new", {"trigger": "career_project", "career_project": "Leren coachen",
                                   "period_start": "2027-01-01", "period_end": "2026-01-01",
                                   "available_hours": "40", "available_budget": "1000,50"})
    assert good.status_code == 422
    html = good.get_data(as_text=True)
    assert 'id="period_end-errors"' in html and "must be after the start of the period" in html
    assert "Leren coachen" in html  # what was typed is kept
    done = daan.post("/plan/new", {"trigger": "career_project", "career_project": "Leren coachen",
                                   "period_start": "2026-01-01", "period_end": "2027-12-31",
                                   "available_hours": "40", "available_budget": "1000,50"})
    assert done.status_code == 302 and "/skills" in done.headers["Location"]


def test_self_evaluation(karim):
    page = karim.get(f"/plans/{karim.plan_id}/skills")
    assert "data-autocomplete" in page.get_data(as_text=True)
    bad = karim.post(f"/plans/{karim.plan_id}/skills", {"skill": "Plannen", "category": "technical", "level": "9"})
    assert bad.status_code == 422
    assert "Choose one of the options." in bad.get_data(as_text=True) or "from 0 to 5" in bad.get_data(as_text=True)
    assert 'value="Plannen"' in bad.get_data(as_text=True)
    ok = karim.post(f"/plans/{karim.plan_id}/skills", {"skill": "Plannen", "category": "technical", "level": "2",
                                                       "status": "to_improve", "transferable_to": "Logistiek",
                                                       "new_skill": "on"})
    assert ok.status_code == 302
    assert "Plannen" in karim.get(f"/plans/{karim.plan_id}").get_data(as_text=True)


def test_skill_autocomplete_proxy(karim):
    answer = karim.client.get("/portal-api/skills?q=proj").get_json()
    assert answer["skills"][0]["label"] == "project management"
    karim.client.post("/language", data={"csrf_token": karim.token, "lang": "nl"})
    answer = karim.client.get("/portal-api/skills?q=proj").get_json()
    assert answer["skills"][0]["label"] == "projectmanagement"
    assert karim.client.get("/portal-api/skills?q=p").get_json() == {"skills": []}


def test_autocomplete_needs_a_session(client):
    assert client.get("/portal-api/skills?q=proj").status_code == 401


GOAL = {"title": "Leidinggeven aan een klein team", "skill_1": "Teammanagement", "target_1": "4",
        "measure": "", "hours_needed": "10", "budget_needed": "100", "relevance": "Teamleider worden",
        "deadline": "2030-01-01"}


def test_smart_goal_with_a_mistake_shows_the_letters_then_saves(karim):
    bad = karim.post(f"/plans/{karim.plan_id}/goals/new", GOAL)
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "M (measurable): say how progress will be measured" in html
    assert "T (time-bound)" in html
    assert 'id="deadline-errors"' in html and 'id="measure-errors"' in html
    assert 'value="Leidinggeven aan een klein team"' in html  # typed input kept
    assert 'data-letter="M"' in html and 'class="fail" data-letter="T"' in html
    good = karim.post(f"/plans/{karim.plan_id}/goals/new", {**GOAL, "measure": "Teamoverleg zelf voorzitten",
                                                            "deadline": "2027-06-30"})
    assert good.status_code == 302
    assert "Leidinggeven aan een klein team" in karim.get(f"/plans/{karim.plan_id}").get_data(as_text=True)


def test_goal_over_budget_fails_achievable(karim):
    bad = karim.post(f"/plans/{karim.plan_id}/goals/new", {**GOAL, "measure": "x", "deadline": "2027-06-30",
                                                           "hours_needed": "500"})
    assert bad.status_code == 422
    assert "A (achievable)" in bad.get_data(as_text=True)


def test_live_smart_check(karim):
    url = f"/portal-api/plans/{karim.plan_id}/smart-check"
    answer = karim.client.post(url, json={"skills": [{"skill": "Teammanagement", "target_level": "1"}],
                                          "measure": "", "hours_needed": "10", "budget_needed": "0",
                                          "relevance": "", "deadline": "2031-01-01"},
                               headers={"X-CSRFToken": karim.token}).get_json()
    assert answer["failing"] == ["S", "M", "R", "T"]
    answer = karim.client.post(url, json={"skills": [{"skill": "Teammanagement", "target_level": "3"}],
                                          "measure": "m", "hours_needed": "10", "budget_needed": "0",
                                          "relevance": "r", "deadline": "2027-01-31"},
                               headers={"X-CSRFToken": karim.token}).get_json()
    assert answer["failing"] == []
    assert [item["letter"] for item in answer["letters"]] == list("SMART")
    bad = karim.client.post(url, data="[1]", content_type="application/json", headers={"X-CSRFToken": karim.token})
    assert bad.status_code == 400


def test_live_smart_check_words_the_services_verdict(karim):
    """The letters are the plan service's (POST /plans/{id}/goals/check); the portal only phrases them."""
    url = f"/portal-api/plans/{karim.plan_id}/smart-check"

    def check(**goal):
        body = {"skills": [{"skill": "Teammanagement", "target_level": "3"}], "measure": "m", "hours_needed": "1",
                "budget_needed": "0", "relevance": "r", "deadline": "2027-01-31", **goal}
        answer = karim.client.post(url, json=body, headers={"X-CSRFToken": karim.token}).get_json()
        return answer["failing"], {item["letter"]: item["message"] for item in answer["letters"]}

    failing, words = check(hours_needed="100000")
    assert failing == ["A"] and "hours; the plan has" in words["A"]
    failing, words = check(budget_needed="abc")
    assert failing == ["A"] and words["A"] == "Enter hours and budget as numbers."
    failing, words = check(deadline="2031-01-01")
    assert failing == ["T"] and "inside the plan period" in words["T"]


def test_suggestions_accept_and_see_on_timeline(karim):
    page = karim.get(f"/plans/{karim.plan_id}/suggestions?means=mooc&language=nl&max_cost=500")
    html = page.get_data(as_text=True)
    assert "Cursus Projectmanagement (mooc)" in html and "Teaches Projectmanagement" in html
    assert "(internal_training)" not in html  # the means filter reached the recommender
    links = re.findall(r'href="(/plans/[^"]+/suggestions/accept\?[^"]+)"', html)
    link = next(x for x in links if "Projectmanagement" in x).replace("&amp;", "&")
    form = karim.get(link).get_data(as_text=True)
    assert 'value="Cursus Projectmanagement (mooc)"' in form and 'value="mooc" selected' in form
    start = re.search(r'name="planned_start" type="date" value="([^"]+)"', form).group(1)
    end = re.search(r'name="planned_end" type="date" value="([^"]+)"', form).group(1)
    rid = re.search(r'name="recommendation_id" value="([^"]+)"', form).group(1)
    offer_id = re.search(r'name="offer_id" value="([^"]+)"', form).group(1)
    goal = re.search(r'name="goal_ids" value="([^"]+)" checked', form).group(1)
    saved = karim.post(f"/plans/{karim.plan_id}/suggestions/accept", {
        "recommendation_id": rid, "offer_id": offer_id, "title": "Cursus Projectmanagement (mooc)",
        "means": "mooc", "provider": "Academie", "planned_start": start, "planned_end": end, "hours": "12",
        "cost": "250", "goal_ids": goal})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/timeline")
    assert "Cursus Projectmanagement (mooc)" in karim.get(f"/plans/{karim.plan_id}/timeline").get_data(as_text=True)
    again = karim.get(f"/plans/{karim.plan_id}/suggestions?means=mooc").get_data(as_text=True)
    assert "Cursus Projectmanagement (mooc)" not in again  # the recommender leaves planned offers out


def test_suggestions_come_only_from_the_recommenders_employee_endpoint(karim, transport):
    transport.calls.clear()
    transport.params.clear()
    html = karim.get(f"/plans/{karim.plan_id}/suggestions?means=mooc&max_cost=300").get_data(as_text=True)
    assert "Cursus Projectmanagement (mooc)" in html
    to_recommender = [(m, url.split("?")[0]) for m, url in transport.calls if url.startswith(RECOMMENDER_URL)]
    assert to_recommender == [("GET", f"{RECOMMENDER_URL}/api/v1/employees/karim/recommendations")]
    asked = next(p for (m, url), p in zip(transport.calls, transport.params, strict=True)
                 if "/employees/karim/recommendations" in url)
    assert asked["means"] == ["mooc"] and asked["max_cost"] == 300
    assert not any("/people/karim/skills" in url for m, url in transport.calls), "the gaps are the recommender's"


def test_accept_with_a_date_outside_the_period_keeps_the_form(karim):
    response = karim.post(f"/plans/{karim.plan_id}/suggestions/accept", {
        "recommendation_id": fake_id("rec", "x", 0), "offer_id": fake_id("offer", "x", 0), "title": "Cursus X",
        "means": "mooc",
        "planned_start": "2031-01-01", "planned_end": "2031-02-01", "hours": "4", "cost": "0"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="planned_start-errors"' in html and "must lie inside the plan period" in html
    assert 'value="Cursus X"' in html


def test_dismiss_a_suggestion(karim, recommender_app):
    response = karim.post(f"/plans/{karim.plan_id}/suggestions/dismiss",
                          {"recommendation_id": fake_id("rec", 0, 1), "offer_id": fake_id("offer", 0, 1),
                           "reason": "too_expensive", "gap": "Excel"})
    assert response.status_code == 302
    html = karim.get(f"/plans/{karim.plan_id}/suggestions").get_data(as_text=True)
    assert "Suggestion dismissed" in html
    assert fake_id("offer", 0, 1) not in html
    # the recommender hears the reason code too, so the next suggestions change at once
    assert recommender_app.config["dismissals"] == [{"person_id": "karim", "offer_id": fake_id("offer", 0, 1),
                                                     "reason": "too_expensive", "gap": "Excel", "note": None}]


def test_suggestions_page_works_when_the_recommender_is_down(make_portal, plan_app):
    portal = make_portal(FlaskTransport({PLAN_URL: plan_app, RECOMMENDER_URL: None}))
    browser = Browser(portal.test_client())
    browser.login("karim")
    plan_id = plan_id_of(browser)
    page = browser.get(f"/plans/{plan_id}/suggestions")
    assert page.status_code == 200
    assert "recommender does not answer" in page.get_data(as_text=True)
    assert browser.client.get("/portal-api/skills?q=proj").get_json() == {"skills": [], "available": False}
    assert browser.get(f"/plans/{plan_id}").status_code == 200


def test_plan_service_down_gives_a_clear_page(make_portal, recommender_app):
    portal = make_portal(FlaskTransport({PLAN_URL: None, RECOMMENDER_URL: recommender_app}))
    browser = Browser(portal.test_client())
    browser.login("karim")
    page = browser.get("/plan")
    assert page.status_code == 503
    assert "plan service does not answer" in page.get_data(as_text=True)


def test_action_life_cycle(karim):
    timeline = karim.get(f"/plans/{karim.plan_id}/timeline").get_data(as_text=True)
    assert "2027-H1" in timeline and "<svg" in timeline
    action_id = re.search(r'/actions/([0-9a-f-]{36})">Projectmanagement \(IPMA-D\)', timeline).group(1)
    base = f"/plans/{karim.plan_id}/actions/{action_id}"
    assert "Request funding" in karim.get(base).get_data(as_text=True)
    moved = karim.post(f"{base}/reschedule", {"planned_start": "2027-03-01", "planned_end": "2027-07-31",
                                              "reason": "Eerst kleine projecten"})
    assert moved.status_code == 302
    asked = karim.post(f"{base}/funding", {"amount": "1750", "justification": ""})
    assert asked.status_code == 422 and 'id="justification-errors"' in asked.get_data(as_text=True)
    asked = karim.post(f"{base}/funding", {"amount": "1750", "justification": "Minder uitval in projecten"})
    assert asked.status_code == 302
    started = karim.post(f"{base}/start", {"date": "2027-03-02"})
    assert started.status_code == 302
    early = karim.post(f"{base}/complete", {"date": "2027-03-01", "evaluation": "4", "reflection": "Goed"})
    assert early.status_code == 422
    assert "cannot complete before it started" in early.get_data(as_text=True)
    done = karim.post(f"{base}/complete", {"date": "2027-07-15", "evaluation": "5", "reflection": "Veel geleerd",
                                           "skill": "Projectmanagement", "new_level": "2"})
    assert done.status_code == 302
    page = karim.get(base).get_data(as_text=True)
    assert "Completed" in page and "Veel geleerd" in page
    assert karim.post(f"{base}/explode", {}).status_code == 404


def test_plan_a_free_action_and_cancel_it(karim):
    assert karim.get(f"/plans/{karim.plan_id}/actions/new").status_code == 200
    made = karim.post(f"/plans/{karim.plan_id}/actions/new", {
        "title": "Meelopen met de teamleider", "means": "on_the_job", "planned_start": "2026-09-01",
        "planned_end": "2026-10-01", "hours": "8", "cost": "0"})
    assert made.status_code == 302
    timeline = karim.get(f"/plans/{karim.plan_id}/timeline").get_data(as_text=True)
    action_id = re.search(r'/actions/([0-9a-f-]{36})">Meelopen met de teamleider', timeline).group(1)
    gone = karim.post(f"/plans/{karim.plan_id}/actions/{action_id}/cancel", {"reason": "Geen tijd"})
    assert gone.status_code == 302
    assert "Cancelled" in karim.get(f"/plans/{karim.plan_id}/timeline").get_data(as_text=True)


def test_feedback_thread_and_submit(karim):
    page = karim.get(f"/plans/{karim.plan_id}/feedback").get_data(as_text=True)
    assert "Sinds de training merk ik" in page  # Marieke's feedback
    empty = karim.post(f"/plans/{karim.plan_id}/feedback", {"source": "self", "text": ""})
    assert empty.status_code == 422
    added = karim.post(f"/plans/{karim.plan_id}/feedback", {"source": "self", "text": "Ik oefen nu wekelijks."})
    assert added.status_code == 302
    assert "Ik oefen nu wekelijks." in karim.get(f"/plans/{karim.plan_id}/feedback").get_data(as_text=True)
    sent = karim.post(f"/plans/{karim.plan_id}/submit", {"note": "Herzien plan"})
    assert sent.status_code == 302
    assert "Waiting for review" in karim.get(f"/plans/{karim.plan_id}").get_data(as_text=True)
    twice = karim.post(f"/plans/{karim.plan_id}/submit", {"note": ""})
    assert "already waiting for review" in karim.get(twice.headers["Location"]).get_data(as_text=True)


def test_exports(karim):
    pdf = karim.get(f"/plans/{karim.plan_id}/export.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert b"DejaVu" in pdf.data and len(pdf.data) > 5000
    ics = karim.get(f"/plans/{karim.plan_id}/actions.ics")
    text = ics.get_data(as_text=True)
    assert ics.mimetype == "text/calendar" and text.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY:Projectmanagement (IPMA-D)" in text and "DTSTART;VALUE=DATE:20270201" in text


def test_pdf_in_dutch_with_euro_signs(karim):
    karim.client.post("/language", data={"csrf_token": karim.token, "lang": "nl"})
    pdf = karim.get(f"/plans/{karim.plan_id}/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_other_peoples_plans_are_not_shown(signed_in, karim):
    sophie = signed_in("sophie")
    assert sophie.get(f"/plans/{karim.plan_id}").status_code == 404
    assert sophie.get(f"/plans/{karim.plan_id}/export.pdf").status_code == 404
    assert sophie.get("/plans/not-a-plan").status_code == 404
