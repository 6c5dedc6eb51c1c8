"""Suggestions explained in the portal's words: the recommender's reason codes rendered in Dutch and English."""

from __future__ import annotations

import re

import pytest

from recommender.api.schemas import RecommendationListSchema
from recommender.reasons import CODES, reason
from services.portal.reasons import WORDING, worded
from tests.portal.fake_recommender import MENTOR
from tests.portal.test_portal_employee import plan_id_of


def reasons_on(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", li) for ul in re.findall(r'<ul class="reasons">(.*?)</ul>', html, re.S)
            for li in re.findall(r"<li>(.*?)</li>", ul, re.S)]


@pytest.fixture
def karim(signed_in):
    browser = signed_in("karim")
    browser.plan_id = plan_id_of(browser)
    return browser


def test_the_portal_words_every_code_the_recommender_has():
    assert set(WORDING) == set(CODES)


def test_the_fake_recommender_answers_in_the_real_shape(recommender_app):
    answer = recommender_app.test_client().post("/api/v1/recommendations", json={
        "gaps": [{"skill": "projectmanagement"}], "context": {"max_cost": 500}}, headers={"Accept-Language": "nl"})
    assert RecommendationListSchema().validate(answer.get_json()) == {}
    assert answer.headers["Content-Language"] == "nl"


def test_suggestions_explained_in_english(karim, recommender_app):
    html = karim.get(f"/plans/{karim.plan_id}/suggestions?max_cost=500").get_data(as_text=True)
    reasons = reasons_on(html)
    assert "Teaches Projectmanagement, the skill you want to grow" in reasons
    assert "Costs €250.00, within your budget of €500.00" in reasons
    assert "A colleague mentors in this" in reasons
    assert recommender_app.config["languages"][-1] == "en"


def test_suggestions_explained_in_dutch(karim, recommender_app):
    karim.client.post("/language", data={"csrf_token": karim.token, "lang": "nl"})
    html = karim.get(f"/plans/{karim.plan_id}/suggestions?max_cost=500").get_data(as_text=True)
    reasons = reasons_on(html)
    assert "Leert je Projectmanagement, de vaardigheid die je wilt ontwikkelen" in reasons
    assert "Kost € 250,00, binnen je budget van € 500,00" in reasons
    assert "Een collega begeleidt je hierin" in reasons
    assert "De beschrijving past bij je doel op: ‘projectmanagement’" in reasons
    assert recommender_app.config["languages"][-1] == "nl"  # API users' sentences come in the same language


def test_a_mentor_is_never_shown_by_user_name(karim):
    """Karim's directory does not show Marieke: she is 'a colleague', and her user name appears nowhere."""
    for language in ("en", "nl"):
        karim.client.post("/language", data={"csrf_token": karim.token, "lang": language})
        reasons = reasons_on(karim.get(f"/plans/{karim.plan_id}/suggestions").get_data(as_text=True))
        assert reasons and not any(MENTOR in r for r in reasons)


def test_a_mentor_the_directory_shows_is_named(portal):
    item = {"reasons": [reason("mentor_colleague", person_id="marieke")]}
    with portal.test_request_context(headers={"Accept-Language": "nl"}):
        assert worded(item, {"marieke": "Marieke de Vries"}) == ["Marieke de Vries begeleidt je hierin"]
        assert worded(item, {}) == ["Een collega begeleidt je hierin"]


def test_a_code_the_portal_does_not_know_shows_the_recommenders_sentence_and_junk_is_skipped(portal):
    item = {"reasons": [{"code": "new_code", "params": {}, "text": "Something new"}, "a bare string",
                        {"code": "teaches_skill"}, {"code": "in_language", "params": {"language": "en"}}]}
    with portal.test_request_context(headers={"Accept-Language": "en"}):
        assert worded(item, {}) == ["Something new", "In English"]
