"""Notifier throughput from the plan feed to SMTP against reading the raw feed, in the same run.

A plan store is filled in-process with plans that each receive manager feedback (every feedback event is
one mail to the employee). The plan service runs as gunicorn. Baseline: the raw feed read over HTTP, page
after page, as a consumer that does nothing with it. Measured: the notifier as in production, minus the
process boundary: pages of the same feed applied with their positions (rules, directory look-ups over HTTP,
one transaction per page), then every mail rendered (text, HTML, NL) and handed to an SMTP server
(aiosmtpd in this process, accepting and counting) over one reused connection, each settled in its own
transaction. Both figures are events per second; the ratio is what to compare between runs. Where the
time goes (cProfile, 300 mails): about half in the standard library's `email` package composing and
serialising each multipart message (header parsing and folding of the default policy), the rest in the SMTP
round trips and the one commit per mail that makes a crash never send a mail twice; the feed side is small.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from services.notifier.delivery import Delivery, DeliverySettings, Unsubscribe  # noqa: E402
from services.notifier.directory import PlanDirectory, ServiceToken  # noqa: E402
from services.notifier.feed import FeedClient  # noqa: E402
from services.notifier.mailer import SmtpSender, SmtpSettings  # noqa: E402
from services.notifier.rules import FeedRules  # noqa: E402
from services.notifier.runtime import build_store  # noqa: E402
from services.plan.application import PlanService  # noqa: E402
from services.plan.domain.plan import Context  # noqa: E402
from shared.auth import Principal, TokenSettings  # noqa: E402
from shared.config import StoreSettings  # noqa: E402
from tests.integration.servers import Service, free_port, groeipad  # noqa: E402

EVENTS = int(os.environ.get("BENCH_NOTIFIER_EVENTS", "3000"))
PER_PLAN = 50
SECRET = "bench-secret-" * 4


class Counting:
    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.accepted += 1
        return "250 OK"


def fill_plan_store(url: str) -> int:
    service = PlanService(env={**StoreSettings(url).eventsourcing_env(), "VIEWS_INLINE": "y"})  # the views too
    plans = EVENTS // PER_PLAN + 1
    people = [{"id": "boss", "name": "Boss", "email": "boss@bench.test"}]
    people += [{"id": f"p{i}", "name": f"Person {i}", "email": f"p{i}@bench.test", "manager_id": "boss"}
               for i in range(plans)]
    service.upsert_people({"subject": "bench", "role": "hr"}, people)
    written = 0
    for person in people[1:]:
        outcome = service.start_plan(Principal(person["id"], frozenset({"employee"})), None,
                                     employee_id=person["id"], period_start=date(2026, 1, 1),
                                     period_end=date(2026, 12, 31), trigger="continuous_development")
        plan, manager = outcome.plan, Context("boss", "manager")
        for i in range(PER_PLAN - 1):
            plan.receive_feedback(manager, feedback_id=uuid.uuid4().hex, source="manager", text=f"Goed werk {i}")
        service.save(plan)
        written += plan.version
        if written >= EVENTS:
            break
    service.close()
    return written


def raw_feed_rate(feed: FeedClient) -> tuple[int, float]:
    started, after, read = time.perf_counter(), 0, 0
    while True:
        page = feed.page(after, 500)
        read += len(page["events"])
        after = page["next_after"]
        if after >= page["head"]:
            break
    return read, read / (time.perf_counter() - started)


def notifier_rate(plan_url: str, store_url: str, smtp_port: int) -> tuple[int, int, float]:
    app, store = build_store(store_url, create_tables=True)
    token = ServiceToken(TokenSettings(SECRET, "groeipad"))
    directory = PlanDirectory(plan_url, token)
    feed, rules = FeedClient(plan_url, token), FeedRules(directory)
    delivery = Delivery(store, directory, SmtpSender(SmtpSettings.from_url(f"smtp://127.0.0.1:{smtp_port}")),
                        Unsubscribe(SECRET), DeliverySettings(sender="groeipad@bench.test"))
    started, applied, sent = time.perf_counter(), 0, 0
    while True:
        after = store.position()
        page = feed.page(after, 500)
        events = [e for e in page["events"] if e["position"] > after]
        position = max([page["next_after"], *(e["position"] for e in events)])
        if position > after:
            applied += store.apply_page(events, position, rules.decide)
        while True:
            settled = delivery.run_once(100)
            sent += settled
            if settled < 100:
                break
        if position >= page["head"]:
            break
    elapsed = time.perf_counter() - started
    delivery.sender.close()
    app.close()
    return applied, sent, applied / elapsed


def main() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {"PLAN_DATABASE_URL": f"sqlite:///{work / 'plan.sqlite'}", "GROEIPAD_DATA_DIR": str(work),
               "NOTIFIER_DATABASE_URL": f"sqlite:///{work / 'notifier.sqlite'}", "GROEIPAD_JWT_SECRET": SECRET}
        os.environ.update(env)
        groeipad("migrate", env=env)
        written = fill_plan_store(env["PLAN_DATABASE_URL"])
        sink = Counting()
        controller = Controller(sink, hostname="127.0.0.1", port=free_port())
        controller.start()
        plan = Service("plan", "services.plan.wsgi:app", env, workers=2).start(work)
        try:
            feed = FeedClient(plan.url, ServiceToken(TokenSettings(SECRET, "groeipad")))
            raw_feed_rate(feed)  # warm-up: caches and pages of the plan store
            read, baseline = raw_feed_rate(feed)
            applied, sent, measured = notifier_rate(plan.url, env["NOTIFIER_DATABASE_URL"], controller.port)
        finally:
            plan.stop()
            controller.stop()
    rows = ["| measure | value |", "|---|---:|",
            f"| events in the plan store | {written:,} |",
            f"| raw feed read over HTTP, events/s | {baseline:,.0f} ({read:,} events) |",
            f"| notifier feed → SMTP, events/s | {measured:,.0f} ({applied:,} events, {sent:,} mails, "
            f"{sink.accepted:,} accepted by the server) |",
            f"| notifier / raw feed read | {measured / baseline:.1%} |"]
    table = "\n".join(rows)
    print(table)
    return table


if __name__ == "__main__":
    main()
