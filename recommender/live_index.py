"""The matcher each worker serves from: rebuilt in the background when the catalogue version moves.

Queries never wait for a rebuild (except the very first build): a new index is fitted aside and
swapped in with one assignment, so a query sees either the old matcher or the new one, whole.

The fit itself runs in a child process (multiprocessing, spawn) once the store holds at least
RECOMMENDER_INDEX_PROCESS_MIN events (default 2,000): the child opens the same store, reads the
catalogue, fits, and hands the fitted index back through a pipe. The serving process only waits
(no GIL held), so queries keep their speed, and the fit's temporary memory (full texts, vectorizer
state) never lands in the worker. Small catalogues, and stores a child cannot open (in-memory
SQLite), are fitted in a thread of the worker itself, which takes well under a second there.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

from prometheus_client import Counter, Gauge, Histogram

from recommender.application import Recommender
from recommender.domainmodel import SETTINGS_ID
from recommender.matcher import DEFAULT_WEIGHTS, Matcher, OfferIndex, OfferStats
from recommender.taxonomy import Taxonomy

log = logging.getLogger(__name__)
PROCESS_MIN_EVENTS = 2000
CHILD_TIMEOUT_S = 3600.0


class Fitted(NamedTuple):
    """What a fit yields, before the worker adds the feedback statistics."""

    index: OfferIndex
    taxonomy: Taxonomy
    weights: dict
    settings_version: int
    curation: dict


def fit_catalogue(app: Recommender) -> Fitted:
    """Fit the index on APP's catalogue as it is now (catching its replica up first)."""
    version = app.replica.catch_up()
    settings = app.settings() or {}
    settings_agg = app.replica.get(SETTINGS_ID)
    taxonomy = Taxonomy.build(app.imported_skills(), settings.get("synonyms"))
    index = OfferIndex().fit(app.offers(active_only=True), version)
    index.tag_skills(taxonomy)
    return Fitted(index, taxonomy, {**DEFAULT_WEIGHTS, **settings.get("weights", {})},
                  settings_agg.version if settings_agg else 0, settings.get("curation") or {})


def fit_in_child(store_env: dict[str, str]) -> Fitted:
    """The child process's work: open the store read-only, fit, return (pickled by the pool)."""
    app = Recommender(env={**store_env, "CREATE_TABLE": "n"})
    try:
        return fit_catalogue(app)
    finally:
        app.close()


def child_can_open(store_env: dict[str, str]) -> bool:
    """An in-memory SQLite database exists only inside this process."""
    return "mode=memory" not in store_env.get("SQLITE_DBNAME", "") and bool(store_env)


INDEX_BUILDS = Counter("groeipad_recommender_index_builds_total", "Matcher indexes fitted (first build and rebuilds)")
INDEX_BUILD_SECONDS = Histogram("groeipad_recommender_index_build_seconds", "Time to fit the matcher index",
                                buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120))
INDEX_OFFERS = Gauge("groeipad_recommender_index_offers", "Offers in the index that answers queries")


class LiveMatcher:
    """Holds the current Matcher; checks the store's version at most every CHECK_SECONDS."""

    def __init__(self, app: Recommender, stats_source: Callable[[], dict[str, OfferStats]] | None = None,
                 check_seconds: float = 1.0, stats_seconds: float = 30.0,
                 process_min_events: int = PROCESS_MIN_EVENTS):
        self.app = app
        self.stats_source = stats_source
        self.check_seconds, self.stats_seconds = check_seconds, stats_seconds
        self.process_min_events = process_min_events
        self._matcher: Matcher | None = None
        self._checked = self._stats_loaded = 0.0
        self._lock = threading.Lock()
        self._rebuilding: threading.Thread | None = None
        self._closed = False

    def in_child(self) -> bool:
        """Whether the next fit runs in a child process (large catalogue, a store it can open)."""
        return (child_can_open(self.app.store_env)
                and self.app.catalogue_version() >= self.process_min_events)

    def fit(self) -> Fitted:
        if not self.in_child():
            return fit_catalogue(self.app)
        started = time.monotonic()
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            fitted = pool.submit(fit_in_child, self.app.store_env).result(timeout=CHILD_TIMEOUT_S)
        log.info("index fitted in a child process in %.2fs", time.monotonic() - started)
        return fitted

    def build(self) -> Matcher:
        """Fit a matcher on the catalogue as it is now."""
        with INDEX_BUILD_SECONDS.time():
            fitted = self.fit()
        INDEX_BUILDS.inc()
        INDEX_OFFERS.set(len(fitted.index.offers_))
        return Matcher(fitted.index, fitted.taxonomy, fitted.weights, self._stats(),
                       fitted.settings_version, fitted.curation)

    def is_built(self) -> bool:
        return self._matcher is not None

    def warm_up(self) -> None:
        """Start building the first index in the background (readiness waits for it, not a request)."""
        if self._matcher is None:
            self._rebuild_in_background()

    def _stats(self) -> dict[str, OfferStats]:
        if self.stats_source is None:
            return {}
        try:
            stats = self.stats_source()
        except Exception:  # the read model is optional for ranking: rank without feedback
            log.exception("offer statistics unavailable; ranking without feedback")
            return {}
        self._stats_loaded = time.monotonic()
        return stats

    def current(self) -> Matcher:
        """The newest matcher available without waiting (built synchronously only the first time)."""
        if self._matcher is None:
            warming = self._rebuilding
            if warming is not None and warming.is_alive():
                warming.join()  # the first index is on its way: wait for it rather than fit twice
            with self._lock:
                if self._matcher is None:
                    self._matcher = self.build()
                    self._checked = time.monotonic()
            return self._matcher
        now = time.monotonic()
        if now - self._checked >= self.check_seconds:
            self._checked = now
            if self.app.catalogue_version() != self._matcher.index.version_:
                self._rebuild_in_background()
            elif now - self._stats_loaded >= self.stats_seconds and self.stats_source:
                self._matcher.set_stats(self._stats())
        return self._matcher

    def refresh(self) -> Matcher:
        """Rebuild now and wait (commands and tests)."""
        self._matcher = self.build()
        return self._matcher

    def _rebuild_in_background(self) -> None:
        with self._lock:
            if self._closed or (self._rebuilding is not None and self._rebuilding.is_alive()):
                return
            self._rebuilding = threading.Thread(target=self._rebuild, name="index-rebuild",
                                                daemon=True)
            self._rebuilding.start()

    def _rebuild(self) -> None:
        try:
            started = time.monotonic()
            matcher = self.build()
            self._matcher = matcher  # one assignment: queries see old or new, never half
            log.info("index rebuilt for catalogue version %s with %s offers in %.2fs",
                     matcher.index.version_, len(matcher.index.offers_),
                     time.monotonic() - started)
        except Exception:
            log.exception("index rebuild failed; still serving the previous index")

    def close(self) -> None:
        """Let a running rebuild finish before the store's connections close under it."""
        self._closed = True
        self.wait_for_rebuild()

    def wait_for_rebuild(self, timeout: float = 30.0) -> None:
        thread = self._rebuilding
        if thread is not None:
            thread.join(timeout)
