"""Tracked views: SQL tables a projection keeps in a service's own store, with its log position beside them.

A projection applies a page of events and moves its position in ONE transaction, and only if the position is
still the one it read before the page (compare and set): after a crash the page is applied again from the
tracked position, and a second projector (or a rebuild swapping tables in) can never count a page twice.
Positions live in our own table rather than the library's tracking table, whose in-transaction insert is not
public API. The store's connections are the application's own (its public `datastore`), SQLite or PostgreSQL.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

POSITIONS = "view_positions"
WAIT_STEP_SECONDS = 0.02
_NAME = re.compile(r"\{(\w+)\}")


class ViewStore:
    """Connections, table names and positions of a service's views; SQL is written with `?` and `{table}`."""

    def __init__(self, datastore: Any, prefix: str = "") -> None:
        self.datastore = datastore
        self.postgres = hasattr(datastore, "schema")
        self.prefix = prefix  # PostgreSQL tables carry the service's name, as the library's do

    @classmethod
    def of(cls, app: Any) -> ViewStore:
        """The views in the same store, through the same connection pool, as the eventsourcing application APP;
        for the library's in-memory store (tests), an in-memory SQLite database of their own."""
        datastore = getattr(app.recorder, "datastore", None)
        if datastore is None:
            from eventsourcing.sqlite import SQLiteDatastore

            datastore = SQLiteDatastore(f"file:{app.name}-views-{uuid.uuid4().hex}?mode=memory&cache=shared")
        return cls(datastore, prefix=f"{app.name}_")

    # -- naming -----------------------------------------------------------------------------------
    def table(self, name: str) -> str:
        if self.postgres:
            return f'"{self.datastore.schema}"."{self.prefix}{name}"'
        return f'"{name}"'

    def bare(self, name: str) -> str:
        """The unqualified name, as ALTER TABLE ... RENAME TO wants it."""
        return f'"{self.prefix}{name}"' if self.postgres else f'"{name}"'

    def sql(self, text: str, tables: dict[str, str] | None = None) -> str:
        """TEXT with {name} replaced by the table's name (TABLES maps a view name to the physical one) and
        `?` by the driver's placeholder."""
        tables = tables or {}
        text = _NAME.sub(lambda m: self.table(tables.get(m.group(1), m.group(1))), text)
        return text.replace("?", "%s") if self.postgres else text

    @staticmethod
    def index_name(table: str) -> str:
        """A fresh index name: names are global per schema, and a rebuilt table keeps its indexes' names."""
        return f"{table}_{uuid.uuid4().hex[:10]}"

    # -- transactions -----------------------------------------------------------------------------
    @contextmanager
    def transaction(self, commit: bool = False) -> Iterator[Any]:
        with self.datastore.transaction(commit=commit) as cursor:
            yield cursor

    @contextmanager
    def pipelined(self, cursor: Any) -> Iterator[None]:
        """Statements of CURSOR's transaction sent without waiting for each answer (psycopg's pipeline mode; a
        fetch waits for what it needs). A page is a few statements per event: one network round trip each
        made the projector on PostgreSQL spend most of its time waiting. SQLite runs in-process: nothing to do."""
        if not self.postgres:
            yield
            return
        with cursor.connection.pipeline():
            yield

    def insert_many(self, cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    key: Sequence[str], update: Sequence[str] = ()) -> None:
        """INSERT ROWS (values of COLUMNS) into TABLE (its name in SQL), ON CONFLICT (KEY) DO UPDATE SET the
        UPDATE columns or DO NOTHING, as an executemany would in the rows' order. On PostgreSQL one statement per
        run of distinct keys, the rows sent as one JSON document typed by the table's own row type: executemany
        sends each row as a statement of its own, and on a page of a thousand events those were more than half of
        the page's work after decoding its events."""
        if not rows:
            return
        conflict = f"ON CONFLICT ({', '.join(key)}) " + (
            "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in update) if update else "DO NOTHING")
        names = ", ".join(columns)
        if not self.postgres:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders(columns)}) {conflict}", rows)
            return
        statement = (f"INSERT INTO {table} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{table}, %s) "
                     f"{conflict}")
        at = [columns.index(k) for k in key]
        for run in _distinct_runs(rows, at):
            document = [dict(zip(columns, row, strict=True)) for row in run]
            cursor.execute(statement, (json.dumps(document, default=str),))  # a date or Decimal as its text

    def sync(self, cursor: Any) -> None:
        """Wait for the statements CURSOR's pipeline has sent (PostgreSQL): a SELECT sent right after a long
        executemany in one pipeline sometimes got the INSERT's status instead of its rows (psycopg 3.3.9)."""
        if self.postgres:
            with cursor.connection.pipeline() as pipeline:
                pipeline.sync()

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A cursor for reads, with no BEGIN and ROLLBACK around them: the connections are in autocommit mode, so
        each statement reads one consistent state on its own. A request's few small reads each paid two more
        statements (on PostgreSQL, two more round trips) for a transaction that held one SELECT."""
        connection = self.datastore.get_connection() if self.postgres else self.datastore.get_connection(commit=False)
        with connection as conn, conn.cursor() as cursor:
            yield cursor

    def rows(self, text: str, params: Sequence[Any] = (), tables: dict[str, str] | None = None,
             cursor: Any = None) -> list[dict]:
        """The rows of one SELECT as dicts, on CURSOR (a `reading()` cursor or a transaction's) or a cursor of
        its own."""
        if cursor is None:
            with self.reading() as own:
                return self.rows(text, params, tables, own)
        cursor.execute(self.sql(text, tables), tuple(params))
        return fetch_dicts(cursor)

    def positions_ddl(self) -> str:
        return self.sql(f"CREATE TABLE IF NOT EXISTS {{{POSITIONS}}} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")

    def create_positions(self) -> None:
        with self.transaction(commit=True) as cursor:
            cursor.execute(self.positions_ddl())

    def purge(self, tables: Iterable[str]) -> None:
        """After personal data was overwritten or deleted: leave no old copy where the database keeps one (the
        SQLite write-ahead log; PostgreSQL's dead row versions until vacuumed)."""
        if not self.postgres:
            with self.transaction() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        with self.datastore.get_connection() as conn:
            conn.autocommit = True
            try:
                for table in tables:
                    conn.execute(f"VACUUM {self.table(table)}")
            finally:
                conn.autocommit = False

    def analyze(self, tables: Iterable[str]) -> None:
        """Give PostgreSQL's planner statistics for TABLES after a bulk load, and clear the dead row versions it
        left. Until autovacuum gets to them (a minute or more), freshly filled tables have no statistics, and a
        department head's team overview at 20,000 people took 2.0 s instead of 0.24 s (nested loops planned for
        empty tables). A catch-up also updates each plan's summary row about ten times: the plans table held two
        dead versions per live row, scans read three times the pages, and without a visibility map a list's total
        could not count from the indexes alone (VACUUM sets it). SQLite's planner needs none of this."""
        if not self.postgres:
            return
        with self.datastore.get_connection() as conn:
            autocommit, conn.autocommit = conn.autocommit, True  # VACUUM runs outside a transaction
            try:
                for table in tables:
                    conn.execute(f"VACUUM (ANALYZE) {self.table(table)}")
            finally:
                conn.autocommit = autocommit

    # -- positions --------------------------------------------------------------------------------
    def position(self, name: str, cursor: Any = None) -> int:
        """How far the projection NAME has applied the log (0 before its first page)."""
        query = self.sql(f"SELECT position FROM {{{POSITIONS}}} WHERE name = ?")
        if cursor is not None:
            cursor.execute(query, (name,))
            row = cursor.fetchone()
            return int(row["position"]) if row else 0
        with self.reading() as own:
            return self.position(name, own)

    def advance(self, cursor: Any, name: str, expected: int, new: int) -> bool:
        """Move NAME from EXPECTED to NEW inside the caller's transaction; False when someone else moved it.
        Run it first in a transaction: on SQLite the write lock is then taken before anything is read."""
        cursor.execute(self.sql(f"UPDATE {{{POSITIONS}}} SET position = ? WHERE name = ? AND position = ?"),
                       (new, name, expected))
        if _rowcount(cursor) == 1:
            return True
        if expected == 0:
            cursor.execute(self.sql(f"SELECT 1 AS known FROM {{{POSITIONS}}} WHERE name = ?"), (name,))
            if cursor.fetchone() is None:
                cursor.execute(self.sql(f"INSERT INTO {{{POSITIONS}}} (name, position) VALUES (?, ?)"), (name, new))
                return True
        return False

    def set_position(self, cursor: Any, name: str, position: int | None) -> None:
        cursor.execute(self.sql(f"DELETE FROM {{{POSITIONS}}} WHERE name = ?"), (name,))
        if position is not None:
            cursor.execute(self.sql(f"INSERT INTO {{{POSITIONS}}} (name, position) VALUES (?, ?)"), (name, position))

    def wait(self, name: str, position: int, timeout: float) -> int:
        """Wait up to TIMEOUT seconds until NAME reaches POSITION; the position reached either way."""
        deadline = time.monotonic() + timeout
        while True:
            reached = self.position(name)
            if reached >= position or time.monotonic() >= deadline:
                return reached
            time.sleep(WAIT_STEP_SECONDS)


def placeholders(values: Iterable[Any]) -> str:
    return ", ".join("?" for _ in values)


def fetch_dicts(cursor: Any) -> list[dict]:
    """The cursor's remaining rows as dicts. psycopg's rows already are (the library's connections make them so);
    SQLite's are `sqlite3.Row`, zipped with the column names: `dict(row)` looks each name up again, and on a page
    of fifty plans that was a tenth of a list's time."""
    raw = getattr(cursor, "sqlite_cursor", cursor)  # a transaction's cursor wraps sqlite3's; reading() gives it
    if not isinstance(raw, sqlite3.Cursor):
        return cursor.fetchall()
    names = [column[0] for column in raw.description]
    return [dict(zip(names, row, strict=True)) for row in raw.fetchall()]


def _distinct_runs(rows: Sequence[Sequence[Any]], at: list[int]) -> Iterator[Sequence[Sequence[Any]]]:
    """ROWS cut, in order, into runs in which no two rows share a key (the values at AT): one statement may not
    change a row twice. Usually all keys differ: one run."""
    keys = [tuple(row[i] for i in at) for row in rows]
    if len(set(keys)) == len(keys):
        yield rows
        return
    run: list[Sequence[Any]] = []
    seen: set[tuple] = set()
    for key, row in zip(keys, rows, strict=True):
        if key in seen:
            yield run
            run, seen = [], set()
        run.append(row)
        seen.add(key)
    yield run


def _rowcount(cursor: Any) -> int:
    """Rows the last statement changed: psycopg's cursor says it; the library's SQLite cursor wraps sqlite3's."""
    raw = getattr(cursor, "sqlite_cursor", cursor)
    return raw.rowcount
