"""The stores every write benchmark runs on: a SQLite file, and PostgreSQL when a server answers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.conftest import drop_postgres_schema, postgres_available, postgres_schema_url

Store = tuple[str, Callable[[str], str], Callable[[str], None]]


def stores(workdir: Path) -> Iterator[Store]:
    """(name, make_url(label), drop(url)): each URL is a fresh, empty store."""
    yield "SQLite", lambda label: f"sqlite:///{workdir / label}.sqlite", lambda url: None
    if postgres_available():
        yield "PostgreSQL", lambda label: postgres_schema_url(), drop_postgres_schema
    else:
        print("PostgreSQL not reachable: its rows are skipped", file=sys.stderr)
