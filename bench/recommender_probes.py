"""First-stage designs probed against the matcher in use, chosen on the tune half and held out once.

Each design is a variant of the word (BM25) channel or of the query built from the gap, fitted in-process on
the judged catalogue. Its settings are compared on the tune half only (EN nDCG@10 picks one); the held-out half
is scored once per design, for the chosen setting. A design would be kept only when its tune gain in English is at
least KEEP_TUNE_GAIN (below that it is inside what fifteen single-weight changes moved) and the held-out half
then improves in English without Dutch falling by more than NL_TOLERANCE. Nothing here changes the matcher.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bench.recommender_common import metrics
from recommender.matcher import (
    FEEDBACK_TERMS,
    STOP_WORDS,
    WORD_PATTERN,
    Context,
    Gap,
    Matcher,
    OfferIndex,
    _strongest_terms,
    _transposed,
    offer_short_text,
)
from recommender.taxonomy import SkillEntry, Taxonomy, normalise

KEEP_TUNE_GAIN = 0.01
NL_TOLERANCE = 0.01
FIELDS: dict[str, Callable[[dict], str]] = {
    "title": lambda o: o.get("title", ""),
    "tags and outcomes": lambda o: " ".join([*(s["skill"] for s in o.get("skills") or []),
                                             *(o.get("learning_outcomes") or [])]),
    "description": lambda o: (o.get("description") or "")[:3000],
    "provider": lambda o: o.get("provider") or "",
}


class FieldIndex(OfferIndex):
    """BM25F: each field's counts length-normalised on their own and weighted, then saturated once."""

    def __init__(self, title_weight: float = 2.0, b_description: float = 0.3):
        super().__init__()
        self.title_weight, self.b_description = title_weight, b_description

    def fit(self, offers: list[dict], version: int = 0) -> FieldIndex:
        super().fit(offers, version)
        n = len(offers)
        vectorizer = TfidfVectorizer(**{**self.word_params(n), "vocabulary": self.word_vocab_, "max_df": 1.0})
        tf = sparse.csr_matrix((n, len(self.word_vocab_)), dtype=np.float32)
        for name, text in FIELDS.items():
            counts = sparse.csr_matrix(vectorizer.fit_transform([text(o) for o in offers]), dtype=np.float32)
            b = self.b_description if name == "description" else 0.5
            length = np.asarray(counts.sum(axis=1)).ravel()
            norm = 1 - b + b * length / max(float(length.mean()), 1e-9)
            weight = self.title_weight if name == "title" else 1.0
            tf = tf + sparse.diags((weight / np.maximum(norm, 1e-9)).astype(np.float32)) @ counts
        tf = sparse.csr_matrix(tf)
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32)
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        tf.data = tf.data * (self.k1 + 1) / (tf.data + self.k1) * idf[tf.indices]
        self.words_t_ = _transposed_like(self, tf)
        return self


class TitleChannelIndex(OfferIndex):
    """A second BM25 over title and skill tags only, added to the full-text channel with weight ALPHA."""

    def __init__(self, alpha: float = 0.2):
        super().__init__()
        self.alpha = alpha

    def fit(self, offers: list[dict], version: int = 0) -> TitleChannelIndex:
        super().fit(offers, version)
        vectorizer = TfidfVectorizer(**{**self.word_params(len(offers)), "vocabulary": self.word_vocab_,
                                        "max_df": 1.0})
        counts = vectorizer.fit_transform([offer_short_text(o) for o in offers])
        full_b, self.b = self.b, 0.75  # short fields: the usual length normalisation
        self.title_t_ = sparse.csr_matrix(self._bm25(counts).T)
        self.b = full_b
        return self

    def text_scores(self, texts, weights):
        score, matches, query = super().text_scores(texts, weights)
        if query is not None:
            title = (query[0] @ self.title_t_).toarray().ravel()
            score = score + self.alpha * title / (title.max() or 1.0)
        return score, matches, query


@lru_cache(maxsize=100_000)
def fold_plural(word: str) -> str:
    """Harman's S-stemmer: the plural folding that changes the fewest words."""
    if len(word) > 3 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def plural_folded_words(text: str) -> list[str]:
    stop = frozenset(STOP_WORDS)
    return [fold_plural(t) for t in re.findall(WORD_PATTERN, text) if t not in stop]


class PluralFoldedIndex(OfferIndex):
    """Words folded to their singular in the catalogue and in the query."""

    def word_params(self, n: int) -> dict:
        return {**super().word_params(n), "tokenizer": plural_folded_words, "token_pattern": None,
                "stop_words": None}

    def knows(self, word: str) -> bool:
        return self.word_vocab_ is not None and fold_plural(word) in self.word_vocab_


