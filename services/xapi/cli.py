"""The xAPI sync's `groeipad` command; services/cli.py picks up COMMANDS and MIGRATIONS from here."""

from __future__ import annotations

import signal
import threading

import click


@click.command("xapi-sync")
@click.option("--once", is_flag=True, help="Follow the feed to its head, send what is due, read back once, stop.")
def xapi_sync(once: bool) -> None:
    """Send learning actions as xAPI statements to XAPI_LRS_URL and read completions back (until stopped)."""
    from services.xapi.runtime import Runtime
    from shared.observability import configure_logging

    configure_logging("xapi")
    rt = Runtime.build()
    stop = threading.Event()
    rt.sync.sleep = stop.wait
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        if once:
            rt.sync.drain()
        else:
            rt.sync.run(stop)
    finally:
        click.echo(f"xapi-sync stopped at feed position {rt.store.position()}")
        rt.close()


COMMANDS = [xapi_sync]
MIGRATIONS = [("xapi", "services.xapi.runtime:create_tables")]  # imported by `migrate` only
