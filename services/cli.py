"""The `groeipad` command: tokens, migrations, imports and operator tasks for every service."""

from __future__ import annotations

import os
import sys
from importlib import import_module
from pathlib import Path

import click

from shared.config import ConfigError


@click.group()
def main() -> None:
    """Groeipad operator commands."""


@main.command()
@click.option("--subject", required=True, help="The person id the token speaks for.")
@click.option("--role", "roles", multiple=True, required=True,
              help="employee, manager, hr, ld, admin or service; repeat for several.")
@click.option("--ttl", default=8 * 3600, show_default=True, help="Validity in seconds.")
def token(subject: str, roles: tuple[str, ...], ttl: int) -> None:
    """Print a bearer token valid for the services started from this checkout and configuration."""
    from shared.auth import TokenSettings, issue_token

    try:
        click.echo(issue_token(TokenSettings.from_env(), subject, roles, ttl_seconds=ttl))
    except ValueError as error:
        raise click.UsageError(str(error)) from None


@main.command()
def migrate() -> None:
    """Create every service's tables once, before any worker starts."""
    from services.plan.app import build_plan_service

    build_plan_service(create_tables=True).close()
    click.echo("plan: tables ready")
    from services.portal.accounts import build_portal_store

    build_portal_store(create_tables=True).close()
    click.echo("portal: tables ready")
    for name, target in _extra_migrations():
        module, _, function = target.partition(":")
        getattr(import_module(module), function)()
        click.echo(f"{name}: tables ready")


@main.command("project")
def project() -> None:
    """Keep the plan service's views (lists, directory, reports) up to date: run as one process per store."""
    import logging
    import signal
    import threading

    from services.plan.app import build_plan_service
    from services.plan.views.projector import Projector
    from shared.observability import configure_logging

    configure_logging("projector")
    service = build_plan_service(create_tables=False)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    logging.getLogger(__name__).info("projecting the plan log into the views")
    try:
        Projector(service).run_forever(stop=stop, report_every=float(os.environ.get("REPORT_REFRESH_SECONDS", "60")))
    finally:
        service.close()


@main.command("rebuild-views")
def rebuild_views() -> None:
    """Project the plan log from position 0 into fresh view tables and swap them in (the old ones answer meanwhile)."""
    from services.plan.app import build_plan_service
    from services.plan.views.projector import rebuild

    service = build_plan_service(create_tables=False)
    try:
        position = rebuild(service)
    finally:
        service.close()
    click.echo(f"views rebuilt up to position {position}")


@main.command("import-people")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_people(csv_file) -> None:
    """Create or update people from a CSV with columns id,name,email,manager_id,department,job_title."""
    from services.plan.app import build_plan_service
    from services.plan.domain.errors import DomainError
    from services.plan.people_csv import PeopleCsvError, read_people_csv

    try:
        rows = read_people_csv(csv_file.read())
    except UnicodeDecodeError:
        raise click.ClickException(f"{csv_file.name} is not UTF-8 text") from None
    except PeopleCsvError as error:
        raise click.ClickException(str(error)) from None
    service = build_plan_service()
    try:
        counts = service.upsert_people({"subject": "cli", "role": "admin"}, rows)
        counts.pop("position")
    except DomainError as error:
        raise click.ClickException(f"nothing imported: {error}") from None
    finally:
        service.close()
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


@main.command("seed-demo")
def seed_demo() -> None:
    """Seed the demo organisation, plans, catalogue and accounts once; running it again changes nothing."""
    from recommender.demo import seed as seed_catalogue
    from services.plan.demo import seed as seed_plans
    from services.portal.accounts import build_portal_store, seed_demo_accounts
    from services.portal.settings import PortalSettings
    from shared.config import is_production

    if is_production() and not os.environ.get("GROEIPAD_DEMO_PASSWORD"):
        raise click.ClickException("no demo accounts with a known password in production: set GROEIPAD_DEMO_PASSWORD")
    click.echo(seed_plans())
    click.echo(f"recommender: {seed_catalogue()}")
    store, password = build_portal_store(), PortalSettings.from_env().demo_password
    try:
        made = seed_demo_accounts(store, password)
    finally:
        store.close()
    click.echo(f"portal: {len(made)} demo account(s) created; sign in as sophie / {password} "
               "(also karim, marieke, petra, hanna, daan, admin)")


@main.command("create-user")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Display name (default: the username).")
@click.option("--role", "roles", multiple=True, required=True, help="employee, manager, hr, ld or admin; repeat.")
@click.password_option(help="At least 8 characters; asked twice when not given.")
def create_user(username: str, display_name: str, roles: tuple[str, ...], password: str) -> None:
    """Add a portal account; USERNAME is the person's id in the org directory."""
    from services.portal.accounts import AccountError, build_portal_store

    store = build_portal_store()
    try:
        account = store.create_account(username, display_name, list(roles), password, actor="cli")
    except AccountError as error:
        raise click.UsageError(str(error)) from None
    finally:
        store.close()
    click.echo(f"created {account['username']} ({', '.join(account['roles'])})")


