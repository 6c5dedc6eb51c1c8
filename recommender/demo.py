"""The demo catalogue: 164 offers over every means type, in Dutch and English, with mentors.

`seed()` imports `data/demo_catalogue.jsonl` through the same upsert as the import endpoint, so
running it again changes nothing.
"""

from __future__ import annotations

from importlib import resources

from recommender.catalogue_io import parse_catalogue
from recommender.runtime import build_recommender

DEMO_ACTOR = {"subject": "daan", "role": "ld"}


def demo_catalogue_text() -> str:
    return resources.files("recommender").joinpath("data/demo_catalogue.jsonl").read_text("utf-8")


def seed(url: str | None = None) -> str:
    """Load the demo catalogue into the recommender store (idempotent); returns a summary line."""
    good, rejected = parse_catalogue(demo_catalogue_text(), "jsonl")
    if rejected:
        raise ValueError(f"the demo catalogue has bad lines: {rejected[:3]}")
    app = build_recommender(url)
    try:
        counts = app.import_offers(good, DEMO_ACTOR)
    finally:
        app.close()
    return "recommender demo catalogue: " + ", ".join(f"{n} {k}" for k, n in counts.items())
