"""The follower against a fake feed, on SQLite and PostgreSQL: exactly-once across restarts."""

from __future__ import annotations

import pytest
from rec_feed_fake import SECRET, FakeFeed, PlanEvents, person, story

from recommender import readmodel as readmodel_module
from recommender.follower import FeedClient, FeedUnavailableError, Follower, InvalidFeedEventError
from recommender.runtime import Runtime
from shared.auth import TokenSettings
from shared.contracts import SCHEMA_VERSION


@pytest.fixture
def rt(store_url):
    runtime = Runtime.build(store_url)
    yield runtime
    runtime.close()


def make_follower(readmodel, feed: FakeFeed, limit: int = 3, sleeps: list | None = None):
    client = FeedClient("http://plan.test", TokenSettings(SECRET, "groeipad"), feed.session())
    record = sleeps if sleeps is not None else []
    return Follower(readmodel, client, limit=limit, idle_seconds=0.01, sleep=record.append)


def drain(follower: Follower) -> None:
    for _ in range(100):
        _, more = follower.run_once()
        if not more:
            return


def test_follows_a_plan_and_learns_gaps_feedback_and_levels(rt):
    feed = FakeFeed(story("sophie", "offer-1", rating=4))
    follower = make_follower(rt.readmodel, feed)
    drain(follower)
    assert rt.readmodel.position() == feed.events[-1]["position"]
    plan = rt.readmodel.current_plan("sophie")
    assert "managers" not in plan  # access comes from the directory, not from who acted on the plan
    assert "title" not in plan["goals"]["g1"] and "reflection" not in str(plan)  # no free text is kept
    assert plan["skills"]["excel"]["level"] == 2  # the level reported after completing
    stats = rt.readmodel.offer_stats()["offer-1"]
    assert (stats.completions, stats.accepted, stats.rating_sum) == (1, 1, 4)
    assert rt.readmodel.judgments() == {"Excel": {"offer-1"}}
    [effect] = rt.readmodel.effectiveness()
    assert effect["mean_level_gain"] == 1


def test_duplicate_delivery_is_not_counted_twice(rt):
    feed = FakeFeed(story("karim", "offer-2"))
    feed.duplicates = 2
    drain(make_follower(rt.readmodel, feed, limit=2))
    assert rt.readmodel.offer_stats()["offer-2"].completions == 1
    # the same page delivered again after it was applied changes nothing
    last = feed.events[-3:]
    assert rt.readmodel.apply_page(last, last[-1]["position"]) == 0
    assert rt.readmodel.offer_stats()["offer-2"].accepted == 1


def test_crash_mid_page_then_restart_loses_and_doubles_nothing(rt, store_url, monkeypatch):
    events = story("anna", "offer-3") + story("bram", "offer-3", rating=2)
    feed = FakeFeed(events)
    follower = make_follower(rt.readmodel, feed, limit=5)
    follower.run_once()  # first page lands
    original = readmodel_module.apply_event
    calls = {"n": 0}

    def crash_once(plan, event):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("killed before commit")  # after the position moved, before the commit
        return original(plan, event)

    monkeypatch.setattr(readmodel_module, "apply_event", crash_once)
    with pytest.raises(RuntimeError):
        follower.run_once()
    monkeypatch.setattr(readmodel_module, "apply_event", original)
    assert rt.readmodel.position() == events[4]["position"]  # the crashed page left no trace

    restarted = Runtime.build(store_url)  # a new process: new connections, same store
    try:
        drain(make_follower(restarted.readmodel, feed, limit=4))
        stats = restarted.readmodel.offer_stats()["offer-3"]
        assert (stats.completions, stats.accepted, stats.rating_sum) == (2, 2, 6)
        assert restarted.readmodel.position() == events[-1]["position"]
    finally:
        restarted.close()


def test_concurrent_follower_cannot_record_an_older_position(rt):
    feed = FakeFeed(story("cas", "offer-4"))
    drain(make_follower(rt.readmodel, feed))
    reached = rt.readmodel.position()
    with rt.readmodel.datastore.transaction(commit=False) as c:
        assert not rt.readmodel.positions.advance(c, "plan", 1, 2)  # compare and set: only from where it stands
    assert rt.readmodel.position() == reached


def test_plan_service_down_backs_off_then_recovers(rt):
    feed = FakeFeed(story("dirk", "offer-5"))
    feed.down = 3
    sleeps: list[float] = []
    follower = make_follower(rt.readmodel, feed, limit=100, sleeps=sleeps)
    follower.run(max_iterations=5)
    assert sleeps[0] < sleeps[2]  # waits grow while the service is down
    assert rt.readmodel.position() == feed.events[-1]["position"]
    assert follower.failures == 0
    feed.status = 503
    with pytest.raises(FeedUnavailableError):
        follower.run_once()


def test_rebuild_read_model_replays_from_zero(rt):
    feed = FakeFeed(story("eva", "offer-6"))
    drain(make_follower(rt.readmodel, feed))
    rt.readmodel.reset()
    assert rt.readmodel.position() == 0 and rt.readmodel.current_plan("eva") is None
    drain(make_follower(rt.readmodel, feed))
    assert rt.readmodel.offer_stats()["offer-6"].completions == 1


