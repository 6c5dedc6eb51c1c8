"""The view tables: one set live, and a fresh set while a rebuild runs, swapped in when it has caught up.

Dates are ISO text (they sort as dates do); amounts are DOUBLE PRECISION (reports sum them, the plan itself keeps
decimals). Personal texts kept here (a person's name, e-mail and job title, skill names) are overwritten
when the person is erased; everything else is ids, codes, dates and numbers.
"""

from __future__ import annotations

from shared.views import ViewStore

LIVE = "plan_views"  # the live projection's name in view_positions
NEXT = "plan_views_next"

COLUMNS = {
    "people": "person_id TEXT PRIMARY KEY, aggregate_id TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, "
              "manager_id TEXT, department TEXT NOT NULL, job_title TEXT NOT NULL, "
              "erased INTEGER NOT NULL DEFAULT 0, changed_at TEXT NOT NULL",
    # What an identity provider (SCIM) says about a person: its names for them, whether they are active, and its
    # resource document (personal: overwritten when the person is erased). People without a row are active.
    "provisioned": "person_id TEXT PRIMARY KEY, user_name TEXT, external_id TEXT, active INTEGER NOT NULL DEFAULT 1, "
                   "deprovisioned INTEGER NOT NULL DEFAULT 0, document TEXT, changed_at TEXT NOT NULL",
    "directory_groups": "group_id TEXT PRIMARY KEY, aggregate_id TEXT NOT NULL, display_name TEXT NOT NULL, "
                        "external_id TEXT, deleted INTEGER NOT NULL DEFAULT 0, changed_at TEXT NOT NULL",
    "group_members": "group_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (group_id, person_id)",
    # The manager chain as a closure: every (manager, report) pair with its distance, so "all my direct and
    # indirect reports" and "is M above P" are one indexed lookup each.
    "managers": "manager_id TEXT NOT NULL, person_id TEXT NOT NULL, depth INTEGER NOT NULL, "
                "PRIMARY KEY (manager_id, person_id)",
    "plans": "plan_id TEXT PRIMARY KEY, employee_id TEXT NOT NULL, period_start TEXT NOT NULL, "
             "period_end TEXT NOT NULL, trigger_code TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL, "
             "available_hours DOUBLE PRECISION NOT NULL, available_budget DOUBLE PRECISION NOT NULL, "
             "goals_open INTEGER NOT NULL DEFAULT 0, goals_achieved INTEGER NOT NULL DEFAULT 0, "
             "goals_abandoned INTEGER NOT NULL DEFAULT 0, actions_planned INTEGER NOT NULL DEFAULT 0, "
             "actions_started INTEGER NOT NULL DEFAULT 0, actions_completed INTEGER NOT NULL DEFAULT 0, "
             "actions_cancelled INTEGER NOT NULL DEFAULT 0, planned_hours DOUBLE PRECISION NOT NULL DEFAULT 0, "
             "planned_cost DOUBLE PRECISION NOT NULL DEFAULT 0, completed_hours DOUBLE PRECISION NOT NULL DEFAULT 0, "
             "funding_pending INTEGER NOT NULL DEFAULT 0, funding_requested DOUBLE PRECISION NOT NULL DEFAULT 0, "
             "funding_approved DOUBLE PRECISION NOT NULL DEFAULT 0, next_deadline TEXT, first_open_end TEXT, "
             "erased INTEGER NOT NULL DEFAULT 0, started_at TEXT NOT NULL, changed_at TEXT NOT NULL",
    "goals": "plan_id TEXT NOT NULL, goal_id TEXT NOT NULL, status TEXT NOT NULL, deadline TEXT, "
             "hours_needed DOUBLE PRECISION NOT NULL DEFAULT 0, budget_needed DOUBLE PRECISION NOT NULL DEFAULT 0, "
             "progress INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (plan_id, goal_id)",
    "goal_skills": "plan_id TEXT NOT NULL, goal_id TEXT NOT NULL, skill_key TEXT NOT NULL, skill TEXT NOT NULL, "
                   "target_level INTEGER NOT NULL, PRIMARY KEY (plan_id, goal_id, skill_key)",
    "actions": "plan_id TEXT NOT NULL, action_id TEXT NOT NULL, status TEXT NOT NULL, means TEXT NOT NULL, "
               "offer_id TEXT, planned_start TEXT NOT NULL, planned_end TEXT NOT NULL, "
               "hours DOUBLE PRECISION NOT NULL, cost DOUBLE PRECISION NOT NULL, funding_status TEXT, "
               "funding_requested DOUBLE PRECISION, funding_approved DOUBLE PRECISION, "
               "started_on TEXT, completed_on TEXT, PRIMARY KEY (plan_id, action_id)",
    "skills": "plan_id TEXT NOT NULL, skill_key TEXT NOT NULL, employee_id TEXT NOT NULL, skill TEXT NOT NULL, "
              "category TEXT, status TEXT, self_level INTEGER, manager_level INTEGER, peer_level INTEGER, "
              "rerating_level INTEGER, level INTEGER NOT NULL, source TEXT NOT NULL, rated_at TEXT NOT NULL, "
              "PRIMARY KEY (plan_id, skill_key)",
    "versions": "plan_id TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, position BIGINT NOT NULL, "
                "PRIMARY KEY (plan_id, version)",
    "requests": "request_key TEXT PRIMARY KEY, plan_id TEXT NOT NULL, fingerprint TEXT NOT NULL",
    "templates": "template_id TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL, "
                 "retired INTEGER NOT NULL DEFAULT 0, role_profiles TEXT NOT NULL, departments TEXT NOT NULL, "
                 "changed_at TEXT NOT NULL",
    "checkins": "plan_id TEXT NOT NULL, checkin_id TEXT NOT NULL, status TEXT NOT NULL, on_date TEXT NOT NULL, "
                "PRIMARY KEY (plan_id, checkin_id)",
    "cycles": "cycle_id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, period_start TEXT NOT NULL, "
              "period_end TEXT NOT NULL, milestones TEXT NOT NULL",
    "cycle_participants": "cycle_id TEXT NOT NULL, person_id TEXT NOT NULL, department TEXT NOT NULL, plan_id TEXT, "
                          "outcome TEXT NOT NULL, PRIMARY KEY (cycle_id, person_id)",
    # Mandatory learning and compliance as of any date: every row carries when it became known (recorded_at,
    # valid_from: the event's time), so a report as of a past date reads only what was known then.
    "requirement_versions": "requirement_id TEXT NOT NULL, version INTEGER NOT NULL, valid_from TEXT NOT NULL, "
                            "content TEXT NOT NULL, retired INTEGER NOT NULL DEFAULT 0, by_subject TEXT NOT NULL, "
                            "by_role TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (requirement_id, version)",
    "person_history": "person_id TEXT NOT NULL, position BIGINT NOT NULL, valid_from TEXT NOT NULL, "
                      "department TEXT NOT NULL, job_title TEXT NOT NULL, PRIMARY KEY (person_id, position)",
    "completions": "plan_id TEXT NOT NULL, action_id TEXT NOT NULL, employee_id TEXT NOT NULL, offer_id TEXT, "
                   "completed_on TEXT NOT NULL, recorded_at TEXT NOT NULL, skills TEXT NOT NULL, "
                   "PRIMARY KEY (plan_id, action_id)",
    "certificates": "plan_id TEXT NOT NULL, certificate_id TEXT NOT NULL, action_id TEXT NOT NULL, "
                    "employee_id TEXT NOT NULL, issued_on TEXT NOT NULL, expires_on TEXT, recorded_at TEXT NOT NULL, "
                    "PRIMARY KEY (plan_id, certificate_id)",
    # The HR reports as the projector last computed them (JSON rows), with the views' position they reflect.
    "reports": "name TEXT PRIMARY KEY, position BIGINT NOT NULL, computed_at TEXT NOT NULL, body TEXT NOT NULL",
    "accesses": "position BIGINT PRIMARY KEY, at TEXT NOT NULL, plan_id TEXT NOT NULL, employee_id TEXT NOT NULL, "
                "what TEXT NOT NULL, purpose TEXT, note TEXT, by_subject TEXT NOT NULL, by_role TEXT NOT NULL",
}
INDEXES = {
    "people": ["department, person_id", "manager_id", "aggregate_id"],
    "managers": ["person_id, depth"],
    "provisioned": ["user_name", "external_id"],
    "directory_groups": ["display_name", "external_id", "aggregate_id"],
    "group_members": ["person_id"],
    "plans": ["employee_id, period_start", "status, employee_id", "first_open_end", "changed_at"],
    "actions": ["planned_start", "planned_end, status"],
    "skills": ["employee_id"],
    "versions": ["plan_id, at"],
    "accesses": ["employee_id, position", "plan_id, position"],
    "cycle_participants": ["cycle_id, department"],
    "person_history": ["valid_from"],
    "completions": ["employee_id, recorded_at"],
    "certificates": ["employee_id, recorded_at"],
}


