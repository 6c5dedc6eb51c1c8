"""The manager's own assessment of a report's skill, on the review page, through the same skill check as the
employee's self-evaluation (the real recommender's taxonomy): a half-typed word is refused with a field error in the
reader's language and nothing is saved; a taxonomy skill, or one explicitly added as new, is saved as the manager's."""

from __future__ import annotations

import re

import pytest

from tests.portal.conftest import Browser


@pytest.fixture
def marieke(real_portal, plan_app, tokens):
    """Karim's manager on the review page of his plan."""
    karim = Browser(real_portal.test_client())
    karim.login("karim")
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", karim.get("/plan").get_data(as_text=True)).group(1)
    browser = Browser(real_portal.test_client())
    browser.login("marieke")
    browser.url = f"/team/plans/{plan_id}"
    browser.skills = lambda: {s["skill"]: s for s in plan_app.test_client().get(
        f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()["skills"]}
    return browser


def assess(browser, **fields):
    return browser.post(f"{browser.url}/assessments", {"category": "behavioural", "level": "3", **fields})


def test_the_review_page_has_the_skill_combobox_with_add_as_new(marieke):
    html = marieke.get(marieke.url).get_data(as_text=True)
    form = html[html.index('id="assess-form"'):]
    form = form[:form.index("</form>")]
    assert "data-autocomplete=" in form and 'data-new-choice="skill-new"' in form
    assert 'id="skill"' in form and 'name="new_skill"' in form and 'id="skill-new"' in form
    assert "skill-autocomplete.js" in html


def test_a_half_typed_skill_is_refused_with_a_translated_field_error_and_nothing_is_saved(marieke):
    before = marieke.skills()
    refused = assess(marieke, skill="Coach")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    field = html[html.index('data-field="skill"'):]
    assert "“Coach” is not in the skills list" in field[:field.index("</div>")]
    assert "coaching" in field[:field.index("</div>")]  # the taxonomy's closest names are offered
    assert marieke.skills() == before
    marieke.post("/language", {"lang": "nl", "next": marieke.url})
    dutch = assess(marieke, skill="Coach")
    assert dutch.status_code == 422
    text = dutch.get_data(as_text=True)
    assert "“Coach” staat niet in de lijst met vaardigheden" in text and "is not in the skills list" not in text
    assert "coachen" in text
    assert marieke.skills() == before


def test_a_taxonomy_skill_is_saved_as_the_managers_assessment(marieke):
    saved = assess(marieke, skill="Coachen", level="2", note="Coacht nieuwe monteurs al goed")
    assert saved.status_code == 302
    entry = marieke.skills()["Coachen"]
    assert entry["level"] == 2 and entry["assessor"] == "manager"
    assert "Your assessment was saved: Coachen, level 2." in marieke.get(marieke.url).get_data(as_text=True)


def test_a_skill_the_plan_has_is_rated_under_its_own_name_not_a_second_time(marieke):
    assert assess(marieke, skill="interpersoonlijke communicatie", level="4").status_code == 302
    skills = marieke.skills()
    assert "interpersoonlijke communicatie" not in skills
    assert skills["Interpersoonlijke communicatie"]["level"] == 4
    assert skills["Interpersoonlijke communicatie"]["assessor"] == "manager"


def test_a_skill_added_as_new_is_saved(marieke):
    assert assess(marieke, skill="Hoogwerker bedienen").status_code == 422
    saved = assess(marieke, skill="Hoogwerker bedienen", new_skill="on", category="technical")
    assert saved.status_code == 302
    assert marieke.skills()["Hoogwerker bedienen"]["assessor"] == "manager"
