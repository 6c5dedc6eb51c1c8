"""A run of person registrations is applied together (services/plan/views/registrations.py): the directory, the
manager chains and the history rows a page ends with are what applying each event in turn gives."""

from __future__ import annotations

from services.plan.app import build_plan_service
from services.plan.provisioning import Provisioning
from services.plan.views import tables as view_tables
from tests.unit.views_pages import project_in_pages, whole_log

HR = {"subject": "hanna", "role": "hr"}
DIRECTORY = ("people", "managers", "person_history", "provisioned")


def person(person_id: str, manager: str | None, department: str = "TD", job: str = "Monteur") -> dict:
    return {"id": person_id, "name": person_id.title(), "email": f"{person_id}@example.org", "manager_id": manager,
            "department": department, "job_title": job}


def directory(service, tables: dict[str, str]) -> dict[str, list[tuple]]:
    return {name: sorted(tuple(sorted(row.items())) for row in service.view_store.rows(
        f"SELECT * FROM {{{name}}}", (), tables)) for name in DIRECTORY}


def chain(service, tables: dict[str, str]) -> set[tuple[str, str, int]]:
    rows = service.view_store.rows("SELECT manager_id, person_id, depth FROM {managers}", (), tables)
    return {(r["manager_id"], r["person_id"], r["depth"]) for r in rows}


def test_registrations_applied_together_give_what_one_by_one_gives(store_url, monkeypatch):
    monkeypatch.delenv("PLAN_VIEWS_INLINE")
    service = build_plan_service(store_url)
    try:
        # Reports before their managers; eva registered and moved to another manager in the same batch.
        service.upsert_people(HR, [person("cas", "ana"), person("ana", "bram"), person("eva", "bram"),
                                   person("bram", "dirk"), person("eva", "cas", job="Planner"), person("dirk", None)])
        provisioning = Provisioning(service)
        bram = provisioning.person("bram")
        fields = {"name": bram.name, "email": bram.email, "manager_id": bram.manager_id,
                  "department": bram.department, "job_title": bram.job_title}
        provisioning.update_person("entra", "bram", fields, active=False)  # bram is above nobody now
        service.upsert_people(HR, [person("fay", "bram"), person("gijs", "fay"), person("ana", "dirk", "HR")])
        provisioning.update_person("entra", "bram", fields, active=True)  # and has his direct reports back
        service.upsert_people(HR, [person("dirk", "cas"), person("hugo", "gijs"), person("ida", "cas")])
        service.erase_person(HR, "ida")  # dirk is under his own report now, and ida is erased
        log = whole_log(service)
        results = {size: directory(service, project_in_pages(service, log, size, f"r{size}").tables)
                   for size in (1, 3, len(log))}
        assert results[1] == results[3] == results[len(log)]

        tables = view_tables.physical(f"_r{len(log)}")
        managers = chain(service, tables)
        assert {("ana", "cas", 1), ("dirk", "ana", 1), ("dirk", "cas", 2)} <= managers  # ana moved with cas
        assert {("bram", "fay", 1), ("bram", "gijs", 2), ("bram", "hugo", 3), ("fay", "hugo", 2)} <= managers
        assert not {row for row in managers if row[1] == "dirk"}  # his manager is below him: the chain stops
        assert ("cas", "eva", 1) in managers and ("bram", "eva", 1) not in managers
        erased = service.view_store.rows("SELECT erased FROM {people} WHERE person_id = 'ida'", (), tables)
        assert erased == [{"erased": 1}]
        history = service.view_store.rows("SELECT department FROM {person_history} WHERE person_id = 'ana' "
                                          "ORDER BY position", (), tables)
        assert [r["department"] for r in history] == ["TD", "HR"]
    finally:
        service.close()


def test_a_long_run_of_registrations_a_move_and_another_run_in_one_page(store_url, monkeypatch):
    """The second run reads the chains after the first run's writes in the same transaction (on PostgreSQL, in
    the same pipeline)."""
    monkeypatch.delenv("PLAN_VIEWS_INLINE")
    service = build_plan_service(store_url)
    try:
        service.upsert_people(HR, [person(f"p{i:04d}", f"p{(i - 1) // 8:04d}" if i else None) for i in range(1200)])
        service.upsert_people(HR, [person("p0009", "p0002")])  # from under p0001 to under p0002
        service.upsert_people(HR, [person(f"q{i:03d}", "p0009") for i in range(500)])
        log = whole_log(service)
        results = {size: directory(service, project_in_pages(service, log, size, f"l{size}").tables)
                   for size in (250, len(log))}
        assert results[250] == results[len(log)]
        managers = chain(service, view_tables.physical(f"_l{len(log)}"))
        assert {("p0009", "q007", 1), ("p0002", "q007", 2), ("p0000", "q007", 3)} <= managers
        assert not {row for row in managers if row[0] == "p0001" and row[1] in {"p0009", "p0073", "q007"}}
    finally:
        service.close()
