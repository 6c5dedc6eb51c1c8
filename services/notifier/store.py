"""The notifier's own store: notifications (the outbox and the portal's notification centre), what it
needs of plans and actions for the sweep, and people's choices; with the feed position tracked.

A feed page and its position are written in ONE transaction (`apply_page`), and every notification has
a stable id inserted with ON CONFLICT DO NOTHING, so a page replayed after a crash or a sweep run twice
never makes a second notification. Nothing here holds an e-mail address: the directory is asked when
a mail is sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from shared.views import ViewStore

FEED = "plan"
TABLES = {
    "notifications": (
        "CREATE TABLE IF NOT EXISTS {t} (id TEXT PRIMARY KEY, recipient TEXT NOT NULL, about TEXT NOT NULL, "
        "kind TEXT NOT NULL, created_at TEXT NOT NULL, data TEXT NOT NULL, state TEXT NOT NULL, "
        "attempts INTEGER NOT NULL DEFAULT 0, next_attempt TEXT NOT NULL, seen INTEGER NOT NULL DEFAULT 0, "
        "sent_at TEXT, digest_id TEXT, error TEXT)"),
    "actions": (
        "CREATE TABLE IF NOT EXISTS {t} (plan_id TEXT NOT NULL, action_id TEXT NOT NULL, employee_id TEXT NOT NULL, "
        "title TEXT NOT NULL, start_on TEXT NOT NULL, end_on TEXT NOT NULL, status TEXT NOT NULL, "
        "sequence INTEGER NOT NULL, PRIMARY KEY (plan_id, action_id))"),
    "plans": (
        "CREATE TABLE IF NOT EXISTS {t} (plan_id TEXT PRIMARY KEY, employee_id TEXT NOT NULL, status TEXT NOT NULL, "
        "pending_funding INTEGER NOT NULL)"),
    "checkins": (
        "CREATE TABLE IF NOT EXISTS {t} (plan_id TEXT NOT NULL, checkin_id TEXT NOT NULL, employee_id TEXT NOT NULL, "
        "manager_id TEXT, on_date TEXT NOT NULL, at TEXT NOT NULL, duration_minutes INTEGER NOT NULL, "
        "location TEXT NOT NULL, status TEXT NOT NULL, sequence INTEGER NOT NULL, PRIMARY KEY (plan_id, checkin_id))"),
    "choices": (
        "CREATE TABLE IF NOT EXISTS {t} (person_id TEXT NOT NULL, kind TEXT NOT NULL, mode TEXT NOT NULL, "
        "PRIMARY KEY (person_id, kind))"),
    "forgotten": "CREATE TABLE IF NOT EXISTS {t} (person_id TEXT PRIMARY KEY)",
    # Certificates with an expiry date, for the reminders; `renewed_by` is the recertification action
    # (plan_id:action_id) whose own certificate replaces this one.
    "certificates": (
        "CREATE TABLE IF NOT EXISTS {t} (plan_id TEXT NOT NULL, certificate_id TEXT NOT NULL, action_id TEXT NOT NULL, "
        "employee_id TEXT NOT NULL, title TEXT NOT NULL, expires_on TEXT NOT NULL, status TEXT NOT NULL, "
        "renewed_by TEXT, PRIMARY KEY (plan_id, certificate_id))"),
}
INDEXES = {
    "notifications": "CREATE INDEX IF NOT EXISTS {i} ON {t} (state, next_attempt)",
    "actions": "CREATE INDEX IF NOT EXISTS {i} ON {t} (status, end_on)",
}
LANGUAGE = "language"  # stored as a choice row: the person's language for mails
PERSON_TABLES = {"notifications": ("recipient", "about"), "actions": ("employee_id",), "plans": ("employee_id",),
                 "checkins": ("employee_id",), "choices": ("person_id",), "certificates": ("employee_id",)}
CHECKIN_COLUMNS = ("employee_id", "manager_id", "on_date", "at", "duration_minutes", "location", "status", "sequence")


@dataclass
class Notification:
    """One thing to tell one person; `id` is stable, so creating it twice creates it once."""

    id: str
    recipient: str
    about: str
    kind: str
    created_at: str
    data: dict[str, Any] = field(default_factory=dict)
    state: str = "pending"
    attempts: int = 0
    next_attempt: str = ""  # empty: due at once; set to a time only when a retry waits
    seen: bool = False
    sent_at: str | None = None
    digest_id: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> Notification:
        return cls(id=row["id"], recipient=row["recipient"], about=row["about"], kind=row["kind"],
                   created_at=row["created_at"], data=json.loads(row["data"]), state=row["state"],
                   attempts=row["attempts"], next_attempt=row["next_attempt"], seen=bool(row["seen"]),
                   sent_at=row["sent_at"], digest_id=row["digest_id"])

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "created_at": self.created_at, "about": self.about,
                "data": self.data, "state": self.state, "read": self.seen, "sent_at": self.sent_at}


class Changes:
    """What applying feed events or a sweep decided, written by the store in one transaction."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []
        self.actions: dict[tuple[str, str], dict[str, Any] | None] = {}
        self.plans: dict[str, dict[str, Any]] = {}
        self.checkins: dict[tuple[str, str], dict[str, Any]] = {}
        self.forget: list[str] = []
        self.deactivated: list[str] = []  # people the directory deactivated: what waits for them is dropped
        self.digested: list[tuple[str, str]] = []  # (notification id, digest id)
        self.certificates: list[tuple[str, tuple]] = []  # (SQL with {t} for the certificates table, parameters)

    def notify(self, notification: Notification) -> None:
        self.notifications.append(notification)


