"""The `groeipad` command: tokens, migrations, imports and operator tasks for every service."""

from __future__ import annotations

import sys

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
    for name, create in _extra_migrations():
        create()
        click.echo(f"{name}: tables ready")


@main.command("import-people")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_people(csv_file) -> None:
    """Create or update people from a CSV with columns id,name,email,manager_id,department,job_title."""
    from services.plan.app import build_plan_service
    from services.plan.people_csv import PeopleCsvError, read_people_csv

    try:
        rows = read_people_csv(csv_file.read())
    except PeopleCsvError as error:
        raise click.ClickException(str(error)) from None
    service = build_plan_service()
    try:
        counts = service.upsert_people({"subject": "cli", "role": "admin"}, rows)
    finally:
        service.close()
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


@main.command("seed-demo")
def seed_demo() -> None:
    """Seed the demo organisation and plans once; running it again changes nothing."""
    from services.plan.demo import seed

    click.echo(seed())


def _extra_migrations():
    """Other services' table creation, registered by their packages."""
    try:
        from recommender.cli import MIGRATIONS
    except ImportError:
        return []
    return MIGRATIONS


def _register_service_commands() -> None:
    try:
        from recommender.cli import COMMANDS
    except ImportError:
        return
    for command in COMMANDS:
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
