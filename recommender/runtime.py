"""Everything one worker (or one command) of the recommender holds: store, read model, matcher."""

from __future__ import annotations

from dataclasses import dataclass

from recommender.accountability import AccountabilityLog
from recommender.application import Recommender
from recommender.live_index import PROCESS_MIN_EVENTS, LiveMatcher
from recommender.readmodel import ReadModel, build_read_model
from shared.config import env_int, store_settings


def build_recommender(url: str | None = None, create_tables: bool | None = None) -> Recommender:
    """The event-sourced application on the store RECOMMENDER_DATABASE_URL (or URL) names."""
    return Recommender(env=store_settings("RECOMMENDER_DATABASE_URL", "recommender.sqlite", url,
                                          create_tables).eventsourcing_env())


@dataclass
class Runtime:
    """The per-process objects the API and the commands work with."""

    app: Recommender
    readmodel: ReadModel
    matcher: LiveMatcher
    log: AccountabilityLog

    @classmethod
    def build(cls, url: str | None = None, create_tables: bool | None = None) -> Runtime:
        app = build_recommender(url, create_tables)
        readmodel = build_read_model(app)
        check_ms = env_int("RECOMMENDER_INDEX_CHECK_MS", 1000)
        process_min = env_int("RECOMMENDER_INDEX_PROCESS_MIN", PROCESS_MIN_EVENTS, minimum=0)
        matcher = LiveMatcher(app, readmodel.offer_stats, check_seconds=check_ms / 1000,
                              process_min_events=process_min)
        return cls(app=app, readmodel=readmodel, matcher=matcher, log=AccountabilityLog(readmodel))

    def close(self) -> None:
        self.matcher.close()
        self.app.close()


def create_tables() -> None:
    """`groeipad migrate`: the recommender's event tables and read-model tables, once."""
    Runtime.build(create_tables=True).close()
