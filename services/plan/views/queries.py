"""Questions the plan service answers from its views: lists, the team overview, reports, people, skills.

Every list is paged with a total and filtered in SQL; who may see a row is part of the query (their own plans,
their direct and indirect reports' through the manager closure, or everything for HR and admins).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.plan.domain import skills as skill_rules
from services.plan.domain.vocabulary import MAX_LEVEL
from services.plan.views import tables as view_tables
from shared.views import ViewStore

SMALL_GROUP = 5  # groups under this many people are not shown in reports
REPORTS = ("plan-status", "skills-coverage", "skill-gaps", "training")
PLAN_SORTS = {"employee_id": "p.employee_id", "employee_name": "pe.name", "period_start": "p.period_start",
              "status": "p.status", "next_deadline": "p.next_deadline", "changed_at": "p.changed_at",
              "department": "pe.department"}
PEOPLE_SORTS = {"id": "person_id", "name": "name", "department": "department"}
PLAN_COLUMNS = ("p.plan_id AS id, p.employee_id, p.period_start, p.period_end, p.trigger_code AS trigger, p.status, "
                "p.version, p.erased, p.available_hours, p.available_budget, p.goals_open, p.goals_achieved, "
                "p.goals_abandoned, p.actions_planned, p.actions_started, p.actions_completed, p.actions_cancelled, "
                "p.planned_hours, p.planned_cost, p.completed_hours, p.funding_pending AS pending_funding, "
                "p.funding_requested, p.funding_approved, p.next_deadline, p.changed_at, "
                "pe.name AS employee_name, pe.department, (SELECT MIN(c.on_date) FROM {checkins} c "
                "WHERE c.plan_id = p.plan_id AND c.status = 'scheduled') AS next_checkin")


@dataclass(frozen=True)
class Viewer:
    """Whose rows a question may return: a subject, whether they see everything, whether they manage."""

    subject: str
    sees_all: bool
    manages: bool


@dataclass(frozen=True)
class PlanFilter:
    employee_id: str | None = None
    department: str | None = None
    include_subdepartments: bool = False
    manager_id: str | None = None
    status: str | None = None
    overdue: bool | None = None
    review_pending: bool | None = None
    funding_pending: bool | None = None
    active_on: date | None = None
    q: str | None = None  # part of the employee's name or id


class PlanQueries:
    def __init__(self, store: ViewStore) -> None:
        self.store = store
        self.tables = view_tables.physical()

    def rows(self, text: str, params: tuple | list = (), cursor: Any = None) -> list[dict]:
        return self.store.rows(text, params, self.tables, cursor)

    def one(self, text: str, params: tuple | list = ()) -> dict | None:
        found = self.rows(text, params)
        return found[0] if found else None

    def position(self) -> int:
        return self.store.position(view_tables.LIVE)

    def wait(self, position: int, timeout: float) -> int:
        return self.store.wait(view_tables.LIVE, position, timeout)

    # -- the directory ----------------------------------------------------------------------------
    def person(self, person_id: str) -> dict | None:
        row = self.one("SELECT p.person_id AS id, p.name, p.email, p.manager_id, p.department, p.job_title, p.erased, "
                       "COALESCE(v.active, 1) AS active FROM {people} p LEFT JOIN {provisioned} v "
                       "ON v.person_id = p.person_id WHERE p.person_id = ?", (person_id,))
        if row is not None:
            row["active"] = bool(row["active"])
        return row

    # -- provisioning (SCIM) ------------------------------------------------------------------------
    def provisioned_people(self, *, user_name: str | None = None, external_id: str | None = None,
                           person_id: str | None = None, limit: int = 100, offset: int = 0
                           ) -> tuple[list[dict], int]:
        """Directory entries as an identity provider sees them (deprovisioned and erased ones left out), by
        person id; userName compares case-insensitively (RFC 7643: caseExact false), externalId exactly."""
        where = ["p.erased = 0", "COALESCE(v.deprovisioned, 0) = 0"]
        params: list[Any] = []
        if user_name is not None:
            where.append("LOWER(COALESCE(v.user_name, p.person_id)) = ?")
            params.append(user_name.lower())
        if external_id is not None:
            where.append("v.external_id = ?")
            params.append(external_id)
        if person_id is not None:
            where.append("p.person_id = ?")
            params.append(person_id)
        clause = " AND ".join(where)
        base = "FROM {people} p LEFT JOIN {provisioned} v ON v.person_id = p.person_id WHERE " + clause
        total = self.one(f"SELECT COUNT(*) AS n {base}", params)["n"]
        rows = self.rows("SELECT p.person_id AS id, p.name, p.email, p.manager_id, p.department, p.job_title, "
                         "COALESCE(v.active, 1) AS active, v.user_name, v.external_id, v.document, p.changed_at "
                         f"{base} ORDER BY p.person_id LIMIT ? OFFSET ?", [*params, limit, offset])
        for row in rows:
            row["active"] = bool(row["active"])
            row["document"] = json.loads(row["document"]) if row["document"] else None
        return rows, total

    def directory_groups(self, *, display_name: str | None = None, external_id: str | None = None,
                         group_id: str | None = None, limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
        """Groups with their members' ids (deleted ones left out)."""
        where, params = ["deleted = 0"], []
        for column, value in (("display_name", display_name), ("external_id", external_id), ("group_id", group_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = " AND ".join(where)
        total = self.one(f"SELECT COUNT(*) AS n FROM {{directory_groups}} WHERE {clause}", params)["n"]
        rows = self.rows(f"SELECT group_id AS id, display_name, external_id, changed_at FROM {{directory_groups}} "
                         f"WHERE {clause} ORDER BY group_id LIMIT ? OFFSET ?", [*params, limit, offset])
        if rows:
            ids = [row["id"] for row in rows]
            members: dict[str, list[str]] = {i: [] for i in ids}
            marks = ", ".join("?" for _ in ids)
            for m in self.rows(f"SELECT group_id, person_id FROM {{group_members}} WHERE group_id IN ({marks}) "
                               "ORDER BY person_id", ids):
                members[m["group_id"]].append(m["person_id"])
            for row in rows:
                row["members"] = members[row["id"]]
        return rows, total

    def is_above(self, manager_id: str, person_id: str) -> bool:
        """Whether MANAGER_ID is PERSON_ID's manager, directly or higher up, now."""
        return self.one("SELECT 1 AS yes FROM {managers} WHERE manager_id = ? AND person_id = ?",
                        (manager_id, person_id)) is not None

    def people(self, viewer: Viewer, *, q: str | None = None, department: str | None = None,
               manager_id: str | None = None, sort: str = "id", limit: int = 50, offset: int = 0
               ) -> tuple[list[dict], int]:
        where, params = self._visible_people(viewer)
        if q:
            where.append("(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(person_id) LIKE ? ESCAPE '\\' "
                         "OR LOWER(email) LIKE ? ESCAPE '\\')")
            like = f"%{_escape_like(q.lower())}%"
            params += [like, like, like]
        if department:
            where.append("department = ?")
            params.append(department)
        if manager_id:
            where.append("person_id IN (SELECT person_id FROM {managers} WHERE manager_id = ?)")
            params.append(manager_id)
        clause = " AND ".join(where) or "1 = 1"
        column = PEOPLE_SORTS[sort.lstrip("-")] + (" DESC" if sort.startswith("-") else "")
        total = self.one(f"SELECT COUNT(*) AS n FROM {{people}} WHERE {clause}", params)["n"]
        items = self.rows(f"SELECT person_id AS id, name, email, manager_id, department, job_title, "
                          f"(SELECT COALESCE(MIN(v.active), 1) FROM {{provisioned}} v WHERE v.person_id = "
                          f"{{people}}.person_id) AS active FROM {{people}} "
                          f"WHERE {clause} ORDER BY {column}, person_id LIMIT ? OFFSET ?", [*params, limit, offset])
        for item in items:
            item["active"] = bool(item["active"])
        return items, total

    def _visible_people(self, viewer: Viewer) -> tuple[list[str], list[Any]]:
        if viewer.sees_all:
            return [], []
        if viewer.manages:
            return (["(person_id = ? OR person_id IN (SELECT person_id FROM {managers} WHERE manager_id = ?))"],
                    [viewer.subject, viewer.subject])
        return ["person_id = ?"], [viewer.subject]

    # -- plans ------------------------------------------------------------------------------------
    def requirements(self) -> list[dict]:
        """The requirements in force now: each one's latest version, retired ones left out."""
        rows = self.rows("SELECT r.requirement_id, r.version, r.content FROM {requirement_versions} r WHERE "
                         "r.retired = 0 AND r.version = (SELECT MAX(v.version) FROM {requirement_versions} v "
                         "WHERE v.requirement_id = r.requirement_id)")
        items = [{"requirement_id": row["requirement_id"], "version": row["version"], "retired": False,
                  **json.loads(row["content"])} for row in rows]
        return sorted(items, key=lambda r: r["name"].casefold())

    def plan_owner(self, plan_id: str) -> str | None:
        row = self.one("SELECT employee_id FROM {plans} WHERE plan_id = ?", (plan_id,))
        return row["employee_id"] if row else None

    def plans_of(self, employee_id: str) -> list[dict]:
        return self.rows("SELECT plan_id AS id, period_start, period_end, status, erased FROM {plans} "
                         "WHERE employee_id = ? ORDER BY period_start", (employee_id,))

    def started_by(self, request_key: str) -> dict | None:
        """The plan a retried POST /plans with this Idempotency-Key started, and the first request's fingerprint."""
        return self.one("SELECT plan_id, fingerprint FROM {requests} WHERE request_key = ?", (request_key,))

    def closed_before(self, day: date) -> list[str]:
        return [r["plan_id"] for r in self.rows("SELECT plan_id FROM {plans} WHERE status = 'closed' AND erased = 0 "
                                                "AND period_end < ?", (day.isoformat(),))]

    def plans(self, viewer: Viewer, flt: PlanFilter, *, today: date, sort: str = "employee_id", limit: int = 50,
              offset: int = 0) -> tuple[list[dict], int, int]:
        """A page of the plans VIEWER may see, the total, and the views' position the two reflect: one statement
        (the total and the position as subqueries SQL runs once), so they agree and a list is one round trip."""
        where, params = self._plan_filter(viewer, flt, today)
        clause = " AND ".join(where) or "1 = 1"
        column = PLAN_SORTS[sort.lstrip("-")] + (" DESC" if sort.startswith("-") else "")
        source = "{plans} p LEFT JOIN {people} pe ON pe.person_id = p.employee_id"
        total = f"(SELECT COUNT(*) FROM {source} WHERE {clause})"
        items = self.rows(f"SELECT {PLAN_COLUMNS}, {OVERDUE} AS overdue_actions, {total} AS page_total, "
                          f"{POSITION} AS page_position FROM {source} WHERE {clause} "
                          f"ORDER BY {column}, p.employee_id, p.period_start LIMIT ? OFFSET ?",
                          [today.isoformat(), *params, view_tables.LIVE, *params, limit, offset])
        if not items:  # nothing on this page: the total and position come apart
            with self.store.reading() as cursor:
                position = self.store.position(view_tables.LIVE, cursor)
                counted = self.rows(f"SELECT COUNT(*) AS n FROM {source} WHERE {clause}", params, cursor)[0]["n"]
            return [], counted, position
        first = items[0]
        total, position = int(first["page_total"]), int(first["page_position"])
        for item in items:
            del item["page_total"], item["page_position"]
        return [_plan_row(item) for item in items], total, position

    def _plan_filter(self, viewer: Viewer, flt: PlanFilter, today: date) -> tuple[list[str], list[Any]]:
        where, params = _visible_to(viewer)
        if flt.employee_id:
            where.append("p.employee_id = ?")
            params.append(flt.employee_id)
        if flt.department:
            if flt.include_subdepartments:
                where.append("(pe.department = ? OR pe.department LIKE ? ESCAPE '\\')")
                params += [flt.department, f"{_escape_like(flt.department)}/%"]
            else:
                where.append("pe.department = ?")
                params.append(flt.department)
        if flt.manager_id:
            where.append("p.employee_id IN (SELECT person_id FROM {managers} WHERE manager_id = ?)")
            params.append(flt.manager_id)
        if flt.status:
            where.append("p.status = ?")
            params.append(flt.status)
        if flt.overdue is not None:
            where.append("p.status <> 'closed' AND p.first_open_end < ?" if flt.overdue
                         else "(p.status = 'closed' OR p.first_open_end IS NULL OR p.first_open_end >= ?)")
            params.append(today.isoformat())
        if flt.review_pending is not None:
            where.append("p.status = 'submitted'" if flt.review_pending else "p.status <> 'submitted'")
        if flt.funding_pending is not None:
            where.append("p.funding_pending > 0" if flt.funding_pending else "p.funding_pending = 0")
        if flt.q:
            where.append("(LOWER(pe.name) LIKE ? ESCAPE '\\' OR LOWER(p.employee_id) LIKE ? ESCAPE '\\')")
            like = f"%{_escape_like(flt.q.lower())}%"
            params += [like, like]
        if flt.active_on:
            where.append("p.period_start <= ? AND p.period_end >= ?")
            params += [flt.active_on.isoformat(), flt.active_on.isoformat()]
        return where, params

    def overdue_actions(self, viewer: Viewer, today: date, *, employee_id: str | None = None,
                        manager_id: str | None = None, limit: int = 200, offset: int = 0) -> tuple[list[dict], int]:
        """Overdue actions of open plans on TODAY, oldest end first, a page at a time: who, which plan and action,
        the dates and how many days over. Titles are not in the views (personal text): the plan has them."""
        seen, seen_params = _visible_to(viewer)
        where = [OVERDUE_ACTION, "p.status <> 'closed'", "p.erased = 0", *seen]
        params: list[Any] = [today.isoformat(), *seen_params]
        if employee_id:
            where.append("p.employee_id = ?")
            params.append(employee_id)
        if manager_id:
            where.append("p.employee_id IN (SELECT person_id FROM {managers} WHERE manager_id = ?)")
            params.append(manager_id)
        source = ("{actions} a JOIN {plans} p ON p.plan_id = a.plan_id "
                  "LEFT JOIN {people} pe ON pe.person_id = p.employee_id")
        clause = " AND ".join(where)
        total = self.one(f"SELECT COUNT(*) AS n FROM {source} WHERE {clause}", params)["n"]
        rows = self.rows(f"SELECT a.plan_id, a.action_id, p.employee_id, pe.manager_id, a.status, a.means, "
                         f"a.planned_start, a.planned_end FROM {source} WHERE {clause} "
                         "ORDER BY a.planned_end, a.plan_id, a.action_id LIMIT ? OFFSET ?", [*params, limit, offset])
        for row in rows:
            row["days_overdue"] = (today - date.fromisoformat(row["planned_end"])).days
        return rows, total

    def templates(self, include_retired: bool = False) -> list[dict]:
        """Plan templates by name, with their current version and whom they are for."""
        rows = self.rows("SELECT template_id, name, version, retired, role_profiles, departments, changed_at "
                         "FROM {templates}" + ("" if include_retired else " WHERE retired = 0") +
                         " ORDER BY name, template_id")
        for row in rows:
            row.update(retired=bool(row["retired"]), role_profiles=json.loads(row["role_profiles"]),
                       departments=json.loads(row["departments"]))
        return rows

    def overlapping(self, employee_id: str, start: date, end: date, other_than: str) -> str | None:
        """An open plan of the employee that covers part of START..END, if any."""
        row = self.one("SELECT plan_id FROM {plans} WHERE employee_id = ? AND status <> 'closed' AND plan_id <> ? "
                       "AND period_start <= ? AND ? <= period_end", (employee_id, other_than, end.isoformat(),
                                                                     start.isoformat()))
        return row["plan_id"] if row else None

    def current_open_plan(self, employee_id: str, other_than: str) -> str | None:
        """The employee's open plan with the latest period (the one a new plan carries forward), if any."""
        row = self.one("SELECT plan_id FROM {plans} WHERE employee_id = ? AND status <> 'closed' AND plan_id <> ? "
                       "ORDER BY period_start DESC LIMIT 1", (employee_id, other_than))
        return row["plan_id"] if row else None

    def team_overview(self, manager_id: str, today: date, *, q: str | None = None, direct: bool | None = None,
                      attention: bool | None = None, limit: int = 100, offset: int = 0) -> tuple[dict, int] | None:
        """The manager's direct and indirect reports, a page at a time, each with their current plan (the open one
        with the latest period), and the whole team's totals: one pass over the team in SQL, whatever its size.
        With the views' position the answer reflects; None when nobody has MANAGER_ID. One statement: the page
        (each member's plan looked up after the page is cut), its plans, the totals, the position, whether the
        manager exists; a page past the end reads the rest apart."""
        day = today.isoformat()
        reports = ("SELECT pe.person_id AS id, pe.name, pe.department, pe.job_title, pe.manager_id, m.depth "
                   "FROM {managers} m JOIN {people} pe ON pe.person_id = m.person_id WHERE m.manager_id = ?")
        member = (f"WITH member AS (SELECT t.*, {CURRENT_PLAN.format(person='t.id')} AS plan_id FROM ({reports}) t), "
                  f"state AS (SELECT member.*, {OVERDUE} AS overdue, p.status, p.funding_pending FROM member "
                  "LEFT JOIN {plans} p ON p.plan_id = member.plan_id)")
        waiting = ("(COALESCE(status, '') = 'submitted' OR COALESCE(funding_pending, 0) > 0 "
                   "OR COALESCE(overdue, 0) > 0)")
        totals = ("SELECT COUNT(*) AS t_people, SUM(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END) "
                  "AS t_pending_reviews, SUM(COALESCE(funding_pending, 0)) AS t_pending_funding, "
                  f"SUM(COALESCE(overdue, 0)) AS t_overdue_actions, SUM(CASE WHEN {waiting} THEN 1 ELSE 0 END) "
                  f"AS t_attention, {POSITION} AS t_position, "
                  "(SELECT COUNT(*) FROM {people} WHERE person_id = ?) AS t_known FROM state")
        where, params = [], []
        if q:
            where.append("(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(id) LIKE ? ESCAPE '\\')")
            like = f"%{_escape_like(q.lower())}%"
            params += [like, like]
        if direct is not None:
            where.append("depth = 1" if direct else "depth > 1")
        clause = " AND ".join(where) or "1 = 1"
        if attention is not None:  # needs each member's plan state: the whole team's, as for the totals
            clause += f" AND {waiting if attention else f'NOT {waiting}'}"
            source, inner = "state", ()
        else:  # the page first, then only its members' current plans
            source, inner = f"({reports}) r", (manager_id,)
        counted = clause != "1 = 1"  # else the page's total is the team's
        page = (f"SELECT id, name, department, job_title, manager_id, depth FROM {source} WHERE {clause} "
                "ORDER BY name, id LIMIT ? OFFSET ?")
        total = f", (SELECT COUNT(*) FROM {source} WHERE {clause}) AS m_total" if counted else ""
        # The totals are MATERIALIZED: inlined, PostgreSQL's generic plan for the prepared statement (estimating
        # one row for the page) ran them again for every member of the page, 7x slower without table statistics.
        rows = self.rows(member + f", tot AS MATERIALIZED ({totals}) "
                         "SELECT r.id AS m_id, r.name AS m_name, r.department AS m_department, "
                         "r.job_title AS m_job_title, r.manager_id AS m_manager_id, r.depth AS m_depth, "
                         f"{PLAN_COLUMNS}, {OVERDUE} AS overdue_actions{total}, tot.* FROM ({page}) r "
                         f"LEFT JOIN {{plans}} p ON p.plan_id = {CURRENT_PLAN.format(person='r.id')} "
                         "LEFT JOIN {people} pe ON pe.person_id = p.employee_id CROSS JOIN tot "
                         "ORDER BY r.name, r.id",
                         (manager_id, day, view_tables.LIVE, manager_id, day,
                          *((*inner, *params) if counted else ()), *inner, *params, limit, offset))
        if rows:
            first = rows[0]
            head = {k: first[k] for k in first if k.startswith("t_")}
            total_members = int(first["m_total"]) if counted else int(head["t_people"] or 0)
        else:  # a page past the end (or an empty team): nothing carried the totals
            with self.store.reading() as cursor:
                head = self.rows(member + " " + totals, (manager_id, day, view_tables.LIVE, manager_id), cursor)[0]
                total_members = (self.rows(member + f" SELECT COUNT(*) AS n FROM {source} WHERE {clause}",
                                           (manager_id, day, *inner, *params), cursor)[0]["n"]
                                 if counted else int(head["t_people"] or 0))
        if not head["t_known"]:
            return None
        members = [_member(row) for row in rows]
        body = {"manager_id": manager_id, "members": members, "total": total_members, "limit": limit,
                "offset": offset, **{k: int(head[f"t_{k}"] or 0) for k in ("people", "pending_reviews",
                                                                         "pending_funding", "overdue_actions",
                                                                         "attention")}}
        return body, int(head["t_position"])

    # -- skills -----------------------------------------------------------------------------------
    def skills_of(self, employee_id: str) -> tuple[dict | None, list[dict]]:
        """The person's current plan and, per skill in it, the current level with its sources, target and gap."""
        plan = self.one("SELECT plan_id, status, period_start, period_end FROM {plans} WHERE erased = 0 AND plan_id = "
                        + CURRENT_PLAN.format(person="?"), (employee_id,))
        if plan is None:
            return None, []
        rows = self.rows("SELECT * FROM {skills} WHERE plan_id = ? ORDER BY skill_key", (plan["plan_id"],))
        targets = {r["skill_key"]: r for r in self.rows(
            "SELECT gs.skill_key, MAX(gs.skill) AS skill, MAX(gs.target_level) AS target_level FROM {goal_skills} gs "
            "JOIN {goals} g ON g.plan_id = gs.plan_id AND g.goal_id = gs.goal_id WHERE gs.plan_id = ? "
            "AND g.status = 'open' GROUP BY gs.skill_key", (plan["plan_id"],))}
        items = []
        for row in rows:
            goal = targets.pop(row["skill_key"], None)
            items.append(_skill(row["skill"], row["level"], row["source"], row["rated_at"], row["category"],
                                row["status"], goal["target_level"] if goal else None,
                                {s: row[f"{s}_level"] for s in ("self", "manager", "peer", skill_rules.RERATING)}))
        for goal in targets.values():  # a goal's skill nobody rated yet starts at level 0
            items.append(_skill(goal["skill"], 0, None, None, None, None, goal["target_level"], {}))
        return plan, items

    def offers_in_plan(self, plan_id: str) -> list[dict]:
        """The catalogue offers the plan's learning actions take up, with each action's status."""
        return self.rows("SELECT offer_id, action_id, status FROM {actions} WHERE plan_id = ? AND offer_id IS NOT NULL "
                         "ORDER BY action_id", (plan_id,))

    # -- access log -------------------------------------------------------------------------------
    def accesses(self, *, plan_id: str | None = None, employee_id: str | None = None, limit: int = 1000,
                 before: int | None = None) -> list[dict]:
        where, params = [], []
        for column, value in (("plan_id", plan_id), ("employee_id", employee_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if before is not None:
            where.append("position < ?")
            params.append(before)
        clause = " AND ".join(where) or "1 = 1"
        rows = self.rows(f"SELECT * FROM {{accesses}} WHERE {clause} ORDER BY position LIMIT ?", [*params, limit])
        return [{"at": r["at"], "plan_id": r["plan_id"], "employee_id": r["employee_id"], "what": r["what"],
                 "purpose": r["purpose"], "note": r["note"], "by": {"subject": r["by_subject"], "role": r["by_role"]},
                 "position": r["position"]} for r in rows]

    # -- history ----------------------------------------------------------------------------------
    def version_at(self, plan_id: str, instant: str) -> tuple[int | None, int]:
        """The plan's last version at INSTANT as far as the views know, and the last version they know."""
        row = self.one("SELECT MAX(version) AS v FROM {versions} WHERE plan_id = ? AND at <= ?", (plan_id, instant))
        known = self.one("SELECT MAX(version) AS v FROM {versions} WHERE plan_id = ?", (plan_id,))
        return (row["v"] if row else None), (known["v"] or 0 if known else 0)

    def departments(self) -> list[dict]:
        return self.rows("SELECT department, COUNT(*) AS people FROM {people} WHERE erased = 0 "
                         "GROUP BY department ORDER BY department")

    # -- reports (no plan is opened: aggregates only, small groups hidden) -------------------------
    # Each report scans every plan, skill or action, so the projector computes them when the views have moved
    # (at most every REPORT_REFRESH_SECONDS) and stores the rows: a request reads one row, whatever the
    # organisation's size. A reader who needs a newer state than the stored one (X-Min-Position) gets it computed.
    def compute_report(self, name: str) -> list[dict]:
        return {"plan-status": self.status_funnel, "skills-coverage": self.skills_coverage,
                "skill-gaps": self.skill_gaps, "training": self.training}[name]()

    def stored_report(self, name: str) -> dict | None:
        row = self.one("SELECT position, computed_at, body FROM {reports} WHERE name = ?", (name,))
        return row and {**row, "items": json.loads(row["body"])}

    def refresh_reports(self, now: str) -> int:
        """Compute every report and store it with the views' position it reflects; that position."""
        position = self.position()
        computed = {name: json.dumps(self.compute_report(name)) for name in REPORTS}
        with self.store.transaction(commit=True) as cursor:
            for name, body in computed.items():
                cursor.execute(self.store.sql(
                    "INSERT INTO {reports} (name, position, computed_at, body) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
                    "computed_at = excluded.computed_at, body = excluded.body", self.tables),
                    (name, position, now, body))
        return position

    def status_funnel(self) -> list[dict]:
        rows = self.rows("SELECT COALESCE(pe.department, '') AS department, p.status, COUNT(*) AS plans, "
                         "COUNT(DISTINCT p.employee_id) AS people FROM {plans} p LEFT JOIN {people} pe "
                         "ON pe.person_id = p.employee_id WHERE p.erased = 0 GROUP BY pe.department, p.status "
                         "ORDER BY department, p.status")
        return _hide_small(rows, ("department",))

    def skills_coverage(self) -> list[dict]:
        rows = self.rows("SELECT COALESCE(pe.department, '') AS department, s.skill_key, MAX(s.skill) AS skill, "
                         "COUNT(DISTINCT s.employee_id) AS people, AVG(s.level) AS mean_level FROM {skills} s "
                         "JOIN {plans} p ON p.plan_id = s.plan_id LEFT JOIN {people} pe ON pe.person_id = "
                         "s.employee_id WHERE p.status <> 'closed' GROUP BY pe.department, s.skill_key "
                         "ORDER BY department, s.skill_key")
        return [{**r, "mean_level": round(float(r["mean_level"]), 2)} for r in rows if r["people"] >= SMALL_GROUP]

    def skill_gaps(self) -> list[dict]:
        """Per skill: how many people have an open gap in it in their current plan (when that plan is open), with
        their mean current and target level; what the recommender's demand reports are made of."""
        rows = self.rows(SKILL_GAPS)
        return [{**r, "mean_current_level": round(float(r["mean_current_level"]), 2),
                 "mean_target_level": round(float(r["mean_target_level"]), 2)} for r in rows]

    def training(self) -> list[dict]:
        semester = ("(SUBSTR(a.planned_start, 1, 4) || '-H' || CASE WHEN SUBSTR(a.planned_start, 6, 2) <= '06' "
                    "THEN '1' ELSE '2' END)")
        rows = self.rows(
            f"SELECT COALESCE(pe.department, '') AS department, {semester} AS semester, "
            "COUNT(DISTINCT p.employee_id) AS people, SUM(a.hours) AS planned_hours, "
            "SUM(CASE WHEN a.status = 'completed' THEN a.hours ELSE 0 END) AS completed_hours, "
            "SUM(CASE WHEN a.funding_status IS NOT NULL THEN a.funding_requested ELSE 0 END) AS funding_requested, "
            "SUM(CASE WHEN a.funding_status = 'approved' THEN a.funding_approved ELSE 0 END) AS funding_approved "
            "FROM {actions} a JOIN {plans} p ON p.plan_id = a.plan_id LEFT JOIN {people} pe ON pe.person_id = "
            f"p.employee_id WHERE a.status <> 'cancelled' GROUP BY pe.department, {semester} "
            "ORDER BY department, semester")
        return [{**r, **{k: float(r[k] or 0) for k in ("planned_hours", "completed_hours", "funding_requested",
                                                      "funding_approved")}}
                for r in rows if r["people"] >= SMALL_GROUP]


# A person's current plan: the open one with the latest period, else the latest closed one.
CURRENT_PLAN = ("(SELECT c.plan_id FROM {{plans}} c WHERE c.employee_id = {person} "
                "ORDER BY (c.status <> 'closed') DESC, c.period_start DESC LIMIT 1)")
# The gap rule of services/plan/domain/skills.py in SQL, for a report over everyone (skills_of applies the Python
# rule to one person; tests/api/test_skill_gaps_report.py proves both agree): the target is the highest target of
# the plan's open goals for the skill, else one level up (at most MAX_LEVEL) for a skill marked to_improve; a goal's
# skill nobody rated starts at 0; a gap is a target above the current level. Only open current plans count.
# A rated skill's target is looked up by index per row, not joined to `targets`: PostgreSQL cannot estimate `cur`
# or `targets` (it guessed one row), and the join scanned all of `targets` once per skill row (14 s at 10,000 people).
SKILL_GAPS = (
    "WITH cur AS (SELECT p.plan_id, p.employee_id FROM {{plans}} p WHERE p.erased = 0 AND p.status <> 'closed' "
    "AND p.plan_id = " + CURRENT_PLAN + "), "
    "targets AS (SELECT gs.plan_id, gs.skill_key, MAX(gs.skill) AS skill, MAX(gs.target_level) AS target_level "
    "FROM {{goal_skills}} gs JOIN {{goals}} g ON g.plan_id = gs.plan_id AND g.goal_id = gs.goal_id "
    "WHERE g.status = 'open' GROUP BY gs.plan_id, gs.skill_key), "
    "aims AS (SELECT cur.employee_id, s.skill_key, s.skill, s.level AS current_level, COALESCE((SELECT "
    "MAX(gs.target_level) FROM {{goal_skills}} gs JOIN {{goals}} g ON g.plan_id = gs.plan_id AND g.goal_id = "
    "gs.goal_id WHERE gs.plan_id = s.plan_id AND gs.skill_key = s.skill_key AND g.status = 'open'), "
    "CASE WHEN s.status = 'to_improve' THEN CASE WHEN s.level + 1 > {max_level} THEN {max_level} ELSE s.level + 1 "
    "END END) AS target_level FROM cur JOIN {{skills}} s ON s.plan_id = cur.plan_id "
    "UNION ALL SELECT cur.employee_id, t.skill_key, t.skill, 0, t.target_level FROM cur JOIN targets t "
    "ON t.plan_id = cur.plan_id WHERE NOT EXISTS (SELECT 1 FROM {{skills}} s WHERE s.plan_id = t.plan_id "
    "AND s.skill_key = t.skill_key)) "
    "SELECT skill_key, MAX(skill) AS skill, COUNT(DISTINCT employee_id) AS people, "
    "AVG(current_level) AS mean_current_level, AVG(target_level) AS mean_target_level FROM aims "
    "WHERE target_level > current_level GROUP BY skill_key HAVING COUNT(DISTINCT employee_id) >= {small_group} "
    "ORDER BY people DESC, skill_key").format(person="p.employee_id", max_level=MAX_LEVEL,
                                          small_group=SMALL_GROUP)
# The overdue rule in SQL, the one place the views decide it (the domain's is plan.action_overdue, the same rule):
# planned or started, and its planned end has passed. `?` is the day it is asked for.
OVERDUE_ACTION = "a.status IN ('planned', 'started') AND a.planned_end < ?"
# The views' position, as a subquery: a page says which state of the views it shows. `?` is the projection's name.
POSITION = "COALESCE((SELECT v.position FROM {view_positions} v WHERE v.name = ?), 0)"
OVERDUE = f"(SELECT COUNT(*) FROM {{actions}} a WHERE a.plan_id = p.plan_id AND {OVERDUE_ACTION})"


def _visible_to(viewer: Viewer) -> tuple[list[str], list[Any]]:
    """The plans VIEWER may see, as a WHERE clause on `p`: all, their own and their reports', or their own."""
    if viewer.sees_all:
        return [], []
    if viewer.manages:
        return (["(p.employee_id = ? OR p.employee_id IN (SELECT person_id FROM {managers} WHERE manager_id = ?))"],
                [viewer.subject, viewer.subject])
    return ["p.employee_id = ?"], [viewer.subject]


def _plan_row(row: dict) -> dict:
    """ROW (fresh from the query, changed in place) as the API shows a plan."""
    row["erased"] = bool(row["erased"])
    row["review_pending"] = row["status"] == "submitted"
    row["budget_left"] = round(float(row["available_budget"]) - float(row["planned_cost"]), 2)
    row["hours_left"] = round(float(row["available_hours"]) - float(row["planned_hours"]), 2)
    return row


def _member(row: dict) -> dict:
    """A team overview's row (the member's columns prefixed `m_`, then their current plan's) as the API shows it."""
    person = {k: row.pop(f"m_{k}") for k in ("id", "name", "department", "job_title", "manager_id")}
    direct = row.pop("m_depth") == 1
    for column in [c for c in row if c == "m_total" or c.startswith("t_")]:
        del row[column]
    return {"person": person, "direct": direct, "plan": _plan_row(row) if row["id"] is not None else None}


def _skill(name: str, level: int, source: str | None, rated_on: str | None, category: str | None,
           status: str | None, goal_target: int | None, levels: dict) -> dict:
    aim = skill_rules.target(level, goal_target, status)
    return {"skill": name, "category": category, "status": status, "current_level": level, "source": source,
            "rated_on": rated_on, "levels": {k: v for k, v in levels.items() if v is not None},
            "target_level": aim, "gap": skill_rules.gap(level, goal_target, status)}


def _hide_small(rows: list[dict], group: tuple[str, ...]) -> list[dict]:
    """Drop every row of a group whose people, all rows together, are fewer than SMALL_GROUP."""
    people: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row[g] for g in group)
        people[key] = people.get(key, 0) + row["people"]
    return [r for r in rows if people[tuple(r[g] for g in group)] >= SMALL_GROUP]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
