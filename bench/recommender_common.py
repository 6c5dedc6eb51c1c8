"""Shared by the recommender benchmarks: where the judged data lives, and the ranking metrics."""

from __future__ import annotations

import json
from pathlib import Path

from recommender.evaluation import ndcg_at_k, recall_at_k, reciprocal_rank

REPO = Path(__file__).resolve().parents[1]
SKILLS_BENCH = REPO.parent / "shared" / "bench" / "skills"


def bench_data_or_none() -> Path | None:
    """../shared/bench/skills beside the repository, or None (a user's machine) after saying so."""
    if (SKILLS_BENCH / "items.jsonl").exists():
        return SKILLS_BENCH
    print(f"skipped: the judged skills data ({SKILLS_BENCH.name}) is not beside this checkout "
          "(expected ../shared/bench/skills); nothing to measure")
    return None


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def metrics(rankings: list[list[str]], judged: list[dict]) -> dict[str, float]:
    """Mean nDCG@10, recall@10 and MRR of RANKINGS against the queries' relevant ids."""
    n = len(judged) or 1
    out = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0}
    for ranked, query in zip(rankings, judged, strict=True):
        relevant = set(query["relevant"])
        out["ndcg@10"] += ndcg_at_k(ranked, relevant) / n
        out["recall@10"] += recall_at_k(ranked, relevant) / n
        out["mrr"] += reciprocal_rank(ranked[:10], relevant) / n
    return out
