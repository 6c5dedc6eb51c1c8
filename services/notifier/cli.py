"""The notifier's `groeipad` commands: notify (the worker) and mail-sink (the embedded SMTP server).

services/cli.py picks up COMMANDS and MIGRATIONS from here.
"""

from __future__ import annotations

import signal
import threading
from datetime import datetime

import click


@click.command()
@click.option("--once", is_flag=True, help="Follow the feed to its head, sweep once, deliver what is due, stop.")
@click.option("--now", "now", default=None, help="Fixed clock for the sweep and delivery (ISO date-time with zone).")
def notify(once: bool, now: str | None) -> None:
    """Follow the plan feed, sweep for due and overdue actions and digests, and deliver (until stopped)."""
    from services.notifier.runtime import Runtime
    from services.notifier.sweep import utc_now
    from services.notifier.worker import Worker
    from shared.config import env_int
    from shared.observability import configure_logging

    clock = utc_now
    if now:
        try:
            fixed = datetime.fromisoformat(now)
        except ValueError:
            raise click.BadParameter("an ISO date-time such as 2027-01-10T08:00:00+00:00", param_hint="--now") from None
        if fixed.tzinfo is None:
            raise click.BadParameter("needs a time zone, e.g. +00:00", param_hint="--now")
        clock = lambda: fixed  # noqa: E731
    configure_logging("notifier")
    rt = Runtime.build(clock=clock)
    stop = threading.Event()
    worker = Worker(rt, page_size=env_int("NOTIFIER_FEED_PAGE", 500, 1), batch=env_int("NOTIFIER_BATCH", 100, 1),
                    idle_seconds=env_int("NOTIFIER_IDLE_MS", 1000, 10) / 1000,
                    sweep_seconds=env_int("NOTIFIER_SWEEP_SECONDS", 60, 1), sleep=stop.wait)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        if once:
            while worker.follow_once()[1]:
                pass
            rt.sweep.run()
            while rt.delivery.run_once(worker.batch) >= worker.batch:
                pass
        else:
            worker.run(stop)
    finally:
        click.echo(f"notifier stopped at feed position {rt.store.position()}")
        rt.close()


@click.command("mail-sink")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=2525, show_default=True, envvar="NOTIFIER_SINK_PORT")
def mail_sink(host: str, port: int) -> None:
    """A local SMTP server that writes every message it receives to $GROEIPAD_DATA_DIR/mail (one .eml each)."""
    from services.notifier.mailsink import mail_directory, start_sink

    directory = mail_directory()
    controller = start_sink(host, port, directory)
    click.echo(f"mail sink on smtp://{host}:{port}, writing to {directory}")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        controller.stop()


COMMANDS = [notify, mail_sink]
MIGRATIONS = [("notifier", "services.notifier.runtime:create_tables")]  # imported by `migrate` only