class QueryShapeIndex(OfferIndex):
    """The word query with each text normalised to unit length (PER_TEXT) and word pairs weighted PAIR."""

    def __init__(self, per_text: bool = False, pair: float = 1.0):
        super().__init__()
        self.per_text, self.pair = per_text, pair

    def query_vector(self, kind, texts, names=None):
        if kind != "word" or self.word_vocab_ is None:
            return super().query_vector(kind, texts, names)
        analyze, summed = self._analyzer("word"), {}
        for text, weight in texts:
            values = {}
            for term in analyze(text):
                column = self.word_vocab_.get(term)
                if column is not None:
                    values[column] = self.pair if " " in term else 1.0
                    if names is not None:
                        names[column] = term
            norm = math.sqrt(sum(v * v for v in values.values())) if self.per_text and values else 1.0
            for column, value in values.items():
                summed[column] = summed.get(column, 0.0) + weight * value / norm
        columns = np.array(sorted(summed), dtype=np.int32)
        data = np.array([summed[c] for c in columns], dtype=np.float32)
        data /= float(np.linalg.norm(data)) or 1.0
        return sparse.csr_matrix((data, columns, np.array([0, len(columns)], dtype=np.int32)),
                                 shape=(1, len(self.word_vocab_)))


class KnownNamesTaxonomy:
    """The taxonomy, except that a skill's expansion leaves out the names the catalogue has no word of (a Dutch label
    over an English catalogue), so they do not take a share of the expansion's cap."""

    def __init__(self, taxonomy: Taxonomy, index: OfferIndex):
        self.taxonomy, self.index = taxonomy, index

    def __getattr__(self, name: str):
        return getattr(self.taxonomy, name)

    def expansion(self, entry: SkillEntry) -> list[tuple[str, float]]:
        analyze, vocabulary = self.index._analyzer("word"), self.index.word_vocab_ or {}
        return [(text, weight) for text, weight in self.taxonomy.expansion(entry)
                if any(term in vocabulary for term in analyze(text))]


def tag_by_text(index: OfferIndex, taxonomy: Taxonomy, offers: list[dict], fields: tuple[str, ...]) -> None:
    """Tag each offer with the taxonomy skills whose label or synonym its FIELDS name as a phrase."""
    texts = [f" {normalise(' '.join(str(o.get(f) or '') for f in fields))} " for o in offers]
    rows: dict[str, set[int]] = {}
    for entry in taxonomy.skills.values():
        names = {f" {normalise(n)} " for n in entry.names() if len(normalise(n)) >= 3}
        for row, text in enumerate(texts):
            if any(name in text for name in names):
                rows.setdefault(entry.id, set()).add(row)
    index.skill_rows_ = rows


def _transposed_like(index: OfferIndex, words) -> sparse.csr_matrix:
    """The inverted index and feedback terms of WORDS, as OfferIndex.fit keeps them."""
    index.strongest_ = _strongest_terms(words, FEEDBACK_TERMS)
    return _transposed(words)


def designs(offers: list[dict]) -> dict[str, dict[str, Callable[[], Matcher]]]:
    """Design -> setting -> a fitted matcher. Every matcher shares the shipped taxonomy and default weights."""
    def matcher(index: OfferIndex, tag_fields: tuple[str, ...] = (), known_names: bool = False) -> Matcher:
        taxonomy = Taxonomy.build()
        index.fit(offers, 1)
        index.tag_skills(taxonomy)
        if tag_fields:
            tag_by_text(index, taxonomy, offers, tag_fields)
        return Matcher(index, KnownNamesTaxonomy(taxonomy, index) if known_names else taxonomy)

    return {
        "title repeated in the one full-text document (in use: 2)": {
            f"{r}x": (lambda r=r: matcher(OfferIndex(title_repeat=r))) for r in (1, 3)},
        "BM25F: fields normalised apart, title weight w, description b": {
            f"w={w}, b={b}": (lambda w=w, b=b: matcher(FieldIndex(w, b))) for w in (1, 2, 3) for b in (0.3, 0.75)},
        "title-and-tags BM25 channel added with weight a": {
            f"a={a}": (lambda a=a: matcher(TitleChannelIndex(a))) for a in (0.1, 0.2, 0.4)},
        "BM25 k1 and b of the full-text document (in use: 1.2, 0.3)": {
            f"k1={k1}, b={b}": (lambda k1=k1, b=b: matcher(OfferIndex(k1=k1, b=b)))
            for k1 in (0.9, 1.2, 2.0) for b in (0.1, 0.3, 0.75) if (k1, b) != (1.2, 0.3)},
        "plural folding (S-stemmer) of catalogue and query words": {
            "on": lambda: matcher(PluralFoldedIndex())},
        "each query text normalised to unit length": {
            "on": lambda: matcher(QueryShapeIndex(per_text=True))},
        "word pairs of the query (multi-word skills as phrases) weighted p": {
            f"p={p}": (lambda p=p: matcher(QueryShapeIndex(pair=p))) for p in (0.5, 2.0)},
        "expansion cap counts only names the catalogue has a word of": {
            "on": lambda: matcher(OfferIndex(), known_names=True)},
        "offers tagged with the skills their text names": {
            "title": lambda: matcher(OfferIndex(), ("title",)),
            "title and description": lambda: matcher(OfferIndex(), ("title", "description"))},
    }


