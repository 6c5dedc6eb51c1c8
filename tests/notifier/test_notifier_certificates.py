"""Certificate reminders: 90, 30 and 7 days before expiry, once each, by the sweep's injected clock, in Dutch and
English, delivered to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.notifier import kinds as k
from services.notifier.sweep import reminder_due
from tests.notifier.conftest import Clock, make_delivery, make_sweep
from tests.notifier.notifier_helpers import Events

EXPIRES = "2027-06-30"


def feed(store, rules, events):
    store.apply_page(events, events[-1]["position"], rules.decide)


def certified(store, rules, expires_on=EXPIRES) -> Events:
    e = Events()
    feed(store, rules, [
        e("PlanStarted"),
        e("LearningActionPlanned", action_id="a1", title="VCA Basis", planned_start="2025-05-01",
          planned_end="2025-06-01"),
        e("LearningActionStarted", action_id="a1", on="2025-05-01"),
        e("LearningActionCompleted", action_id="a1", on="2025-06-01", evaluation=4),
        e("CertificateAdded", certificate_id="c1", action_id="a1", issued_on="2025-06-30", expires_on=expires_on)])
    return e


def reminders(store, person="karim"):
    return sorted((n.data["days"], n.data["certificate_id"])
                  for n in store.inbox(person, unread_only=False, limit=100, offset=0)[0]
                  if n.kind == k.CERTIFICATE_EXPIRING)


def certificate_mails(smtp):
    return [m for m in smtp.to("karim@example.org") if "certifica" in m.message["Subject"]]


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T06:00:00+00:00").astimezone(UTC)


def test_reminders_90_30_and_7_days_before_once_each(store, rules, directory):
    certified(store, rules)
    clock = Clock(at("2027-03-01"))  # 121 days before
    sweep = make_sweep(store, directory, clock)
    for day, expected in [("2027-03-01", []), ("2027-04-01", [90]), ("2027-04-02", [90]), ("2027-05-31", [30, 90]),
                          ("2027-06-15", [30, 90]), ("2027-06-23", [7, 30, 90]), ("2027-06-29", [7, 30, 90]),
                          ("2027-06-30", [7, 30, 90]), ("2027-07-01", [7, 30, 90])]:
        clock.now = at(day)
        sweep.run()
        sweep.run()  # a second run the same day makes nothing twice
        assert [days for days, _ in reminders(store)] == expected, day


def test_a_certificate_without_expiry_or_one_renewed_is_not_reminded(store, rules, directory):
    e = certified(store, rules, expires_on=None)
    make_sweep(store, directory, Clock(at("2027-06-25"))).run()
    assert reminders(store) == []
    feed(store, rules, [e("CertificateAdded", certificate_id="c2", action_id="a1", issued_on="2026-01-01",
                          expires_on="2027-07-10")])
    feed(store, rules, [e("RecertificationOpened", action_id="a2", renews_plan_id="plan-1", renews_action_id="a1",
                          renews_certificate_id="c2"),
                        e("LearningActionPlanned", action_id="a2", title="VCA herhaling", planned_start="2027-06-01",
                          planned_end="2027-06-02"),
                        e("CertificateAdded", certificate_id="c3", action_id="a2", issued_on="2027-06-02",
                          expires_on="2037-06-02")])
    make_sweep(store, directory, Clock(at("2027-07-05"))).run()
    assert reminders(store) == []  # c2 was renewed by c3, which expires in ten years


def test_an_erased_person_is_not_reminded(store, rules, directory):
    e = certified(store, rules)
    feed(store, rules, [e.erased("karim")])
    make_sweep(store, directory, Clock(at("2027-06-25"))).run()
    assert reminders(store) == []


@pytest.mark.parametrize(("left", "due"), [(120, None), (91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7),
                                           (1, 7), (0, None), (-3, None)])
def test_the_reminder_due_is_the_nearest_step_reached(left, due):
    today = date(2027, 1, 1)
    assert reminder_due(date.fromordinal(today.toordinal() + left), today) == due


def test_the_reminder_reaches_the_employee_by_mail_in_dutch_or_english(store, rules, directory, smtp):
    certified(store, rules)
    clock = Clock(at("2027-06-01"))
    make_sweep(store, directory, clock).run()
    make_delivery(store, directory, smtp.url, clock).run_once()
    [mail] = certificate_mails(smtp)
    assert mail.message["Subject"] == "Je certificaat verloopt over 30 dagen: VCA Basis"
    assert "geldig tot en met 30 juni 2027" in mail.text
    assert "https://groeipad.example.org/plans/plan-1/actions/a1" in mail.text
    assert mail.message["List-Unsubscribe"]  # a reminder may be switched off from the mail
    store.choose("karim", {"language": "en"})
    clock.now = at("2027-06-24")
    make_sweep(store, directory, clock).run()
    make_delivery(store, directory, smtp.url, clock).run_once()
    mails = certificate_mails(smtp)
    assert len(mails) == 2
    assert mails[1].message["Subject"] == "Your certificate expires in 7 days: VCA Basis"
    assert "valid until June 30, 2027" in mails[1].text
