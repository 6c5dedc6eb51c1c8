"""Everything one xAPI sync process holds, built from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass

from eventsourcing.application import Application

from services.notifier.directory import ServiceToken
from services.notifier.feed import FeedClient
from services.xapi.catalogue import Catalogue
from services.xapi.lrs import Lrs
from services.xapi.outbound import Outbound
from services.xapi.pseudonyms import Pseudonyms
from services.xapi.store import XapiStore
from services.xapi.sync import Sync, SyncSettings
from shared.config import ConfigError, env_bool, env_int, read_optional_secret, read_secret, store_settings
from shared.views import ViewStore

SUBJECT = "xapi"


class XapiApplication(Application):
    """The xAPI sync's store; it records no aggregates, only what it derives, sends and reads back."""

    name = "xapi"


def build_store(url: str | None = None, create_tables: bool | None = None) -> tuple[XapiApplication, XapiStore]:
    settings = store_settings("XAPI_DATABASE_URL", "xapi.sqlite", url, create_tables)
    app = XapiApplication(env=settings.eventsourcing_env())
    store = XapiStore(ViewStore.of(app))
    if settings.create_table:
        store.create_tables()
    return app, store


def lrs_from_env() -> Lrs:
    url = os.environ.get("XAPI_LRS_URL", "")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"XAPI_LRS_URL must be the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/, "
                          f"got {url!r}")
    return Lrs(url, os.environ.get("XAPI_LRS_USERNAME", ""), read_optional_secret("XAPI_LRS_PASSWORD") or "",
               timeout=env_int("XAPI_TIMEOUT_SECONDS", 10, 1))


def home_page() -> str:
    """The organisation's address: the home page of every pseudonymous account and of our activity ids."""
    url = (os.environ.get("XAPI_HOMEPAGE") or os.environ.get("NOTIFIER_PORTAL_URL")
           or f"http://127.0.0.1:{os.environ.get('PORTAL_PORT', '8000')}")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"XAPI_HOMEPAGE must be an http(s) address, got {url!r}")
    return url.rstrip("/")


def plan_service_url() -> str:
    return os.environ.get("PLAN_SERVICE_URL") or f"http://127.0.0.1:{os.environ.get('PLAN_PORT', '8001')}"


def recommender_url() -> str:
    return os.environ.get("RECOMMENDER_URL") or f"http://127.0.0.1:{os.environ.get('RECOMMENDER_PORT', '8002')}"


def sync_settings() -> SyncSettings:
    return SyncSettings(page_size=env_int("XAPI_FEED_PAGE", 500, 1), batch=env_int("XAPI_BATCH", 100, 1),
                        idle_seconds=env_int("XAPI_IDLE_MS", 1000, 10) / 1000,
                        retry_seconds=env_int("XAPI_RETRY_SECONDS", 30, 1),
                        max_attempts=env_int("XAPI_MAX_ATTEMPTS", 8, 1))


@dataclass
class Runtime:
    app: XapiApplication
    store: XapiStore
    sync: Sync

    @classmethod
    def build(cls, url: str | None = None) -> Runtime:
        from services.xapi.readback import PlanClient, Readback

        app, store = build_store(url)
        token = ServiceToken(subject=SUBJECT)
        catalogue = Catalogue(recommender_url(), token)
        outbound = Outbound(store, catalogue, Pseudonyms(read_secret("XAPI_PSEUDONYM_KEY")), home_page())
        lrs = lrs_from_env()
        readback = None
        if env_bool("XAPI_READ_BACK", True):
            lms = [h.strip().rstrip("/") for h in os.environ.get("XAPI_LMS_HOMEPAGES", "").split(",") if h.strip()]
            readback = Readback(store, lrs, catalogue, PlanClient(plan_service_url(), token), home_page(), lms,
                                filtered=env_bool("XAPI_READ_BACK_FILTERED", True))
        sync = Sync(store, FeedClient(plan_service_url(), token), outbound, lrs, readback, sync_settings())
        return cls(app=app, store=store, sync=sync)

    def close(self) -> None:
        self.app.close()


def create_tables() -> None:
    """`groeipad migrate`: the xAPI sync's tables, when its store or an LRS is configured."""
    if os.environ.get("XAPI_DATABASE_URL") or os.environ.get("XAPI_LRS_URL"):
        build_store(create_tables=True)[0].close()