@main.command("backup")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
def backup_command(destination) -> None:
    """Copy every service's store into DESTINATION (online and consistent)."""
    from services.backup import BackupError, backup

    try:
        for line in backup(destination):
            click.echo(line)
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@main.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(source) -> None:
    """Put a backup made by `groeipad backup` back in place; stop the services first."""
    from services.backup import BackupError, restore

    try:
        for line in restore(source):
            click.echo(line)
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@main.group("cycles")
def cycles_group() -> None:
    """Development cycles."""


@cycles_group.command("sync")
@click.argument("cycle_id", required=False)
@click.option("--batch", default=500, show_default=True, help="People per transaction.")
def cycles_sync(cycle_id: str | None, batch: int) -> None:
    """Launch or sync a cycle (every open cycle without CYCLE_ID): plans for people who joined its scope, people
    who left taken out. Safe to repeat; an interrupted run goes on where it stopped."""
    from uuid import UUID

    from services.plan.app import build_plan_service
    from services.plan.cycles import CycleNotFoundError, run_cycle
    from services.plan.domain.errors import DomainError
    from shared.auth import Principal

    service = build_plan_service()
    operator = Principal(subject="cli", roles=frozenset({"admin"}))
    try:
        ids = [cycle_id] if cycle_id else [row["cycle_id"] for row in service.views.rows(
            "SELECT cycle_id FROM {cycles} WHERE status <> 'closed' ORDER BY cycle_id")]
        for one in ids:
            progress = run_cycle(service, operator, UUID(one), batch=batch)
            click.echo(f"cycle {one}: {progress['done']} of {progress['total']} done "
                       f"({progress['started']} started, {progress['carried_forward']} carried forward, "
                       f"{progress['removed']} taken out)")
    except (DomainError, CycleNotFoundError, ValueError) as error:
        raise click.ClickException(f"cycle {error}") from None
    finally:
        service.close()


@main.command("erase-person")
@click.argument("person_id")
def erase_person(person_id: str) -> None:
    """Forget a person (GDPR erasure) by destroying their keys; the event log stays intact."""
    from services.plan.app import build_plan_service
    from services.plan.domain.errors import DomainError

    service = build_plan_service()
    try:
        result = service.erase_person({"subject": "cli", "role": "admin"}, person_id)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    finally:
        service.close()
    click.echo(f"erased {person_id}: {result['plans']} plan(s), {result['keys_destroyed']} key(s) destroyed")
    from services.portal.accounts import erase_portal_account

    account = erase_portal_account(person_id, actor="cli")
    if account is not None:
        click.echo(f"portal: {'account erased, it can never sign in again' if account else 'no account'}")


@main.command("apply-retention")
@click.option("--older-than-days", type=click.IntRange(min=0), default=None,
              help="Erase closed plans whose period ended this long ago (default GROEIPAD_RETENTION_DAYS, 2555).")
@click.option("--deprovisioned-days", type=click.IntRange(min=0), default=None,
              help="Erase people deprovisioned (SCIM DELETE) this long ago "
                   "(default GROEIPAD_DEPROVISIONED_RETENTION_DAYS, 2555).")
def apply_retention(older_than_days: int | None, deprovisioned_days: int | None) -> None:
    """Erase closed plans, and people deprovisioned by SCIM, past their retention periods, as a person's erasure."""
    from datetime import date, timedelta

    from services.plan.app import build_plan_service
    from services.plan.provisioning import erase_deprovisioned
    from shared.config import env_int

    days = older_than_days if older_than_days is not None else env_int("GROEIPAD_RETENTION_DAYS", 2555)
    people_days = (deprovisioned_days if deprovisioned_days is not None
                   else env_int("GROEIPAD_DEPROVISIONED_RETENTION_DAYS", 2555))
    service = build_plan_service()
    try:
        erased = service.erase_closed_plans({"subject": "retention", "role": "admin"},
                                            date.today() - timedelta(days=days))
        people = erase_deprovisioned(service, "retention", people_days)
    finally:
        service.close()
    click.echo(f"retention ({days} days): {len(erased)} closed plan(s) erased")
    click.echo(f"retention of deprovisioned people ({people_days} days): {len(people)} person(s) erased")


def _service_clis():
    """The command modules of the other services (each holds COMMANDS and MIGRATIONS)."""
    modules = []
    for name in ("recommender.cli", "services.notifier.cli", "services.xapi.cli"):
        try:
            modules.append(import_module(name))
        except ImportError:
            continue
    return modules


def _extra_migrations():
    """Other services' table creation, registered by their packages as (name, "module:function"): the module is
    imported only by `migrate`, so every other command starts without the services' runtimes (the recommender's
    loads scikit-learn)."""
    return [migration for module in _service_clis() for migration in module.MIGRATIONS]


def _register_service_commands() -> None:
    for module in _service_clis():
        for command in module.COMMANDS:
            main.add_command(command)


_register_service_commands()


def run() -> None:
    try:
        main(standalone_mode=True)
    except ConfigError as error:
        click.echo(f"configuration error: {error}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    run()