def test_closed_plan_has_no_current_plan(rt):
    e = PlanEvents("finn")
    feed = FakeFeed([e("PlanStarted", employee_id="finn"), e("PlanClosed")])
    drain(make_follower(rt.readmodel, feed))
    assert rt.readmodel.current_plan("finn") is None


def test_a_person_erased_in_the_plan_service_is_dropped_from_the_read_model(rt):
    events = story("sophie", "offer-1") + story("karim", "offer-1")
    PlanEvents.position += 1
    events.append({"type": "PersonErased", "schema_version": 1, "position": PlanEvents.position, "plan_id": "",
                   "employee_id": "sophie", "plan_version": 3, "occurred_at": "2026-06-01T10:00:00+00:00",
                   "actor": {"subject": "hanna", "role": "hr"}, "reason": None, "payload": {}})
    drain(make_follower(rt.readmodel, FakeFeed(events), limit=4))
    assert rt.readmodel.current_plan("sophie") is None
    assert rt.readmodel.person_data("sophie") == {"directory_entry": None, "plans_as_learned_from_the_feed": [],
                                                  "offer_feedback": [], "access_log": []}
    assert rt.readmodel.current_plan("karim") is not None
    assert rt.readmodel.offer_stats()["offer-1"].completions == 1  # only Karim's completion remains


def test_position_and_lag_are_exposed_as_metrics(rt):
    from prometheus_client import REGISTRY

    feed = FakeFeed(story("petra", "offer-9"))
    follower = make_follower(rt.readmodel, feed, limit=3)
    follower.run_once()
    behind = REGISTRY.get_sample_value("groeipad_follower_lag_events")
    assert behind == feed.events[-1]["position"] - rt.readmodel.position() > 0
    assert REGISTRY.get_sample_value("groeipad_follower_lag_seconds") > 0
    drain(follower)
    assert REGISTRY.get_sample_value("groeipad_follower_position") == rt.readmodel.position()
    assert REGISTRY.get_sample_value("groeipad_follower_lag_events") == 0
    assert REGISTRY.get_sample_value("groeipad_follower_lag_seconds") == 0


def test_an_invalid_event_stops_the_follower_at_it_and_nothing_after_it_is_applied(rt):
    """The events before it are applied; it and everything after wait (never skipped) until the feed is fixed."""
    events = story("gina", "offer-9")
    broken = {**events[2], "payload": {"goal_id": "g1", "skills": [{"skill": "Excel", "target_level": 9}],
                                       "deadline": "2026-12-01"}}  # a level outside 0-5
    feed = FakeFeed([*events[:2], broken, *events[3:]])
    sleeps: list[float] = []
    follower = make_follower(rt.readmodel, feed, limit=100, sleeps=sleeps)
    with pytest.raises(InvalidFeedEventError, match=rf"position {broken['position']}.*GoalSet.*target_level"):
        follower.run_once()
    assert rt.readmodel.position() == events[1]["position"]  # applied up to the event before it
    assert rt.readmodel.current_plan("gina")["skills"] and not rt.readmodel.current_plan("gina")["goals"]
    follower.run(max_iterations=3)  # keeps waiting at it with back-off, counting failures
    assert follower.failures == 3 and sleeps[0] < sleeps[2]
    assert rt.readmodel.position() == events[1]["position"]
    feed.events[2] = events[2]  # the plan service publishes it correctly again
    drain(follower)
    assert rt.readmodel.position() == events[-1]["position"]
    assert rt.readmodel.offer_stats()["offer-9"].completions == 1


def test_an_event_of_a_newer_contract_is_refused_not_misread(rt):
    events = story("hugo", "offer-10")
    feed = FakeFeed([events[0], {**events[1], "schema_version": SCHEMA_VERSION + 1}])
    with pytest.raises(InvalidFeedEventError, match="newer"):
        make_follower(rt.readmodel, feed, limit=100).run_once()
    assert rt.readmodel.position() == events[0]["position"]


def test_the_directory_on_the_feed_gives_the_manager_chain(rt):
    feed = FakeFeed([person("boss"), person("lead", "boss"), person("ivo", "lead"), person("other")])
    drain(make_follower(rt.readmodel, feed))
    assert rt.readmodel.manages("lead", "ivo") and rt.readmodel.manages("boss", "ivo")
    assert not rt.readmodel.manages("other", "ivo") and not rt.readmodel.manages("ivo", "lead")
    feed.events.append(person("ivo", "other", kind="PersonUpdated", department="IT"))  # a re-organisation
    drain(make_follower(rt.readmodel, feed))
    assert rt.readmodel.manages("other", "ivo") and not rt.readmodel.manages("boss", "ivo")
    assert rt.readmodel.person("ivo") == {"person_id": "ivo", "manager_id": "other", "department": "IT",
                                          "job_title": "Advisor", "active": True}
    feed.events.append({**person("ivo"), "type": "PersonErased", "payload": {}})
    drain(make_follower(rt.readmodel, feed))
    assert rt.readmodel.person("ivo") is None and not rt.readmodel.manages("other", "ivo")
