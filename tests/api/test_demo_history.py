"""`groeipad seed-demo`'s organisation: departments of five or more, two levels of managers, and plans whose
events happened over past months, so the plan as it stood on an earlier date differs from today's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.plan.app import create_app
from services.plan.demo import COLLEAGUES, seed


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'plan.sqlite'}"
    monkeypatch.setenv("PLAN_DATABASE_URL", url)
    seed()
    app = create_app({"PLAN_DATABASE_URL": url})
    yield app.test_client()
    app.extensions["plan_service"].close()


def plan_of(client, hr, employee):
    items = client.get("/api/v1/plans", query_string={"employee_id": employee}, headers=hr).json["items"]
    assert len(items) == 1, items
    return items[0]["id"]


def test_events_have_past_timestamps_spread_over_months(seeded, tokens):
    hr = {**tokens("hanna", "employee", "hr"), "X-Access-Purpose": "audit"}
    events = seeded.get(f"/api/v1/plans/{plan_of(seeded, hr, 'karim')}/history", headers=hr).json["events"]
    times = [datetime.fromisoformat(e["timestamp"]) for e in events]
    assert times == sorted(times), "the history's times follow its versions"
    assert times[0] < datetime(2026, 1, 9, tzinfo=UTC) <= times[-1], "the plan started on its own day"
    assert len({t.strftime("%Y-%m") for t in times}) >= 4, "the events are spread over months"
    assert max(times) <= datetime.now(UTC)


def test_as_of_a_past_date_shows_the_plan_as_it_was(seeded, tokens):
    hr = {**tokens("hanna", "employee", "hr"), "X-Access-Purpose": "audit"}
    plan_id = plan_of(seeded, hr, "karim")
    now = seeded.get(f"/api/v1/plans/{plan_id}", headers=hr).json
    course = next(a for a in now["actions"] if a["title"] == "Training interpersoonlijke communicatie")
    assert course["status"] == "completed"
    in_march = seeded.get(f"/api/v1/plans/{plan_id}", query_string={"as_of": "2026-03-01T00:00:00+00:00"},
                          headers=hr)
    assert in_march.status_code == 200, in_march.json
    then = in_march.json
    assert then["version"] < now["version"]
    assert next(a for a in then["actions"] if a["action_id"] == course["action_id"])["status"] == "started"
    assert not then["feedback"]
    before_start = seeded.get(f"/api/v1/plans/{plan_id}", query_string={"as_of": "2026-01-01T00:00:00+00:00"},
                              headers=hr)
    assert before_start.status_code == 422 and before_start.json["errors"][0]["field"] == "as_of"


def test_the_organisation_has_two_manager_levels_and_departments_of_five(seeded, tokens):
    hr = tokens("hanna", "employee", "hr")
    people = seeded.get("/api/v1/people", query_string={"limit": 200}, headers=hr).json["items"]
    by_id = {p["id"]: p for p in people}
    assert by_id["jesse"]["manager_id"] == "lisa" and by_id["lisa"]["manager_id"] == "petra"
    sizes: dict[str, int] = {}
    for person in people:
        sizes[person["department"]] = sizes.get(person["department"], 0) + 1
    assert sum(1 for size in sizes.values() if size >= 5) >= 3, sizes
    petra = seeded.get("/api/v1/teams/petra/overview", query_string={"limit": 100},
                       headers=tokens("petra", "employee", "manager")).json
    names = {row["person"]["id"]: row for row in petra["members"]}
    assert {"sophie", "lisa", "jesse", "yara"} <= set(names), "petra sees her reports' reports too"
    assert not names["jesse"]["direct"] and names["lisa"]["direct"]
    assert len(COLLEAGUES) + 2 >= 15, "sophie, karim and their colleagues have plans"


def test_demo_reports_show_groups(seeded, tokens):
    hr = tokens("hanna", "employee", "hr")
    departments = seeded.get("/api/v1/reports/departments", headers=hr).json
    shown = {row["department"] for row in departments["items"]}
    assert {"Technische Dienst", "Administratie", "Administratie/Crediteuren"} <= shown, departments
    training = seeded.get("/api/v1/reports/training", headers=hr).json
    assert {"Technische Dienst", "Administratie", "Administratie/Crediteuren"} <= {
        row["department"] for row in training["items"]}, training


def test_seeding_twice_changes_nothing(seeded, tokens):
    hr = {**tokens("hanna", "employee", "hr"), "X-Access-Purpose": "audit"}
    before = seeded.get("/api/v1/plans", query_string={"limit": 100}, headers=hr).json
    assert "already there" in seed()
    assert seeded.get("/api/v1/plans", query_string={"limit": 100}, headers=hr).json["total"] == before["total"]
