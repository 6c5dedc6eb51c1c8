"""L&D's "save only if better" against the real recommender, on enough judged queries to decide: the feed's
judgments (offers accepted for a goal's skill, through the plan service and the recommender's follower), not a
stand-in's canned answer. A worse proposal is refused and nothing changes; a better one is saved."""

from __future__ import annotations

import re

import pytest

from recommender.api.tuning import MIN_JUDGED_QUERIES
from tests.portal.conftest import PLAN_URL, TEST_SECRET, Browser
from tests.portal.real_recommender import follow_feed

WORSE = {"text": "0", "taxonomy": "0", "translation": "0", "expansion": "0"}


def accept_top_offer_per_skill(plan_app, recommender, tokens, count: int) -> list[str]:
    """Karim sets a goal per catalogue skill and accepts the recommender's first suggestion for it, as the portal's
    suggestions page does: each becomes a judged query (skill -> accepted offer) in the recommender's feed."""
    plan, rec, karim = plan_app.test_client(), recommender.test_client(), tokens("karim")
    plan_id = plan.get("/api/v1/plans", headers=karim).get_json()["items"][0]["id"]
    offers = rec.get("/api/v1/offers", query_string={"limit": 200}, headers=tokens("daan", "ld")).get_json()["offers"]
    skills = sorted({s["skill"] for o in offers for s in o.get("skills") or []})[:count]
    for skill in skills:
        goal = plan.post(f"/api/v1/plans/{plan_id}/goals", headers=karim, json={
            "title": f"Beter in {skill}", "skills": [{"skill": skill, "target_level": 3}],
            "measure": f"Een opdracht met {skill} zelfstandig afgerond", "hours_needed": 1,
            "relevance": "Nodig als teamleider", "deadline": "2027-12-01"})
        assert goal.status_code == 201, goal.get_json()
        top = rec.post("/api/v1/recommendations", headers=karim,
                       json={"gaps": [{"skill": skill}]}).get_json()["recommendations"][0]
        accepted = plan.post(f"/api/v1/plans/{plan_id}/recommendations/{top['recommendation_id']}/accept",
                             headers=karim, json={"offer_id": top["offer_id"], "means": top["means"],
                                                  "title": top["title"], "goal_ids": [goal.get_json()["goal_id"]],
                                                  "planned_start": "2027-01-04", "planned_end": "2027-06-30"})
        assert accepted.status_code == 201, accepted.get_json()
    return skills


@pytest.fixture
def daan(real_portal, plan_app, real_recommender, real_runtime, tokens):
    """L&D on the ranking page, the recommender's read model following a feed with enough judged queries."""
    accept_top_offer_per_skill(plan_app, real_recommender, tokens, MIN_JUDGED_QUERIES + 2)
    follow_feed(real_runtime, plan_app, PLAN_URL, TEST_SECRET)
    browser = Browser(real_portal.test_client())
    browser.login("daan")
    browser.runtime = real_runtime
    browser.settings = lambda: real_recommender.test_client().get(
        "/api/v1/settings", headers=tokens("daan", "ld")).get_json()
    browser.history = lambda: real_recommender.test_client().get(
        "/api/v1/settings/history", headers=tokens("daan", "ld")).get_json()["history"]
    return browser


def form_of(browser, **changes) -> dict[str, str]:
    """The ranking form as the page fills it (every weight in use), with CHANGES."""
    html = browser.get("/ld/ranking").get_data(as_text=True)
    weights = dict(re.findall(r'<input id="(\w+)" name="\1" type="number" value="([^"]*)"', html))
    assert "text" in weights and "taxonomy" in weights, "the page shows the weights in use"
    return {**weights, **changes}


def test_the_evaluation_rests_on_enough_judged_queries(daan):
    html = daan.post("/ld/ranking", {**form_of(daan, **WORSE), "action": "evaluate"}).get_data(as_text=True)
    count = int(re.search(r"Evaluated on (\d+) judged queries\.", html).group(1))
    assert count >= MIN_JUDGED_QUERIES and "too few" not in html


def test_a_worse_proposal_is_refused_and_nothing_changes_a_better_one_is_saved(daan):
    settings, history = daan.settings(), daan.history()
    worse = {**form_of(daan, **WORSE), "action": "save", "reason": "Minder tekst", "only_if_better": "on"}
    refused = daan.post("/ld/ranking", worse)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Not saved: the proposal does not do better on enough judged queries" in html
    assert daan.settings() == settings and daan.history() == history

    # with confirmation L&D may still save them; going back to the defaults right after (before any worker has
    # refreshed its index) is judged against the saved settings, does better, and is saved
    assert daan.post("/ld/ranking", {**worse, "only_if_better": "", "confirm": "on"}).status_code == 302
    in_use = daan.settings()["weights"]
    assert in_use["text"] == 0 and len(daan.history()) == len(history) + 1
    better = {**form_of(daan), **{k: str(settings["weights"][k]) for k in WORSE}, "action": "save",
              "reason": "Terug naar de standaard", "only_if_better": "on"}
    saved = daan.post("/ld/ranking", better)
    assert saved.status_code == 302
    assert daan.settings()["weights"] == settings["weights"]
    assert [c["reason"] for c in daan.history()][-1] == "Terug naar de standaard"
    page = daan.get("/ld/ranking").get_data(as_text=True)
    assert "The ranking settings were saved." in page and "Terug naar de standaard" in page
