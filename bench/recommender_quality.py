"""Ranking quality on ../shared/bench/skills: the recommender (through its API) beside baselines.

Imports items.jsonl through POST /api/v1/catalogue/import, asks each judged query as one gap with
no context and limit 10 through POST /api/v1/recommendations, and prints nDCG@10, recall@10 and
MRR for the English and Dutch dev queries, beside TF-IDF (word, char) and BM25 computed here; then
nDCG@10 on each half of a fixed tune/held-out split of the queries (`split_of`), and the first-stage designs of
`bench/recommender_probes.py`, each chosen on the tune half and held out once.
Run: .venv/bin/python bench/recommender_quality.py
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.recommender_common import bench_data_or_none, metrics, read_jsonl  # noqa: E402
from bench.recommender_probes import probe_table  # noqa: E402

QUERY_FILES = {"EN": "queries_dev.jsonl", "NL": "queries_dev_nl.jsonl"}
SPLITS = ("tune", "held-out")
# Weight changes measured beside the settings in use (through PUT /settings). On 2026-12-03 fifteen single-weight
# changes were tried on the tune half (char_share 0/0.2, feedback 0.4/1.2, feedback_docs 3/8, expansion 1/2,
# taxonomy 0.1/0.4, match_synonym 0.5/0.9, match_fuzzy 0.1/0.5, means_cap 1, min_score 0, match_partial 0.3-1.0);
# all but the one below moved it by 0.015 or less. The best on the tune half stays here, re-measured each run.
CANDIDATES = {"best of 15 on the tune half": {"match_partial": 1.0}}


def split_of(query: dict) -> str:
    """A fixed half of the judged skills, by a hash of the query id (a Dutch query shares its English twin's id, so a
    skill is in the same half in both languages): changes are tried on "tune" only; "held-out" is looked at once per
    change, to keep it or not. Neither half is unseen by the sessions before the split (2026-12-03)."""
    return SPLITS[int(hashlib.sha256(query["qid"].encode()).hexdigest()[:8], 16) % 2]


def baseline_text(item: dict) -> str:
    return " ".join([item.get("title", ""), " ".join(item.get("learning_outcomes") or []),
                     item.get("description") or ""])


def tfidf_rankings(items, queries, **vectorizer) -> list[list[str]]:
    model = TfidfVectorizer(sublinear_tf=False, **vectorizer)
    matrix = model.fit_transform([baseline_text(i) for i in items])
    ids = [i["external_id"] for i in items]
    scores = (model.transform([q["query"] for q in queries]) @ matrix.T).toarray()
    return [[ids[j] for j in np.argsort(-row, kind="stable")[:10]] for row in scores]


def bm25_rankings(items, queries) -> list[list[str]]:
    from rank_bm25 import BM25Okapi

    def tokens(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    bm25 = BM25Okapi([tokens(baseline_text(i)) for i in items])
    ids = [i["external_id"] for i in items]
    out = []
    for query in queries:
        scores = bm25.get_scores(tokens(query["query"]))
        out.append([ids[j] for j in np.argsort(-scores, kind="stable")[:10]])
    return out


def recommender_rankings(data: Path, query_sets: dict[str, list[dict]],
                         candidates: dict[str, dict] | None = None) -> dict[str, dict[str, list[list[str]]]]:
    """Rankings of the settings in use ("in use") and of each candidate's weights, all through the API."""
    workdir = tempfile.mkdtemp(prefix="groeipad-bench-")
    os.environ.setdefault("GROEIPAD_JWT_SECRET", "bench-secret-that-is-long-enough-for-hs256")
    os.environ["GROEIPAD_DATA_DIR"] = workdir
    from recommender.app import create_app
    from shared.auth import TokenSettings, issue_token

    app = create_app({"RECOMMENDER_DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite"})
    client = app.test_client()
    token = issue_token(TokenSettings.from_env(), "bench", ["ld"])
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    answer = client.post("/api/v1/catalogue/import", data=(data / "items.jsonl").read_bytes(),
                         content_type="application/x-ndjson", headers=headers)
    imported = answer.get_json()
    print(f"import: {imported['imported']} offers, {len(imported['rejected'])} rejected, "
          f"{time.perf_counter() - started:.2f}s")
    runtime = app.extensions["recommender"]
    out = {}
    for name, weights in {"in use": {}, **(candidates or {})}.items():
        if weights:
            changed = client.put("/api/v1/settings", json={"weights": weights, "reason": f"bench: {name}"},
                                 headers=headers)
            assert changed.status_code == 200, changed.get_json()
            runtime.matcher.refresh()
        out[name] = {}
        for language, queries in query_sets.items():
            rankings = []
            for query in queries:
                body = {"gaps": [{"skill": query["query"]}], "limit": 10}
                items = client.post("/api/v1/recommendations", json=body, headers=headers).get_json()
                rankings.append([i["external_id"] for i in items["recommendations"]])
            out[name][language] = rankings
    runtime.close()
    return out


