"""The index fitted in a child process: same rankings as a fit in the worker, swapped in whole."""

from __future__ import annotations

import time

from recommender.catalogue_io import parse_catalogue
from recommender.demo import demo_catalogue_text
from recommender.live_index import LiveMatcher, child_can_open
from recommender.matcher import Context, Gap

ACTOR = {"subject": "t", "role": "ld"}


def test_child_fit_ranks_like_an_in_process_fit_and_swaps_after_a_change(runtime):
    app = runtime.app
    good, _ = parse_catalogue(demo_catalogue_text(), "jsonl")
    app.import_offers(good, ACTOR)
    in_worker = LiveMatcher(app, process_min_events=10**9)
    in_child = LiveMatcher(app, check_seconds=0, process_min_events=0)
    assert not in_worker.in_child() and in_child.in_child()
    first = in_child.current()
    ctx = Context()
    for skill in ("projectmanagement", "leidinggeven", "Excel", "communicatie"):
        expected = in_worker.current().recommend([Gap(skill)], ctx)
        assert first.recommend([Gap(skill)], ctx) == expected and expected
    assert first.index.version_ == in_worker.current().index.version_

    app.import_offers([(1, {"external_id": "new-1", "title": "Excel draaitabellen", "means": "workshop"})],
                      ACTOR)
    started = time.monotonic()
    assert in_child.current() is first  # the old index answers while the child fits
    assert time.monotonic() - started < 0.5
    in_child.wait_for_rebuild(60)
    fresh = in_child.current()
    assert fresh is not first and len(fresh.index.offers_) == len(first.index.offers_) + 1
    assert "new-1" in [r["external_id"] for r in fresh.recommend([Gap("draaitabellen")], ctx)]


def test_in_memory_stores_are_fitted_in_the_worker():
    assert not child_can_open({"SQLITE_DBNAME": "file::memory:?mode=memory&cache=shared"})
    assert not child_can_open({})
    assert child_can_open({"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": "x"})
