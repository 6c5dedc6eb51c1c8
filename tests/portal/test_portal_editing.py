"""Editing what one made, through the portal against the real plan service: plan details, goal revision,
achieved / stopped, progress notes, changing and removing a skill assessment, and the taxonomy check that keeps
a half-typed word from being saved."""

from __future__ import annotations

import re

import pytest


def plan_id_of(browser) -> str:
    return re.search(r"/plans/([0-9a-f-]{36})", browser.get("/plan").get_data(as_text=True)).group(1)


@pytest.fixture
def karim(signed_in):
    browser = signed_in("karim")
    browser.plan_id = plan_id_of(browser)
    return browser


def plan(browser) -> dict:
    service = browser.client.application.extensions["portal"].transport.clients["http://plan.test"]
    return service.application.extensions["plan_service"].repository.get(
        __import__("uuid").UUID(browser.plan_id))


def history_types(browser) -> list[str]:
    return [type(e).__name__ for e in plan_events(browser)]


def plan_events(browser) -> list:
    service = browser.client.application.extensions["portal"].transport.clients["http://plan.test"]
    return list(service.application.extensions["plan_service"].events.get(__import__("uuid").UUID(browser.plan_id)))


def test_the_plan_details_form_sends_only_what_changed(karim):
    page = karim.get(f"/plans/{karim.plan_id}/details").get_data(as_text=True)
    current = plan(karim)
    assert f'value="{current.period_start.isoformat()}"' in page
    form = {"career_project": "Teamleider onderhoud worden", "target_role": current.target_role or "",
            "period_start": current.period_start.isoformat(), "period_end": current.period_end.isoformat(),
            "available_hours": f"{current.available_hours:g}", "available_budget": "2750"}
    answer = karim.post(f"/plans/{karim.plan_id}/details", {**form, "reason": "meer budget"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    last = plan_events(karim)[-1]
    assert type(last).__name__ == "PlanDetailsChanged"
    assert set(last.changes) == {"career_project", "available_budget"} and last.reason == "meer budget"
    same = karim.post(f"/plans/{karim.plan_id}/details", {**form, "career_project": "Teamleider onderhoud worden"})
    assert same.status_code == 422 and "Nothing changed" in same.get_data(as_text=True)


def test_a_refused_period_is_a_sentence_in_dutch_next_to_the_field(karim):
    karim.client.post("/language", data={"csrf_token": karim.token, "lang": "nl"})
    current = plan(karim)
    answer = karim.post(f"/plans/{karim.plan_id}/details", {
        "career_project": current.career_project, "target_role": current.target_role or "",
        "period_start": current.period_start.isoformat(),
        "period_end": current.period_start.replace(month=2).isoformat(),
        "available_hours": f"{current.available_hours:g}", "available_budget": f"{current.available_budget}"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="period_end-errors"' in html
    assert "ligt buiten deze periode" in html and "outside this period" not in html


def test_revising_a_goal_asks_why_and_records_a_revision(karim):
    goal = next(g for g in plan(karim).goals.values() if g["status"] == "open")
    url = f"/plans/{karim.plan_id}/goals/{goal['goal_id']}/edit"
    page = karim.get(url).get_data(as_text=True)
    assert goal["title"] in page and 'name="reason"' in page
    fields = {"title": goal["title"], "measure": goal["measure"], "relevance": goal["relevance"],
              "deadline": goal["deadline"].isoformat(), "hours_needed": f"{goal['hours_needed']:g}",
              "budget_needed": f"{goal['budget_needed']}",
              **{f"skill_{i}": s["skill"] for i, s in enumerate(goal["skills"], start=1)},
              **{f"target_{i}": str(s["target_level"]) for i, s in enumerate(goal["skills"], start=1)}}
    no_reason = karim.post(url, {**fields, "measure": "Feedback van het team"})
    assert no_reason.status_code == 422 and 'id="reason-errors"' in no_reason.get_data(as_text=True)
    done = karim.post(url, {**fields, "measure": "Feedback van het team", "reason": "beter meetbaar"})
    assert done.status_code == 302
    last = plan_events(karim)[-1]
    assert type(last).__name__ == "GoalRevised" and last.changes == {"measure": "Feedback van het team"}


def test_goal_achieved_stopped_and_a_progress_note(karim):
    goals = [g for g in plan(karim).goals.values() if g["status"] == "open"]
    assert len(goals) >= 2
    first, second = goals[0]["goal_id"], goals[1]["goal_id"]
    karim.post(f"/plans/{karim.plan_id}/progress", {"goal_id": first, "progress": "60", "note": "Cursus half af"})
    assert plan(karim).goals[first]["progress"] == 60
    empty = karim.post(f"/plans/{karim.plan_id}/goals/{second}/abandon", {"reason": ""})
    assert empty.status_code == 302 and plan(karim).goals[second]["status"] == "open"
    karim.post(f"/plans/{karim.plan_id}/goals/{second}/abandon", {"reason": "Andere functie"})
    karim.post(f"/plans/{karim.plan_id}/goals/{first}/achieve", {"note": "Gehaald"})
    assert {plan(karim).goals[first]["status"], plan(karim).goals[second]["status"]} == {"achieved", "abandoned"}
    again = karim.post(f"/plans/{karim.plan_id}/goals/{first}/achieve", {"note": ""}, follow_redirects=True)
    html = again.get_data(as_text=True)
    assert 'class="flash error"' in html


def test_a_half_typed_skill_is_not_saved_but_a_chosen_or_explicitly_new_one_is(karim):
    url = f"/plans/{karim.plan_id}/skills"
    half = karim.post(url, {"skill": "proj", "category": "technical", "level": "2"})
    html = half.get_data(as_text=True)
    assert half.status_code == 422 and "is not in the skills list" in html and "project management" in html
    assert "proj" not in {s["skill"] for s in plan(karim).skills.values()}
    no_level = karim.post(url, {"skill": "project management", "category": "technical", "level": ""})
    assert no_level.status_code == 422  # no silent default level either
    chosen = karim.post(url, {"skill": "project management", "category": "technical", "level": "2"})
    assert chosen.status_code == 302
    new = karim.post(url, {"skill": "Heftruck rijden", "category": "technical", "level": "1", "new_skill": "on"})
    assert new.status_code == 302
    names = {s["skill"] for s in plan(karim).skills.values()}
    # the plan had it as "Projectmanagement" (the Dutch label): the English one updates it, no second skill
    assert "Heftruck rijden" in names and "project management" not in names
    assert plan(karim).current_level("Projectmanagement") == 2


def test_changing_and_removing_an_assessment(karim):
    skill = next(iter(plan(karim).skills.values()))
    page = karim.get(f"/plans/{karim.plan_id}/skills", query_string={"skill": skill["skill"]}).get_data(as_text=True)
    assert f'value="{skill["skill"]}"' in page and "Change the assessment of" in page
    changed = karim.post(f"/plans/{karim.plan_id}/skills", {"skill": skill["skill"], "category": skill["category"],
                                                            "level": "4", "note": "bijgesteld"})
    assert changed.status_code == 302 and plan(karim).current_level(skill["skill"]) == 4
    karim.post(f"/plans/{karim.plan_id}/skills/withdraw", {"skill": skill["skill"], "reason": "niet relevant"})
    assert skill["skill"].casefold() not in {s["skill"].casefold() for s in plan(karim).skills.values()}
    assert history_types(karim)[-1] == "SkillAssessmentWithdrawn"


def test_someone_with_a_plan_is_taken_to_it_instead_of_a_form_the_api_refuses(karim):
    answer = karim.get("/plan/new")
    assert answer.status_code == 302 and karim.plan_id in answer.headers["Location"]


def test_a_manager_lands_on_the_team(signed_in):
    marieke = signed_in("marieke")
    assert marieke.client.get("/").headers["Location"].endswith("/team")


def test_a_goal_skill_must_be_known_or_added_as_new_on_a_new_goal_and_a_revision(karim):
    goal = {"title": "Heftruck besturen", "skill_1": "heftr", "target_1": "3", "measure": "Examen gehaald",
            "hours_needed": "10", "budget_needed": "0", "relevance": "Teamleider worden", "deadline": "2027-06-01"}
    refused = karim.post(f"/plans/{karim.plan_id}/goals/new", goal)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="skill_1-errors"' in html and "is not in the skills list" in html
    assert "Heftruck besturen" not in {g["title"] for g in plan(karim).goals.values()}
    saved = karim.post(f"/plans/{karim.plan_id}/goals/new", {**goal, "skill_1": "Heftruck rijden",
                                                             "new_skill_1": "on"})
    assert saved.status_code == 302
    new = next(g for g in plan(karim).goals.values() if g["title"] == "Heftruck besturen")
    assert new["skills"] == [{"skill": "Heftruck rijden", "target_level": 3}]
    url = f"/plans/{karim.plan_id}/goals/{new['goal_id']}/edit"
    fields = {"title": new["title"], "measure": new["measure"], "relevance": new["relevance"],
              "deadline": new["deadline"].isoformat(), "hours_needed": "10", "budget_needed": "0",
              "skill_1": "Heftruck rijden", "target_1": "3", "reason": "erbij"}
    half = karim.post(url, {**fields, "skill_2": "proj", "target_2": "2"})
    assert half.status_code == 422 and 'id="skill_2-errors"' in half.get_data(as_text=True)
    chosen = karim.post(url, {**fields, "skill_2": "project management", "target_2": "2"})
    assert chosen.status_code == 302
    assert plan(karim).goals[new["goal_id"]]["skills"][1] == {"skill": "Projectmanagement", "target_level": 2}
