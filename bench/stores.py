"""The stores every write benchmark runs on: a SQLite file, and PostgreSQL when a server answers."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.conftest import drop_postgres_schema, postgres_available, postgres_schema_url

# tests/conftest.py turns on PLAN_VIEWS_INLINE for the tests (every save catches the views up); a bench measures
# the service as deployed, with the projector in its own process.
os.environ.pop("PLAN_VIEWS_INLINE", None)

Store = tuple[str, Callable[[str], str], Callable[[str], None]]


def stores(workdir: Path) -> Iterator[Store]:
    """(name, make_url(label), drop(url)): each URL is a fresh, empty store."""
    yield "SQLite", lambda label: f"sqlite:///{workdir / label}.sqlite", lambda url: None
    if postgres_available():
        yield "PostgreSQL", lambda label: postgres_schema_url(), drop_postgres_schema
    else:
        print("PostgreSQL not reachable: its rows are skipped", file=sys.stderr)
