"""The recommender's `groeipad` commands: follow, import-catalogue, evaluate, rebuild-read-model,
prune-recommendation-log.

services/cli.py picks up COMMANDS and MIGRATIONS from here.
"""

from __future__ import annotations

import json
import os
import signal
import threading

import click

ACTOR = {"subject": "cli", "role": "ld"}


def serve_metrics(port: int, addr: str) -> bool:
    """The follower's /metrics on PORT; a taken port is said plainly and the follower runs on without metrics
    (they are optional: `make run` must not stop because another program holds the port)."""
    from prometheus_client import start_http_server

    try:
        start_http_server(port, addr=addr)
    except OSError as error:
        click.echo(f"follower: cannot serve /metrics on {addr}:{port} ({error.strerror or error}); following "
                   "without metrics. Set FOLLOWER_METRICS_PORT to a free port (0 turns the metrics off).", err=True)
        return False
    return True


@click.command()
@click.option("--once", is_flag=True, help="Apply what the feed has now and stop.")
def follow(once: bool) -> None:
    """Follow the plan service's feed into the read model (PLAN_SERVICE_URL), until stopped."""
    from recommender.follower import FeedClient, Follower
    from recommender.runtime import Runtime
    from shared.config import env_int, env_str
    from shared.observability import configure_logging

    configure_logging("follower")
    rt = Runtime.build()
    client = FeedClient(env_str("PLAN_SERVICE_URL", "http://127.0.0.1:8001"))
    follower = Follower(rt.readmodel, client, limit=env_int("RECOMMENDER_FEED_PAGE", 1000, 1),
                        idle_seconds=env_int("RECOMMENDER_FEED_IDLE_MS", 1000, 10) / 1000)
    metrics_port = env_int("FOLLOWER_METRICS_PORT", 0)
    if metrics_port and not once:  # position and lag for Prometheus; the follower has no other HTTP side
        serve_metrics(metrics_port, os.environ.get("FOLLOWER_METRICS_ADDR", "127.0.0.1"))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        if once:
            while follower.run_once()[1]:
                pass
        else:
            follower.run(stop)
    finally:
        click.echo(f"follower stopped at position {rt.readmodel.position()}")
        rt.close()


@click.command("import-catalogue")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def import_catalogue(file) -> None:
    """Upsert offers from a JSON Lines or CSV file (by its extension), like the import endpoint."""
    from recommender.catalogue_io import CatalogueFormatError, kind_of, parse_catalogue
    from recommender.runtime import build_recommender

    try:
        good, rejected = parse_catalogue(file.read(), kind_of(file.name))
    except CatalogueFormatError as error:
        raise click.ClickException(str(error)) from None
    app = build_recommender()
    try:
        counts = app.import_offers(good, ACTOR)
    finally:
        app.close()
    click.echo(json.dumps({**counts, "rejected": rejected}, ensure_ascii=False))


@click.command()
@click.option("--items", type=click.File("r", encoding="utf-8"), required=True,
              help="Offers (JSON Lines, import format) to rank.")
@click.option("--queries", type=click.File("r", encoding="utf-8"), required=True,
              help='Judged queries: {"query": ..., "relevant": [external ids]} per line.')
@click.option("--weights", default="{}", help="Proposed weights as JSON, evaluated beside the defaults.")
def evaluate(items, queries, weights: str) -> None:
    """Offline evaluation (nDCG@10, recall@10, MRR, coverage) of current and proposed weights."""
    from recommender.catalogue_io import parse_catalogue
    from recommender.evaluation import evaluate as run
    from recommender.evaluation import read_queries
    from recommender.matcher import DEFAULT_WEIGHTS, Matcher, OfferIndex
    from recommender.taxonomy import Taxonomy

    good, rejected = parse_catalogue(items.read(), "jsonl")
    offers = [{**fields, "offer_id": fields["external_id"]} for _, fields in good]
    index = OfferIndex().fit(offers)
    taxonomy = Taxonomy.build()
    index.tag_skills(taxonomy)
    judged = read_queries(queries.read())
    try:
        proposed = {**DEFAULT_WEIGHTS, **json.loads(weights)}
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--weights") from None
    result = {"current": run(Matcher(index, taxonomy), judged),
              "proposed": run(Matcher(index, taxonomy, proposed), judged),
              "offers": len(offers), "rejected_items": len(rejected)}
    click.echo(json.dumps(result, indent=2))


@click.command("rebuild-read-model")
@click.confirmation_option(prompt="Forget the read model and replay the whole feed?")
def rebuild_read_model() -> None:
    """Empty the read model; the follower then replays the plan feed from the start."""
    from recommender.runtime import Runtime

    rt = Runtime.build()
    try:
        rt.readmodel.reset()
    finally:
        rt.close()
    click.echo("read model emptied; `groeipad follow` rebuilds it from position 0")


@click.command("prune-recommendation-log")
def prune_recommendation_log() -> None:
    """Delete log entries of suggestions shown longer ago than RECOMMENDER_LOG_RETENTION_DAYS (default 183).

    Workers also prune as they log (at most hourly); this is for a daily job where suggestions are rare."""
    from recommender.runtime import Runtime

    rt = Runtime.build()
    try:
        removed = rt.log.prune()
    finally:
        rt.close()
    click.echo(f"{removed} log entr{'y' if removed == 1 else 'ies'} older than {rt.log.days} days deleted")


@click.command("seed-recommender-demo")
def seed_recommender_demo() -> None:
    """Load the demo catalogue (idempotent)."""
    from recommender.demo import seed

    click.echo(seed())


COMMANDS = [follow, import_catalogue, evaluate, rebuild_read_model, prune_recommendation_log, seed_recommender_demo]
MIGRATIONS = [("recommender", "recommender.runtime:create_tables")]  # imported by `migrate` only
