"""Offline evaluation of the matcher: nDCG@10, recall@10, MRR and coverage on judged queries.

Judged queries come from a file (`{"query": ..., "relevant": [external or offer ids]}` per line) or
from the feed (offers accepted or completed for a skill count as relevant for that skill).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

from recommender.matcher import Context, Gap, Matcher

K = 10


def ndcg_at_k(ranked: list[str], relevant: set[str], k: int = K) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall_at_k(ranked: list[str], relevant: set[str], k: int = K) -> float:
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1 / (i + 1) for i, item in enumerate(ranked) if item in relevant), 0.0)


def read_queries(text: str) -> list[dict]:
    """Judged queries from JSON Lines; lines without a query or relevant ids are skipped."""
    queries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if isinstance(item, dict) and item.get("query") and item.get("relevant"):
            queries.append({"query": str(item["query"]), "relevant": [str(r) for r in item["relevant"]]})
    return queries


def evaluate(matcher: Matcher, queries: Iterable[dict], k: int = K) -> dict:
    """Mean metrics over QUERIES; relevance may name offers by external id or offer id."""
    totals = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0}
    shown: set[str] = set()
    n = 0
    for query in queries:
        relevant = set(query["relevant"])
        items = matcher.recommend([Gap(query["query"])], Context(), limit=k)
        ranked = [i["external_id"] if i["external_id"] in relevant else i["offer_id"] for i in items]
        shown.update(i["offer_id"] for i in items)
        totals["ndcg@10"] += ndcg_at_k(ranked, relevant, k)
        totals["recall@10"] += recall_at_k(ranked, relevant, k)
        totals["mrr"] += reciprocal_rank(ranked, relevant)
        n += 1
    result = {name: round(value / n, 4) if n else 0.0 for name, value in totals.items()}
    result["coverage"] = round(len(shown) / max(1, len(matcher.index.offers_)), 4)
    result["queries"] = n
    return result
