"""Person registrations applied a run at a time: the people, their history rows and their manager chains.

A directory import registers people by the hundred, one after another. Applied one by one, each registration
was four statements and a read that waited a round trip. Instead the projection collects a run of them and
applies it before anything reads the directory again (the page's end, a person's update or erasure): the people
and their history rows in one statement each, and the manager chains relinked in memory over the rows they can
touch, read in three statements and written in two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from services.plan.views.page_rows import in_lists
from shared.views import ViewStore, placeholders

PEOPLE = ("person_id", "aggregate_id", "name", "email", "manager_id", "department", "job_title", "erased", "changed_at")
PERSON_UPDATES = ("aggregate_id", "name", "email", "department", "job_title", "changed_at")  # not the chain, not erased
HISTORY = ("person_id", "position", "valid_from", "department", "job_title")


class Registrations:
    """The page's registrations not yet applied, in log order."""

    def __init__(self) -> None:
        self.people: list[tuple] = []  # the people's rows, as registered (not erased)
        self.history: list[tuple] = []  # their history rows: the department and role the upsert leaves
        self.links: list[tuple[str, str | None]] = []  # (person, manager)

    def add(self, person: tuple, position: int, valid_from: str) -> None:
        """PERSON: (person_id, aggregate_id, name, email, manager_id, department, job_title, changed_at)."""
        self.people.append((*person[:7], 0, person[7]))
        self.history.append((person[0], position, valid_from, person[5], person[6]))
        self.links.append((person[0], person[4]))

    def apply(self, cursor: Any, store: ViewStore, sql: Callable[[str], str]) -> None:
        """Write the run (nothing if empty), as applying each registration in turn would."""
        if not self.people:
            return
        chain = ManagerChain()
        chain.load(cursor, sql, [p for p, _m in self.links], [m for _p, m in self.links if m])
        store.insert_many(cursor, sql("{people}"), PEOPLE, self.people, key=("person_id",), update=PERSON_UPDATES)
        for person, manager in self.links:
            chain.relink(person, manager)
        chain.write(cursor, store, sql)
        store.insert_many(cursor, sql("{person_history}"), HISTORY, self.history, key=("person_id", "position"))
        self.people, self.history, self.links = [], [], []


class ManagerChain:
    """The manager closure rows a run of relinks can read or change, held in memory: every row above or below
    the run's people, above their managers, and above everyone below them."""

    def __init__(self) -> None:
        self.below: dict[str, dict[str, int]] = {}  # manager -> {person: depth}
        self.above: dict[str, dict[str, int]] = {}  # person -> {manager: depth}
        self.inactive: set[str] = set()  # managers deactivated by the identity provider
        self.changed: set[tuple[str, str]] = set()
        self.deleted: set[tuple[str, str]] = set()

    def load(self, cursor: Any, sql: Callable[[str], str], people: Iterable[str], managers: Iterable[str]) -> None:
        """Three reads (by IN lists): the rows below PEOPLE, then the chains above them, above MANAGERS and above
        whoever is below them, then which MANAGERS are inactive. A relink of the run reaches no other row (each
        person it moves was below one of PEOPLE, or is one of them)."""
        people, managers = set(people), set(managers)
        for chunk in in_lists(sorted(people)):
            cursor.execute(sql(f"SELECT manager_id, person_id, depth FROM {{managers}} "
                               f"WHERE manager_id IN ({placeholders(chunk)})"), tuple(chunk))
            for row in cursor.fetchall():
                self._hold(row["manager_id"], row["person_id"], row["depth"])
        chained = sorted(people | managers | {p for below in self.below.values() for p in below})
        for chunk in in_lists(chained):
            cursor.execute(sql(f"SELECT manager_id, person_id, depth FROM {{managers}} "
                               f"WHERE person_id IN ({placeholders(chunk)})"), tuple(chunk))
            for row in cursor.fetchall():
                self._hold(row["manager_id"], row["person_id"], row["depth"])
        for chunk in in_lists(sorted(managers)):
            cursor.execute(sql(f"SELECT person_id FROM {{provisioned}} WHERE active = 0 "
                               f"AND person_id IN ({placeholders(chunk)})"), tuple(chunk))
            self.inactive.update(row["person_id"] for row in cursor.fetchall())

    def relink(self, person: str, manager: str | None) -> None:
        """PlanProjection._relink on the held rows: PERSON and everyone below them get the chain above MANAGER
        instead of their old one; a manager inside the person's own subtree (bad data) stops the chain."""
        below = dict(self.below.get(person, {}))
        below[person] = 0
        for member in below:
            for old in [m for m in self.above.get(member, {}) if m not in below]:
                self._drop(old, member)
        if not manager or manager in below:
            return
        above = [(manager, 1)] + [(m, depth + 1) for m, depth in self.above.get(manager, {}).items()]
        for boss, depth in above:
            if boss in below or boss in self.inactive:
                continue
            for member, under in below.items():
                self._hold(boss, member, depth + under)
                self.changed.add((boss, member))
                self.deleted.discard((boss, member))

    def write(self, cursor: Any, store: ViewStore, sql: Callable[[str], str]) -> None:
        """Delete the dropped rows and upsert the changed ones, a statement each."""
        if self.deleted:
            cursor.executemany(sql("DELETE FROM {managers} WHERE manager_id = ? AND person_id = ?"),
                               sorted(self.deleted))
        if self.changed:
            store.insert_many(cursor, sql("{managers}"), ("manager_id", "person_id", "depth"),
                              [(m, p, self.above[p][m]) for m, p in sorted(self.changed)],
                              key=("manager_id", "person_id"), update=("depth",))

    def _hold(self, manager: str, person: str, depth: int) -> None:
        self.below.setdefault(manager, {})[person] = depth
        self.above.setdefault(person, {})[manager] = depth

    def _drop(self, manager: str, person: str) -> None:
        del self.below[manager][person]
        del self.above[person][manager]
        self.changed.discard((manager, person))
        self.deleted.add((manager, person))
