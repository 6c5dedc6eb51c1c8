"""The follower's read model: what the plan feed taught, in the recommender's own database.

Plans (skills, goals, actions) are kept as one JSON document per plan, feedback on offers (accepted,
dismissed, completed with rating and level gained) as rows, and the org directory (who reports to whom,
which decides a manager's access) as one row per person. A feed
page is applied in ONE transaction together with its tracking position, so a page replayed after a
crash is either skipped (already tracked) or applied once; it is never counted twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from recommender.accountability import OWN_INDEXES, OWN_TABLES
from recommender.feedback import apply_event
from recommender.matcher import OfferStats
from shared.views import ViewStore

FEED = "plan"
TABLES = {
    "plans": ("CREATE TABLE IF NOT EXISTS {t} (plan_id TEXT PRIMARY KEY, employee_id TEXT NOT NULL, "
              "closed INTEGER NOT NULL, started BIGINT NOT NULL, doc TEXT NOT NULL)"),
    "offer_feedback": ("CREATE TABLE IF NOT EXISTS {t} (position BIGINT NOT NULL, seq INTEGER NOT NULL, "
                       "offer_id TEXT NOT NULL, employee_id TEXT NOT NULL, kind TEXT NOT NULL, "
                       "skill TEXT, rating REAL, level_gain REAL, reason TEXT, "
                       "PRIMARY KEY (position, seq))"),
    # The org directory as the feed publishes it: who reports to whom decides a manager's access.
    "people": ("CREATE TABLE IF NOT EXISTS {t} (person_id TEXT PRIMARY KEY, manager_id TEXT, department TEXT, "
               "job_title TEXT, active INTEGER NOT NULL)"),
    # Reads of a person's data by someone else; not derived from the feed, so a rebuild keeps it.
    "access_log": ("CREATE TABLE IF NOT EXISTS {t} (at TEXT NOT NULL, employee_id TEXT NOT NULL, "
                   "what TEXT NOT NULL, by_subject TEXT NOT NULL, by_role TEXT NOT NULL, purpose TEXT, "
                   "on_behalf_of TEXT)"),
}
INDEXES = {"plans": "CREATE INDEX IF NOT EXISTS {i} ON {t} (employee_id, closed)",
           "people": "CREATE INDEX IF NOT EXISTS {i} ON {t} (manager_id)",
           "access_log": "CREATE INDEX IF NOT EXISTS {i} ON {t} (employee_id, at)"}
TABLES.update(OWN_TABLES)  # the recommender's own records about people (recommender/accountability.py)
INDEXES.update(OWN_INDEXES)
FEED_TABLES = ("plans", "offer_feedback", "people")  # what a rebuild from position 0 starts over
ERASED_TABLES = ("plans", "offer_feedback", *OWN_TABLES)  # a person's rows a PersonErased deletes
PERSON_FIELDS = ("manager_id", "department", "job_title", "active")
MAX_CHAIN = 50  # a cycle in the directory data stops the walk up the manager chain


class ReadModel:
    """Queries and the page writer, shared by the SQLite and PostgreSQL recorders."""

    placeholder = "?"

    def table(self, name: str) -> str:
        raise NotImplementedError

    def _sql(self, text: str) -> Any:
        return text.replace("?", self.placeholder)

    # -- writing ---------------------------------------------------------------------------------
    def apply_page(self, events: list[dict], position: int) -> int:
        """Apply feed EVENTS and record POSITION, atomically; returns how many events were new."""
        erased = False
        tracked = self.position()
        if position <= tracked:
            return 0
        with self.datastore.transaction(commit=True) as c:
            if not self.positions.advance(c, FEED, tracked, position):
                return 0  # another follower applied it meanwhile: nothing is counted twice
            self._prepare(c)
            fresh = [e for e in events if e["position"] > tracked]
            plans: dict[str, dict] = {}
            rows: list[tuple] = []
            for event in fresh:
                if event["type"] == "PersonErased":  # forget the person: their plans, feedback and directory entry
                    erased, gone = True, event["employee_id"]
                    plans = {k: v for k, v in plans.items() if v.get("employee_id") != gone}
                    rows = [row for row in rows if row[3] != gone]
                    for table in ERASED_TABLES:
                        c.execute(self._sql(f"DELETE FROM {self.table(table)} WHERE employee_id = ?"), (gone,))
                    c.execute(self._sql(f"DELETE FROM {self.table('people')} WHERE person_id = ?"), (gone,))
                    continue
                if event["type"] in {"PersonRegistered", "PersonUpdated"}:
                    self._apply_person(c, event["employee_id"], event["payload"])
                    continue
                if event["type"] == "PlanErased":  # retention: the plan's content is gone
                    plans.pop(event["plan_id"], None)
                    c.execute(self._sql(f"DELETE FROM {self.table('plans')} WHERE plan_id = ?"), (event["plan_id"],))
                    continue
                plan = plans.get(event["plan_id"]) or self._load_plan(c, event["plan_id"])
                plans[event["plan_id"]] = plan
                rows.extend(apply_event(plan, event))
            for plan_id, plan in plans.items():
                c.execute(self._sql(
                    f"INSERT INTO {self.table('plans')} (plan_id, employee_id, closed, started, doc) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (plan_id) DO UPDATE SET "
                    "employee_id = excluded.employee_id, closed = excluded.closed, "
                    "started = excluded.started, doc = excluded.doc"),
                    (plan_id, plan["employee_id"], int(plan["closed"]), plan["started"],
                     json.dumps(plan)))
            for row in rows:
                c.execute(self._sql(
                    f"INSERT INTO {self.table('offer_feedback')} (position, seq, offer_id, "
                    "employee_id, kind, skill, rating, level_gain, reason) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (position, seq) DO NOTHING"), row)
        if erased:
            self._purge_deleted()
        return len(fresh)

    def _apply_person(self, c, person_id: str, payload: dict) -> None:
        """A directory entry registered or changed: the published fields it carries replace the stored ones."""
        c.execute(self._sql(f"SELECT manager_id, department, job_title, active FROM {self.table('people')} "
                            "WHERE person_id = ?"), (person_id,))
        row = c.fetchone()
        entry = dict(zip(PERSON_FIELDS, (row["manager_id"], row["department"], row["job_title"], row["active"]),
                         strict=True)) if row else {"manager_id": None, "department": None, "job_title": None,
                                                    "active": True}
        entry.update({k: payload[k] for k in PERSON_FIELDS if k in payload})
        c.execute(self._sql(
            f"INSERT INTO {self.table('people')} (person_id, manager_id, department, job_title, active) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET manager_id = excluded.manager_id, "
            "department = excluded.department, job_title = excluded.job_title, active = excluded.active"),
            (person_id, entry["manager_id"], entry["department"], entry["job_title"], int(bool(entry["active"]))))

    def _prepare(self, c) -> None:
        """Per-transaction settings of the store (see the SQLite read model)."""

    def _purge_deleted(self) -> None:
        """After an erasure: leave no copy of deleted rows where the database keeps old versions."""

    def _load_plan(self, c, plan_id: str) -> dict:
        c.execute(self._sql(f"SELECT doc FROM {self.table('plans')} WHERE plan_id = ?"), (plan_id,))
        row = c.fetchone()
        return json.loads(row["doc"]) if row else {"plan_id": plan_id}

    @property
    def positions(self) -> ViewStore:
        """The follower's position, kept beside the rows (shared/views.py: compare-and-set in the page's
        transaction)."""
        return ViewStore(self.datastore, prefix="recommender_")

    def position(self) -> int:
        return self.positions.position(FEED)

    def create_positions(self) -> None:
        """The positions table; a store tracked by the library's tracking table before keeps its position."""
        self.positions.create_positions()
        with self.datastore.transaction(commit=True) as c:
            if self.positions.position(FEED, c) == 0 and (self.max_tracking_id(FEED) or 0) > 0:
                self.positions.advance(c, FEED, 0, self.max_tracking_id(FEED))

    def reset(self) -> None:
        """Forget everything (rebuild-read-model): the next follow replays the feed from 0."""
        with self.datastore.transaction(commit=True) as c:
            for name in FEED_TABLES:
                c.execute(f"DELETE FROM {self.table(name)}")
            self.positions.set_position(c, FEED, None)

    def write(self, sql: str, rows: list[tuple]) -> None:
        """Run SQL (with ? placeholders) once per row, in one transaction."""
        with self.datastore.transaction(commit=True) as c:
            for row in rows:
                c.execute(self._sql(sql), row)

    # -- reading ---------------------------------------------------------------------------------
    def _rows(self, sql: str, params: Iterable = ()) -> list:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._sql(sql), tuple(params))
            return list(c.fetchall())

    def query(self, sql: str, params: Iterable = ()) -> list:
        """Rows of SQL (with ? placeholders), each readable by column name."""
        return self._rows(sql, params)

    def current_plan(self, employee_id: str) -> dict | None:
        """The employee's newest plan that is not closed."""
        rows = self._rows(f"SELECT doc FROM {self.table('plans')} WHERE employee_id = ? AND "
                          "closed = 0 ORDER BY started DESC LIMIT 1", (employee_id,))
        return json.loads(rows[0]["doc"]) if rows else None

    def person_data(self, employee_id: str) -> dict[str, Any]:
        """Everything the read model holds about one person (GDPR access)."""
        plans = [json.loads(r["doc"]) for r in self._rows(
            f"SELECT doc FROM {self.table('plans')} WHERE employee_id = ? ORDER BY started", (employee_id,))]
        feedback = [dict(r) for r in self._rows(
            f"SELECT position, offer_id, kind, skill, rating, level_gain, reason FROM {self.table('offer_feedback')} "
            "WHERE employee_id = ? ORDER BY position, seq", (employee_id,))]
        return {"directory_entry": self.person(employee_id), "plans_as_learned_from_the_feed": plans,
                "offer_feedback": feedback, "access_log": self.access_log(employee_id)}

    def manages(self, manager_id: str, person_id: str) -> bool:
        """Whether MANAGER_ID is PERSON_ID's direct or indirect manager in the directory as it is now."""
        rows = self._rows(
            "WITH RECURSIVE chain (person_id, manager_id, depth) AS ("
            f"SELECT person_id, manager_id, 0 FROM {self.table('people')} WHERE person_id = ? "
            f"UNION ALL SELECT p.person_id, p.manager_id, chain.depth + 1 FROM {self.table('people')} p "
            "JOIN chain ON p.person_id = chain.manager_id WHERE chain.depth < ?) "
            "SELECT 1 AS found FROM chain WHERE manager_id = ? LIMIT 1", (person_id, MAX_CHAIN, manager_id))
        return bool(rows)

    def person(self, person_id: str) -> dict | None:
        """The directory entry as the feed published it (no names or e-mail addresses)."""
        rows = self._rows(f"SELECT person_id, manager_id, department, job_title, active FROM "
                          f"{self.table('people')} WHERE person_id = ?", (person_id,))
        return {**dict(rows[0]), "active": bool(rows[0]["active"])} if rows else None

    # -- the access log -----------------------------------------------------------------------------
    def record_access(self, entry: dict[str, Any]) -> None:
        """Someone read ENTRY["employee_id"]'s data: who, what, why and when (never derived from the feed)."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(self._sql(
                f"INSERT INTO {self.table('access_log')} (at, employee_id, what, by_subject, by_role, purpose, "
                "on_behalf_of) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                (entry["at"], entry["employee_id"], entry["what"], entry["by"]["subject"], entry["by"]["role"],
                 entry.get("purpose"), entry.get("on_behalf_of")))

    def access_log(self, employee_id: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict]:
        """Recorded reads, newest first, of everyone or of one person."""
        where, params = ("WHERE employee_id = ? ", [employee_id]) if employee_id else ("", [])
        rows = self._rows(f"SELECT at, employee_id, what, by_subject, by_role, purpose, on_behalf_of FROM "
                          f"{self.table('access_log')} {where}ORDER BY at DESC LIMIT ? OFFSET ?",
                          (*params, limit, offset))
        return [{"at": r["at"], "employee_id": r["employee_id"], "what": r["what"],
                 "by": {"subject": r["by_subject"], "role": r["by_role"]}, "purpose": r["purpose"],
                 "on_behalf_of": r["on_behalf_of"]} for r in rows]

    def offer_stats(self) -> dict[str, OfferStats]:
        """Per offer: ratings, completions, acceptances and dismissals learned from the feed."""
        rows = self._rows(f"SELECT offer_id, kind, COUNT(*) AS n, SUM(rating) AS rating_sum, "
                          f"COUNT(rating) AS rating_n FROM {self.table('offer_feedback')} "
                          "WHERE skill IS NULL GROUP BY offer_id, kind")
        stats: dict[str, OfferStats] = {}
        for row in rows:
            s = stats.setdefault(row["offer_id"], OfferStats())
            if row["kind"] == "completed":
                s.completions += row["n"]
                s.rating_sum += row["rating_sum"] or 0
                s.rating_count += row["rating_n"]
            elif row["kind"] == "accepted":
                s.accepted += row["n"]
            elif row["kind"] == "dismissed":
                s.dismissed += row["n"]
        return stats

    def popular_with_role(self, employee_id: str, minimum: int) -> tuple[str | None, set[str]]:
        """The person's job title and the offers at least MINIMUM colleagues with that title (not they) accepted or
        completed: fewer would point at the colleague."""
        me = self._rows(f"SELECT job_title FROM {self.table('people')} WHERE person_id = ? AND active = 1",
                        (employee_id,))
        role = me[0]["job_title"] if me else None
        if not role:
            return None, set()
        rows = self._rows(
            f"SELECT f.offer_id FROM {self.table('offer_feedback')} f JOIN {self.table('people')} p "
            "ON p.person_id = f.employee_id WHERE p.job_title = ? AND p.active = 1 AND f.employee_id <> ? "
            "AND f.skill IS NULL AND f.kind IN ('accepted', 'completed') GROUP BY f.offer_id "
            "HAVING COUNT(DISTINCT f.employee_id) >= ?", (role, employee_id, minimum))
        return role, {r["offer_id"] for r in rows}

    def effectiveness(self) -> list[dict]:
        """Per offer: people who completed it, mean rating, mean level gained."""
        rows = self._rows(f"SELECT offer_id, COUNT(DISTINCT employee_id) AS people, "
                          "COUNT(*) AS completions, AVG(rating) AS mean_rating, "
                          f"AVG(level_gain) AS mean_level_gain FROM {self.table('offer_feedback')} "
                          "WHERE kind = 'completed' AND skill IS NULL GROUP BY offer_id")
        return [dict(r) for r in rows]

    def judgments(self) -> dict[str, set[str]]:
        """Skill -> offers employees accepted or completed for it: the feed's relevance labels."""
        rows = self._rows(f"SELECT skill, offer_id FROM {self.table('offer_feedback')} "
                          "WHERE skill IS NOT NULL AND kind IN ('accepted', 'completed')")
        out: dict[str, set[str]] = {}
        for row in rows:
            out.setdefault(row["skill"], set()).add(row["offer_id"])
        return out

    def accepted_pairs(self) -> set[tuple[str, str]]:
        """(employee, offer) for every suggestion the feed saw accepted (fairness report)."""
        rows = self._rows(f"SELECT DISTINCT employee_id, offer_id FROM {self.table('offer_feedback')} "
                          "WHERE kind = 'accepted' AND skill IS NULL")
        return {(r["employee_id"], r["offer_id"]) for r in rows}

    def judgments_by_person(self) -> list[tuple[str, str, str]]:
        """(employee, skill, offer) accepted or completed: the feed's relevance labels, per person."""
        rows = self._rows(f"SELECT DISTINCT employee_id, skill, offer_id FROM {self.table('offer_feedback')} "
                          "WHERE skill IS NOT NULL AND kind IN ('accepted', 'completed')")
        return [(r["employee_id"], r["skill"], r["offer_id"]) for r in rows]


