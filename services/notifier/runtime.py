"""Everything one notifier process holds, built from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.application import Application
from eventsourcing.sqlite import SQLiteFactory

from services.notifier.delivery import Delivery, DeliverySettings, Unsubscribe
from services.notifier.directory import PlanDirectory
from services.notifier.feed import FeedClient
from services.notifier.kinds import LANGUAGES
from services.notifier.mailer import SmtpSender, SmtpSettings
from services.notifier.planactions import PlanActions, PlanCycles
from services.notifier.rules import FeedRules
from services.notifier.store import NotifierStore, PostgresNotifierStore, SQLiteNotifierStore
from services.notifier.sweep import Clock, Sweep, SweepSettings, utc_now
from shared.config import ConfigError, env_int, env_str, is_production, read_secret, store_settings

DEFAULT_SMTP_URL = "smtp://127.0.0.1:2525"


class NotifierApplication(Application):
    """The notifier's store; it records no aggregates of its own, only what it derives and sends."""

    name = "notifier"


def build_store(url: str | None = None, create_tables: bool | None = None) -> tuple[NotifierApplication, NotifierStore]:
    app = NotifierApplication(env=store_settings("NOTIFIER_DATABASE_URL", "notifier.sqlite", url,
                                                 create_tables).eventsourcing_env())
    recorder = SQLiteNotifierStore if isinstance(app.factory, SQLiteFactory) else PostgresNotifierStore
    return app, app.factory.tracking_recorder(recorder)


def smtp_url() -> str:
    """NOTIFIER_SMTP_URL; in development the embedded mail sink of `make run` (writes var/mail/*.eml)."""
    url = os.environ.get("NOTIFIER_SMTP_URL")
    if not url and is_production():
        raise ConfigError("NOTIFIER_SMTP_URL must be set when GROEIPAD_ENV=production (your mail relay)")
    return url or DEFAULT_SMTP_URL


def plan_service_url() -> str:
    return env_str("PLAN_SERVICE_URL", f"http://127.0.0.1:{os.environ.get('PLAN_PORT', '8001')}")


def portal_url() -> str:
    return os.environ.get("NOTIFIER_PORTAL_URL") or f"http://127.0.0.1:{os.environ.get('PORTAL_PORT', '8000')}"


def delivery_settings() -> DeliverySettings:
    language = os.environ.get("NOTIFIER_DEFAULT_LANGUAGE") or "nl"
    if language not in LANGUAGES:
        raise ConfigError(f"NOTIFIER_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {language!r}")
    sender = os.environ.get("NOTIFIER_FROM") or "groeipad@localhost"
    if "@" not in sender:
        raise ConfigError(f"NOTIFIER_FROM must be an e-mail address, got {sender!r}")
    return DeliverySettings(sender=sender, portal_url=portal_url(), default_language=language,
                            max_attempts=env_int("NOTIFIER_MAX_ATTEMPTS", 8, minimum=1),
                            backoff_seconds=env_int("NOTIFIER_RETRY_SECONDS", 30, minimum=1),
                            timezone=timezone())


def timezone() -> str:
    """NOTIFIER_TIMEZONE: the zone check-in times are given in (an IANA name)."""
    zone = os.environ.get("NOTIFIER_TIMEZONE") or "Europe/Amsterdam"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"NOTIFIER_TIMEZONE must be an IANA zone such as Europe/Amsterdam, got {zone!r}") from None
    return zone


def sweep_settings() -> SweepSettings:
    return SweepSettings(soon_days=env_int("NOTIFIER_SOON_DAYS", 3),
                         escalate_after_days=env_int("NOTIFIER_ESCALATE_AFTER_DAYS", 7, minimum=1),
                         digest_hour=min(23, env_int("NOTIFIER_DIGEST_HOUR", 7)),
                         weekly_day=min(6, env_int("NOTIFIER_WEEKLY_DIGEST_DAY", 0)),
                         milestone_notice_days=env_int("NOTIFIER_MILESTONE_NOTICE_DAYS", 7))


def unsubscribe_tokens() -> Unsubscribe:
    return Unsubscribe(read_secret("GROEIPAD_JWT_SECRET"))


@dataclass
class Runtime:
    app: NotifierApplication
    store: NotifierStore
    directory: PlanDirectory
    feed: FeedClient
    rules: FeedRules
    sweep: Sweep
    delivery: Delivery

    @classmethod
    def build(cls, clock: Clock = utc_now, url: str | None = None) -> Runtime:
        app, store = build_store(url)
        directory = PlanDirectory(plan_service_url())
        smtp = SmtpSettings.from_url(smtp_url(), ca_file=os.environ.get("NOTIFIER_SMTP_CA_FILE", ""))
        delivery = Delivery(store, directory, SmtpSender(smtp), unsubscribe_tokens(), delivery_settings(), clock)
        return cls(app=app, store=store, directory=directory, feed=FeedClient(plan_service_url()),
                   rules=FeedRules(directory),
                   sweep=Sweep(store, directory, PlanActions(plan_service_url()), sweep_settings(), clock,
                               PlanCycles(plan_service_url())),
                   delivery=delivery)

    def close(self) -> None:
        self.delivery.sender.close()
        self.app.close()


def create_tables() -> None:
    """`groeipad migrate`: the notifier's tables, once."""
    build_store(create_tables=True)[0].close()
