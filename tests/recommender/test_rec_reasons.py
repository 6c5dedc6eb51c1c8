"""Reason codes: every code worded in Dutch and English, and the API answering in the caller's language."""

from __future__ import annotations

import pytest

from recommender.demo import seed
from recommender.reasons import CODES, LANGUAGES, SENTENCES, localised, reason, sentence
from recommender.taxonomy import Taxonomy

EXAMPLES = {
    "chosen_by_ld": {"skill_id": "spreadsheets", "skill": "spreadsheets"},
    "teaches_skill": {"skill_id": "spreadsheets", "skill": "spreadsheets"},
    "understood_as": {"query": "rekenbladen", "skill_id": "spreadsheets", "skill": "spreadsheets"},
    "matched_words": {"words": ["excel", "draaitabellen"]},
    "resembles_skill": {"query": "lassen"},
    "level_fits": {"level": "intermediate", "from": 2, "to": 4},
    "rated_by_colleagues": {"rating": 4.5, "ratings": 6},
    "completed_by_colleagues": {"count": 7},
    "popular_with_role": {"role": "team leader"},
    "mentor_colleague": {"person_id": "marieke"},
    "within_budget": {"cost": 1495.5, "currency": "EUR", "budget": 2000},
    "fits_hours": {"weeks": 3, "hours_per_week": 2.5},
    "in_language": {"language": "nl"},
}


def test_every_code_has_an_example_and_a_sentence_in_each_language():
    assert set(EXAMPLES) == set(CODES)
    for language in LANGUAGES:
        assert set(SENTENCES[language]) == set(CODES), language


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_code_reads_differently_in_dutch_and_english(code):
    params = reason(code, **EXAMPLES[code])["params"]
    dutch, english = sentence(code, params, "nl"), sentence(code, params, "en")
    assert dutch != english and "{" not in dutch + english and "?" not in dutch + english


def test_numbers_money_and_languages_follow_the_language():
    budget = reason("within_budget", **EXAMPLES["within_budget"])["params"]
    assert "1.495,50" in sentence("within_budget", budget, "nl")
    assert "1,495.50" in sentence("within_budget", budget, "en")
    rating = reason("rated_by_colleagues", **EXAMPLES["rated_by_colleagues"])["params"]
    assert "4,5/5" in sentence("rated_by_colleagues", rating, "nl")
    assert "4.5/5" in sentence("rated_by_colleagues", rating, "en")
    assert sentence("in_language", {"language": "nl"}, "nl") == "In het Nederlands"
    assert sentence("in_language", {"language": "nl"}, "en") == "In Dutch"


def test_a_person_is_never_named_in_the_sentence():
    for language in LANGUAGES:
        assert "marieke" not in sentence("mentor_colleague", {"person_id": "marieke"}, language)


def test_unknown_parameters_are_a_programming_error():
    with pytest.raises(ValueError):
        reason("teaches_skill", skill="x", person="y")


def test_skill_labels_follow_the_language():
    taxonomy = Taxonomy.build()
    reasons = [reason("teaches_skill", skill_id="project-management", skill="project management")]
    dutch = localised(reasons, "nl", taxonomy.get)[0]
    assert dutch["params"]["skill"] == "projectmanagement" and "projectmanagement" in dutch["text"]
    assert localised(reasons, "en", taxonomy.get)[0]["params"]["skill"] == "project management"


@pytest.fixture
def demo(runtime, sqlite_url):
    seed(sqlite_url)
    runtime.matcher.refresh()
    return runtime


BODY = {"gaps": [{"skill": "projectmanagement", "current_level": 1, "target_level": 3}],
        "context": {"max_cost": 1000, "hours_per_week": 4, "language": "nl"}, "limit": 5}


@pytest.mark.parametrize("accept,language,word", [
    ("nl-NL,nl;q=0.9,en;q=0.5", "nl", "Leert je"), ("en-GB", "en", "Teaches"), (None, "en", "Teaches"),
    ("fr-FR", "en", "Teaches")])
def test_the_api_words_reasons_in_the_callers_language(client, demo, employee, accept, language, word):
    headers = {**employee, **({"Accept-Language": accept} if accept else {})}
    answer = client.post("/api/v1/recommendations", json=BODY, headers=headers)
    assert answer.status_code == 200 and answer.headers["Content-Language"] == language
    reasons = [r for item in answer.json["recommendations"] for r in item["reasons"]]
    assert reasons and all(set(r) == {"code", "params", "text"} for r in reasons)
    assert any(r["text"].startswith(word) for r in reasons if r["code"] == "teaches_skill")
    for r in reasons:
        assert r["text"] == sentence(r["code"], r["params"], language)
        assert set(r["params"]) == set(CODES[r["code"]])


def test_a_mentors_user_name_never_reaches_the_text(client, demo, employee):
    answer = client.post("/api/v1/recommendations", headers={**employee, "Accept-Language": "nl"}, json={
        "gaps": [{"skill": "projectleiding"}], "context": {"means": ["mentoring"]}})
    mentors = [r for item in answer.json["recommendations"] for r in item["reasons"]
               if r["code"] == "mentor_colleague"]
    assert mentors and all(r["params"]["person_id"] not in r["text"] for r in mentors)
