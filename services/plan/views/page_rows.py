"""A plan table's rows (plans, goals, their skills, actions, skills) held for one page of the log.

A page applies many events to the same few rows (a goal set, revised and achieved; an action planned, funded,
started and completed). Reading and writing each row per event was most of the projector's SQL; instead the
rows of the page's plans are read in one statement per table, events change them in memory, and what changed is
written at the end of the page (one DELETE and one upsert per table at most), in the page's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from shared.views import ViewStore, placeholders

IN_LIST = 400  # ids per SELECT ... IN (...): under SQLite's and psycopg's parameter limits
Key = tuple[Any, ...]


def in_lists(ids: list[str]) -> list[list[str]]:
    """IDS cut into lists short enough for one SELECT ... IN (...) each."""
    return [ids[at:at + IN_LIST] for at in range(0, len(ids), IN_LIST)]


class PageRows:
    """The rows of one table, keyed by KEY (its primary key, plan_id first): what `rows` lacks, the table lacks."""

    def __init__(self, name: str, key: tuple[str, ...], columns: Iterable[str]) -> None:
        self.name, self.key, self.columns = name, key, tuple(columns)
        self.rows: dict[Key, dict] = {}
        self.changed: set[Key] = set()
        self.deleted: set[Key] = set()

    def load(self, cursor: Any, sql: Callable[[str], str], plan_ids: Iterable[str]) -> None:
        """Start a page: hold the rows of PLAN_IDS (the page's plans that existed before it; a plan started in
        the page has none)."""
        self.rows, self.changed, self.deleted = {}, set(), set()
        for chunk in in_lists(sorted(plan_ids)):
            cursor.execute(sql(f"SELECT * FROM {{{self.name}}} WHERE plan_id IN ({placeholders(chunk)})"),
                           tuple(chunk))
            for row in cursor.fetchall():
                self.rows[tuple(row[k] for k in self.key)] = dict(row)

    def get(self, *key: Any) -> dict | None:
        return self.rows.get(key)

    def put(self, row: dict) -> None:
        """Insert or replace ROW (its missing columns are NULL)."""
        key = tuple(row[k] for k in self.key)
        self.rows[key] = {column: row.get(column) for column in self.columns}
        self.changed.add(key)
        self.deleted.discard(key)

    def add(self, row: dict) -> None:
        """Insert ROW unless a row with its key is held (INSERT ... ON CONFLICT DO NOTHING)."""
        if tuple(row[k] for k in self.key) not in self.rows:
            self.put(row)

    def update(self, *key: Any, **values: Any) -> None:
        """Change a held row (an UPDATE by primary key: nothing when there is no such row)."""
        row = self.rows.get(key)
        if row is not None:
            row.update(values)
            self.changed.add(key)

    def delete(self, keep: Callable[[dict], bool]) -> None:
        """Delete the held rows KEEP rejects, from the table too at the end of the page."""
        self.deleted.update(self.forget(keep))

    def forget(self, keep: Callable[[dict], bool]) -> list[Key]:
        """Drop the held rows KEEP rejects without deleting them (the caller has deleted them from the table);
        their keys."""
        gone = [key for key, row in self.rows.items() if not keep(row)]
        for key in gone:
            del self.rows[key]
            self.changed.discard(key)
        return gone

    def write(self, cursor: Any, store: ViewStore, sql: Callable[[str], str]) -> None:
        """End the page: delete the deleted rows and upsert the changed ones, a statement each."""
        key, names = self.key, self.columns
        if self.deleted:
            cursor.executemany(sql(f"DELETE FROM {{{self.name}}} WHERE " + " AND ".join(f"{k} = ?" for k in key)),
                               sorted(self.deleted))
        if self.changed:
            store.insert_many(cursor, sql(f"{{{self.name}}}"), names,
                              [[self.rows[k][n] for n in names] for k in sorted(self.changed)],
                              key=key, update=[n for n in names if n not in key])
        self.changed, self.deleted = set(), set()
