"""A page of the log is applied with its skill rows read and written once: what the page ends with is what
event-by-event application gives, erasures inside the page included."""

from __future__ import annotations

from datetime import date

from services.plan.app import build_plan_service
from services.plan.domain.plan import Context, DevelopmentPlan
from services.plan.views.projector import Projector

HR = {"subject": "hanna", "role": "hr"}


def skills(service) -> dict:
    rows = service.view_store.rows("SELECT employee_id, skill_key, level, source, self_level, manager_level, "
                                   "rerating_level FROM {skills}", (), service.views.tables)
    return {(r["employee_id"], r["skill_key"]): r for r in rows}


def rate_and_complete(service, person: str) -> None:
    """A plan rated by self, manager and self again, then re-rated when an action is completed."""
    me, boss = Context(person, "owner"), Context("boss", "manager")
    plan = DevelopmentPlan.start(me, employee_id=person, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                                 trigger="continuous_development", available_hours=100, available_budget=1000)
    for level, ctx, assessor in ((1, me, "self"), (3, boss, "manager"), (2, me, "self")):
        plan.assess_skill(ctx, skill="Lassen", category="technical", level=level, assessor=assessor)
    plan.plan_action(me, action_id="a1", goal_ids=[], means="workshop", title="Lascursus",
                     planned_start=date(2026, 2, 1), planned_end=date(2026, 2, 28), hours=8, cost=100)
    plan.start_action(me, "a1", on=date(2026, 2, 1))
    plan.complete_action(me, "a1", on=date(2026, 2, 28), evaluation=4, skill_levels=[{"skill": "Lassen", "level": 4}])
    service.keys.create_many([(str(plan.id), person)])
    service.save(plan)


def test_one_page_gives_what_event_by_event_gives_with_an_erasure_inside_it(store_url, monkeypatch):
    monkeypatch.delenv("PLAN_VIEWS_INLINE")
    service = build_plan_service(store_url)
    try:
        service.upsert_people(HR, [{"id": "karim", "name": "Karim"}, {"id": "sophie", "name": "Sophie"}])
        projector = Projector(service)
        projector.catch_up()  # the directory, which starting a plan needs
        before = service.recorder.max_notification_id()
        rate_and_complete(service, "karim")
        rate_and_complete(service, "sophie")
        service.erase_person(HR, "sophie")
        head = service.recorder.max_notification_id()
        assert projector.run_page() == head - before  # the plans and the erasure in one page
        paged = skills(service)
        assert set(paged) == {("karim", "lassen")}  # sophie's rows, written in the same page, are gone
        karim = paged[("karim", "lassen")]
        assert (karim["level"], karim["source"]) == (4, "rerating")  # the newest rating wins
        assert (karim["self_level"], karim["manager_level"], karim["rerating_level"]) == (2, 3, 4)

        one_by_one = Projector(service, name="one_by_one", suffix="_one", snapshots=False)
        notifications = service.notification_log.select(0, head)
        for notification in notifications:  # the same log, a page per event
            with service.view_store.transaction(commit=True) as cursor:
                one_by_one.projection.apply(cursor, [(notification, service.mapper.to_domain_event(notification))])
        rows = service.view_store.rows("SELECT employee_id, skill_key, level, source, self_level, manager_level, "
                                       "rerating_level FROM {skills}", (), one_by_one.tables)
        assert {(r["employee_id"], r["skill_key"]): r for r in rows} == paged
    finally:
        service.close()
