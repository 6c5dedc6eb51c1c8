"""HR's audit, readable: history entries name what they are about with dates in the reader's language; the diff
between two versions is a table of labelled fields with old and new values under the goal or action's title (no
ids, no JSON); bad versions get a message; the access log groups repeated looks and words purposes."""

from __future__ import annotations

import re

import pytest

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def hanna(signed_in):
    browser = signed_in("hanna")
    assert browser.post("/hr/purpose", {"purpose": "audit", "note": "steekproef"}).status_code == 302
    page = browser.get("/hr/plans", query_string={"q": "karim"}).get_data(as_text=True)
    browser.plan_id = re.search(r"/hr/plans/([0-9a-f-]{36})/history", page).group(1)
    return browser


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def events(browser) -> list[dict]:
    plan_app = browser.client.application.extensions["portal"].transport.clients["http://plan.test"].application
    service = plan_app.extensions["plan_service"]
    from services.plan.application import history_entry

    return [history_entry(e) for e in service.events.get(__import__("uuid").UUID(browser.plan_id))]


def test_history_entries_say_what_they_are_about_with_dates_in_the_readers_language(hanna):
    html = hanna.get(f"/hr/plans/{hanna.plan_id}/history").get_data(as_text=True)
    action = next(e["data"]["title"] for e in events(hanna) if e["type"] == "LearningActionPlanned")
    assert f"started the action “{action}”" in html or f"planned the action “{action}”" in html
    goal = next(e["data"]["title"] for e in events(hanna) if e["type"] == "GoalSet")
    assert f"set the goal “{goal}”" in html
    hanna.client.post("/language", data={"csrf_token": hanna.token, "lang": "nl"})
    dutch = hanna.get(f"/hr/plans/{hanna.plan_id}/history").get_data(as_text=True)
    assert f"stelde het doel “{goal}”" in dutch
    assert re.search(r"\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)\.? \d{4}", main_of(dutch))


def test_the_diff_is_a_table_of_labelled_fields_under_the_goal_or_action_title(hanna):
    history = events(hanna)
    revised = next(e for e in history if e["type"] == "GoalRevised")
    goal = next(e["data"]["title"] for e in history if e["type"] == "GoalSet"
                and e["data"]["goal_id"] == revised["data"]["goal_id"])
    version = revised["version"]
    html = hanna.get(f"/hr/plans/{hanna.plan_id}/diff", query_string={"from": version - 1, "to": version})
    page = main_of(html.get_data(as_text=True))
    assert html.status_code == 200
    assert f"<caption>Goal: {goal}</caption>" in page
    changed = next(iter(revised["data"]["changes"]))
    label = {"deadline": "Deadline", "measure": "Measure", "hours_needed": "Hours needed", "title": "Title",
             "skills": "Skills and target levels", "budget_needed": "Budget needed"}[changed]
    assert f'<th scope="row">{label}</th>' in page
    tables = page[page.index("<table"):]
    assert not UUID.search(tables) and "{" not in tables and "goal_id" not in tables


@pytest.mark.parametrize(("query", "message"), [
    ({"from": "1", "to": "999"}, "Version 999 does not exist"),
    ({"from": "x", "to": "2"}, "is not a version number"),
    ({"from": "²", "to": "2"}, "is not a version number"),  # a digit to str.isdigit, not to int
    ({"from": "9" * 5000, "to": "2"}, "is not a version number"),
    ({"from": "2", "to": "2"}, "Choose two different versions"),
])
def test_a_version_that_cannot_be_compared_gets_a_message_not_no_changes(hanna, query, message):
    answer = hanna.get(f"/hr/plans/{hanna.plan_id}/diff", query_string=query)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and message in html and "No changes" not in html and "Nothing a reader" not in html


def test_the_access_log_groups_repeated_looks_and_words_the_purpose_in_the_readers_language(hanna, signed_in):
    for _ in range(3):
        hanna.get(f"/hr/plans/{hanna.plan_id}/history")
    hanna.client.post("/language", data={"csrf_token": hanna.token, "lang": "nl"})
    html = main_of(hanna.get("/hr/access-log").get_data(as_text=True))
    assert "keer bekeken die dag" in html
    assert "Audit of nalevingscontrole" in html or "Audit" in html
    assert "audit</td>" not in html  # the code itself is never shown
