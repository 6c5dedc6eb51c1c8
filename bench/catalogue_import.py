"""Catalogue import through HTTP (POST /api/v1/catalogue/import, JSON Lines) against the library's batched save.

The baseline publishes the same offers in-process with `Application.save(*500 aggregates)` on the same
kind of store; the import validates every line, upserts by external_id and answers per-line rejections.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stores import stores  # noqa: E402
from recommender.domainmodel import LearningOffer  # noqa: E402
from recommender.runtime import build_recommender  # noqa: E402
from shared.auth import TokenSettings, issue_token  # noqa: E402
from tests.integration.servers import Service, groeipad  # noqa: E402

SIZE = int(os.environ.get("BENCH_IMPORT_OFFERS", "10000"))
MEANS = ("mooc", "internal_training", "external_course", "workshop", "mentoring")


def offers(prefix: str) -> list[dict]:
    return [{"external_id": f"{prefix}-{i}", "title": f"Course {i} on skill {i % 300}", "means": MEANS[i % 5],
             "description": f"Learn topic {i % 300} in depth with exercises and cases.", "language": "en",
             "hours": 4 + i % 40, "cost": (i % 20) * 50, "level": "beginner"} for i in range(SIZE)]


def library_rate(url: str) -> float:
    app = build_recommender(url, create_tables=True)
    actor = {"subject": "bench", "role": "ld"}
    rows = offers("lib")
    started = time.perf_counter()
    for start in range(0, len(rows), 500):
        app.save(*[LearningOffer.publish(r["external_id"], {k: v for k, v in r.items() if k != "external_id"}, actor)
                   for r in rows[start:start + 500]])
    elapsed = time.perf_counter() - started
    app.close()
    return SIZE / elapsed


def http_rate(url: str, workdir: Path) -> float:
    env = {"RECOMMENDER_DATABASE_URL": url, "GROEIPAD_DATA_DIR": str(workdir), "GROEIPAD_JWT_SECRET": "bench-" * 8,
           "RECOMMENDER_INDEX_CHECK_MS": "600000"}
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    groeipad("migrate", env={**env, "PLAN_DATABASE_URL": f"sqlite:///{workdir / 'plan.sqlite'}"})
    server = Service("recommender", "recommender.wsgi:app", env, workers=1).start(workdir)
    token = issue_token(TokenSettings(env["GROEIPAD_JWT_SECRET"], "groeipad"), "daan", ["ld"])
    body = "\n".join(json.dumps(r) for r in offers("http")).encode()
    try:
        started = time.perf_counter()
        answer = requests.post(f"{server.url}/api/v1/catalogue/import", data=body, timeout=600,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    answer.raise_for_status()
    assert answer.json()["imported"] == SIZE, answer.json()
    return SIZE / elapsed


def main() -> str:
    rows = ["| store | offers | library batched save, offers/s | HTTP import, offers/s | HTTP / library |",
            "|---|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, make_url, drop in stores(Path(tmp)):
            base, http = make_url("lib"), make_url("http")
            baseline = library_rate(base)
            measured = http_rate(http, Path(tmp) / name)
            drop(base), drop(http)
            rows.append(f"| {name} | {SIZE:,} | {baseline:,.0f} | {measured:,.0f} | {measured / baseline:.0%} |")
    table = "\n".join(rows)
    print(table)
    return table


if __name__ == "__main__":
    main()