def main() -> str | None:
    """Print and return the Markdown table; None when the judged data is absent."""
    data = bench_data_or_none()
    if data is None:
        return None
    items = read_jsonl(data / "items.jsonl")
    query_sets = {name: read_jsonl(data / file) for name, file in QUERY_FILES.items()}
    methods = {
        "TF-IDF word 1-2 grams, cosine": lambda q: tfidf_rankings(items, q, ngram_range=(1, 2)),
        "TF-IDF char_wb 3-5 grams, cosine": lambda q: tfidf_rankings(
            items, q, analyzer="char_wb", ngram_range=(3, 5)),
        "BM25 (rank-bm25, Okapi)": lambda q: bm25_rankings(items, q),
    }
    rankings: dict[str, dict[str, list[list[str]]]] = {}
    for method, rank in methods.items():
        rankings[method] = {name: rank(queries) for name, queries in query_sets.items()}
    ours = recommender_rankings(data, query_sets, CANDIDATES)
    rankings["Groeipad recommender (API)"] = ours.pop("in use")
    results = {method: {name: metrics(by_set[name], query_sets[name]) for name in query_sets}
               for method, by_set in rankings.items()}

    lines = [f"Skill -> offer quality, {len(items)} offers, "
             + ", ".join(f"{len(q)} {n} queries" for n, q in query_sets.items()) + "\n",
             "| method | nDCG@10 EN | recall@10 EN | MRR EN | nDCG@10 NL | recall@10 NL | MRR NL |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for method, by_set in results.items():
        cells = [f"{by_set[s][m]:.3f}" for s in QUERY_FILES for m in ("ndcg@10", "recall@10", "mrr")]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    ours_en = results["Groeipad recommender (API)"]["EN"]["ndcg@10"]
    ours_nl = results["Groeipad recommender (API)"]["NL"]["ndcg@10"]
    best = max(r["EN"]["ndcg@10"] for m, r in results.items() if m != "Groeipad recommender (API)")
    lines.append(f"\nEN nDCG@10 against the best baseline: {ours_en - best:+.3f} ({100 * (ours_en / best - 1):+.1f} %; "
                 "target: clearly above, i.e. by more than the ~0.04 noise of this pool, aiming at +20 %: "
                 f"{'reached' if ours_en >= 1.2 * best else 'not reached'}); "
                 f"NL as a share of EN: {100 * ours_nl / ours_en:.0f} % (target at least 80 %).")
    lines.append("\n" + by_split(query_sets, rankings))
    lines.append("\n" + candidates(query_sets, rankings["Groeipad recommender (API)"], ours))
    lines.append("\n" + probe_table(items, query_sets, split_of))
    lines.append("\n" + unseen_by_shipped_data(query_sets, rankings))
    lines.append("\n" + tuned_on_dev(query_sets))
    table = "\n".join(lines)
    print("\n" + table)
    return table


def candidates(query_sets: dict[str, list[dict]], in_use: dict[str, list], tried: dict[str, dict[str, list]]) -> str:
    """Each candidate beside the settings in use on both halves, and whether the held-out half would keep it."""
    def score(by_set: dict[str, list], name: str, half: str) -> float:
        pairs = [(r, q) for r, q in zip(by_set[name], query_sets[name], strict=True) if split_of(q) == half]
        return metrics([r for r, _ in pairs], [q for _, q in pairs])["ndcg@10"]

    columns = [(name, half) for name in query_sets for half in SPLITS]
    lines = ["Candidate changes, re-measured in every run (nDCG@10; kept only when the held-out half improves in "
             "both languages):\n",
             "| settings | " + " | ".join(f"{n} {h}" for n, h in columns) + " | held-out verdict |",
             "|---|" + "---:|" * len(columns) + "---|",
             "| in use | " + " | ".join(f"{score(in_use, n, h):.3f}" for n, h in columns) + " | |"]
    for label, by_set in tried.items():
        better = all(score(by_set, n, "held-out") > score(in_use, n, "held-out") for n in query_sets)
        lines.append(f"| {label}: {CANDIDATES[label]} | " + " | ".join(f"{score(by_set, n, h):.3f}" for n, h in columns)
                     + f" | {'better: keep' if better else 'not better: not kept'} |")
    return "\n".join(lines)


def by_split(query_sets: dict[str, list[dict]], rankings: dict[str, dict[str, list]]) -> str:
    """nDCG@10 on each half of the split (see split_of), and the recommender against the best baseline on each."""
    halves = {(name, half): [split_of(q) == half for q in queries] for name, queries in query_sets.items()
              for half in SPLITS}
    lines = ["nDCG@10 on each half of a fixed split of the judged skills (`split_of`: changes are tried on the tune "
             "half; the held-out half decides whether one is kept):\n",
             "| method | " + " | ".join(f"{name} {half} ({sum(keep)})" for (name, half), keep in halves.items()) + " |",
             "|---|" + "---:|" * len(halves)]
    scores: dict[str, dict[tuple[str, str], float]] = {}
    for method, by_set in rankings.items():
        scores[method] = {}
        for (name, half), keep in halves.items():
            pairs = [(r, q) for r, q, k in zip(by_set[name], query_sets[name], keep, strict=True) if k]
            scores[method][(name, half)] = metrics([r for r, _ in pairs], [q for _, q in pairs])["ndcg@10"]
        lines.append(f"| {method} | " + " | ".join(f"{v:.3f}" for v in scores[method].values()) + " |")
    ours = scores.pop("Groeipad recommender (API)")
    ratios = []
    for half in SPLITS:
        best = max(v[("EN", half)] for v in scores.values())
        ratios.append(f"{half} {ours[('EN', half)] / best:.2f}x")
    lines.append("\nEN nDCG@10 against the best baseline on each half: " + ", ".join(ratios) + " (aim 1.2x).")
    return "\n".join(lines)


def unseen_by_shipped_data(query_sets: dict[str, list[dict]], rankings: dict[str, dict[str, list]]) -> str:
    """The queries the shipped taxonomy (EN) or lexicon (NL) does not name verbatim, scored apart.

    The judged data has no held-out split, so no figure here is on unseen queries. These subsets are the
    nearest thing: the shipped data gives them no exact entry, so what the recommender does there comes
    from the general rules (partial and fuzzy resolution, compound splitting, the ranking) alone; the
    ranking weights were still set on all dev queries."""
    from recommender.matcher import Gap, Matcher, OfferIndex
    from recommender.taxonomy import Taxonomy, normalise, starter_lexicon

    matcher = Matcher(OfferIndex().fit([]), Taxonomy.build())
    lexicon = starter_lexicon()
    unseen = {"EN": [matcher.query_texts(Gap(q["query"]))[2] not in ("label", "synonym") for q in query_sets["EN"]],
              "NL": [normalise(q["query"]) not in lexicon.entries for q in query_sets["NL"]]}
    lines = ["Queries the shipped data does not name (EN: no label or synonym of the starter taxonomy; NL: not an "
             "entry of the lexicon), nDCG@10:\n", "| method | EN | NL |", "|---|---:|---:|"]
    scores: dict[str, dict[str, float]] = {}
    for method, by_set in rankings.items():
        scores[method] = {}
        for name, keep in unseen.items():
            pairs = [(r, q) for r, q, k in zip(by_set[name], query_sets[name], keep, strict=True) if k]
            scores[method][name] = metrics([r for r, _ in pairs], [q for _, q in pairs])["ndcg@10"]
        lines.append(f"| {method} | {scores[method]['EN']:.3f} | {scores[method]['NL']:.3f} |")
    ours = scores["Groeipad recommender (API)"]["EN"]
    best = max(v["EN"] for m, v in scores.items() if m != "Groeipad recommender (API)")
    lines.append(f"\n{sum(unseen['EN'])} EN and {sum(unseen['NL'])} NL queries; EN against the best baseline on them: "
                 f"{100 * (ours / best - 1):+.1f} % (aim +20 %: {'reached' if ours >= 1.2 * best else 'not reached'}).")
    return "\n".join(lines)


def tuned_on_dev(query_sets: dict[str, list[dict]]) -> str:
    """What in these numbers was shaped while looking at these dev queries, and how much the shipped
    taxonomy and lexicon overlap with them (measured here, so the statement stays true)."""
    from recommender.matcher import Gap, Matcher, OfferIndex
    from recommender.taxonomy import Taxonomy, normalise, starter_lexicon

    taxonomy, lexicon = Taxonomy.build(), starter_lexicon()
    matcher = Matcher(OfferIndex().fit([]), taxonomy)
    exact = sum(matcher.query_texts(Gap(q["query"]))[2] in ("label", "synonym") for q in query_sets["EN"])
    verbatim = sum(normalise(q["query"]) in lexicon.entries for q in query_sets["NL"])
    return (
        "**Tuned on these dev queries (read the recommender's row as optimistic for unseen queries).** "
        "The judged data (`../shared/bench/skills`) has dev queries only. Since 2026-12-03 this bench splits them "
        "into a tune and a held-out half (`split_of`, a hash of the query id, not chosen by looking at results); "
        "everything before was set looking at all of them, so neither half is unseen and the held-out figures are "
        "held out only for changes made since. A change is tried on the tune half and kept only when the held-out "
        "half improves as well. "
        "(1) The ranking: BM25 k1/b, title repetition and the weights in `DEFAULT_WEIGHTS` (text, char_share, "
        "expansion, synonym, translation, feedback, feedback_docs) were set by earlier sessions against this table. "
        "(2) The gap resolution (exact > name inside the text > close spelling; lexicon always asked; compounds "
        "split into catalogue words) was designed from the issue's analysis of misses on these queries; its "
        "`match_synonym`/`match_partial`/`match_fuzzy` weights (0.7/0.5/0.25) were set beforehand, and other "
        "values tried afterwards moved EN nDCG@10 by less than 0.01, inside the noise. "
        f"(3) The shipped data overlaps the queries: {exact} of {len(query_sets['EN'])} English queries are a label "
        f"or synonym of the starter taxonomy, and {verbatim} of {len(query_sets['NL'])} Dutch queries are entries "
        "of the Dutch-English lexicon as they stand (the gap-resolution change added no entry; how earlier "
        "sessions chose theirs is not recorded), so the NL figure in particular should not be expected on other "
        "Dutch wording. (4) Since the split: fifteen single-weight changes on the tune half (`CANDIDATES` in the "
        "bench names them) moved it by 0.015 or less; the best did not hold on the held-out half, so the weights "
        "stay; fusing the ranking with plain BM25 by reciprocal rank (a one-off probe, BM25 at 0.2 to 0.5 of the "
        "weight) gave the tune half +0.005 at best in English and lowered Dutch, so it was not built. "
        "The issue's gap-resolution changes were in place before the split, so the held-out half cannot "
        "measure them. (5) First-stage designs (the table from `bench/recommender_probes.py`: field weighting of the "
        "title against the description, BM25F, a title channel, plural folding, query shaping, a tighter expansion "
        "cap, offers tagged from their text) were each chosen on the tune half and held out once: none gained 0.01 "
        "in English on either half (the nearest, the title once instead of twice, also lowered Dutch), so the "
        "matcher is unchanged. k1 and b were "
        "set on all queries before the split, so their row's held-out half is not held out. One-off probes on the "
        "tune half, not built and not in the table: Snowball English stemming (instead of plural folding), LSA "
        "(100 or 300 dimensions of the word matrix, fused at 0.1 to 0.3) and smoothing each offer's score with its "
        "10 nearest offers all lowered English; LSA also multiplied the time per query. About a third of the "
        "relevant offers share no word with their query (the line under the table), which bounds what any word "
        "match can do here. Not tuned: the baselines (library defaults).")


if __name__ == "__main__":
    main()