class SQLiteReadModel(ReadModel, SQLiteTrackingRecorder):
    """The read model in the recommender's SQLite file (tables rm_*)."""

    def _prepare(self, c) -> None:
        # Overwrite what updates and deletes free, so an erased person's old plan documents do not linger
        # in free pages of the file.
        c.execute("PRAGMA secure_delete=ON")

    def _purge_deleted(self) -> None:
        with self.datastore.transaction(commit=False) as c:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # and no old page left in the write-ahead log

    def table(self, name: str) -> str:
        return f"rm_{name}"

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        for name, template in TABLES.items():
            statements.append(template.format(t=self.table(name)))
        for name, template in INDEXES.items():
            statements.append(template.format(i=f"{self.table(name)}_idx", t=self.table(name)))
        return statements


class PostgresReadModel(ReadModel, PostgresTrackingRecorder):
    """The read model in the recommender's PostgreSQL schema (tables recommender_rm_*)."""

    placeholder = "%s"

    def __init__(self, datastore, **kwargs):
        super().__init__(datastore, **kwargs)
        for name, template in TABLES.items():
            self.sql_create_statements.append(SQL(template.replace("{t}", "{0}.{1}")).format(
                Identifier(self.datastore.schema), Identifier(f"recommender_rm_{name}")))
        for name, template in INDEXES.items():
            self.sql_create_statements.append(SQL(
                template.replace("{i}", "{2}").replace("{t}", "{0}.{1}")).format(
                Identifier(self.datastore.schema), Identifier(f"recommender_rm_{name}"),
                Identifier(f"recommender_rm_{name}_idx")))

    def table(self, name: str) -> str:
        return f'"{self.datastore.schema}"."recommender_rm_{name}"'

    def _purge_deleted(self) -> None:
        with self.datastore.get_connection() as conn:  # dead row versions hold the old documents until vacuumed
            conn.autocommit = True
            try:
                for name in TABLES:
                    conn.execute(f"VACUUM {self.table(name)}")
            finally:
                conn.autocommit = False


def build_read_model(app) -> ReadModel:
    """The read model on the same store (and connection pool) as the application APP."""
    from eventsourcing.sqlite import SQLiteFactory
    from eventsourcing.utils import strtobool

    model = app.factory.tracking_recorder(SQLiteReadModel if isinstance(app.factory, SQLiteFactory)
                                          else PostgresReadModel)
    if strtobool(app.env.get("CREATE_TABLE") or "y"):
        model.create_positions()
    return model