def physical(suffix: str = "") -> dict[str, str]:
    """View name -> table name, for the live set ("") or a rebuild's ("_next")."""
    return {name: f"v_{name}{suffix}" for name in COLUMNS}


def create(store: ViewStore, tables: dict[str, str]) -> None:
    """Create TABLES and their indexes if missing (the index names are fresh, see ViewStore.index_name)."""
    store.create_positions()
    with store.transaction(commit=True) as cursor:
        for name, columns in COLUMNS.items():
            cursor.execute(store.sql(f"CREATE TABLE IF NOT EXISTS {{{name}}} ({columns})", tables))
    existing = _indexed(store, tables)
    with store.transaction(commit=True) as cursor:
        for name, indexes in INDEXES.items():
            if tables[name] in existing:
                continue
            for columns in indexes:
                index = store.index_name(tables[name])
                cursor.execute(store.sql(f'CREATE INDEX "{index}" ON {{{name}}} ({columns})', tables))


def drop(store: ViewStore, tables: dict[str, str]) -> None:
    with store.transaction(commit=True) as cursor:
        for name in COLUMNS:
            cursor.execute(store.sql(f"DROP TABLE IF EXISTS {{{name}}}", tables))


def _indexed(store: ViewStore, tables: dict[str, str]) -> set[str]:
    """Tables of TABLES that already have indexes of ours."""
    if store.postgres:
        rows = store.rows("SELECT tablename AS t FROM pg_indexes WHERE schemaname = ? AND indexname <> "
                          "tablename || '_pkey'", (store.datastore.schema,))
        found = {row["t"] for row in rows}
        return {t for t in tables.values() if f"{store.prefix}{t}" in found}
    rows = store.rows("SELECT tbl_name AS t FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    return {row["t"] for row in rows}