def half_ndcg(matcher: Matcher, query_sets: dict[str, list[dict]], half: str,
              split_of: Callable[[dict], str]) -> dict[str, float]:
    """nDCG@10 per language on one half, asking as the API does (one gap, no context, limit 10)."""
    out = {}
    for language, queries in query_sets.items():
        chosen = [q for q in queries if split_of(q) == half]
        rankings = [[i["external_id"] for i in matcher.recommend([Gap(q["query"])], Context(), limit=10)]
                    for q in chosen]
        out[language] = metrics(rankings, chosen)["ndcg@10"]
    return out


def probe_table(items: list[dict], query_sets: dict[str, list[dict]], split_of: Callable[[dict], str]) -> str:
    """Each design at its best tune setting beside the matcher in use, on both halves."""
    offers = [{**item, "offer_id": item["external_id"]} for item in items]
    in_use = Matcher(OfferIndex().fit(offers, 1), Taxonomy.build())
    in_use.index.tag_skills(in_use.taxonomy)
    base = {half: half_ndcg(in_use, query_sets, half, split_of) for half in ("tune", "held-out")}
    lines = ["First-stage designs, each tried on the tune half and held out once at its best tune setting "
             f"(kept only with an EN tune gain of at least {KEEP_TUNE_GAIN} and then a better EN held-out half, "
             f"NL held-out not below the matcher in use by more than {NL_TOLERANCE}):\n",
             "| design | settings tried: EN tune | chosen | EN tune | NL tune | EN held-out | NL held-out | verdict |",
             "|---|---|---|---:|---:|---:|---:|---|",
             f"| matcher in use (in-process) | | | {base['tune']['EN']:.3f} | {base['tune']['NL']:.3f} | "
             f"{base['held-out']['EN']:.3f} | {base['held-out']['NL']:.3f} | |"]
    for design, settings in designs(offers).items():
        tune: dict[str, dict[str, float]] = {}
        best, chosen = None, ""
        for label, build in settings.items():
            candidate = build()
            tune[label] = half_ndcg(candidate, query_sets, "tune", split_of)
            if best is None or tune[label]["EN"] > tune[chosen]["EN"]:
                best, chosen = candidate, label
        tuned = tune[chosen]
        held = half_ndcg(best, query_sets, "held-out", split_of)  # once per design, for the chosen setting
        if tuned["EN"] - base["tune"]["EN"] < KEEP_TUNE_GAIN:
            verdict = "not kept: tune gain below the bar"
        elif held["EN"] > base["held-out"]["EN"] and held["NL"] >= base["held-out"]["NL"] - NL_TOLERANCE:
            verdict = "held-out better: candidate to keep"
        else:
            verdict = "not kept: held-out not better"
        tried = ", ".join(f"{label} {scores['EN']:.3f}" for label, scores in tune.items())
        lines.append(f"| {design} | {tried} | {chosen} | {tuned['EN']:.3f} | {tuned['NL']:.3f} | {held['EN']:.3f} | "
                     f"{held['NL']:.3f} | {verdict} |")
    lines.append("\n" + words_absent(items, query_sets["EN"], split_of))
    return "\n".join(lines)


def words_absent(items: list[dict], queries: list[dict], split_of: Callable[[dict], str], half: str = "tune") -> str:
    """How many relevant offers of HALF share no word of 3+ letters with their query: out of reach of any word match
    (stems aside), whatever its weighting."""
    def words(item: dict) -> str:
        parts = [item.get("title", ""), *(item.get("learning_outcomes") or []), item.get("description") or ""]
        return f" {normalise(' '.join(parts))} "

    text = {item["external_id"]: words(item) for item in items}
    pairs = [(q, r) for q in queries if split_of(q) == half for r in q["relevant"]]
    absent = sum(not any(f" {w}" in text[r] for w in normalise(q["query"]).split() if len(w) > 2) for q, r in pairs)
    return (f"On the {half} half, {absent} of {len(pairs)} relevant (EN query, offer) pairs "
            f"({100 * absent / len(pairs):.0f} %) share no word with the query (a word of the query may start a "
            "longer word of the offer).")
