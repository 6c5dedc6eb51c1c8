"""The xAPI sync's one process: follow the plan feed into the outbox, send the outbox, read completions back.

Like the notifier's worker: each feed page and its position in one transaction; a statement that the LRS could
not take is retried with doubling back-off (XAPI_RETRY_SECONDS, up to XAPI_MAX_ATTEMPTS, then left `failed`
for an operator); an LRS or a service that is away pauses the round as a whole and it is tried again later.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.notifier.directory import DirectoryUnavailableError
from services.notifier.feed import FeedClient, FeedUnavailableError
from services.xapi.catalogue import CatalogueUnavailableError
from services.xapi.lrs import Lrs, LrsUnavailableError, StatementRefusedError
from services.xapi.outbound import Outbound
from services.xapi.readback import PlanUnavailableError
from services.xapi.store import XapiStore

log = logging.getLogger(__name__)
AWAY = (FeedUnavailableError, LrsUnavailableError, CatalogueUnavailableError, DirectoryUnavailableError,
        PlanUnavailableError)


@dataclass
class SyncSettings:
    page_size: int = 500
    batch: int = 100
    idle_seconds: float = 1.0
    retry_seconds: float = 30.0
    max_attempts: int = 8
    max_backoff: float = 60.0


class Sync:
    def __init__(self, store: XapiStore, feed: FeedClient, outbound: Outbound, lrs: Lrs, readback: Any = None,
                 settings: SyncSettings | None = None, sleep: Callable[[float], Any] = time.sleep,
                 clock: Callable[[], float] = time.time) -> None:
        self.store, self.feed, self.outbound, self.lrs, self.readback = store, feed, outbound, lrs, readback
        self.settings = settings or SyncSettings()
        self.sleep, self.clock = sleep, clock
        self.failures = 0

    def follow_once(self) -> tuple[int, bool]:
        """Turn one feed page into outbox statements with its position: (statements queued, more waiting)."""
        after = self.store.position()
        page = self.feed.page(after, self.settings.page_size)
        events = [e for e in page["events"] if e["position"] > after]
        position = max([page["next_after"], *(e["position"] for e in events)])
        if position <= after:
            return 0, False
        changes = self.outbound.decide(events)
        if not self.store.apply(after, position, changes):
            return 0, True  # another sync moved the position: read again from there
        return len(changes.statements), page["head"] > position

    def send_once(self) -> int:
        """Send the statements that are due; the number settled (sent, or given up)."""
        settled = 0
        for row in self.store.due(self.clock(), self.settings.batch):
            attempts = row["attempts"] + 1
            try:
                self.lrs.put(row["body"])
            except StatementRefusedError as error:
                log.error("%s", error)
                self.store.settle(row["id"], "failed", attempts, error=str(error)[:500])
                settled += 1
                continue
            except LrsUnavailableError as error:
                if attempts >= self.settings.max_attempts:
                    self.store.settle(row["id"], "failed", attempts, error=str(error)[:500])
                    settled += 1
                    continue
                wait = self.settings.retry_seconds * 2 ** (attempts - 1)
                self.store.settle(row["id"], "pending", attempts, self.clock() + wait, str(error)[:500])
                raise
            self.store.settle(row["id"], "sent", attempts)
            settled += 1
        return settled

    def step(self) -> bool:
        """One round; True when work is waiting."""
        queued, more = self.follow_once()
        sent = self.send_once()
        read = self.readback.run_once() if self.readback is not None else 0
        if queued or sent or read:
            log.info("queued %s statement(s), sent %s, read back %s, at feed position %s", queued, sent, read,
                     self.store.position())
        return more or sent >= self.settings.batch

    def backoff(self) -> float:
        base = min(self.settings.max_backoff, self.settings.idle_seconds * 2 ** min(self.failures, 10))
        return base * (0.5 + random.random() / 2)

    def run(self, stop: threading.Event | None = None) -> None:
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                busy = self.step()
            except AWAY as error:
                self.failures += 1
                wait = self.backoff()
                log.warning("%s; retrying in %.1fs", error, wait)
                self.sleep(wait)
                continue
            except Exception:  # a database hiccup: the transaction rolled back, try again later
                self.failures += 1
                log.exception("an xAPI sync round failed; retrying")
                self.sleep(self.backoff())
                continue
            self.failures = 0
            if not busy:
                self.sleep(self.settings.idle_seconds)

    def drain(self) -> None:
        """Follow the feed to its head and send everything due (`groeipad xapi-sync --once`)."""
        while self.follow_once()[1]:
            pass
        while self.send_once() >= self.settings.batch:
            pass
        if self.readback is not None:
            self.readback.run_once()
