"""The sweep's overdue actions come from the plan service's one rule: PlanActions over real HTTP against a real
plan service (werkzeug on a free port), every page, and the sweep's reminders and escalation from its answer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.notifier import kinds as k
from services.notifier.directory import ServiceToken
from services.notifier.planactions import PlanActions
from shared.auth import TokenSettings
from tests.conftest import TEST_SECRET
from tests.notifier.conftest import Clock, make_sweep
from tests.notifier.notifier_helpers import Events, free_port

PLAN = {"employee_id": "karim", "period_start": "2027-01-01", "period_end": "2027-12-31",
        "trigger": "career_project", "available_hours": 200, "available_budget": 5000}


def test_the_sweep_reminds_what_the_plan_service_calls_overdue_read_page_by_page(plan_service, tokens, store, rules,
                                                                                  directory):
    client, url = plan_service
    karim = tokens("karim")
    plan_id = client.post("/api/v1/plans", headers=karim, json=PLAN).get_json()["id"]
    ends = ["2027-02-05", "2027-02-06", "2027-02-07", "2027-03-31"]
    actions = [client.post(f"/api/v1/plans/{plan_id}/actions", headers=karim, json={
        "means": "mooc", "title": f"Cursus {n}", "planned_start": "2027-02-01", "planned_end": end}).get_json()[
        "action_id"] for n, end in enumerate(ends)]
    source = PlanActions(url, ServiceToken(TokenSettings(secret=TEST_SECRET, audience="groeipad")), page_size=2)
    rows = list(source.overdue(date(2027, 2, 15)))  # two pages of two
    assert [(r["action_id"], r["days_overdue"], r["manager_id"]) for r in rows] == [
        (actions[0], 10, "marieke"), (actions[1], 9, "marieke"), (actions[2], 8, "marieke")]

    e = Events(plan_id=plan_id)  # the feed told the notifier the titles
    events = [e("PlanStarted")] + [e("LearningActionPlanned", action_id=a, title=f"Cursus {n}",
                                     planned_start="2027-02-01", planned_end=end)
                                   for n, (a, end) in enumerate(zip(actions, ends, strict=True))]
    store.apply_page(events, events[-1]["position"], rules.decide)
    sweep = make_sweep(store, directory, Clock(datetime(2027, 2, 15, 8, tzinfo=UTC)), source,
                       escalate_after_days=9)
    sweep.run()
    sweep.run()
    mine = [n for n in store.inbox("karim", unread_only=False, limit=50, offset=0)[0] if n.kind == k.ACTION_OVERDUE]
    assert sorted(n.data["title"] for n in mine) == ["Cursus 0", "Cursus 1", "Cursus 2"]
    inbox = store.inbox("marieke", unread_only=False, limit=50, offset=0)[0]
    escalated = [n.data["title"] for n in inbox if n.kind == k.ACTION_OVERDUE_ESCALATED]
    assert sorted(escalated) == ["Cursus 0", "Cursus 1"]
    [weekly] = [n for n in inbox if n.kind == k.WEEKLY_DIGEST]  # a Monday: the team's overdue actions too
    assert [a["title"] for a in weekly.data["overdue"]] == ["Cursus 0", "Cursus 1", "Cursus 2"]


def test_a_plan_service_that_is_away_fails_the_sweep_to_be_retried(store, directory):
    from services.notifier.directory import DirectoryUnavailableError

    source = PlanActions(f"http://127.0.0.1:{free_port()}", ServiceToken(TokenSettings(secret=TEST_SECRET,
                                                                                       audience="groeipad")))
    with pytest.raises(DirectoryUnavailableError):
        make_sweep(store, directory, Clock(datetime(2027, 2, 15, 8, tzinfo=UTC)), source).run()
