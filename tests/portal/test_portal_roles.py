"""Manager, HR and L&D pages: team overview, review and funding, history, as-of, diff, audit, reports, catalogue."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from tests.portal.conftest import PLAN_URL, RECOMMENDER_URL, Browser, FlaskTransport


def plan_ids(browser, employee: str) -> str:
    html = browser.get(f"/hr/plans?q={employee}").get_data(as_text=True)
    return re.search(r"/plans/([0-9a-f-]{36})", html).group(1)


@pytest.fixture
def karim_plan(signed_in):
    karim = signed_in("karim")
    return re.search(r"/plans/([0-9a-f-]{36})", karim.get("/plan").get_data(as_text=True)).group(1), karim


def test_team_overview(signed_in):
    marieke = signed_in("marieke")
    html = marieke.get("/team").get_data(as_text=True)
    assert "Karim El Amrani" in html and "Jeroen Smit" in html
    assert "direct" in html and "no plan" in html
    petra = signed_in("petra")
    assert "Sophie Willems" in petra.get("/team").get_data(as_text=True)
    assert "Karim" not in petra.get("/team").get_data(as_text=True)


def test_indirect_reports_are_shown(portal):
    portal.extensions["portal"].store.create_account("directie", "Ingrid Bakker", ["employee", "manager"],
                                                     "directie-wachtwoord")
    ingrid = Browser(portal.test_client())
    ingrid.login("directie", "directie-wachtwoord")
    html = ingrid.get("/team").get_data(as_text=True)
    assert "Karim El Amrani" in html and "indirect" in html and "Marieke de Vries" in html
    assert signed_in_hr_is_not_a_manager(portal)


def signed_in_hr_is_not_a_manager(portal) -> bool:
    hanna = Browser(portal.test_client())
    hanna.login("hanna")
    return hanna.get("/team").status_code == 403


def test_review_and_funding_decisions(karim_plan, signed_in):
    plan_id, karim = karim_plan
    timeline = karim.get(f"/plans/{plan_id}/timeline").get_data(as_text=True)
    action_id = re.search(r'/actions/([0-9a-f-]{36})">Projectmanagement \(IPMA-D\)', timeline).group(1)
    karim.post(f"/plans/{plan_id}/actions/{action_id}/funding", {"amount": "1750", "justification": "Nodig"})
    karim.post(f"/plans/{plan_id}/submit", {"note": "Graag akkoord"})
    marieke = signed_in("marieke")
    team = marieke.get("/team").get_data(as_text=True)
    assert "Waiting for you" in team and "1 funding request" in team and "plan to review" in team
    page = marieke.get(f"/team/plans/{plan_id}").get_data(as_text=True)
    assert "Your review" in page and "Approve funding" in page
    missing = marieke.post(f"/team/plans/{plan_id}/review", {"outcome": "changes_requested", "comment": ""})
    assert missing.status_code == 422 and 'id="comment-errors"' in missing.get_data(as_text=True)
    declined = marieke.post(f"/team/plans/{plan_id}/actions/{action_id}/funding/decline", {"reason": ""})
    assert declined.status_code == 422
    approved = marieke.post(f"/team/plans/{plan_id}/actions/{action_id}/funding/approve",
                            {"comment": "Akkoord", "amount": "1500"})
    assert approved.status_code == 302
    reviewed = marieke.post(f"/team/plans/{plan_id}/review", {"outcome": "approved", "comment": "Prima"})
    assert reviewed.status_code == 302
    karim_view = karim.get(f"/plans/{plan_id}/actions/{action_id}").get_data(as_text=True)
    assert "Funding approved" in karim_view and "€1,500.00" in karim_view
    assert marieke.post(f"/team/plans/{plan_id}/actions/{action_id}/funding/maybe", {}).status_code == 404


def test_manager_feedback(karim_plan, signed_in):
    plan_id, _karim = karim_plan
    marieke = signed_in("marieke")
    page = marieke.get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
    assert 'value="manager"' in page and 'value="self"' not in page
    added = marieke.post(f"/plans/{plan_id}/feedback", {"source": "manager", "text": "Goed bezig"})
    assert added.status_code == 302


def test_employees_cannot_review(karim_plan):
    plan_id, karim = karim_plan
    assert karim.get(f"/team/plans/{plan_id}").status_code == 403


def test_hr_search(signed_in):
    hanna = signed_in("hanna")
    html = hanna.get("/hr/plans").get_data(as_text=True)
    assert "Karim El Amrani" in html and "Sophie Willems" in html
    html = hanna.get("/hr/plans?q=sophie&department=Administratie&status=active").get_data(as_text=True)
    assert "Sophie Willems" in html and "Karim" not in html
    assert "No plans match" in hanna.get("/hr/plans?q=zzz").get_data(as_text=True)
    assert hanna.get("/hr/plans?status=bogus").status_code == 200


def hr_with_purpose(signed_in):
    hanna = signed_in("hanna")
    hanna.get("/hr/purpose")
    answer = hanna.post("/hr/purpose", {"purpose": "audit", "note": "Jaarlijkse controle — dossier €"})
    assert answer.status_code == 302
    return hanna


def test_hr_states_a_purpose_before_opening_a_plan(signed_in):
    hanna = signed_in("hanna")
    plan_id = plan_ids(hanna, "karim")
    first = hanna.get(f"/hr/plans/{plan_id}/history")
    assert first.status_code == 302 and "/hr/purpose?next=" in first.headers["Location"]
    page = hanna.get(first.headers["Location"])
    assert "Why do you open this plan?" in page.get_data(as_text=True)
    missing = hanna.post("/hr/purpose", {"purpose": "other", "note": "",
                                         "next": f"/hr/plans/{plan_id}/history"})
    assert missing.status_code == 422 and 'id="note-errors"' in missing.get_data(as_text=True)
    chosen = hanna.post("/hr/purpose", {"purpose": "employee_request", "next": f"/hr/plans/{plan_id}/history"})
    assert chosen.headers["Location"] == f"/hr/plans/{plan_id}/history"
    page = hanna.get(chosen.headers["Location"]).get_data(as_text=True)
    assert "started the plan" in page and "A question or request from the employee" in page
    hanna.post("/hr/purpose/clear")
    assert hanna.get(f"/hr/plans/{plan_id}/history").status_code == 302


def test_hr_history_as_of_and_diff(signed_in):
    hanna = hr_with_purpose(signed_in)
    plan_id = plan_ids(hanna, "karim")
    history = hanna.get(f"/hr/plans/{plan_id}/history").get_data(as_text=True)
    assert "started the plan" in history and "revised the goal “" in history  # says which goal
    assert "Na feedback van Marieke" in history  # the why
    assert "Marieke de Vries" in history  # the who, by name
    today = hanna.get(f"/hr/plans/{plan_id}/as-of?date={date.today().isoformat()}")
    assert today.status_code == 200 and "as it stood" in today.get_data(as_text=True)
    before = hanna.get(f"/hr/plans/{plan_id}/as-of?date=2020-01-01")
    assert before.status_code == 404 and "did not exist yet" in before.get_data(as_text=True)
    version = hanna.get(f"/hr/plans/{plan_id}/as-of?version=3").get_data(as_text=True)
    assert "at version 3" in version
    assert hanna.get(f"/hr/plans/{plan_id}/as-of?date=gisteren").status_code == 200
    diff = hanna.get(f"/hr/plans/{plan_id}/diff?from=1&to=2").get_data(as_text=True)
    assert "Changes from version 1 to 2" in diff and "<caption>Skills</caption>" in diff
    assert hanna.get(f"/hr/plans/{plan_id}/diff?from=0&to=x").status_code == 422  # said so, not "no changes"


def test_audit_exports(signed_in):
    hanna = hr_with_purpose(signed_in)
    plan_id = plan_ids(hanna, "karim")
    rows = list(csv.DictReader(io.StringIO(hanna.get(f"/hr/plans/{plan_id}/audit.csv").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert rows[0]["type"] == "PlanStarted" and rows[0]["actor_subject"] == "karim"
    data = json.loads(hanna.get("/hr/audit.json").get_data(as_text=True))
    assert {"karim", "sophie", "bram"} <= {e["employee_id"] for e in data["events"]}
    assert hanna.get(f"/hr/plans/{plan_id}/audit.xml").status_code == 404
    assert signed_in("marieke").get(f"/hr/plans/{plan_id}/audit.csv").status_code == 403


def workshop(plan_app, tokens, people: int = 5) -> None:
    """A department of PEOPLE under marieke, each with a plan, a rated skill and a funded action."""
    client = plan_app.test_client()
    hr = {**tokens("hanna", "employee", "hr"), "X-Access-Reason": "test set-up"}
    rows = "".join(f"ws{i},Werker {i},,marieke,Werkplaats,Monteur\n" for i in range(people))
    assert client.post("/api/v1/people/import", data="id,name,email,manager_id,department,job_title\n" + rows,
                       headers={**hr, "Content-Type": "text/csv"}).status_code == 200
    for i in range(people):
        me = tokens(f"ws{i}", "employee")
        plan = client.post("/api/v1/plans", headers=me, json={
            "employee_id": f"ws{i}", "period_start": "2026-01-01", "period_end": "2026-12-31",
            "trigger": "continuous_development", "available_hours": 100, "available_budget": 1000}).json["id"]
        assert client.post(f"/api/v1/plans/{plan}/assessments", headers=me, json={
            "skill": "Lassen", "category": "technical", "level": 2}).status_code == 201
        assert client.post(f"/api/v1/plans/{plan}/actions", headers=me, json={
            "means": "workshop", "title": "Lascursus", "planned_start": "2026-03-01", "planned_end": "2026-03-31",
            "hours": 8, "cost": 200}).status_code == 201


def access_entries(plan_app, tokens) -> int:
    hr = tokens("hanna", "employee", "hr")
    return len(plan_app.test_client().get("/api/v1/access-log", headers=hr).json["items"])


def test_hr_reports_are_the_services_aggregates_in_a_few_calls_opening_no_plan(signed_in, plan_app, transport,
                                                                               tokens):
    hanna = signed_in("hanna")
    small = hanna.get("/hr/reports").get_data(as_text=True)
    assert "Administratie" not in small  # a department under five people is never shown
    workshop(plan_app, tokens)
    before, calls = access_entries(plan_app, tokens), len(transport.calls)
    html = hanna.get("/hr/reports").get_data(as_text=True)
    assert "Mean skill level per department" in html and "Werkplaats" in html and "<svg" in html
    assert "Lassen" in html and "2026-H1" in html
    assert len(transport.calls) - calls <= 4  # whatever the organisation's size
    assert access_entries(plan_app, tokens) == before  # aggregates only: no plan was opened
    assert "2026-H1" in hanna.get("/hr/reports?year=2026").get_data(as_text=True)
    assert "2026-H1" not in hanna.get("/hr/reports?year=2031").get_data(as_text=True)


def test_the_team_page_is_two_calls_whatever_the_team_pages_it_and_opens_no_plan(signed_in, plan_app, transport,
                                                                                 tokens):
    workshop(plan_app, tokens, people=55)  # with the demo's seven: 62 reports, more than a page
    marieke = signed_in("marieke")
    before, calls = access_entries(plan_app, tokens), len(transport.calls)
    html = marieke.get("/team").get_data(as_text=True)
    assert "Karim El Amrani" in html and "62 employees in your line" in html and "page 1 of 2" in html
    assert len([c for c in transport.calls[calls:] if c[1].startswith(PLAN_URL)]) == 2
    waiting = int(re.search(r"All (\d+) who are waiting", html).group(1))
    assert waiting >= 55 and len(re.findall(r'<li><a href="/team/plans/', html)) == 20  # ended in March
    rows = re.findall(r'<tr>\s*<th scope="row">', html)
    assert len(rows) == 50
    second = marieke.get("/team?page=2").get_data(as_text=True)
    assert len(re.findall(r'<tr>\s*<th scope="row">', second)) == 12 and 'rel="prev"' in second
    found = marieke.get("/team?q=Werker+17").get_data(as_text=True).split("<table", 1)[1]  # the table, not the card
    assert "Werker 17" in found and "Werker 18" not in found and "Karim" not in found
    direct = marieke.get("/team?show=direct&page=abc").get_data(as_text=True)
    assert "Karim El Amrani" in direct and "page 1 of 2" in direct
    assert access_entries(plan_app, tokens) == before


def test_ld_catalogue_pages(signed_in, recommender_app):
    daan = signed_in("daan")
    assert "Excel voor gevorderden" in daan.get("/ld/catalogue?q=excel&means=mooc&status=weird").get_data(as_text=True)
    offer = "0b7c8f0e-1111-4c1b-9a7e-000000000001"
    form = daan.get(f"/ld/catalogue/{offer}").get_data(as_text=True)
    assert 'value="Excel:3"' in form
    saved = daan.post(f"/ld/catalogue/{offer}", {"title": "Excel 2", "means": "internal_training", "version": "3",
                                                  "skills": "Excel:4; draaitabellen"})
    assert saved.status_code == 302
    stale = daan.post(f"/ld/catalogue/{offer}", {"title": "Excel 2", "means": "internal_training", "version": "2"})
    assert stale.status_code == 422 and "Someone else changed this offer" in stale.get_data(as_text=True)
    dup = daan.post("/ld/catalogue/new", {"external_id": "DUP", "title": "Dubbel", "means": "mooc"})
    assert dup.status_code == 422 and 'id="external_id-errors"' in dup.get_data(as_text=True)
    new = daan.post("/ld/catalogue/new", {"external_id": "NEW-1", "title": "Nieuw", "means": "mooc", "hours": "3"})
    assert new.status_code == 302
    assert daan.post(f"/ld/catalogue/{offer}/retire", {"reason": "Verouderd"}).status_code == 302


def test_ld_upload_reports_bad_lines(signed_in, recommender_app):
    daan = signed_in("daan")
    body = b'{"external_id": "A", "title": "Goed", "means": "mooc"}\n{"external_id": "B", "title": "Fout", ' \
           b'"means": "bogus"}\n'
    response = daan.post("/ld/catalogue/upload", {"file": (io.BytesIO(body), "catalogus.jsonl")},
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 imported" in html and "1 rejected" in html
    assert "<td>2</td><td>means</td>" in html
    assert recommender_app.config["imports"][-1][0] == "application/x-ndjson"
    wrong = daan.post("/ld/catalogue/upload", {"file": (io.BytesIO(b"x"), "catalogus.xlsx")},
                      content_type="multipart/form-data")
    assert wrong.status_code == 422 and "Use a .csv or .jsonl file." in wrong.get_data(as_text=True)
    none = daan.post("/ld/catalogue/upload", {})
    assert none.status_code == 422


def test_ld_taxonomy_ranking_reports(signed_in):
    daan = signed_in("daan")
    assert "interpersoonlijke communicatie" in daan.get("/ld/taxonomy?q=comm").get_data(as_text=True)
    page = daan.get("/ld/ranking").get_data(as_text=True)
    assert 'name="taxonomy"' in page
    evaluated = daan.post("/ld/ranking", {"text": "1.0", "taxonomy": "0.4", "action": "evaluate"})
    html = evaluated.get_data(as_text=True)
    assert "ndcg@10" in html and "0.45" in html
    assert daan.post("/ld/ranking", {"text": "x", "taxonomy": "0.4", "action": "evaluate"}).status_code == 422
    unsaid = daan.post("/ld/ranking", {"text": "1", "taxonomy": "0.4", "action": "save"})
    assert unsaid.status_code == 422 and 'id="reason-errors"' in unsaid.get_data(as_text=True)
    saved = daan.post("/ld/ranking", {"text": "1", "taxonomy": "0.4", "action": "save", "reason": "Beter"})
    assert saved.status_code == 302
    reports = daan.get("/ld/reports").get_data(as_text=True)
    assert "projectmanagement" in reports and "<svg" in reports


def test_ld_pages_when_the_recommender_is_down(make_portal, plan_app):
    portal = make_portal(FlaskTransport({PLAN_URL: plan_app, RECOMMENDER_URL: None}))
    daan = Browser(portal.test_client())
    daan.login("daan")
    for path in ("/ld/catalogue", "/ld/taxonomy?q=x", "/ld/ranking", "/ld/reports"):
        page = daan.get(path)
        assert page.status_code == 200, path
        assert "not available" in page.get_data(as_text=True) or "does not answer" in page.get_data(as_text=True)
    assert daan.get("/ld/catalogue/0b7c8f0e-1111-4c1b-9a7e-000000000001").status_code == 503


def test_the_audit_csv_runs_no_formula_in_a_spreadsheet(signed_in, karim_plan):
    plan_id, karim = karim_plan
    timeline = karim.get(f"/plans/{plan_id}/timeline").get_data(as_text=True)
    planned = next(a for a in re.findall(rf"/plans/{plan_id}/actions/([0-9a-f-]{{36}})", timeline)
                   if karim.post(f"/plans/{plan_id}/actions/{a}/cancel",
                                 {"reason": "=HYPERLINK(\"http://evil.example\")"}).status_code == 302)
    assert planned
    hanna = hr_with_purpose(signed_in)
    text = hanna.get(f"/hr/plans/{plan_id}/audit.csv").get_data(as_text=True).lstrip("\ufeff")
    reasons = [row["reason"] for row in csv.DictReader(io.StringIO(text)) if row["type"] == "LearningActionCancelled"]
    assert reasons == ["'=HYPERLINK(\"http://evil.example\")"]
