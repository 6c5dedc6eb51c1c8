"""The gap to the target role on the employee's plan page: the real recommender's answer, whose current levels are
the plan service's (a re-rating at an action's completion counts), shown as it is; the portal computes no level.

The recommender's follower is not run here: its copy of the plans is empty, so only levels asked of the plan service
at the request can appear in the box."""

from __future__ import annotations

import re

import pytest

from tests.portal.conftest import Browser


def section(html: str, section_id: str) -> str:
    part = html[html.index(f'id="{section_id}"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part[:part.index("</section>")]))


@pytest.fixture
def karim(real_portal):
    browser = Browser(real_portal.test_client())
    browser.login("karim")
    browser.plan_id = re.search(r"/plans/([0-9a-f-]{36})", browser.get("/plan").get_data(as_text=True)).group(1)
    return browser


def test_a_level_re_rated_at_an_actions_completion_is_the_current_level_in_the_role_gap(karim, plan_app, tokens):
    # the demo: Karim rated his communication 2 himself; completing the course re-rated it to 3; the role asks 4
    levels = {i["skill"]: i["current_level"] for i in plan_app.test_client().get(
        "/api/v1/people/karim/skills", headers=tokens("karim")).get_json()["items"]}
    assert levels["Interpersoonlijke communicatie"] == 3
    box = section(karim.get(f"/plans/{karim.plan_id}").get_data(as_text=True), "role-gap")
    assert "Gap to the target role" in box
    assert "Interpersoonlijke communicatie: 3 → 4" in box
    assert "Projectmanagement: 1 → 3" in box and "Teammanagement: 1 → 3" in box
    assert "Storingsanalyse: " not in box and "Storingsanalyse (4 / 4)" in box  # met, not a gap


def test_the_role_gap_follows_a_new_rating_at_once(karim, real_portal):
    marieke = Browser(real_portal.test_client())
    marieke.login("marieke")
    rated = marieke.post(f"/team/plans/{karim.plan_id}/assessments", {
        "skill": "Interpersoonlijke communicatie", "category": "behavioural", "level": "4"})
    assert rated.status_code == 302
    box = section(karim.get(f"/plans/{karim.plan_id}").get_data(as_text=True), "role-gap")
    assert "Interpersoonlijke communicatie: " not in box and "Interpersoonlijke communicatie (4 / 4)" in box


def test_the_role_gap_box_in_dutch(karim):
    karim.post("/language", {"lang": "nl", "next": f"/plans/{karim.plan_id}"})
    box = section(karim.get(f"/plans/{karim.plan_id}").get_data(as_text=True), "role-gap")
    assert "Verschil met de doelfunctie" in box and "Al op het niveau dat de functie vraagt" in box
    assert "Interpersoonlijke communicatie: 3 → 4" in box and "Gap to the target role" not in box