class NotifierStore:
    """SQL shared by the SQLite and PostgreSQL recorders."""

    placeholder = "?"

    def table(self, name: str) -> str:
        raise NotImplementedError

    def _sql(self, text: str) -> Any:
        return text.replace("?", self.placeholder)

    # -- the feed ---------------------------------------------------------------------------------
    @property
    def positions(self) -> ViewStore:
        """The feed position, kept beside the notifications (shared/views.py: compare and set in one transaction)."""
        return ViewStore(self.datastore, prefix="notifier_")

    def position(self) -> int:
        return self.positions.position(FEED)

    def apply_page(self, events: list[dict], position: int,
                   decide: Callable[[StoreReader, list[dict]], Changes]) -> int:
        """Let DECIDE turn fresh EVENTS into changes and write them with POSITION, atomically."""
        tracked = self.position()
        if position <= tracked:
            return 0
        with self.datastore.transaction(commit=True) as c:
            if not self.positions.advance(c, FEED, tracked, position):
                return 0  # applied meanwhile by another process: nothing is sent twice
            fresh = [e for e in events if e["position"] > tracked]
            self._write(c, decide(StoreReader(self, c), fresh))
        return len(fresh)

    def apply(self, changes: Changes) -> None:
        """Write a sweep's changes (stable ids make a repeated sweep harmless)."""
        with self.datastore.transaction(commit=True) as c:
            self._write(c, changes)

    def _write(self, c, changes: Changes) -> None:
        for person in changes.deactivated:
            c.execute(self._sql(f"UPDATE {self.table('notifications')} SET state = 'dropped', error = ? "
                                "WHERE recipient = ? AND state = 'pending'"), ("deactivated", person))
        for person in changes.forget:
            for name, columns in PERSON_TABLES.items():
                for column in columns:
                    c.execute(self._sql(f"DELETE FROM {self.table(name)} WHERE {column} = ?"), (person,))
            c.execute(self._sql(f"UPDATE {self.table('checkins')} SET manager_id = NULL WHERE manager_id = ?"),
                      (person,))
            c.execute(self._sql(f"INSERT INTO {self.table('forgotten')} (person_id) VALUES (?) "
                                "ON CONFLICT (person_id) DO NOTHING"), (person,))
        for (plan_id, action_id), action in changes.actions.items():
            if action is None:
                c.execute(self._sql(f"DELETE FROM {self.table('actions')} WHERE plan_id = ? AND action_id = ?"),
                          (plan_id, action_id))
                continue
            c.execute(self._sql(
                f"INSERT INTO {self.table('actions')} (plan_id, action_id, employee_id, title, start_on, end_on, "
                "status, sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (plan_id, action_id) DO UPDATE SET "
                "title = excluded.title, start_on = excluded.start_on, end_on = excluded.end_on, "
                "status = excluded.status, sequence = excluded.sequence"),
                (plan_id, action_id, action["employee_id"], action["title"], action["start_on"], action["end_on"],
                 action["status"], action["sequence"]))
        for (plan_id, checkin_id), checkin in changes.checkins.items():
            names = ", ".join(CHECKIN_COLUMNS)
            c.execute(self._sql(
                f"INSERT INTO {self.table('checkins')} (plan_id, checkin_id, {names}) VALUES (?, ?, "
                + ", ".join("?" for _ in CHECKIN_COLUMNS) + ") ON CONFLICT (plan_id, checkin_id) DO UPDATE SET "
                + ", ".join(f"{n} = excluded.{n}" for n in CHECKIN_COLUMNS[1:])),
                (plan_id, checkin_id, *(checkin[n] for n in CHECKIN_COLUMNS)))
        for plan_id, plan in changes.plans.items():
            c.execute(self._sql(
                f"INSERT INTO {self.table('plans')} (plan_id, employee_id, status, pending_funding) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (plan_id) DO UPDATE SET status = excluded.status, "
                "pending_funding = excluded.pending_funding"),
                (plan_id, plan["employee_id"], plan["status"], plan["pending_funding"]))
        for n in changes.notifications:
            c.execute(self._sql(
                f"INSERT INTO {self.table('notifications')} (id, recipient, about, kind, created_at, data, state, "
                "attempts, next_attempt, seen) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0) ON CONFLICT (id) DO NOTHING"),
                (n.id, n.recipient, n.about, n.kind, n.created_at, json.dumps(n.data, ensure_ascii=False), n.state,
                 n.next_attempt))
        for statement, params in changes.certificates:
            c.execute(self._sql(statement.replace("{t}", self.table("certificates"))), params)
        for notification_id, digest_id in changes.digested:
            c.execute(self._sql(f"UPDATE {self.table('notifications')} SET state = 'digested', digest_id = ? "
                                "WHERE id = ? AND state = 'digest'"), (digest_id, notification_id))

    # -- delivery ---------------------------------------------------------------------------------
    def due(self, now: datetime, limit: int) -> list[Notification]:
        """Pending notifications whose (next) attempt is due, oldest first."""
        return [Notification.from_row(r) for r in self._rows(
            f"SELECT * FROM {self.table('notifications')} WHERE state = 'pending' AND next_attempt <= ? "
            "ORDER BY next_attempt, id LIMIT ?", (now.isoformat(), limit))]

    def settle(self, notification_id: str, state: str, *, sent_at: str | None = None, attempts: int | None = None,
               next_attempt: str | None = None, error: str | None = None) -> None:
        """Record the outcome of one delivery attempt, in its own transaction (right after the SMTP answer)."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(self._sql(
                f"UPDATE {self.table('notifications')} SET state = ?, sent_at = COALESCE(?, sent_at), "
                "attempts = COALESCE(?, attempts), next_attempt = COALESCE(?, next_attempt), error = ? "
                "WHERE id = ? AND state = 'pending'"),
                (state, sent_at, attempts, next_attempt, error, notification_id))

    def is_forgotten(self, person_id: str) -> bool:
        return bool(self._rows(f"SELECT 1 FROM {self.table('forgotten')} WHERE person_id = ?", (person_id,)))

    # -- people's choices -------------------------------------------------------------------------
    def choices(self, person_id: str) -> dict[str, str]:
        return {r["kind"]: r["mode"] for r in self._rows(
            f"SELECT kind, mode FROM {self.table('choices')} WHERE person_id = ?", (person_id,))}

    def choose(self, person_id: str, choices: dict[str, str]) -> None:
        with self.datastore.transaction(commit=True) as c:
            for kind, mode in choices.items():
                c.execute(self._sql(
                    f"INSERT INTO {self.table('choices')} (person_id, kind, mode) VALUES (?, ?, ?) "
                    "ON CONFLICT (person_id, kind) DO UPDATE SET mode = excluded.mode"), (person_id, kind, mode))

    # -- the notification centre ------------------------------------------------------------------
    def inbox(self, person_id: str, *, unread_only: bool, limit: int, offset: int) -> tuple[list[Notification], int]:
        where = "recipient = ? AND state <> 'dropped' AND kind <> 'daily_digest'"
        where += " AND seen = 0" if unread_only else ""
        rows = self._rows(f"SELECT * FROM {self.table('notifications')} WHERE {where} "
                          "ORDER BY created_at DESC, id LIMIT ? OFFSET ?", (person_id, limit, offset))
        total = self._rows(f"SELECT COUNT(*) AS n FROM {self.table('notifications')} WHERE {where}", (person_id,))
        return [Notification.from_row(r) for r in rows], total[0]["n"]

    def unread(self, person_id: str) -> int:
        return self._rows(f"SELECT COUNT(*) AS n FROM {self.table('notifications')} WHERE recipient = ? AND "
                          "seen = 0 AND state <> 'dropped' AND kind <> 'daily_digest'", (person_id,))[0]["n"]

    def mark_read(self, person_id: str, notification_id: str | None) -> bool:
        """Mark one (or, without an id, every) notification of PERSON_ID read; False when it is not theirs."""
        with self.datastore.transaction(commit=True) as c:
            if notification_id is None:
                c.execute(self._sql(f"UPDATE {self.table('notifications')} SET seen = 1 WHERE recipient = ? "
                                    "AND seen = 0"), (person_id,))
                return True
            c.execute(self._sql(f"SELECT 1 AS x FROM {self.table('notifications')} WHERE recipient = ? AND id = ? "
                                "AND state <> 'dropped'"), (person_id, notification_id))
            if c.fetchone() is None:
                return False
            c.execute(self._sql(f"UPDATE {self.table('notifications')} SET seen = 1 WHERE id = ?"),
                      (notification_id,))
            return True

    def notification(self, notification_id: str) -> Notification | None:
        rows = self._rows(f"SELECT * FROM {self.table('notifications')} WHERE id = ?", (notification_id,))
        return Notification.from_row(rows[0]) if rows else None

    def in_digest(self, digest_id: str) -> list[Notification]:
        return [Notification.from_row(r) for r in self._rows(
            f"SELECT * FROM {self.table('notifications')} WHERE digest_id = ? ORDER BY created_at, id", (digest_id,))]

    def person_data(self, person_id: str) -> dict[str, Any]:
        """Everything held about one person (GDPR access)."""
        notes = [Notification.from_row(r).view() for r in self._rows(
            f"SELECT * FROM {self.table('notifications')} WHERE recipient = ? OR about = ? ORDER BY created_at",
            (person_id, person_id))]
        actions = [dict(r) for r in self._rows(
            f"SELECT plan_id, action_id, title, start_on, end_on, status FROM {self.table('actions')} "
            "WHERE employee_id = ?", (person_id,))]
        certificates = [dict(r) for r in self._rows(
            f"SELECT plan_id, certificate_id, action_id, title, expires_on, status FROM {self.table('certificates')} "
            "WHERE employee_id = ?", (person_id,))]
        checkins = [dict(r) for r in self._rows(
            f"SELECT plan_id, checkin_id, employee_id, manager_id, on_date, at, duration_minutes, location, status "
            f"FROM {self.table('checkins')} WHERE employee_id = ? OR manager_id = ?", (person_id, person_id))]
        return {"notifications": notes, "actions": actions, "checkins": checkins, "certificates": certificates,
                "choices": self.choices(person_id), "forgotten": self.is_forgotten(person_id)}

    # -- sweep queries ----------------------------------------------------------------------------
    def actions_between(self, column: str, low: str, high: str, statuses: Iterable[str]) -> list[dict]:
        statuses = tuple(statuses)
        marks = ", ".join("?" for _ in statuses)
        return [dict(r) for r in self._rows(
            f"SELECT * FROM {self.table('actions')} WHERE {column} >= ? AND {column} <= ? AND status IN ({marks}) "
            f"ORDER BY {column}, plan_id, action_id", (low, high, *statuses))]

    def action(self, plan_id: str, action_id: str) -> dict | None:
        rows = self._rows(f"SELECT * FROM {self.table('actions')} WHERE plan_id = ? AND action_id = ?",
                          (plan_id, action_id))
        return dict(rows[0]) if rows else None

    def certificates_expiring(self, low: str, high: str) -> list[dict]:
        """Current certificates (not renewed, of open or closed plans alike) expiring from LOW to HIGH."""
        return [dict(r) for r in self._rows(
            f"SELECT * FROM {self.table('certificates')} WHERE status = 'current' AND expires_on >= ? "
            "AND expires_on <= ? ORDER BY expires_on, plan_id, certificate_id", (low, high))]

    def pending_plans(self) -> list[dict]:
        return [dict(r) for r in self._rows(
            f"SELECT * FROM {self.table('plans')} WHERE status = 'submitted' OR pending_funding > 0")]

    def digest_waiting(self) -> list[Notification]:
        return [Notification.from_row(r) for r in self._rows(
            f"SELECT * FROM {self.table('notifications')} WHERE state = 'digest' ORDER BY recipient, created_at, id")]

    def _rows(self, sql: str, params: Iterable = ()) -> list:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._sql(sql), tuple(params))
            return list(c.fetchall())


class StoreReader:
    """Reads inside the page's transaction, for the rules that need current state."""

    def __init__(self, store: NotifierStore, cursor) -> None:
        self.store, self.cursor = store, cursor

    def _one(self, sql: str, params: tuple) -> Any:
        self.cursor.execute(self.store._sql(sql), params)
        return self.cursor.fetchone()

    def action(self, plan_id: str, action_id: str) -> dict | None:
        row = self._one(f"SELECT * FROM {self.store.table('actions')} WHERE plan_id = ? AND action_id = ?",
                        (plan_id, action_id))
        return dict(row) if row else None

    def checkin(self, plan_id: str, checkin_id: str) -> dict | None:
        row = self._one(f"SELECT * FROM {self.store.table('checkins')} WHERE plan_id = ? AND checkin_id = ?",
                        (plan_id, checkin_id))
        return dict(row) if row else None

    def plan(self, plan_id: str) -> dict | None:
        row = self._one(f"SELECT * FROM {self.store.table('plans')} WHERE plan_id = ?", (plan_id,))
        return dict(row) if row else None

    def forgotten(self, person_id: str) -> bool:
        return self._one(f"SELECT 1 AS x FROM {self.store.table('forgotten')} WHERE person_id = ?",
                         (person_id,)) is not None


