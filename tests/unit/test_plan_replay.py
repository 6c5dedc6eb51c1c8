"""Replaying a plan's stored events, with or without a snapshot, gives back exactly the state it had."""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from decimal import Decimal
from uuid import NAMESPACE_URL, uuid5

import pytest
from eventsourcing.persistence import OperationalError
from plan_builders import HR, MANAGER, OWNER, add_action, add_goal, new_plan

from services.plan.app import build_plan_service
from services.plan.application import PlanService
from services.plan.views.projector import SNAPSHOT_EVERY, Projector
from shared.auth import Principal


def state(plan) -> dict:
    return {k: v for k, v in vars(plan).items() if k != "_pending_events"}


def replay(service: PlanService, plan_id, events=None, plan=None):
    """Fold stored events by hand, without the repository (and so without any snapshot)."""
    for event in events if events is not None else service.events.get(plan_id):
        plan = event.mutate(plan)
    return plan


def busy_plan():
    """A plan that has been through every kind of event, with dates, money and nested data."""
    plan = new_plan(target_role="teamleider")
    plan.assess_skill(OWNER, skill="Teammanagement", category="behavioural", level=1, status="to_improve",
                      transferable_to=["logistiek"])
    plan.assess_skill(MANAGER, skill="teammanagement", category="behavioural", level=2, assessor="manager")
    add_goal(plan, "g1")
    add_goal(plan, "g2", hours_needed=20, budget_needed=Decimal("99.95"), deadline=date(2026, 12, 31))
    plan.revise_goal(OWNER, "g1", reason="later", deadline=date(2027, 11, 1), budget_needed=Decimal("1250.50"))
    add_action(plan, "a1", goal_ids=["g1"])
    add_action(plan, "a2", goal_ids=["g2"], means="mooc", cost=Decimal(0))
    plan.request_funding(OWNER, "a1", amount=Decimal("750.25"), justification="het team profiteert")
    plan.approve_funding(MANAGER, "a1", amount=Decimal(700))
    plan.start_action(OWNER, "a1", date(2026, 2, 3))
    plan.complete_action(OWNER, "a1", on=date(2026, 6, 20), evaluation=4, reflection="goed",
                         skill_levels=[{"skill": "teammanagement", "level": 3}])
    plan.reschedule_action(OWNER, "a2", planned_start=date(2026, 9, 1), planned_end=date(2026, 10, 1), reason="drukte")
    plan.receive_feedback(MANAGER, feedback_id="f1", source="manager", text="sterk", goal_id="g1")
    plan.review_progress(OWNER, note="op schema", goal_id="g1", progress=60)
    plan.achieve_goal(MANAGER, "g2")
    plan.dismiss_recommendation(OWNER, "r1", offer_id="o1", reason="al gedaan")
    plan.accept_recommendation(OWNER, "r2", offer_id="o2", action_id="a3", goal_ids=["g1"], means="coaching",
                               title="Coaching", planned_start=date(2027, 1, 1), planned_end=date(2027, 3, 1))
    plan.submit_for_review(OWNER)
    plan.review(HR, outcome="approved", comment="prima")
    return plan


@pytest.fixture
def memory_service():
    service = PlanService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield service
    service.close()


@pytest.fixture
def stored_service(store_url):
    service = build_plan_service(store_url)
    yield service
    service.close()


def check_replay(service):
    plan = busy_plan()
    expected = state(plan)
    service.save(plan)
    assert state(service.repository.get(plan.id)) == expected
    assert state(replay(service, plan.id)) == expected
    assert service.repository.get(plan.id).version == len(list(service.events.get(plan.id))) == plan.version


def test_replaying_events_in_memory_gives_the_same_state(memory_service):
    check_replay(memory_service)


def test_replaying_events_from_the_store_gives_the_same_state(stored_service):
    check_replay(stored_service)


def test_an_earlier_version_is_the_state_after_that_many_events(memory_service):
    plan = new_plan()
    add_goal(plan)
    after_goal = deepcopy(state(plan))
    add_action(plan)
    memory_service.save(plan)
    assert state(memory_service.repository.get(plan.id, version=2)) == after_goal


