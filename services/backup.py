"""`groeipad backup` / `groeipad restore`: consistent copies of every service's store.

SQLite stores are copied with SQLite's online backup API, page by page inside one read transaction, so
the services may keep running and the copy is a consistent snapshot. PostgreSQL stores are dumped with
`pg_dump --format=custom` and restored with `pg_restore --clean` (see the README's reliability section).
The key store of personal data travels with the backup; the master key (GROEIPAD_MASTER_KEY) does not:
keep it apart, as without it a restored store reads as erased.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from shared.config import StoreSettings, store_settings

# Every service's store: (name, variable, default SQLite file).
STORES = (
    ("plan", "PLAN_DATABASE_URL", "plan.sqlite"),
    ("recommender", "RECOMMENDER_DATABASE_URL", "recommender.sqlite"),
    ("portal", "PORTAL_DATABASE_URL", "portal.sqlite"),
)
MANIFEST = "groeipad-backup.json"


class BackupError(Exception):
    """A backup or restore could not be made; the message says which store and why."""


def _stores() -> list[tuple[str, StoreSettings]]:
    return [(name, store_settings(variable, default)) for name, variable, default in STORES]


def backup(destination: Path) -> list[str]:
    destination.mkdir(parents=True, exist_ok=True)
    done, manifest = [], {"made_at": datetime.now(UTC).isoformat(), "stores": {}}
    for name, settings in _stores():
        env = settings.eventsourcing_env()
        if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
            source = Path(env["SQLITE_DBNAME"])
            if not source.exists():
                continue
            target = destination / f"{name}.sqlite"
            _copy_sqlite(source, target)
            entry = {"kind": "sqlite", "file": target.name}
            keys = Path(f"{source}.keys")  # the plan service's key store: without it the data reads as erased
            if keys.exists():
                _copy_sqlite(keys, destination / f"{name}.sqlite.keys")
                entry["keys"] = f"{name}.sqlite.keys"
            manifest["stores"][name] = entry
        else:
            target = destination / f"{name}.pgdump"
            _run(["pg_dump", "--format=custom", f"--file={target}", *_pg_args(env)], name, env)
            manifest["stores"][name] = {"kind": "postgresql", "file": target.name, "schema": env.get("POSTGRES_SCHEMA")}
        done.append(f"{name} -> {target}")
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return done


def restore(source: Path) -> list[str]:
    """Put a backup back; run it with the services stopped."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} is not a Groeipad backup ({MANIFEST}: {error})") from None
    done = []
    for name, settings in _stores():
        entry = manifest["stores"].get(name)
        if entry is None:
            continue
        env = settings.eventsourcing_env()
        if entry["kind"] == "sqlite":
            if env["PERSISTENCE_MODULE"] != "eventsourcing.sqlite":
                raise BackupError(f"{name}: the backup is SQLite but the store is not")
            target = Path(env["SQLITE_DBNAME"])
            _copy_sqlite(source / entry["file"], target)
            if entry.get("keys"):
                _copy_sqlite(source / entry["keys"], Path(f"{target}.keys"))
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_args(env, dbname_flag=True),
                  str(source / entry["file"])], name, env)
        done.append(f"{name} <- {source / entry['file']}")
    return done


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while the service writes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _pg_args(env: dict[str, str], dbname_flag: bool = False) -> list[str]:
    args = [f"--host={env['POSTGRES_HOST']}", f"--port={env['POSTGRES_PORT']}", f"--username={env['POSTGRES_USER']}"]
    if env.get("POSTGRES_SCHEMA"):
        args.append(f"--schema={env['POSTGRES_SCHEMA']}")
    args.append(f"--dbname={env['POSTGRES_DBNAME']}" if dbname_flag else env["POSTGRES_DBNAME"])
    return args


def _run(command: list[str], name: str, env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{name}: {command[0]} is not installed (PostgreSQL client tools)")
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600,
                                env={"PGPASSWORD": env.get("POSTGRES_PASSWORD", ""),
                                     "PATH": "/usr/bin:/bin:/usr/local/bin"})
    except subprocess.TimeoutExpired:
        raise BackupError(f"{name}: {command[0]} took over an hour") from None
    if result.returncode != 0:
        raise BackupError(f"{name}: {command[0]} failed: {result.stderr.strip()[-2000:]}")