class SQLiteNotifierStore(NotifierStore, SQLiteTrackingRecorder):
    """The notifier's tables in its SQLite file (nt_*)."""

    def table(self, name: str) -> str:
        return f"nt_{name}"

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements.extend(template.format(t=self.table(name)) for name, template in TABLES.items())
        statements.extend(template.format(i=f"{self.table(name)}_idx", t=self.table(name))
                          for name, template in INDEXES.items())
        statements.append(self.positions.positions_ddl())
        return statements


class PostgresNotifierStore(NotifierStore, PostgresTrackingRecorder):
    """The notifier's tables in its PostgreSQL schema (notifier_*)."""

    placeholder = "%s"

    def __init__(self, datastore, **kwargs):
        super().__init__(datastore, **kwargs)
        schema = Identifier(self.datastore.schema)
        for name, template in TABLES.items():
            self.sql_create_statements.append(SQL(template.replace("{t}", "{0}.{1}")).format(
                schema, Identifier(f"notifier_{name}")))
        for name, template in INDEXES.items():
            self.sql_create_statements.append(SQL(template.replace("{i}", "{2}").replace("{t}", "{0}.{1}")).format(
                schema, Identifier(f"notifier_{name}"), Identifier(f"notifier_{name}_idx")))
        self.sql_create_statements.append(SQL(self.positions.positions_ddl()))

    def table(self, name: str) -> str:
        return f'"{self.datastore.schema}"."notifier_{name}"'
