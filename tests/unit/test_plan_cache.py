"""The write-through aggregate cache: a worker's own writes keep it current; anything else is read from the store."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from services.plan.app import build_plan_service
from services.plan.application import PlanHead, PlanService
from services.plan.domain.errors import RuleViolationError
from shared.auth import Principal

KARIM = Principal("karim", frozenset({"employee"}))


def state(plan) -> dict:
    return {k: v for k, v in vars(plan).items() if k != "_pending_events"}


def replay(service: PlanService, plan_id):
    plan = None
    for event in service.events.get(plan_id):
        plan = event.mutate(plan)
    return plan


def start(service: PlanService):
    service.upsert_people({"subject": "hr", "role": "hr"}, [{"id": "karim", "name": "Karim"}])
    return service.start_plan(KARIM, None, employee_id="karim", period_start=date(2026, 1, 1),
                              period_end=date(2026, 12, 31), trigger="mobility").plan.id


def note(text: str):
    return lambda plan, ctx: plan.review_progress(ctx, note=text)


@pytest.fixture
def service(tmp_path):
    service = build_plan_service(f"sqlite:///{tmp_path / 'plan.sqlite'}")
    yield service
    service.close()


def test_a_write_leaves_the_cached_plan_at_its_version_with_the_state_a_replay_gives(service):
    plan_id = start(service)
    for n in range(3):
        outcome = service.change_plan(plan_id, KARIM, note(f"week {n}"))
    cached = service.repository.cache.get(plan_id)
    assert cached.version == outcome.plan.version == 4
    assert state(cached) == state(replay(service, plan_id)) == state(outcome.plan)


def test_the_next_write_reads_only_the_log_not_the_plans_events(service, monkeypatch):
    plan_id = start(service)
    service.change_plan(plan_id, KARIM, note("first"))

    def no_reads(*args, **kwargs):
        raise AssertionError("the cached plan is current: nothing to read back from the store")

    monkeypatch.setattr(service.repository.event_store, "get", no_reads)
    outcome = service.change_plan(plan_id, KARIM, note("second"))
    assert [p["note"] for p in outcome.plan.progress] == ["first", "second"]


@pytest.fixture
def two_instances(tmp_path):
    """Two plan services on one store, as two workers or replicas, and a plan ONE has written once."""
    url = f"sqlite:///{tmp_path / 'plan.sqlite'}"
    one, two = build_plan_service(url), build_plan_service(url)
    plan_id = start(one)
    one.change_plan(plan_id, KARIM, note("from one"))
    yield one, two, plan_id
    one.close(), two.close()


def test_a_write_by_another_instance_is_read_from_the_store_before_the_next_one(two_instances):
    one, two, plan_id = two_instances
    two.change_plan(plan_id, KARIM, note("from two"))
    outcome = one.change_plan(plan_id, KARIM, note("one again"))  # one's cached plan is behind: loaded, saved
    assert outcome.plan.version == 4
    assert [p["note"] for p in outcome.plan.progress] == ["from one", "from two", "one again"]
    outcome.plan.progress[2]["note"] = "changed by the caller"  # the answer's plan is not the cache's
    assert state(one.repository.cache.get(plan_id)) == state(replay(one, plan_id))


def test_the_callers_plan_shares_nothing_with_the_cache(service):
    plan_id = start(service)
    service.change_plan(plan_id, KARIM, note("kept"))
    outcome = service.change_plan(plan_id, KARIM, note("also kept"))
    outcome.plan.progress[0]["note"] = "changed by the caller"
    outcome.plan.progress[1]["by"]["subject"] = "someone else"
    outcome.plan.progress.append({"note": "added by the caller"})
    loaded = service.get_plan(plan_id, KARIM)
    assert [(p["note"], p["by"]["subject"]) for p in loaded.progress] == [("kept", "karim"), ("also kept", "karim")]


def test_advance_leaves_a_cache_that_moved_on_and_drops_one_it_cannot_advance(service, caplog):
    plan_id = start(service)
    outcome = service.change_plan(plan_id, KARIM, note("one"))
    events = list(service.events.get(plan_id, gt=1))
    service.repository.advance(plan_id, 1, events)  # the cache is at version 2 already: nothing to do
    assert service.repository.cache.get(plan_id).version == outcome.plan.version == 2

    service.repository.advance(plan_id, 2, events)  # version 2 again on top of 2: cannot apply
    with pytest.raises(KeyError):
        service.repository.cache.get(plan_id)
    assert "dropped" in caplog.text
    assert state(service.get_plan(plan_id, KARIM)) == state(replay(service, plan_id))


def test_a_write_changes_the_cached_plan_itself_and_answers_a_head_when_asked(service, monkeypatch):
    plan_id = start(service)
    service.change_plan(plan_id, KARIM, note("first"))
    cached = service.repository.cache.get(plan_id)
    monkeypatch.setattr("services.plan.application.deepcopy", _no_copies)
    monkeypatch.setattr("services.plan.cache.deepcopy", _no_copies)
    outcome = service.change_plan(plan_id, KARIM, note("second"), whole_plan=False)
    assert outcome.plan == PlanHead(plan_id, 3, "karim", cached.status)
    assert service.repository.cache.get(plan_id) is cached  # lent, not copied: no history copied on a write
    assert [p["note"] for p in cached.progress] == ["first", "second"]
    assert state(cached) == state(replay(service, plan_id))


def test_a_refused_command_leaves_the_cached_plan_as_it_was(service):
    plan_id = start(service)
    service.change_plan(plan_id, KARIM, note("kept"))
    cached = service.repository.cache.get(plan_id)
    with pytest.raises(RuleViolationError):
        service.change_plan(plan_id, KARIM, note("   "))
    assert service.repository.cache.get(plan_id) is cached
    assert state(cached) == state(replay(service, plan_id))


def test_a_command_that_fails_after_changing_the_plan_drops_it_from_the_cache(service):
    plan_id = start(service)
    service.change_plan(plan_id, KARIM, note("kept"))

    def half_done(plan, ctx):
        plan.review_progress(ctx, note="never saved")
        raise RuntimeError("a bug after the first event")

    with pytest.raises(RuntimeError):
        service.change_plan(plan_id, KARIM, half_done)
    with pytest.raises(KeyError):
        service.repository.cache.get(plan_id)
    assert [p["note"] for p in service.get_plan(plan_id, KARIM).progress] == ["kept"]


def test_a_write_that_lost_the_race_drops_its_change_and_retries_on_the_stored_plan(two_instances):
    one, two, plan_id = two_instances
    attempts = []

    def after_two_wrote(plan, ctx):
        if not attempts:  # the first attempt runs on one's cached plan, which two is about to outdate
            two.change_plan(plan_id, KARIM, note("from two"))
        attempts.append(plan.version)
        plan.review_progress(ctx, note="one again")

    outcome = one.change_plan(plan_id, KARIM, after_two_wrote)
    assert attempts == [2, 3]
    assert [p["note"] for p in outcome.plan.progress] == ["from one", "from two", "one again"]
    assert state(one.get_plan(plan_id, KARIM)) == state(replay(one, plan_id))


def test_a_reader_waits_for_a_lent_plan_and_never_sees_a_change_that_was_not_saved(service):
    plan_id = start(service)
    service.change_plan(plan_id, KARIM, note("kept"))
    changed, release = threading.Event(), threading.Event()

    def slow_and_failing(plan, ctx):
        plan.review_progress(ctx, note="never saved")
        changed.set()
        release.wait(5)
        raise RuntimeError("failed after changing the plan")

    writer = threading.Thread(target=lambda: pytest.raises(RuntimeError, service.change_plan, plan_id, KARIM,
                                                             slow_and_failing))
    writer.start()
    assert changed.wait(5)
    read = []
    readers = [threading.Thread(target=lambda: read.append(service.get_plan(plan_id, KARIM))),
               threading.Thread(target=lambda: read.append(service.repository.get(plan_id)))]
    for reader in readers:
        reader.start()
        reader.join(0.3)
        assert reader.is_alive()  # the write holds the plan
    release.set()
    for thread in [writer, *readers]:
        thread.join(5)
    assert [[p["note"] for p in plan.progress] for plan in read] == [["kept"], ["kept"]]


def _no_copies(value, memo=None):
    raise AssertionError("a minimal write copies nothing")
