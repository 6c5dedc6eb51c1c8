"""The demo catalogue: 164 offers over every means type, in Dutch and English, with mentors.

`seed()` imports `data/demo_catalogue.jsonl` through the same upsert as the import endpoint, so
running it again changes nothing.
"""

from __future__ import annotations

from importlib import resources

from recommender.catalogue_io import parse_catalogue
from recommender.runtime import build_recommender

DEMO_ACTOR = {"subject": "daan", "role": "ld"}
# Target roles of the demo's career projects, so a plan with a target role shows the gap to it.
ROLE_PROFILES = {
    "teamleider-technische-dienst": {
        "name": "Teamleider Technische Dienst",
        "description": "Leidt een ploeg monteurs: plant het onderhoud, stuurt mensen aan, leidt projecten.",
        "skills": [{"skill": "Interpersoonlijke communicatie", "level": 4}, {"skill": "Teammanagement", "level": 3},
                   {"skill": "Projectmanagement", "level": 3}, {"skill": "Storingsanalyse", "level": 4},
                   {"skill": "Planning", "level": 3}]},
    "teamleider-crediteuren": {
        "name": "Teamleider Crediteuren",
        "description": "Stuurt het crediteurenteam aan en bewaakt de betaaltermijnen.",
        "skills": [{"skill": "Leidinggeven", "level": 3}, {"skill": "Crediteurenbeheer", "level": 4},
                   {"skill": "Geavanceerd Excel", "level": 3}]},
}


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
        for role_id, profile in ROLE_PROFILES.items():
            app.define_role_profile(role_id, profile, DEMO_ACTOR)  # unchanged when defined before
    finally:
        app.close()
    return ("recommender demo catalogue: " + ", ".join(f"{n} {k}" for k, n in counts.items())
            + f"; {len(ROLE_PROFILES)} role profiles")
