"""Latency of POST /api/v1/recommendations through HTTP at 1k/10k/100k offers, one gunicorn worker.

Synthetic offers are made from the real catalogue in ../shared/bench/skills (or, where that is
absent, from the demo catalogue) by recombining titles, outcomes and description sentences. Beside
the API's p50/p95 it prints an in-process baseline (one sparse dot product of a TF-IDF query with the
same word matrix), the worker's resident memory, the index build time and that a rebuild does not
block queries. Run: .venv/bin/python bench/recommender_latency.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.recommender_common import SKILLS_BENCH, read_jsonl  # noqa: E402

QUERIES = ["project management", "Excel", "leidinggeven", "data analysis", "communicatie",
           "python programming", "customer service", "cybersecurity", "teamwork", "marketing",
           "financial accounting", "machine learning", "onderhandelen", "time management",
           "public speaking", "SQL", "leadership", "agile", "graphic design", "sales"]
SECRET = "bench-secret-that-is-long-enough-for-hs256-signing"


def seed_offers() -> list[dict]:
    if (SKILLS_BENCH / "items.jsonl").exists():
        return read_jsonl(SKILLS_BENCH / "items.jsonl")
    print("../shared/bench/skills absent: synthesising from the demo catalogue instead")
    from recommender.demo import demo_catalogue_text

    return [json.loads(line) for line in demo_catalogue_text().splitlines() if line.strip()]


def synthetic(n: int, seeds: list[dict], rng: random.Random) -> list[dict]:
    """N offers mixing the seeds' titles, outcomes and description sentences."""
    sentences = [s for o in seeds for s in re.split(r"(?<=[.!?])\s+", o.get("description") or "") if s]
    means = ["mooc", "internal_training", "external_course", "workshop", "mentoring", "coaching"]
    out = []
    for i in range(n):
        a, b = rng.choice(seeds), rng.choice(seeds)
        out.append({
            "external_id": f"syn-{i}",
            "title": f"{a['title']} {rng.choice(['', 'II', 'for teams', 'advanced'])}".strip(),
            "means": rng.choice(means), "language": rng.choice(["en", "nl"]),
            "level": rng.choice(["beginner", "intermediate", "advanced"]),
            "hours": float(rng.randint(2, 60)), "cost": float(rng.choice([0, 50, 250, 900])),
            "learning_outcomes": (a.get("learning_outcomes") or [])[:3] + (b.get("learning_outcomes") or [])[:2],
            "description": " ".join(rng.sample(sentences, k=min(8, len(sentences)))),
        })
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_pids(master: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children += [int(p) for p in (task / "children").read_text().split()]
    return children


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def measure(n: int, seeds: list[dict], rounds: int) -> dict:
    from recommender.domainmodel import offer_id
    from recommender.matcher import OfferIndex
    from recommender.runtime import build_recommender
    from shared.auth import TokenSettings, issue_token

    workdir = tempfile.mkdtemp(prefix=f"groeipad-latency-{n}-")
    url = f"sqlite:///{workdir}/recommender.sqlite"
    env = {**os.environ, "GROEIPAD_DATA_DIR": workdir, "GROEIPAD_JWT_SECRET": SECRET,
           "RECOMMENDER_DATABASE_URL": url, "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4",
           "GUNICORN_TIMEOUT": "600", "GROEIPAD_LOG_LEVEL": "warning"}
    os.environ.update({k: env[k] for k in ("GROEIPAD_DATA_DIR", "GROEIPAD_JWT_SECRET")})
    offers = synthetic(n, seeds, random.Random(n))
    app = build_recommender(url, create_tables=True)
    started = time.perf_counter()
    app.import_offers([(i, o) for i, o in enumerate(offers)], {"subject": "bench", "role": "ld"})
    import_s = time.perf_counter() - started
    app.close()

    # the in-process baseline: one sparse dot product on the same word matrix
    started = time.perf_counter()
    index = OfferIndex().fit([{**o, "offer_id": o["external_id"]} for o in offers])
    fit_s = time.perf_counter() - started
    base = []
    for i in range(rounds):
        t = time.perf_counter()
        scores = (index.query_vector("word", [(QUERIES[i % len(QUERIES)], 1.0)]) @ index.words_t_).toarray().ravel()
        np.argpartition(-scores, 10)[:10]
        base.append((time.perf_counter() - t) * 1000)
    del index

    port = free_port()
    server = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "--config", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "recommender.wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        session = requests.Session()
        token = issue_token(TokenSettings(SECRET, "groeipad"), "bench", ["employee"])
        session.headers["Authorization"] = f"Bearer {token}"
        endpoint = f"http://127.0.0.1:{port}/api/v1/recommendations"

        def ask(i: int) -> float:
            body = {"gaps": [{"skill": QUERIES[i % len(QUERIES)]}], "limit": 10}
            t = time.perf_counter()
            answer = session.post(endpoint, json=body, timeout=600)
            answer.raise_for_status()
            return (time.perf_counter() - t) * 1000

        def model_version() -> str:
            body = {"gaps": [{"skill": QUERIES[0]}], "limit": 10}
            return session.post(endpoint, json=body, timeout=600).json()["model_version"]

        deadline = time.time() + 600
        while True:
            try:
                started = time.perf_counter()
                ask(0)  # the first query builds the worker's index
                first_s = time.perf_counter() - started
                break
            except requests.RequestException:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.5)
        for i in range(20):
            ask(i)
        # one offer read loads the worker's replica of the catalogue too, so RSS counts both
        session.get(f"http://127.0.0.1:{port}/api/v1/offers/{offer_id('syn-0')}", timeout=600).raise_for_status()
        latencies = [ask(i) for i in range(rounds)]
        rss = max(rss_mb(pid) for pid in worker_pids(server.pid))
        version = model_version()

        # a catalogue change triggers a rebuild; queries meanwhile keep their speed
        writer = build_recommender(url, create_tables=False)
        writer.import_offers([(0, {"external_id": "new-offer", "title": "Brand new course",
                                   "means": "mooc"})], {"subject": "bench", "role": "ld"})
        writer.close()
        during: list[float] = []
        stop = threading.Event()

        def keep_asking():  # from the change until the new index answers (the whole rebuild)
            i = 0
            while not stop.is_set() and (i < rounds or model_version() == version):
                during.append(ask(i))
                i += 1

        thread = threading.Thread(target=keep_asking)
        thread.start()
        thread.join(timeout=900)
        stop.set()
        return {"offers": n, "import_s": import_s, "fit_s": fit_s, "first_query_s": first_s,
                "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
                "base_p50": percentile(base, 50), "base_p95": percentile(base, 95),
                "rebuild_p95": percentile(during, 95) if during else float("nan"),
                "rebuild_max": max(during) if during else float("nan"), "rebuild_queries": len(during),
                "rss_mb": rss}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(sizes: tuple[int, ...] = (1000, 10000, 100000), rounds: int = 200) -> str:
    """Print and return the Markdown table."""
    seeds = seed_offers()
    rows = []
    for n in sizes:
        rows.append(measure(n, seeds, rounds))
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in rows[-1].items()}),
              flush=True)
    lines = ["POST /api/v1/recommendations over HTTP, one gunicorn worker (4 threads), one gap, "
             "limit 10; baseline: one sparse dot product of the query with the same word matrix, "
             "in process.\n",
             "| offers | API p50 ms | API p95 ms | baseline p50 ms | baseline p95 ms "
             "| p95 during rebuild ms | worker RSS MB | index fit s | import s |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['offers']:,} | {r['p50']:.1f} | {r['p95']:.1f} | {r['base_p50']:.2f} | "
                     f"{r['base_p95']:.2f} | {r['rebuild_p95']:.1f} | {r['rss_mb']:.0f} | "
                     f"{r['fit_s']:.1f} | {r['import_s']:.1f} |")
    table = "\n".join(lines)
    print("\n" + table)
    return table


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    main(tuple(int(s) for s in args.sizes.split(",")), args.rounds)
