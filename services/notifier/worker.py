"""The notifier's one process: follow the feed, sweep by the clock, deliver; back off when something is away."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from services.notifier.directory import DirectoryUnavailableError
from services.notifier.feed import FeedUnavailableError
from services.notifier.runtime import Runtime

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, rt: Runtime, page_size: int = 500, batch: int = 100, idle_seconds: float = 1.0,
                 sweep_seconds: float = 60.0, max_backoff: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rt = rt
        self.page_size, self.batch = page_size, batch
        self.idle_seconds, self.sweep_seconds, self.max_backoff = idle_seconds, sweep_seconds, max_backoff
        self.sleep = sleep
        self.failures = 0
        self.last_sweep = float("-inf")

    def follow_once(self) -> tuple[int, bool]:
        """Apply one feed page with its position: (events applied, whether more are waiting)."""
        store = self.rt.store
        after = store.position()
        page = self.rt.feed.page(after, self.page_size)
        events = [e for e in page["events"] if e["position"] > after]
        position = max([page["next_after"], *(e["position"] for e in events)])
        applied = store.apply_page(events, position, self.rt.rules.decide) if position > after else 0
        return applied, page["head"] > position

    def step(self) -> bool:
        """One round of following, sweeping (when due) and delivering; True when work is waiting."""
        applied, more = self.follow_once()
        if time.monotonic() - self.last_sweep >= self.sweep_seconds:
            self.rt.sweep.run()
            self.last_sweep = time.monotonic()
        settled = self.rt.delivery.run_once(self.batch)
        if applied or settled:
            log.info("applied %s event(s), settled %s notification(s), at position %s", applied, settled,
                     self.rt.store.position())
        return more or settled >= self.batch

    def backoff(self) -> float:
        base = min(self.max_backoff, self.idle_seconds * 2 ** min(self.failures, 10))
        return base * (0.5 + random.random() / 2)

    def run(self, stop: threading.Event | None = None) -> None:
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                busy = self.step()
            except (FeedUnavailableError, DirectoryUnavailableError) as error:
                self.failures += 1
                wait = self.backoff()
                log.warning("%s; retrying in %.1fs", error, wait)
                self.sleep(wait)
                continue
            except Exception:  # a database hiccup: the transaction rolled back, try again later
                self.failures += 1
                log.exception("a notifier round failed; retrying")
                self.sleep(self.backoff())
                continue
            self.failures = 0
            if not busy:
                self.sleep(self.idle_seconds)
