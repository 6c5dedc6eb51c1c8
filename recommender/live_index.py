"""The matcher each worker serves from: rebuilt in the background when the catalogue version moves.

Queries never wait for a rebuild (except the very first build): a new index is fitted aside and
swapped in with one assignment, so a query sees either the old matcher or the new one, whole.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from recommender.application import Recommender
from recommender.domainmodel import SETTINGS_ID
from recommender.matcher import DEFAULT_WEIGHTS, Matcher, OfferIndex, OfferStats
from recommender.taxonomy import Taxonomy

log = logging.getLogger(__name__)


class LiveMatcher:
    """Holds the current Matcher; checks the store's version at most every CHECK_SECONDS."""

    def __init__(self, app: Recommender, stats_source: Callable[[], dict[str, OfferStats]] | None = None,
                 check_seconds: float = 1.0, stats_seconds: float = 30.0):
        self.app = app
        self.stats_source = stats_source
        self.check_seconds, self.stats_seconds = check_seconds, stats_seconds
        self._matcher: Matcher | None = None
        self._checked = self._stats_loaded = 0.0
        self._lock = threading.Lock()
        self._rebuilding: threading.Thread | None = None
        self._closed = False

    def build(self) -> Matcher:
        """Fit a matcher on the catalogue as it is now (catching the replica up first)."""
        version = self.app.replica.catch_up()
        settings = self.app.settings() or {}
        settings_agg = self.app.replica.get(SETTINGS_ID)
        taxonomy = Taxonomy.build(self.app.imported_skills(), settings.get("synonyms"))
        index = OfferIndex().fit(self.app.offers(active_only=True), version)
        index.tag_skills(taxonomy)
        matcher = Matcher(index, taxonomy, {**DEFAULT_WEIGHTS, **settings.get("weights", {})},
                          self._stats(), settings_agg.version if settings_agg else 0)
        return matcher

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
