"""The library's repository with a write-through aggregate cache: a worker's own writes keep its cache current.

With fast-forwarding on, the library leaves the cached aggregate as it was after a save, so the next load of
that plan reads the event just written back from the store. Here a save also applies its events to the cached
aggregate, and a load that already knows the plan's committed version (the PlanIndex caught up just before)
copies the cached aggregate when it is at that version, without a query of its own. Anything else falls back
to the library's get(), which fast-forwards from the store as before.

Both shortcuts hold the library's per-aggregate fast-forward lock, so they never interleave with a
fast-forward of the same cached aggregate; the cache and its locks stay the library's own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from copy import copy, deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

log = logging.getLogger(__name__)


class WriteThroughRepository(Repository[UUID]):
    @classmethod
    def configured_like(cls, library: Repository[UUID]) -> WriteThroughRepository:
        """This repository with the settings the library read from the environment for LIBRARY."""
        maxsize = None if library.cache is None else getattr(library.cache, "maxsize", 0)
        return cls(event_store=library.event_store, snapshot_store=library.snapshot_store, cache_maxsize=maxsize,
                   fastforward=library.fastforward, fastforward_skipping=library.fastforward_skipping,
                   deepcopy_from_cache=library.deepcopy_from_cache)

    def copy_if_at(self, aggregate_id: UUID, version: int) -> Any | None:
        """A copy of the cached aggregate if it is at VERSION; None when it is not cached, or at another version."""
        if self.cache is None or not self.fastforward:
            return None
        with self._fastforward_locked(aggregate_id):
            try:
                cached = self.cache.get(aggregate_id)
            except KeyError:
                return None
            if cached.version != version:
                return None
            return deepcopy(cached) if self.deepcopy_from_cache else cached

    def advance(self, aggregate_id: UUID, version_before: int, events: Iterable[Any]) -> None:
        """Apply EVENTS, just saved on top of VERSION_BEFORE, to the cached aggregate if it is still at that
        version: what the next fast-forward would read back from the store."""
        if self.cache is None or not self.fastforward:
            return  # without fast-forwarding the library caches the saved aggregate itself
        with self._fastforward_locked(aggregate_id):
            try:
                cached = self.cache.get(aggregate_id)
            except KeyError:
                return
            if cached.version != version_before:
                return  # a fast-forward got there first, or the cache moved on
            try:
                for event in events:
                    _fresh(event).mutate(cached)
            except Exception:  # the events are stored whatever happens here; never fail the write for the cache
                log.exception("could not advance the cached aggregate %s; it is dropped", aggregate_id)
                self.cache.get(aggregate_id, evict=True)  # half applied: the next load rebuilds it from the store

    @contextmanager
    def _fastforward_locked(self, aggregate_id: UUID) -> Iterator[None]:
        """The lock get() holds while it fast-forwards this aggregate (the library's helpers; it is pinned)."""
        lock = self._use_fastforward_lock(aggregate_id)
        try:
            with lock:
                yield
        finally:
            self._disuse_fastforward_lock(aggregate_id)


def _fresh(event: Any) -> Any:
    """A copy of EVENT with dicts and lists of its own, as decoding it from the store would give: the cached
    aggregate then shares no mutable value with the caller's. (A full deepcopy costs twice as much.)"""
    fresh = copy(event)
    for name, value in vars(event).items():
        if isinstance(value, dict | list):
            object.__setattr__(fresh, name, deepcopy(value))
    return fresh
