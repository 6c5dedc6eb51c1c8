"""The projector: reads the notification log after the views' position and applies it a page per transaction.

It runs in its own process (`groeipad project`, a `make run` entry), never inside a request. It also takes
the plans' snapshots off the request path: when a page moves a plan past a multiple of SNAPSHOT_EVERY
versions, the projector snapshots it and deletes the older snapshots (only the newest is kept).
`groeipad rebuild-views` projects from position 0 into a fresh set of tables and swaps them in.
The HR reports scan whole tables, so the projector computes and stores them while following the log, when the
views have moved and the stored ones are older than `report_every` seconds. After a bulk catch-up (ANALYZE_AFTER
notifications) and before a rebuild's swap it gives PostgreSQL's planner statistics (ViewStore.analyze).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from services.plan.domain.events import EVENT_CLASSES
from services.plan.views import tables as view_tables
from services.plan.views.projection import PlanProjection
from services.plan.views.queries import PlanQueries
from shared.views import ViewStore

log = logging.getLogger(__name__)
PAGE = 1000
ERASURES = {"groeipad.plan:PersonErased", "groeipad.plan:PlanErased"}
SNAPSHOT_EVERY = 100
ANALYZE_AFTER = 20 * PAGE  # notifications applied in one go after which the planner's statistics are refreshed


class Projector:
    def __init__(self, app: Any, store: ViewStore | None = None, *, name: str = view_tables.LIVE,
                 suffix: str = "", snapshots: bool = True) -> None:
        self.app, self.store, self.name = app, store or app.view_store, name
        self.tables = view_tables.physical(suffix)
        self.projection = PlanProjection(self.store, self.tables)
        self.snapshots = snapshots
        view_tables.create(self.store, self.tables)

    def run_page(self, cursor: Any = None) -> int:
        """Apply the next page; how many notifications it held (0: caught up). With CURSOR, inside the caller's
        transaction (the rebuild's swap); else in a transaction of its own."""
        position = self.store.position(self.name, cursor)
        notifications = self.app.notification_log.select(position, PAGE, inclusive_of_start=False)
        if not notifications:
            return 0
        page = [(n, self.app.mapper.to_domain_event(n)) for n in notifications]
        last = notifications[-1].id
        if cursor is not None:
            self._apply(cursor, position, last, page)
        else:
            with self.store.transaction(commit=True) as own:
                if self.store.postgres is False:
                    own.execute("PRAGMA secure_delete=ON")  # an erased person's rows leave no copy in free pages
                if not self._apply(own, position, last, page):
                    return len(notifications)  # someone else moved the position: read it again
        if self.snapshots:
            self._snapshot(page)
        if any(n.topic in ERASURES for n, _ in page):
            self.store.purge([self.tables[name] for name in view_tables.COLUMNS])
        return len(notifications)

    def _apply(self, cursor: Any, position: int, last: int, page: list) -> bool:
        if not self.store.advance(cursor, self.name, position, last):
            return False
        with self.store.pipelined(cursor):
            self.projection.apply(cursor, page)
        return True

    def catch_up(self) -> int:
        """Apply every page up to the log's head; how many notifications were read. After a bulk load the
        tables' planner statistics are refreshed (see ViewStore.analyze)."""
        total = 0
        while True:
            count = self.run_page()
            total += count
            if count < PAGE:
                if total >= ANALYZE_AFTER:
                    self.analyze()
                return total

    def analyze(self) -> None:
        self.store.analyze(self.tables.values())

    def refresh_reports(self) -> int:
        """Compute the HR reports from the views and store them; the views' position they reflect."""
        return PlanQueries(self.store).refresh_reports(datetime.now(UTC).isoformat(timespec="seconds"))

    def run_forever(self, idle_seconds: float = 0.05, stop: Any = None, report_every: float = 60.0) -> None:
        """Follow the log until STOP (a threading.Event) is set; a failing page is retried after a pause. When
        caught up, refresh the stored reports if the views moved and they are older than REPORT_EVERY seconds."""
        pause, reported, reported_at, unanalyzed = idle_seconds, -1, float("-inf"), 0
        while stop is None or not stop.is_set():
            try:
                count = self.run_page()
                pause, unanalyzed = idle_seconds, unanalyzed + count
                if count == 0 and unanalyzed >= ANALYZE_AFTER:
                    self.analyze()
                    unanalyzed = 0
                if (count == 0 and time.monotonic() - reported_at >= report_every
                        and self.store.position(self.name) != reported):
                    reported, reported_at = self.refresh_reports(), time.monotonic()
            except Exception:  # the store may be away for a moment; nothing was committed
                log.exception("projecting the plan log failed; retrying")
                count, pause = 0, min(pause * 2, 5.0)
            if count == 0:
                time.sleep(pause)

    # -- snapshots --------------------------------------------------------------------------------
    def _snapshot(self, page: list) -> None:
        crossed = {}
        for notification, _event in page:
            if (notification.originator_version % SNAPSHOT_EVERY == 0
                    and notification.topic.split(":", 1)[1] in EVENT_CLASSES):
                crossed[notification.originator_id] = notification.originator_version
        for plan_id, version in crossed.items():
            try:
                self.app.take_snapshot(plan_id, version=version)
                self.app.delete_snapshots(plan_id, keep_newest=True)
            except IntegrityError:
                pass  # taken already (a page applied again after a crash)
            except Exception:  # a snapshot only speeds up loading
                log.exception("could not snapshot plan %s at version %s", plan_id, version)


def rebuild(app: Any) -> int:
    """Project from position 0 into fresh tables, then swap them in: the live views keep answering meanwhile.
    Returns the position the new views start from."""
    store = app.view_store
    next_tables = view_tables.physical("_next")
    view_tables.drop(store, next_tables)
    with store.transaction(commit=True) as cursor:
        store.set_position(cursor, view_tables.NEXT, None)
    builder = Projector(app, store, name=view_tables.NEXT, suffix="_next", snapshots=False)
    if builder.catch_up() < ANALYZE_AFTER:
        builder.analyze()  # fresh tables: without statistics the swapped-in views would be planned as empty
    live = view_tables.physical()
    with store.transaction(commit=True) as cursor:
        # Lock the live position first: the live projector waits, then finds its position moved and re-reads.
        live_position = store.position(view_tables.LIVE, cursor)
        store.advance(cursor, view_tables.LIVE, live_position, live_position)
        while builder.run_page(cursor) == PAGE:
            pass
        reached = store.position(view_tables.NEXT, cursor)
        for name in view_tables.COLUMNS:
            cursor.execute(store.sql(f"DROP TABLE IF EXISTS {{{name}}}", live))
            cursor.execute(store.sql(f"ALTER TABLE {{{name}}} RENAME TO {store.bare(live[name])}", next_tables))
        store.set_position(cursor, view_tables.LIVE, reached)
        store.set_position(cursor, view_tables.NEXT, None)
    return reached
