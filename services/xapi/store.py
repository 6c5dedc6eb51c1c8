"""The xAPI sync's own store: what it needs of learning actions, the outbox of statements, and what it read back.

A feed page, the statements it causes and the feed position are written in ONE transaction (compare and set,
shared/views.py), and each statement's id is derived from its event, so a page applied again after a crash
puts nothing twice in the outbox. Sending is separate: a statement is marked sent after the LRS accepted it;
sent again after a crash, it has the same id, which the LRS keeps once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from shared.views import ViewStore, placeholders

FEED = "xapi_feed"
TABLES = {
    "actions": (
        "CREATE TABLE IF NOT EXISTS {actions} (plan_id TEXT NOT NULL, action_id TEXT NOT NULL, "
        "employee_id TEXT NOT NULL, offer_id TEXT, means TEXT NOT NULL, status TEXT NOT NULL, "
        "planned_start TEXT, started_on TEXT, PRIMARY KEY (plan_id, action_id))"),
    "outbox": (
        "CREATE TABLE IF NOT EXISTS {outbox} (id TEXT PRIMARY KEY, employee_id TEXT NOT NULL, "
        "position BIGINT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
        "next_attempt DOUBLE PRECISION NOT NULL DEFAULT 0, error TEXT)"),
    "people": (
        "CREATE TABLE IF NOT EXISTS {people} (pseudonym TEXT PRIMARY KEY, person_id TEXT NOT NULL)"),
    "statements_read": (
        "CREATE TABLE IF NOT EXISTS {statements_read} (statement_id TEXT PRIMARY KEY, stored TEXT NOT NULL, "
        "outcome TEXT NOT NULL)"),
}
INDEXES = (
    "CREATE INDEX IF NOT EXISTS xapi_outbox_due ON {outbox} (state, next_attempt)",
    "CREATE INDEX IF NOT EXISTS xapi_actions_person ON {actions} (employee_id, offer_id)",
)


@dataclass
class Changes:
    """What a page of feed events decided, written with the position in one transaction."""

    actions: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    statements: list[tuple[str, str, int, dict]] = field(default_factory=list)  # (id, person, position, body)
    people: dict[str, str] = field(default_factory=dict)  # pseudonym -> person id
    forget: list[str] = field(default_factory=list)
    drop_plans: list[str] = field(default_factory=list)


class XapiStore:
    def __init__(self, views: ViewStore) -> None:
        self.views = views

    def create_tables(self) -> None:
        self.views.create_positions()
        with self.views.transaction(commit=True) as cursor:
            for ddl in TABLES.values():
                cursor.execute(self.views.sql(ddl))
            for ddl in INDEXES:
                cursor.execute(self.views.sql(ddl))

    # -- the feed ---------------------------------------------------------------------------------
    def position(self, name: str = FEED) -> int:
        return self.views.position(name)

    def action(self, plan_id: str, action_id: str, cursor: Any = None) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM {actions} WHERE plan_id = ? AND action_id = ?", (plan_id, action_id),
                          cursor)
        return rows[0] if rows else None

    def apply(self, expected: int, position: int, changes: Changes) -> bool:
        """Write CHANGES and move the feed position from EXPECTED to POSITION; False when someone else moved it."""
        with self.views.transaction(commit=True) as c:
            if not self.views.advance(c, FEED, expected, position):
                return False
            sql = self.views.sql
            for plan_id in changes.drop_plans:
                c.execute(sql("DELETE FROM {actions} WHERE plan_id = ?"), (plan_id,))
            for (plan_id, action_id), row in changes.actions.items():
                c.execute(sql("DELETE FROM {actions} WHERE plan_id = ? AND action_id = ?"), (plan_id, action_id))
                c.execute(sql("INSERT INTO {actions} (plan_id, action_id, employee_id, offer_id, means, status, "
                              "planned_start, started_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                          (plan_id, action_id, row["employee_id"], row.get("offer_id"), row["means"], row["status"],
                           row.get("planned_start"), row.get("started_on")))
            for pseudonym, person in changes.people.items():
                c.execute(sql("INSERT INTO {people} (pseudonym, person_id) VALUES (?, ?) "
                              "ON CONFLICT (pseudonym) DO NOTHING"), (pseudonym, person))
            for statement_id, person, at, body in changes.statements:
                c.execute(sql("INSERT INTO {outbox} (id, employee_id, position, body, state) "
                              "VALUES (?, ?, ?, ?, 'pending') ON CONFLICT (id) DO NOTHING"),
                          (statement_id, person, at, json.dumps(body, sort_keys=True)))
            for person in changes.forget:
                c.execute(sql("DELETE FROM {actions} WHERE employee_id = ?"), (person,))
                c.execute(sql("DELETE FROM {people} WHERE person_id = ?"), (person,))
                c.execute(sql("DELETE FROM {outbox} WHERE employee_id = ? AND state <> 'sent'"), (person,))
                c.execute(sql("UPDATE {outbox} SET employee_id = '', body = '{}' WHERE employee_id = ?"),
                          (person,))
        return True

    # -- the outbox -------------------------------------------------------------------------------
    def due(self, now: float, limit: int) -> list[dict[str, Any]]:
        rows = self._rows("SELECT id, body, attempts FROM {outbox} WHERE state = 'pending' AND next_attempt <= ? "
                          "ORDER BY position, id LIMIT ?", (now, limit))
        return [{**row, "body": json.loads(row["body"])} for row in rows]

    def settle(self, statement_id: str, state: str, attempts: int, next_attempt: float = 0,
               error: str | None = None) -> None:
        with self.views.transaction(commit=True) as c:
            c.execute(self.views.sql("UPDATE {outbox} SET state = ?, attempts = ?, next_attempt = ?, error = ? "
                                     "WHERE id = ?"), (state, attempts, next_attempt, error, statement_id))

    def outbox(self, state: str | None = None) -> list[dict[str, Any]]:
        """The outbox for operators and tests: each statement's id, person, state, attempts, error and verb."""
        where, params = ("WHERE state = ? ", (state,)) if state else ("", ())
        rows = self._rows(f"SELECT id, employee_id, state, attempts, error, body FROM {{outbox}} {where}"
                          "ORDER BY position, id", params)
        for row in rows:
            row["body_verb"] = json.loads(row.pop("body")).get("verb", {}).get("id", "")
        return rows

    def is_ours(self, statement_ids: Iterable[str]) -> set[str]:
        ids = list(statement_ids)
        if not ids:
            return set()
        rows = self._rows(f"SELECT id FROM {{outbox}} WHERE id IN ({placeholders(ids)})", ids)
        return {row["id"] for row in rows}

    # -- reading back -----------------------------------------------------------------------------
    def person_of(self, pseudonym: str) -> str | None:
        rows = self._rows("SELECT person_id FROM {people} WHERE pseudonym = ?", (pseudonym,))
        return rows[0]["person_id"] if rows else None

    def open_actions(self, person_id: str) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM {actions} WHERE employee_id = ? AND status IN ('planned', 'started') "
                          "ORDER BY plan_id, action_id", (person_id,))

    def was_read(self, statement_id: str) -> bool:
        return bool(self._rows("SELECT 1 AS known FROM {statements_read} WHERE statement_id = ?", (statement_id,)))

    def mark_read(self, statement_id: str, stored: str, outcome: str) -> None:
        with self.views.transaction(commit=True) as c:
            c.execute(self.views.sql("INSERT INTO {statements_read} (statement_id, stored, outcome) VALUES (?, ?, ?) "
                                     "ON CONFLICT (statement_id) DO NOTHING"), (statement_id, stored, outcome))

    def read(self) -> list[dict[str, Any]]:
        return self._rows("SELECT statement_id, stored, outcome FROM {statements_read} ORDER BY stored, statement_id")

    def move_position(self, name: str, expected: int, new: int) -> bool:
        with self.views.transaction(commit=True) as c:
            return self.views.advance(c, name, expected, new)

    def _rows(self, text: str, params: Iterable[Any] = (), cursor: Any = None) -> list[dict[str, Any]]:
        if cursor is not None:
            cursor.execute(self.views.sql(text), tuple(params))
            return [dict(row) for row in cursor.fetchall()]
        return self.views.rows(text, tuple(params))
