"""A page of the log is applied with its goal, action and skill rows read and written once: what the page ends
with is what event-by-event application gives, erasures inside the page included."""

from __future__ import annotations

from datetime import date

from services.plan.app import build_plan_service
from services.plan.domain.plan import Context, DevelopmentPlan
from services.plan.views import tables as view_tables
from services.plan.views.projector import Projector
from tests.unit.views_pages import project_in_pages, whole_log

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


def table_rows(service, tables: dict[str, str]) -> dict[str, list[tuple]]:
    out = {}
    for name in view_tables.COLUMNS.keys() - {"reports"}:
        rows = service.view_store.rows(f"SELECT * FROM {{{name}}}", (), tables)
        out[name] = sorted(tuple(sorted(row.items())) for row in rows)
    return out


def busy_plan(service, person: str) -> DevelopmentPlan:
    """Goals and actions each changed several times: set, revised, progressed, achieved or abandoned; planned,
    funded, started, completed with a re-rating, or rescheduled and cancelled; a skill withdrawn and rated again."""
    me, boss = Context(person, "owner"), Context("boss", "manager")
    plan = DevelopmentPlan.start(me, employee_id=person, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                                 trigger="continuous_development", available_hours=100, available_budget=2000)
    plan.assess_skill(me, skill="Lassen", category="technical", level=1, status="to_improve")
    plan.assess_skill(me, skill="Excel", category="technical", level=2)
    plan.withdraw_assessment(me, skill="Excel")
    plan.assess_skill(me, skill="Excel", category="technical", level=3)  # withdrawn and rated again
    plan.assess_skill(me, skill="Plannen", category="behavioural", level=2)
    for goal in ("g1", "g2", "g3"):
        plan.set_goal(me, goal_id=goal, title=f"Doel {goal}", skills=[{"skill": "Lassen", "target_level": 3}],
                      measure="beoordeling door leidinggevende 3 of hoger", hours_needed=10, budget_needed=300,
                      relevance="nodig voor het werk", deadline=date(2026, 10, 1))
    plan.revise_goal(me, "g1", reason="later", deadline=date(2026, 11, 1), hours_needed=20,
                     skills=[{"skill": "Lassen", "target_level": 4}, {"skill": "Tekening lezen", "target_level": 2}])
    plan.plan_action(me, action_id="a1", goal_ids=["g1"], means="external_course", title="Lascursus",
                     planned_start=date(2026, 2, 1), planned_end=date(2026, 3, 1), hours=16, cost=800)
    plan.plan_action(me, action_id="a2", goal_ids=["g2"], means="workshop", title="Workshop",
                     planned_start=date(2026, 4, 1), planned_end=date(2026, 4, 2), hours=8, cost=200)
    plan.request_funding(me, "a1", amount=800, justification="past bij de afdelingsdoelen")
    plan.approve_funding(boss, "a1", amount=600)
    plan.request_funding(me, "a2", amount=200, justification="past bij de afdelingsdoelen")
    plan.decline_funding(boss, "a2", reason="geen budget")
    plan.start_action(me, "a1", on=date(2026, 2, 1))
    plan.review_progress(me, note="halverwege", goal_id="g1", progress=50)
    plan.complete_action(me, "a1", on=date(2026, 2, 27), evaluation=4, skill_levels=[{"skill": "Lassen", "level": 3}])
    plan.reschedule_action(me, "a2", planned_start=date(2026, 5, 1), planned_end=date(2026, 5, 2), reason="druk")
    plan.cancel_action(me, "a2", reason="niet meer nodig")
    plan.achieve_goal(me, "g1")
    plan.abandon_goal(me, "g3", reason="andere functie")
    service.keys.create_many([(str(plan.id), person)])
    service.save(plan)
    return plan


def test_pages_of_one_of_a_few_and_of_the_whole_log_give_the_same_tables(store_url, monkeypatch):
    """The page's goal, action and skill rows are held in memory and written at its end: however the log is cut
    into pages (a plan's events split over pages, or all in one), the tables are the same."""
    monkeypatch.delenv("PLAN_VIEWS_INLINE")
    service = build_plan_service(store_url)
    try:
        service.upsert_people(HR, [{"id": "karim", "name": "Karim"}, {"id": "sophie", "name": "Sophie"}])
        karim = busy_plan(service, "karim")
        plan = busy_plan(service, "sophie")
        service.erase_person(HR, "sophie")
        karim.set_goal(Context("karim", "owner"), goal_id="g4", title="Doel g4",
                       skills=[{"skill": "Lassen", "target_level": 4}], measure="beoordeling 4 of hoger",
                       hours_needed=5, budget_needed=0, relevance="nodig voor het werk", deadline=date(2026, 9, 1))
        karim.revise_goal(Context("karim", "owner"), "g2", reason="eerder", deadline=date(2026, 8, 1),
                          skills=[{"skill": "Lassen", "target_level": 5}])
        karim.withdraw_assessment(Context("karim", "owner"), skill="Plannen")
        service.save(karim)  # a later page changes rows an earlier page wrote
        log = whole_log(service)
        results = {size: table_rows(service, project_in_pages(service, log, size, f"p{size}").tables)
                   for size in (1, 4, len(log))}
        assert results[1] == results[4] == results[len(log)]

        tables = view_tables.physical(f"_p{len(log)}")
        goals = {(r["plan_id"], r["goal_id"]): r for r in service.view_store.rows(
            "SELECT * FROM {goals}", (), tables)}
        g1 = goals[(str(karim.id), "g1")]
        assert (g1["status"], g1["progress"], g1["deadline"], g1["hours_needed"]) == ("achieved", 100, "2026-11-01", 20)
        assert (goals[(str(karim.id), "g2")]["deadline"], goals[(str(karim.id), "g4")]["status"]) == (
            "2026-08-01", "open")
        actions = {(r["plan_id"], r["action_id"]): r for r in service.view_store.rows(
            "SELECT * FROM {actions}", (), tables)}
        a1, a2 = actions[(str(karim.id), "a1")], actions[(str(karim.id), "a2")]
        assert (a1["status"], a1["funding_status"], a1["funding_approved"]) == ("completed", "approved", 600)
        assert (a2["status"], a2["funding_status"], a2["planned_start"]) == ("cancelled", "declined", "2026-05-01")
        summary = service.view_store.rows("SELECT * FROM {plans} WHERE plan_id = ?", (str(karim.id),), tables)[0]
        assert (summary["goals_open"], summary["goals_achieved"], summary["goals_abandoned"]) == (2, 1, 1)
        assert (summary["actions_completed"], summary["actions_cancelled"], summary["funding_approved"]) == (1, 1, 600)
        assert service.view_store.rows("SELECT * FROM {goal_skills} WHERE plan_id = ?", (str(plan.id),), tables) == []
        rated = service.view_store.rows("SELECT skill_key, level FROM {skills} WHERE plan_id = ?", (str(karim.id),),
                                        tables)
        assert {(r["skill_key"], r["level"]) for r in rated} == {("lassen", 3), ("excel", 3)}
        goal_skills = service.view_store.rows("SELECT goal_id, skill_key, target_level FROM {goal_skills} "
                                              "WHERE plan_id = ?", (str(karim.id),), tables)
        assert {(r["goal_id"], r["skill_key"], r["target_level"]) for r in goal_skills} == {
            ("g1", "lassen", 4), ("g1", "tekening lezen", 2), ("g2", "lassen", 5), ("g3", "lassen", 3),
            ("g4", "lassen", 4)}
    finally:
        service.close()