def check_snapshot_and_tail(service):
    plan = busy_plan()
    service.save(plan)
    service.take_snapshot(plan.id)
    plan = service.repository.get(plan.id)
    plan.receive_feedback(HR, feedback_id="f2", source="mentor", text="na de snapshot")
    plan.close(OWNER, reason="klaar")
    service.save(plan)

    (snapshot,) = service.snapshots.get(plan.id)
    assert snapshot.originator_version == plan.version - 2
    tail = list(service.events.get(plan.id, gt=snapshot.originator_version))
    assert [type(e).__name__ for e in tail] == ["FeedbackReceived", "PlanClosed"]
    from_snapshot = replay(service, plan.id, tail, snapshot.mutate(None))
    assert state(from_snapshot) == state(replay(service, plan.id)) == state(plan)
    assert state(service.repository.get(plan.id)) == state(plan)


def test_a_snapshot_and_the_tail_give_the_same_state_in_memory(memory_service):
    check_snapshot_and_tail(memory_service)


def test_a_snapshot_and_the_tail_give_the_same_state_in_the_store(stored_service):
    check_snapshot_and_tail(stored_service)


def test_the_projector_snapshots_every_hundred_versions_keeps_the_newest_and_the_plan_loads_the_same(
        store_url, monkeypatch):
    monkeypatch.delenv("PLAN_VIEWS_INLINE")
    service = build_plan_service(store_url)  # without PLAN_VIEWS_INLINE: writes alone never take a snapshot
    service.upsert_people({"subject": "t", "role": "hr"}, [{"id": "karim", "name": "Karim"}])
    karim = Principal("karim", frozenset({"employee"}))
    plan_id = uuid5(NAMESPACE_URL, "groeipad:plan:karim:2026-01-01:2027-12-31")
    projector = Projector(service)
    projector.catch_up()
    service.start_plan(karim, None, employee_id="karim", period_start=date(2026, 1, 1),
                       period_end=date(2027, 12, 31), trigger="mobility")
    for n in range(2 * SNAPSHOT_EVERY + 5):
        service.change_plan(plan_id, karim, lambda plan, ctx, n=n: plan.receive_feedback(
            ctx, feedback_id=f"f{n}", source="self", text=f"week {n}"))
    assert list(service.snapshots.get(plan_id)) == []  # off the request path
    projector.catch_up()
    assert [s.originator_version for s in service.snapshots.get(plan_id)] == [2 * SNAPSHOT_EVERY]
    service.repository.cache.clear()
    loaded = service.get_plan(plan_id, karim)
    assert loaded.version == 2 * SNAPSHOT_EVERY + 6
    assert state(loaded) == state(replay(service, plan_id))
    assert [f["text"] for f in loaded.feedback][-1] == f"week {2 * SNAPSHOT_EVERY + 4}"
    service.close()


def test_a_snapshot_that_fails_leaves_the_views_projected(monkeypatch, caplog, tmp_path):
    monkeypatch.delenv("PLAN_VIEWS_INLINE")
    service = build_plan_service(f"sqlite:///{tmp_path / 'plan.sqlite'}")
    service.upsert_people({"subject": "t", "role": "hr"}, [{"id": "karim", "name": "Karim"}])
    karim = Principal("karim", frozenset({"employee"}))
    projector = Projector(service)
    projector.catch_up()
    plan_id = service.start_plan(karim, None, employee_id="karim", period_start=date(2026, 1, 1),
                                 period_end=date(2027, 12, 31), trigger="mobility").plan.id

    def store_down(*args, **kwargs):
        raise OperationalError("the store went away")

    monkeypatch.setattr(service, "take_snapshot", store_down)
    for n in range(SNAPSHOT_EVERY):
        outcome = service.change_plan(plan_id, karim, lambda plan, ctx, n=n: plan.review_progress(
            ctx, note=f"week {n}"))
    projector.catch_up()
    assert outcome.plan.version == SNAPSHOT_EVERY + 1
    assert "could not snapshot" in caplog.text
    assert projector.store.position(projector.name) == service.recorder.max_notification_id()
    assert len(service.get_plan(plan_id, karim).progress) == SNAPSHOT_EVERY
    service.close()
