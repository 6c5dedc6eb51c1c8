"""The notifier as real processes: plan service (gunicorn), notifier API (gunicorn), `groeipad notify`, and an
SMTP server (aiosmtpd) in the test process.

The demo organisation's story goes through the feed into mails; the notifier is killed with SIGKILL while
the SMTP server holds a message of the batch, restarted, and what arrives is compared with a clean run on a
fresh store: the same messages (stable Message-IDs), none twice, none missing. Then time moves on (the
sweep's clock) and the overdue reminders, the escalation and the manager's weekly digest arrive; finally
an erased person is forgotten.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter

import pytest
import requests

from services.notifier.runtime import build_store
from tests.integration.servers import BIN, ROOT, Service, groeipad
from tests.integration.test_services_together import bearer, feed_head, wait_until
from tests.notifier.notifier_helpers import SmtpRecorder, start_smtp

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]  # several processes on a shared 2-core machine

START = "2026-01-15T08:00:00+00:00"  # a Thursday, before any demo action starts


class Notify:
    """`groeipad notify` as its own process, as in production."""

    def __init__(self, env: dict[str, str], log, *args: str) -> None:
        self.process = subprocess.Popen([str(BIN / "groeipad"), "notify", *args], cwd=ROOT,
                                        env={**os.environ, **env}, stdout=log.open("a"), stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def stack(tmp_path):
    smtp = SmtpRecorder()
    controller = start_smtp(smtp)
    env = {"GROEIPAD_DATA_DIR": str(tmp_path), "PLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}",
           "NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 'notifier.sqlite'}",
           "NOTIFIER_SMTP_URL": f"smtp://127.0.0.1:{controller.port}", "NOTIFIER_IDLE_MS": "100",
           "NOTIFIER_BATCH": "5", "NOTIFIER_PORTAL_URL": "https://groeipad.example.org",
           "NOTIFIER_FROM": "groeipad@voorbeeld.nl"}
    groeipad("migrate", env=env)
    groeipad("seed-demo", env=env)
    plan = Service("plan", "services.plan.wsgi:app", env, workers=1).start(tmp_path)
    api = Service("notifier", "services.notifier.wsgi:app", env, workers=1).start(tmp_path)
    env["PLAN_SERVICE_URL"] = plan.url
    yield env, plan, api, smtp, tmp_path
    smtp.gate.set()
    api.stop()
    plan.stop()
    controller.stop()


def settled(url: str, head: int) -> bool:
    """The notifier followed the feed to HEAD and nothing waits to be delivered."""
    app, store = build_store(url, create_tables=False)
    try:
        return store.position() >= head and not store.due(store_time_far_ahead(), 1)
    finally:
        app.close()


def store_time_far_ahead():
    from datetime import UTC, datetime

    return datetime(2100, 1, 1, tzinfo=UTC)


def subject(received) -> str:
    return str(received.message["Subject"]).strip()  # a long subject is folded onto its own line


def identity(received) -> list[tuple[str, str, str]]:
    return sorted((r.message["Message-ID"], r.envelope_to[0], subject(r)) for r in received)


def test_mails_survive_a_kill_mid_batch_and_time_brings_reminders(stack):
    env, plan, api, smtp, tmp_path = stack
    sophie = bearer(env, "sophie", "employee")
    assert requests.put(f"{api.url}/api/v1/preferences", headers=sophie, json={"language": "en"},
                        timeout=10).status_code == 200
    head = feed_head(plan, env)

    # A clean run on a fresh store, for reference.
    reference = SmtpRecorder()
    reference_server = start_smtp(reference)
    clean = {**env, "NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 'clean.sqlite'}",
             "NOTIFIER_SMTP_URL": f"smtp://127.0.0.1:{reference_server.port}"}
    groeipad("migrate", env=clean)
    clean_app, clean_store = build_store(clean["NOTIFIER_DATABASE_URL"])
    clean_store.choose("sophie", {"language": "en"})  # as Sophie chose through the API on the other store
    clean_app.close()
    groeipad("notify", "--once", "--now", START, env=clean)
    reference_server.stop()
    expected = identity(reference.received)
    assert len(expected) >= 8, "the demo story should make a batch of mails"

    # The same with a SIGKILL while the SMTP server holds the fifth message of the run.
    smtp.block_after = 4
    log = tmp_path / "notify.log"
    notifier = Notify(env, log, "--now", START)
    try:
        assert smtp.waiting.wait(60), log.read_text()[-2000:]
        notifier.kill()
        smtp.gate.set()  # the held message is answered 451 to a client that is gone: never accepted
        assert len(smtp.received) == 4
        notifier = Notify(env, log, "--now", START)
        wait_until(lambda: settled(env["NOTIFIER_DATABASE_URL"], head), what="the notifier to deliver everything")
    finally:
        notifier.stop()
    ids = Counter(r.message["Message-ID"] for r in smtp.received)
    assert [i for i, n in ids.items() if n > 1] == [], "a mail went out twice"
    assert identity(smtp.received) == expected, "the crash lost or changed a mail"

    review = [r for r in smtp.to("marieke.devries@voorbeeld.nl") if "beoordelen" in subject(r)]
    assert len(review) == 1 and "Mijn plan richting teamleider" in review[0].text
    english = smtp.to("sophie.willems@voorbeeld.nl")
    assert english and all(r.message["Content-Language"] == "en" for r in english)
    assert any(r.calendars() for r in english), "Sophie's learning actions come as invitations"
    assert {subject(r) for r in smtp.to("karim.elamrani@voorbeeld.nl")} >= {
        "Je ontwikkelplan is goedgekeurd", "Nieuwe feedback op je ontwikkelplan"}
    inbox = requests.get(f"{api.url}/api/v1/notifications", headers=sophie, timeout=10).json()
    assert inbox["unread"] == inbox["total"] == len(english)

    # Time moves on: Sophie's MOOC (planned until 2026-04-30, started, not completed) becomes overdue.
    smtp.received.clear()
    groeipad("notify", "--once", "--now", "2026-05-04T08:00:00+00:00", env=env)  # a Monday, 4 days late
    assert [subject(r) for r in smtp.to("sophie.willems@voorbeeld.nl")] == [
        "Overdue: Samenwerken met Microsoft 365 (online cursus)"]
    [weekly] = smtp.to("petra.jansen@voorbeeld.nl")
    assert subject(weekly).startswith("Je team deze week") and "Sophie Willems" in weekly.text
    assert smtp.to("marieke.devries@voorbeeld.nl") == [], "nothing waits in Marieke's team"
    groeipad("notify", "--once", "--now", "2026-05-04T09:00:00+00:00", env=env)  # the same day again: nothing
    assert len(smtp.received) == 2
    groeipad("notify", "--once", "--now", "2026-05-07T08:00:00+00:00", env=env)  # 7 days late: to the manager
    [escalated] = smtp.received[2:]
    assert escalated.envelope_to == ["petra.jansen@voorbeeld.nl"]
    assert subject(escalated) == "Over tijd bij Sophie Willems: Samenwerken met Microsoft 365 (online cursus)"

    # Karim is erased: the notifier forgets him.
    hr = {**bearer(env, "hanna", "employee", "hr"), "X-Access-Reason": "GDPR erasure"}
    assert requests.post(f"{plan.url}/api/v1/people/karim/erase", headers=hr, timeout=10).status_code == 200
    groeipad("notify", "--once", "--now", "2026-05-07T09:00:00+00:00", env=env)
    export = requests.get(f"{api.url}/api/v1/people/karim/export", headers=hr, timeout=10).json()
    assert export == {"notifications": [], "actions": [], "checkins": [], "certificates": [], "choices": {},
                      "forgotten": True}


LAB = ("id,name,email,manager_id,department,job_title\n"
       "labchef,Lotte Chef,lotte.chef@voorbeeld.nl,,Lab,Teamleider\n"
       + "".join(f"lab{n},Laborant {n},lab{n}@voorbeeld.nl,labchef,Lab,Laborant\n" for n in range(1, 6)))
CYCLE_NOW = "2026-02-16T08:00:00+00:00"  # a Monday: the weekly digests are made


def test_a_cycle_for_a_department_brings_exactly_its_mails_and_invites_through_a_kill(stack):
    """HR launches a cycle for the Lab department; a check-in is scheduled and moved; the sweep's clock moves to a
    week before the self-evaluation milestone. Exactly these arrive, in each reader's language, and a SIGKILL of
    the notifier in the middle of the batch neither repeats nor loses one."""
    env, plan, api, smtp, tmp_path = stack
    groeipad("notify", "--once", "--now", START, env=env)  # the demo story's own mails first
    smtp.received.clear()
    hr = {**bearer(env, "hanna", "employee", "hr"), "X-Access-Purpose": "audit", "X-Access-Reason": "cycle"}
    assert requests.post(f"{plan.url}/api/v1/people/import", data=LAB, timeout=10,
                         headers={**hr, "Content-Type": "text/csv"}).status_code == 200
    wait_until(lambda: requests.get(f"{plan.url}/api/v1/people?department=Lab", headers=hr, timeout=10).json()[
        "total"] == 6, what="the directory's views to know the Lab")
    lab3 = bearer(env, "lab3", "employee")
    assert requests.put(f"{api.url}/api/v1/preferences", headers=lab3, json={"language": "en"},
                        timeout=10).status_code == 200
    template = requests.post(f"{plan.url}/api/v1/templates", headers=hr, timeout=10, json={
        "name": "Laborant", "milestones": [{"kind": "self_evaluation", "offset_days": 19}]}).json()["template_id"]
    cycle = requests.post(f"{plan.url}/api/v1/cycles", headers=hr, timeout=10, json={
        "name": "Functioneringsgesprekken 2026", "period_start": "2026-02-01", "period_end": "2027-01-31",
        "scope": {"kind": "departments", "departments": ["Lab"]}, "templates": {"default": template},
        "milestones": [{"kind": "self_evaluation", "due": "2026-02-20"},
                       {"kind": "conversation", "due": "2026-03-31"}]}).json()
    launched = requests.post(f"{plan.url}/api/v1/cycles/{cycle['cycle_id']}/launch", headers=hr, timeout=60).json()
    assert launched["progress"]["started"] == 6

    def plan_of(person):
        items = requests.get(f"{plan.url}/api/v1/plans?employee_id={person}", headers=hr, timeout=10).json()["items"]
        return items[0]["id"] if items else None

    wait_until(lambda: all(plan_of(f"lab{n}") for n in (1, 2)), what="the views to know the cycle's plans")
    assert requests.post(f"{plan.url}/api/v1/plans/{plan_of('lab2')}/assessments", timeout=10,
                         headers=bearer(env, "lab2", "employee"),
                         json={"skill": "pipetteren", "category": "technical", "level": 3}).status_code == 201
    chef = bearer(env, "labchef", "employee", "manager")
    lab1_plan = plan_of("lab1")
    slot = {"on": "2026-03-02", "at": "10:00", "duration_minutes": 45, "location": "Lab, kamer 3"}
    checkin = requests.post(f"{plan.url}/api/v1/plans/{lab1_plan}/checkins", headers=chef, timeout=10,
                            json=slot).json()["checkin_id"]
    assert requests.post(f"{plan.url}/api/v1/plans/{lab1_plan}/checkins/{checkin}/reschedule", headers=chef,
                         timeout=10, json={**slot, "at": "14:00", "reason": "overleg"}).status_code == 200
    due = f"{plan.url}/api/v1/cycles/{cycle['cycle_id']}/people?milestone=self_evaluation&state=due&on=2026-02-16"
    wait_until(lambda: len(requests.get(due, headers=hr, timeout=10).json()["items"]) == 5,
               what="the views to know lab2's self-evaluation")
    head = feed_head(plan, env)

    smtp.block_after = 4  # the fifth mail of the run is held: the notifier is killed while sending it
    log = tmp_path / "cycle-notify.log"
    notifier = Notify(env, log, "--now", CYCLE_NOW)
    try:
        assert smtp.waiting.wait(60), log.read_text()[-2000:]
        notifier.kill()
        smtp.gate.set()
        assert len(smtp.received) == 4
        notifier = Notify(env, log, "--now", CYCLE_NOW)
        wait_until(lambda: settled(env["NOTIFIER_DATABASE_URL"], head), what="the notifier to deliver everything")
    finally:
        notifier.stop()
    ids = Counter(r.message["Message-ID"] for r in smtp.received)
    assert [i for i, n in ids.items() if n > 1] == [], "a mail went out twice"
    lab = sorted((r.envelope_to[0], r.message["Content-Language"], subject(r)) for r in smtp.received
                 if r.envelope_to[0].startswith(("lab", "lotte.chef")) or "Functioneringsgesprekken" in subject(r))
    self_eval_nl = "Je zelfevaluatie voor Functioneringsgesprekken 2026: uiterlijk 20 februari 2026"
    assert lab == sorted([
        ("hanna.mulder@voorbeeld.nl", "nl", "Stand van Functioneringsgesprekken 2026 (2026-W08)"),
        ("lab1@voorbeeld.nl", "nl", "Gewijzigd: Ontwikkelgesprek van Laborant 1: 2 maart 2026 om 14:00"),
        ("lab1@voorbeeld.nl", "nl", "Ontwikkelgesprek van Laborant 1: 2 maart 2026 om 10:00"),
        ("lab1@voorbeeld.nl", "nl", self_eval_nl),
        ("lab3@voorbeeld.nl", "en", "Your self-evaluation for Functioneringsgesprekken 2026: due by February 20, 2026"),
        ("lab4@voorbeeld.nl", "nl", self_eval_nl), ("lab5@voorbeeld.nl", "nl", self_eval_nl),
        ("lotte.chef@voorbeeld.nl", "nl", "Gewijzigd: Ontwikkelgesprek van Laborant 1: 2 maart 2026 om 14:00"),
        ("lotte.chef@voorbeeld.nl", "nl", "Ontwikkelgesprek van Laborant 1: 2 maart 2026 om 10:00"),
        ("lotte.chef@voorbeeld.nl", "nl", self_eval_nl)]), lab
    invites = [r for r in smtp.to("lotte.chef@voorbeeld.nl") if r.calendars()]
    sequences = sorted((int(cal.walk("VEVENT")[0]["SEQUENCE"]), str(cal["METHOD"])) for r in invites
                       for cal in r.calendars()[:1])
    assert sequences == [(0, "REQUEST"), (1, "REQUEST")]
    uids = {str(r.calendars()[0].walk("VEVENT")[0]["UID"]) for r in invites + smtp.to("lab1@voorbeeld.nl")
            if r.calendars()}
    assert len(uids) == 1, "one calendar event for the check-in, in both calendars"
    groeipad("notify", "--once", "--now", "2026-02-16T09:00:00+00:00", env=env)  # again the same day: nothing new
    assert Counter(r.message["Message-ID"] for r in smtp.received) == ids
