"""The library's repository with a write-through aggregate cache: a worker's own writes keep its cache current.

With fast-forwarding on, the library leaves the cached aggregate as it was after a save, so the next load of
that plan reads the event just written back from the store. Here a write either borrows the cached aggregate
itself (lend: no copy of the plan's whole history on every write) or, when it is not current, saves a copy
and applies the saved events to the cache (advance). A read that already knows the plan's committed version
(the PlanIndex caught up just before) copies the cached aggregate when it is at that version, without a query
of its own. Anything else falls back to the library's get(), which fast-forwards from the store as before.

Every use of a cached aggregate holds the library's per-aggregate fast-forward lock, so a lent aggregate is
never copied half-changed; the cache and its locks stay the library's own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from copy import copy, deepcopy
from threading import Lock
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository, project_aggregate

log = logging.getLogger(__name__)
GET_ATTEMPTS = 5


class WriteThroughRepository(Repository[UUID]):
    @classmethod
    def configured_like(cls, library: Repository[UUID]) -> WriteThroughRepository:
        """This repository with the settings the library read from the environment for LIBRARY."""
        maxsize = None if library.cache is None else getattr(library.cache, "maxsize", 0)
        return cls(event_store=library.event_store, snapshot_store=library.snapshot_store, cache_maxsize=maxsize,
                   fastforward=library.fastforward, fastforward_skipping=library.fastforward_skipping,
                   deepcopy_from_cache=library.deepcopy_from_cache)

    def get(self, aggregate_id: UUID, *, version: int | None = None, deepcopy_from_cache: bool = True,
            **options: Any) -> Any:
        """The library's get(), with the copy of a cached aggregate taken under its lock: a lent aggregate
        changes in place, and a copy must see it before or after a write, never during one."""
        if version is not None or self.cache is None or not (deepcopy_from_cache and self.deepcopy_from_cache):
            return super().get(aggregate_id, version=version, deepcopy_from_cache=deepcopy_from_cache, **options)
        for _ in range(GET_ATTEMPTS):
            cached = super().get(aggregate_id, deepcopy_from_cache=False, **options)
            with self._fastforward_locked(aggregate_id):
                if self._cached(aggregate_id) is cached:
                    return deepcopy(cached)
            # dropped meanwhile by a write that failed half-way: load it again
        return self._reconstruct_aggregate(aggregate_id, None, options.get("projector_func", project_aggregate))

    def lend(self, aggregate_id: UUID, version: int, refusals: tuple[type[BaseException], ...] = ()) -> Lease | None:
        """The cached aggregate itself, locked for one command and its save, if it is at VERSION; else None.
        REFUSALS are errors a command raises before it changes anything: they leave the aggregate cached."""
        if self.cache is None or not self.fastforward:
            return None
        lock = self._use_fastforward_lock(aggregate_id)
        lock.acquire()
        cached = self._cached(aggregate_id)
        if cached is None or cached.version != version:
            lock.release()
            self._disuse_fastforward_lock(aggregate_id)
            return None
        return Lease(self, aggregate_id, cached, lock, refusals)

    def copy_if_at(self, aggregate_id: UUID, version: int) -> Any | None:
        """A copy of the cached aggregate if it is at VERSION; None when it is not cached, or at another version."""
        if self.cache is None or not self.fastforward:
            return None
        with self._fastforward_locked(aggregate_id):
            cached = self._cached(aggregate_id)
            if cached is None or cached.version != version:
                return None
            return deepcopy(cached) if self.deepcopy_from_cache else cached

    def advance(self, aggregate_id: UUID, version_before: int, events: Iterable[Any]) -> None:
        """Apply EVENTS, just saved on top of VERSION_BEFORE, to the cached aggregate if it is still at that
        version: what the next fast-forward would read back from the store."""
        if self.cache is None or not self.fastforward:
            return  # without fast-forwarding the library caches the saved aggregate itself
        with self._fastforward_locked(aggregate_id):
            cached = self._cached(aggregate_id)
            if cached is None or cached.version != version_before:
                return  # not cached, lent to this very write, a fast-forward got there first, or it moved on
            try:
                for event in events:
                    _fresh(event).mutate(cached)
            except Exception:  # the events are stored whatever happens here; never fail the write for the cache
                log.exception("could not advance the cached aggregate %s; it is dropped", aggregate_id)
                self.drop(aggregate_id)  # half applied: the next load rebuilds it from the store

    def drop(self, aggregate_id: UUID) -> None:
        """Forget the cached aggregate, if any: the next load reads it from the store."""
        if self.cache is None:
            return
        with suppress(KeyError):
            self.cache.get(aggregate_id, evict=True)

    def _cached(self, aggregate_id: UUID) -> Any | None:
        try:
            return self.cache.get(aggregate_id)
        except KeyError:
            return None

    @contextmanager
    def _fastforward_locked(self, aggregate_id: UUID) -> Iterator[None]:
        """The lock get() holds while it fast-forwards this aggregate (the library's helpers; it is pinned)."""
        lock = self._use_fastforward_lock(aggregate_id)
        try:
            with lock:
                yield
        finally:
            self._disuse_fastforward_lock(aggregate_id)


class Lease:
    """A cached aggregate lent to one writer until the block ends. A block that fails after the aggregate may
    have changed drops it from the cache: nobody may see a change that was not saved."""

    def __init__(self, repository: WriteThroughRepository, aggregate_id: UUID, aggregate: Any, lock: Lock,
                 refusals: tuple[type[BaseException], ...]) -> None:
        self.repository, self.aggregate_id, self.aggregate = repository, aggregate_id, aggregate
        self.lock, self.refusals, self.version = lock, refusals, aggregate.version

    def __enter__(self) -> Any:
        return self.aggregate

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        try:
            untouched = self.aggregate.version == self.version and not self.aggregate.pending_events
            if exc_type is not None and not (issubclass(exc_type, self.refusals) and untouched):
                self.repository.drop(self.aggregate_id)
        finally:
            self.lock.release()
            self.repository._disuse_fastforward_lock(self.aggregate_id)


def _fresh(event: Any) -> Any:
    """A copy of EVENT with dicts and lists of its own, as decoding it from the store would give: the cached
    aggregate then shares no mutable value with the caller's. (A full deepcopy costs twice as much.)"""
    fresh = copy(event)
    for name, value in vars(event).items():
        if isinstance(value, dict | list):
            object.__setattr__(fresh, name, deepcopy(value))
    return fresh
