"""One truth on every page: the current level and gap come from the plan service (plan page, review page and the
suggestions agree, a re-rating at completion included); budget use is the plan service's, with a warning and its
numbers on the plan, before accepting a suggestion and on the manager's review; funding shows requested beside
approved; an old review is not shown as the current verdict."""

from __future__ import annotations

import re

import pytest

from tests.portal.fake_recommender import fake_id


def plan_id_of(browser) -> str:
    return re.search(r"/plans/([0-9a-f-]{36})", browser.get("/plan").get_data(as_text=True)).group(1)


@pytest.fixture
def karim(signed_in):
    browser = signed_in("karim")
    browser.plan_id = plan_id_of(browser)
    return browser


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main"):html.index("</main>")]))


def test_the_level_re_rated_at_completion_is_the_current_level_on_the_plan_the_review_and_the_suggestions(
        karim, signed_in):
    # the demo completes the communication course with a re-rating to 3 (the self-assessment said less)
    plan = text_of(karim.get(f"/plans/{karim.plan_id}"))
    assert re.search(r"Interpersoonlijke communicatie Behavioural 3 4", plan)
    suggestions = text_of(karim.get(f"/plans/{karim.plan_id}/suggestions"))
    assert re.search(r"Interpersoonlijke communicatie 3 → 4", suggestions)
    review = text_of(signed_in("marieke").get(f"/team/plans/{karim.plan_id}"))
    assert re.search(r"Interpersoonlijke communicatie 3 4 1", review)


def test_budget_use_and_its_warning_on_the_plan_page(karim):
    page = text_of(karim.get(f"/plans/{karim.plan_id}"))
    assert "Planned: 64 of 120 hours" in page and "Over the" not in page
    current = karim.get(f"/plans/{karim.plan_id}/details")
    assert current.status_code == 200
    fields = dict(re.findall(r'name="(period_start|period_end|available_budget|career_project|target_role)"'
                             r'[^>]*value="([^"]*)"', current.get_data(as_text=True)))
    karim.post(f"/plans/{karim.plan_id}/details", {**fields, "available_hours": "50",
                                                   "available_budget": fields.get("available_budget", "3000")})
    page = text_of(karim.get(f"/plans/{karim.plan_id}"))
    assert "Over the hours: 64 hours planned, 50 available — 14 hours too many." in page


def test_accepting_a_suggestion_shows_the_budget_with_it_first(karim):
    page = karim.get(f"/plans/{karim.plan_id}/suggestions/accept", query_string={
        "recommendation_id": fake_id("rec", 0, 0), "offer_id": fake_id("offer", 0, 0), "title": "Grote cursus",
        "means": "external_course", "hours": "80", "cost": "2000"})
    words = text_of(page)
    assert "Your plan with this action" in words
    assert "Over the hours: 144 hours planned, 120 available — 24 hours too many." in words
    assert "Over the budget:" in words and "4,600.00 planned" in words


def test_the_review_page_shows_what_the_manager_decides_on(karim, signed_in):
    marieke = signed_in("marieke")
    page = text_of(marieke.get(f"/team/plans/{karim.plan_id}"))
    assert "Note from Karim El Amrani Mijn plan richting teamleider" in page
    assert "Latest review Approved" in page and "Ambitieus en realistisch." in page
    assert "Hours and budget" in page and "Planned: 64 of 120 hours" in page
    assert "Skills and gaps" in page
    assert re.search(r"Training interpersoonlijke communicatie Funding approved €850\.00 €850\.00", page)


def test_an_old_review_is_not_shown_as_the_current_verdict(karim):
    assert "flash info" in karim.get(f"/plans/{karim.plan_id}").get_data(as_text=True)
    karim.post(f"/plans/{karim.plan_id}/submit", {"note": "nieuw doel erbij"})
    html = karim.get(f"/plans/{karim.plan_id}").get_data(as_text=True)
    assert "Previous review (" in html and 'class="flash info">Approved' not in html
