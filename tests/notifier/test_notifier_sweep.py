"""The sweep by an injected clock: starting soon, overdue, escalation, digests; never twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.notifier import kinds as k
from tests.notifier.conftest import Clock, make_sweep
from tests.notifier.notifier_helpers import Events, OverdueAnswers


def kinds(store, person):
    return sorted(n.kind for n in store.inbox(person, unread_only=False, limit=100, offset=0)[0])


def plan_with_action(store, rules, start="2027-02-01", end="2027-02-05"):
    e = Events()
    events = [e("PlanStarted"), e("LearningActionPlanned", action_id="a1", title="Excel", planned_start=start,
                                  planned_end=end)]
    store.apply_page(events, events[-1]["position"], rules.decide)
    return e


def test_starting_soon_once_within_the_window(store, rules, directory):
    plan_with_action(store, rules)
    clock = Clock(datetime(2027, 1, 20, 8, tzinfo=UTC))
    sweep = make_sweep(store, directory, clock, soon_days=3)
    sweep.run()
    assert kinds(store, "karim") == [k.ACTION_INVITE]  # twelve days ahead: not yet
    clock.now = datetime(2027, 1, 29, 8, tzinfo=UTC)
    sweep.run()
    sweep.run()
    clock.now = datetime(2027, 1, 30, 8, tzinfo=UTC)
    sweep.run()
    assert kinds(store, "karim") == [k.ACTION_INVITE, k.ACTION_STARTING_SOON]


def test_overdue_then_escalated_to_the_manager_after_the_configured_days(store, rules, directory):
    """The plan service says what is overdue on the clock's day (its one rule); the sweep reminds once, escalates
    to the manager it names after the configured days, with the title the feed gave."""
    plan_with_action(store, rules)
    clock = Clock(datetime(2027, 2, 5, 23, tzinfo=UTC))
    answers = OverdueAnswers()
    for day, days in ((date(2027, 2, 6), 1), (date(2027, 2, 9), 4), (date(2027, 2, 10), 5)):
        answers.late(day, end="2027-02-05", days=days)
    sweep = make_sweep(store, directory, clock, answers, escalate_after_days=5)
    sweep.run()
    assert k.ACTION_OVERDUE not in kinds(store, "karim")  # nothing overdue on the end day itself
    clock.now = datetime(2027, 2, 6, 6, tzinfo=UTC)
    sweep.run()
    assert kinds(store, "karim").count(k.ACTION_OVERDUE) == 1
    [reminder] = [n for n in store.inbox("karim", unread_only=False, limit=10, offset=0)[0]
                  if n.kind == k.ACTION_OVERDUE]
    assert reminder.data["title"] == "Excel" and reminder.data["end"] == "2027-02-05"
    clock.now = datetime(2027, 2, 9, 6, tzinfo=UTC)
    sweep.run()
    assert kinds(store, "marieke") == []
    clock.now = datetime(2027, 2, 10, 6, tzinfo=UTC)
    sweep.run()
    sweep.run()
    [escalated] = store.inbox("marieke", unread_only=False, limit=10, offset=0)[0]
    assert escalated.kind == k.ACTION_OVERDUE_ESCALATED and escalated.data["days_overdue"] == 5
    assert kinds(store, "karim").count(k.ACTION_OVERDUE) == 1


def test_what_the_plan_service_does_not_call_overdue_is_not_reminded(store, rules, directory):
    e = plan_with_action(store, rules)
    events = [e("LearningActionStarted", action_id="a1", on="2027-02-01"),
              e("LearningActionCompleted", action_id="a1", on="2027-02-04", evaluation=4, reflection="",
                skill_levels=[])]
    store.apply_page(events, events[-1]["position"], rules.decide)
    make_sweep(store, directory, Clock(datetime(2027, 3, 1, 8, tzinfo=UTC))).run()
    assert kinds(store, "karim") == [k.ACTION_INVITE]


def test_a_rescheduled_action_is_reminded_again_for_its_new_dates(store, rules, directory):
    e = plan_with_action(store, rules)
    clock = Clock(datetime(2027, 1, 30, 8, tzinfo=UTC))
    sweep = make_sweep(store, directory, clock)
    sweep.run()
    moved = [e("LearningActionRescheduled", action_id="a1", planned_start="2027-03-01", planned_end="2027-03-05")]
    store.apply_page(moved, moved[-1]["position"], rules.decide)
    clock.now = datetime(2027, 2, 27, 8, tzinfo=UTC)
    sweep.run()
    assert kinds(store, "karim").count(k.ACTION_STARTING_SOON) == 2


def test_daily_digest_gathers_what_waited_and_is_made_once_a_day(store, rules, directory):
    store.choose("karim", {k.FEEDBACK_RECEIVED: k.DIGEST})
    e = plan_with_action(store, rules)
    events = [e("FeedbackReceived", "marieke", "manager", source="manager", text="a"),
              e("FeedbackReceived", "marieke", "manager", source="manager", text="b")]
    store.apply_page(events, events[-1]["position"], rules.decide)
    for n in store.due(datetime(2027, 1, 4, 10, tzinfo=UTC), 100):  # delivery's decision, without sending
        store.settle(n.id, "digest" if n.kind == k.FEEDBACK_RECEIVED else "sent")
    clock = Clock(datetime(2027, 1, 5, 6, tzinfo=UTC))
    sweep = make_sweep(store, directory, clock, digest_hour=7)
    sweep.run()
    assert k.DAILY_DIGEST not in [n.kind for n in store.due(clock.now, 100)]  # not before the digest hour
    clock.now = datetime(2027, 1, 5, 7, 30, tzinfo=UTC)
    sweep.run()
    sweep.run()
    [digest] = [n for n in store.due(clock.now, 100) if n.kind == k.DAILY_DIGEST]
    assert digest.recipient == "karim" and digest.data["count"] == 2
    assert len(store.in_digest(digest.id)) == 2
    assert store.digest_waiting() == []


def test_weekly_digest_per_manager_on_the_configured_day(store, rules, directory):
    e = plan_with_action(store, rules, start="2027-01-01", end="2027-01-02")
    events = [e("FundingRequested", action_id="a1"), e("PlanSubmittedForReview", note="")]
    store.apply_page(events, events[-1]["position"], rules.decide)
    other = Events("sophie", "plan-2", start=e.position)
    store.apply_page([other("PlanStarted")], other.position, rules.decide)
    clock = Clock(datetime(2027, 1, 5, 8, tzinfo=UTC))  # a Tuesday
    answers = OverdueAnswers()
    answers.late(date(2027, 1, 11), end="2027-01-02", start="2027-01-01", days=9)
    sweep = make_sweep(store, directory, clock, answers, weekly_day=0)
    sweep.run()
    assert k.WEEKLY_DIGEST not in kinds(store, "marieke")
    clock.now = datetime(2027, 1, 11, 8, tzinfo=UTC)  # Monday
    sweep.run()
    sweep.run()
    [weekly] = [n for n in store.inbox("marieke", unread_only=False, limit=10, offset=0)[0]
                if n.kind == k.WEEKLY_DIGEST]
    assert weekly.data["reviews"] == [{"employee_id": "karim", "plan_id": "plan-1"}]
    assert weekly.data["funding"] == [{"employee_id": "karim", "plan_id": "plan-1", "count": 1}]
    assert [a["title"] for a in weekly.data["overdue"]] == ["Excel"]
    assert k.WEEKLY_DIGEST not in kinds(store, "petra")  # nothing waits in Petra's team
