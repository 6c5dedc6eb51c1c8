"""A cycle's milestones and its HR digest, from a real plan service over HTTP: who has a milestone still to do
gets self_evaluation_due or cycle_milestone_due once, NOTICE days before its date; the cycle's HR owner gets a
weekly hr_cycle_digest with done/due/overdue per milestone; mails in the reader's language from a real SMTP
server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.notifier import kinds as k
from services.notifier.directory import ServiceToken
from services.notifier.planactions import PlanActions, PlanCycles
from shared.auth import TokenSettings
from tests.conftest import TEST_SECRET
from tests.notifier.conftest import Clock, make_delivery, make_sweep
from tests.notifier.notifier_helpers import PEOPLE, Directory

TODAY = date.today()


def launch_cycle(client, tokens) -> str:
    hanna = {**tokens("hanna", "hr"), "X-Access-Purpose": "audit", "X-Access-Reason": "cycle test"}
    template = client.post("/api/v1/templates", headers=hanna, json={
        "name": "Monteur", "milestones": [{"kind": "self_evaluation", "offset_days": 14}], "hours_norm": 40})
    start = TODAY - timedelta(days=20)
    cycle = client.post("/api/v1/cycles", headers=hanna, json={
        "name": "Functioneringsgesprekken", "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=360)).isoformat(),
        "scope": {"kind": "departments", "departments": ["TD"]},
        "templates": {"default": template.get_json()["template_id"]},
        "milestones": [{"kind": "self_evaluation", "due": (TODAY + timedelta(days=5)).isoformat()},
                       {"kind": "conversation", "due": (TODAY + timedelta(days=6)).isoformat()},
                       {"kind": "goals_set", "due": (TODAY - timedelta(days=2)).isoformat()}]}).get_json()
    assert client.post(f"/api/v1/cycles/{cycle['cycle_id']}/launch", headers=hanna).status_code == 200
    plan = client.get("/api/v1/plans?employee_id=td0", headers=hanna).get_json()["items"][0]["id"]
    assert client.post(f"/api/v1/plans/{plan}/assessments", headers=tokens("td0"), json={
        "skill": "lassen", "category": "technical", "level": 2}).status_code == 201
    return cycle["cycle_id"]


def test_milestones_reach_who_has_not_done_them_once_and_hr_gets_the_weekly_state(plan_service, tokens, store,
                                                                                 smtp):
    client, url = plan_service
    cycle_id = launch_cycle(client, tokens)
    token = ServiceToken(TokenSettings(secret=TEST_SECRET, audience="groeipad"))
    directory = Directory({**PEOPLE, "hanna": {"id": "hanna", "name": "Hanna Mulder", "email": "hanna@example.org",
                                               "manager_id": None}})
    now = datetime(TODAY.year, TODAY.month, TODAY.day, 8, tzinfo=UTC)
    clock = Clock(now - timedelta(days=10))
    sweep = make_sweep(store, directory, clock, PlanActions(url, token), PlanCycles(url, token),
                       milestone_notice_days=7, weekly_day=now.weekday())
    sweep.run()
    assert store.inbox("karim", unread_only=False, limit=50, offset=0)[1] == 0  # more than a week ahead: not yet
    clock.now = now
    sweep.run()
    sweep.run()
    everyone = ["karim", "marieke", "td0", "td1", "td2", "td3"]

    def got(person):
        return sorted(n.kind for n in store.inbox(person, unread_only=False, limit=50, offset=0)[0])

    assert got("td0") == [k.CYCLE_MILESTONE_DUE]  # its self-evaluation is done; the conversation is not
    for person in everyone[:2] + everyone[3:]:
        assert got(person) == [k.CYCLE_MILESTONE_DUE, k.SELF_EVALUATION_DUE], person
    [digest] = store.inbox("hanna", unread_only=False, limit=50, offset=0)[0]
    assert digest.kind == k.HR_CYCLE_DIGEST and digest.data["cycle_id"] == cycle_id
    assert [(m["kind"], m["done"], m["due_count"], m["overdue"]) for m in digest.data["milestones"]] == [
        ("goals_set", 0, 0, 6), ("self_evaluation", 1, 5, 0), ("conversation", 0, 6, 0)]

    store.choose("hanna", {"language": "en"})
    make_delivery(store, directory, smtp.url, clock).run_once(200)
    [karim_self] = [m for m in smtp.to("karim@example.org") if "zelfevaluatie" in m.message["Subject"]]
    assert karim_self.message["Content-Language"] == "nl"
    assert "Functioneringsgesprekken" in karim_self.text and "List-Unsubscribe" in karim_self.message
    [hr_mail] = smtp.to("hanna@example.org")
    assert str(hr_mail.message["Subject"]).startswith("Status of Functioneringsgesprekken")
    assert "Self-evaluation" in hr_mail.text and "1 done, 5 due, 0 overdue" in hr_mail.text
    assert f"https://groeipad.example.org/cycles/{cycle_id}" in hr_mail.text
