"""The matcher: skill gaps and an employee's context -> ranked learning offers, each with reasons.

Text similarity is BM25 over the catalogue's word 1-2 grams (full text) plus TF-IDF character 3-5
grams on the short fields so "projectmanagement" meets "project management", with the query expanded
through the taxonomy's Dutch and English labels and synonyms (and, for Dutch words the taxonomy
does not know, their English from a workplace lexicon) and one round of pseudo-relevance feedback.
Explicit skill tags, level fit and a quality prior learned from feedback add to it; hard filters
remove what cannot fit; a cap per means type keeps the list varied.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from recommender.reasons import reason
from recommender.taxonomy import SkillEntry, Taxonomy, normalise

DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 1.0,            # text similarity (0..1)
    "char_share": 0.1,      # part of the text score from character n-grams
    "taxonomy": 0.25,       # the offer is tagged with the gap's skill
    "level": 0.08,          # the offer's level fits the step the employee wants to make
    "quality": 0.1,         # learned from ratings, completions and dismissals
    "synonym": 0.5,         # weight of a synonym against a label in the expanded query
    "translation": 1.0,     # weight of a Dutch query's English words (lexicon) against the query
    "expansion": 1.5,       # the taxonomy's words together weigh at most this much against the query's own
    "match_synonym": 0.7,   # the taxonomy's words when the gap is one of a skill's synonyms (1 for a label)
    "match_partial": 0.5,   # ... when a skill's name is inside the gap's longer text
    "match_fuzzy": 0.25,    # ... when the gap only spells close to a skill's name
    "feedback": 0.8,        # pseudo-relevance feedback: weight of the top offers' centroid
    "feedback_docs": 5,     # how many top offers feed back
    "means_cap": 0.6,       # at most this share of a list from one means type
    "min_score": 0.02,      # below this an offer is no recommendation at all
}
TIERS = ("label", "synonym", "partial", "fuzzy")  # how exactly a gap names a skill, best first
LEVEL_RANK = {"beginner": 0, "intermediate": 1, "advanced": 2}
QUALITY_PRIOR_STRENGTH = 5.0
FEEDBACK_TERMS = 40
CHAR_FLOOR = 0.2
FEEDBACK_POOL = 1000
RECOMMENDATION_NAMESPACE = uuid5(NAMESPACE_URL, "https://groeipad.example/recommendation")
WORD_PATTERN = r"(?u)\b\w[\w#+]*\b"
DUTCH_STOP_WORDS = frozenset((
    "aan", "al", "als", "bij", "dan", "dat", "de", "der", "des", "deze", "die", "dit", "door",
    "een", "en", "er", "met", "hem", "het", "hier", "hij", "hoe", "hun", "ik", "in", "is",
    "je", "jij", "jouw", "kan", "maar", "me", "meer", "mijn", "na", "naar", "niet", "nog",
    "nu", "of", "om", "onder", "ons", "ook", "op", "over", "te", "tegen", "tot", "u", "uit",
    "van", "veel", "voor", "waar", "wat", "wel", "wie", "wij", "wordt", "worden", "zal", "ze",
    "zich", "zij", "zijn", "zo", "zonder",
))
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | DUTCH_STOP_WORDS)


def offer_text(offer: dict, title_repeat: int = 2) -> str:
    """Everything a person reads about an offer, the title repeated because it says the most."""
    skills = " ".join(s["skill"] for s in offer.get("skills") or [])
    outcomes = " ".join(offer.get("learning_outcomes") or [])
    title = offer.get("title", "")
    return " ".join([*[title] * title_repeat, skills, outcomes, offer.get("description") or "",
                     offer.get("provider") or ""])


def offer_short_text(offer: dict) -> str:
    """Title and skill tags: where compounds and spelling variants matter most, and short enough
    that character n-grams of 100,000 offers fit in memory."""
    skills = " ".join(s["skill"] for s in offer.get("skills") or [])
    return " ".join([offer.get("title", ""), skills])


SLIM_FIELDS = ("offer_id", "external_id", "title", "means", "provider", "language", "hours",
               "cost", "currency", "level", "mentor", "sessions", "skills")


def level_for(current: int | None, target: int | None) -> str | None:
    """The offer level that suits a step from CURRENT towards TARGET on the 0-5 scale."""
    if current is None and target is None:
        return None
    start = current if current is not None else max(0, (target or 0) - 2)
    return "beginner" if start <= 1 else "intermediate" if start <= 3 else "advanced"


@dataclass
class Gap:
    skill: str
    current_level: int | None = None
    target_level: int | None = None


@dataclass
class Context:
    means: list[str] | None = None
    language: str | None = None
    max_cost: float | None = None
    hours_per_week: float | None = None
    deadline: date | None = None
    employee_id: str | None = None
    exclude_offers: set[str] = field(default_factory=set)
    today: date = field(default_factory=date.today)
    max_hours: float | None = None  # what the person's dismissals taught (see recommender/personal.py)
    above_level: dict[str, int] = field(default_factory=dict)  # gap (normalised) -> only offers above this level


@dataclass
class OfferStats:
    """What the feed taught about an offer."""

    rating_sum: float = 0.0
    rating_count: int = 0
    completions: int = 0
    accepted: int = 0
    dismissed: int = 0


class OfferIndex:
    """Word (BM25) and character (TF-IDF) matrices over the active offers; rows follow `offers`,
    fitted once per version. BM25's length normalisation is mild (b=0.3): a programme's long
    description covers many skills and should not lose to a short page that repeats one word.

    Kept lean for 100,000 offers in every worker: the word matrix only as an inverted index (term x
    offer, float32, sorted indices), plus each offer's strongest terms for feedback; the fitted
    vectorizers are reduced to vocabulary and idf (no `stop_words_`, no duplicate matrices). The
    object pickles without caches, so a child process can fit it and hand it over.
    """

    def __init__(self, max_description_chars: int = 3000, stop_words: bool = True,
                 k1: float = 1.2, b: float = 0.3, title_repeat: int = 2):
        self.max_description_chars = max_description_chars
        self.stop_words = stop_words
        self.k1, self.b, self.title_repeat = k1, b, title_repeat

    def word_params(self, n: int) -> dict:
        """Raw counts of word 1-2 grams: _bm25 weighs them."""
        return {"ngram_range": (1, 2), "min_df": 1, "max_df": 0.5 if n > 50 else 1.0, "strip_accents": "unicode",
                "token_pattern": WORD_PATTERN, "stop_words": STOP_WORDS if self.stop_words else None,
                "dtype": np.float32, "use_idf": False, "norm": None}

    def _bm25(self, counts) -> sparse.csr_matrix:
        """Okapi BM25 term weights (saturated tf, length-normalised, times idf) from raw counts."""
        counts = sparse.csr_matrix(counts, dtype=np.float32)
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        length = np.asarray(counts.sum(axis=1)).ravel()
        norm = self.k1 * (1 - self.b + self.b * length / max(float(length.mean()), 1e-9))
        tf = counts.data
        counts.data = tf * (self.k1 + 1) / (tf + np.repeat(norm, np.diff(counts.indptr)).astype(np.float32))
        counts.data *= idf[counts.indices]
        return counts

    @staticmethod
    def char_params(n: int) -> dict:
        return {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True, "min_df": 1,
                "max_df": 0.3 if n > 50 else 1.0, "strip_accents": "unicode", "dtype": np.float32}

    def fit(self, offers: list[dict], version: int = 0) -> OfferIndex:
        n = len(offers)
        self.offers_ = [{k: o[k] for k in SLIM_FIELDS if k in o} for o in offers]
        self.version_ = version
        self.row_of_ = {o["offer_id"]: i for i, o in enumerate(offers)}
        texts = (offer_text({**o, "description": (o.get("description") or "")[:self.max_description_chars]},
                            self.title_repeat) for o in offers) if offers else iter([""])
        word = TfidfVectorizer(**self.word_params(n))
        char = TfidfVectorizer(**self.char_params(n))
        try:
            words = word.fit_transform(texts)
            chars = char.fit_transform([offer_short_text(o) for o in offers] or [""])
            words = self._bm25(words)
            self.word_vocab_ = word.vocabulary_
            self.char_vocab_, self.char_idf_ = char.vocabulary_, char.idf_.astype(np.float32)
        except ValueError:  # nothing to learn from (empty catalogue or no words at all)
            words = chars = sparse.csr_matrix((n, 1), dtype=np.float32)
            self.word_vocab_ = self.char_vocab_ = None
            self.char_idf_ = None
        del word, char  # what stays is vocabulary and idf, not the vectorizers' other state
        self.words_t_ = _transposed(words)
        self.strongest_ = _strongest_terms(words, FEEDBACK_TERMS)
        del words
        self.chars_t_ = _transposed(chars)
        del chars
        self.means_ = np.array([o.get("means", "") for o in offers], dtype=object)
        self.language_ = np.array([o.get("language") or "" for o in offers], dtype=object)
        self.cost_ = np.array([o.get("cost", np.nan) for o in offers], dtype=np.float32)
        self.hours_ = np.array([o.get("hours", np.nan) for o in offers], dtype=np.float32)
        self.level_ = np.array([LEVEL_RANK.get(o.get("level"), -1) for o in offers], dtype=np.int8)
        self.has_sessions_ = np.array([bool(o.get("sessions")) for o in offers], dtype=bool)
        self.skill_rows_: dict[str, set[int]] = {}
        self._analyzers: dict[str, Any] = {}
        return self

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_analyzers"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._analyzers = {}

    def tag_skills(self, taxonomy: Taxonomy) -> None:
        """Rows per taxonomy skill, from the offers' explicit skill tags."""
        rows: dict[str, set[int]] = {}
        resolved: dict[str, list[SkillEntry]] = {}
        for i, offer in enumerate(self.offers_):
            for taught in offer.get("skills") or []:
                name = taught["skill"]
                if name not in resolved:
                    resolved[name] = taxonomy.resolve(name)
                for entry in resolved[name]:
                    rows.setdefault(entry.id, set()).add(i)
        self.skill_rows_ = rows

    def knows(self, word: str) -> bool:
        """Whether WORD is a term of the catalogue (for splitting compounds into its words)."""
        return self.word_vocab_ is not None and word in self.word_vocab_

    def _analyzer(self, kind: str):
        analyze = self._analyzers.get(kind)
        if analyze is None:
            n = len(self.offers_)
            params = self.word_params(n) if kind == "word" else self.char_params(n)
            analyze = self._analyzers[kind] = TfidfVectorizer(**params).build_analyzer()
        return analyze

    def query_vector(self, kind: str, texts: list[tuple[str, float]], names: dict[int, str] | None = None):
        """The weighted sum of the texts' vectors (TF-IDF; for the BM25 word index each term once), L2-normalised,
        as a 1 x V sparse row.

        Vectorised by hand (analyzer, vocabulary, idf) because sklearn's transform costs about a
        millisecond of input checks per call, which is most of a query's budget. NAMES, when
        given, learns the term of every column (for reasons).
        """
        vocabulary = self.word_vocab_ if kind == "word" else self.char_vocab_
        if vocabulary is None:
            return None
        analyze = self._analyzer(kind)
        summed: dict[int, float] = {}
        for text, weight in texts:
            counts: dict[int, int] = {}
            for term in analyze(text):
                column = vocabulary.get(term)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
                    if names is not None:
                        names[column] = term
            if kind == "word":  # BM25: each query term once; the offers' side carries tf and idf
                values = {c: 1.0 for c in counts}
                norm = 1.0
            else:
                values = {c: (1 + math.log(n)) * float(self.char_idf_[c]) for c, n in counts.items()}
                norm = math.sqrt(sum(v * v for v in values.values()))
            for column, value in values.items():
                summed[column] = summed.get(column, 0.0) + weight * value / norm
        norm = math.sqrt(sum(v * v for v in summed.values())) or 1.0
        columns = np.fromiter(summed, dtype=np.int32, count=len(summed))
        order = np.argsort(columns)
        data = np.fromiter(summed.values(), dtype=np.float32, count=len(summed)) / norm
        return sparse.csr_matrix((data[order], columns[order], np.array([0, len(summed)], dtype=np.int32)),
                                 shape=(1, len(vocabulary)))

    def text_scores(self, texts: list[tuple[str, float]], weights: dict[str, float]
                    ) -> tuple[np.ndarray, np.ndarray, object]:
        """Similarity of every offer to the weighted query texts (0..1), whether it counts, and
        the word query (vector and the terms of its columns, for reasons).

        An offer counts as a match when it shares a word with the query, or enough character
        n-grams (CHAR_FLOOR) that it is more than a shared ending such as "-ing".
        """
        n = len(self.offers_)
        if not n or self.word_vocab_ is None:
            return np.zeros(n, dtype=np.float32), np.zeros(n, dtype=bool), None
        share = weights["char_share"]
        names: dict[int, str] = {}
        word_q = self.query_vector("word", texts, names)
        word = (word_q @ self.words_t_).toarray().ravel()
        if word.size and word.max() > 0:
            word /= word.max()  # the best offer scores 1, as a cosine near identity would
        matches = word > 0
        char = (self.query_vector("char", texts) @ self.chars_t_).toarray().ravel()
        if weights["feedback"] > 0 and word.any():
            k = min(int(weights["feedback_docs"]), n)
            top = np.argpartition(-word, k - 1)[:k]
            centroid = sparse.csr_matrix(np.full((1, k), 1 / k, dtype=np.float32)) @ self.strongest_[top]
            centroid.sort_indices()
            if centroid.nnz > FEEDBACK_TERMS:
                strongest = np.argpartition(-centroid.data, FEEDBACK_TERMS)[:FEEDBACK_TERMS]
                centroid = _only_columns(centroid, np.sort(centroid.indices[strongest]))
            # the feedback terms re-score only the head of the first pass: the same top ten,
            # from the feedback terms' postings alone
            pool = np.flatnonzero(word > 0)
            if pool.size > FEEDBACK_POOL:
                pool = pool[np.argpartition(-word[pool], FEEDBACK_POOL)[:FEEDBACK_POOL]]
            extra = (centroid @ self.words_t_).toarray().ravel()[pool]
            norm = float(extra.max()) if extra.size and extra.max() > 0 else 1.0
            extra *= weights["feedback"] / norm
            word = word / (1 + weights["feedback"])
            word[pool] += extra / (1 + weights["feedback"])
        matches |= char >= CHAR_FLOOR
        return (1 - share) * word + share * char, matches, (word_q, names)

    def top_terms(self, row: int, query, limit: int = 6) -> list[str]:
        """The query words that this offer's text shares most strongly: material for a reason."""
        if self.word_vocab_ is None or query is None:
            return []
        vector, names = query
        postings = self.words_t_
        weight = []
        for column, value in zip(vector.indices, vector.data, strict=True):
            start, end = postings.indptr[column], postings.indptr[column + 1]
            at = start + np.searchsorted(postings.indices[start:end], row)
            if at < end and postings.indices[at] == row:
                weight.append((float(postings.data[at] * value), names.get(int(column), "")))
        return [t for _, t in sorted(weight, key=lambda w: -w[0])[:limit] if t]


def _transposed(matrix) -> sparse.csr_matrix:
    """MATRIX (offers x terms) as terms x offers CSR: the inverted index, float32, sorted indices."""
    out = sparse.csr_matrix(matrix.T, dtype=np.float32)
    out.indices = out.indices.astype(np.int32, copy=False)
    out.indptr = out.indptr.astype(np.int32, copy=False) if out.nnz < 2**31 else out.indptr
    out.sort_indices()
    return out


def _strongest_terms(matrix, k: int) -> sparse.csr_matrix:
    """Each row's K largest values only: what an offer is most about (pseudo-relevance feedback)."""
    matrix = sparse.csr_matrix(matrix)
    lengths = np.diff(matrix.indptr)
    keep = np.ones(matrix.nnz, dtype=bool)
    for row in np.flatnonzero(lengths > k):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        drop = np.argpartition(-matrix.data[start:end], k)[k:]
        keep[start + drop] = False
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int32), lengths)[keep]
    out = sparse.csr_matrix((matrix.data[keep], (rows, matrix.indices[keep])), shape=matrix.shape,
                            dtype=np.float32)
    out.sort_indices()
    return out


def _only_columns(row, columns: np.ndarray) -> sparse.csr_matrix:
    """A 1 x V sparse ROW with only COLUMNS (sorted) kept."""
    at = np.searchsorted(row.indices, columns)
    return sparse.csr_matrix((row.data[at], columns.astype(np.int32), np.array([0, columns.size], dtype=np.int32)),
                             shape=row.shape)


class Matcher:
    """Ranks offers for gaps; holds the fitted index, the taxonomy, settings and feedback stats."""

    def __init__(self, index: OfferIndex, taxonomy: Taxonomy, weights: dict[str, float] | None = None,
                 stats: dict[str, OfferStats] | None = None, settings_version: int = 0,
                 curation: dict[str, dict[str, list[str]]] | None = None):
        self.index, self.taxonomy = index, taxonomy
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.settings_version = settings_version
        self.curation = curation or {}  # skill id -> {"pinned": [offer ids], "excluded": [offer ids]} (L&D)
        self.set_stats(stats or {})

    @property
    def model_version(self) -> str:
        return f"catalogue-{self.index.version_}.settings-{self.settings_version}"

    def set_stats(self, stats: dict[str, OfferStats]) -> None:
        """Quality per row: mean of rating, completion and acceptance signals, shrunk to the mean."""
        self.stats = stats
        n = len(self.index.offers_)
        signals = {}
        for offer_id, s in stats.items():
            positives = (s.rating_sum - s.rating_count) / 4 + s.completions + s.accepted
            count = s.rating_count + s.completions + s.accepted + s.dismissed
            if count:
                signals[offer_id] = (positives, count)
        positives_all = sum(p for p, _ in signals.values())
        count_all = sum(c for _, c in signals.values())
        prior = (positives_all + QUALITY_PRIOR_STRENGTH * 0.5) / (count_all + QUALITY_PRIOR_STRENGTH)
        quality = np.full(n, prior, dtype=np.float32)  # no data: the mean, so no penalty
        for offer_id, (positives, count) in signals.items():
            row = self.index.row_of_.get(offer_id)
            if row is not None:
                quality[row] = (positives + QUALITY_PRIOR_STRENGTH * prior) / (
                    count + QUALITY_PRIOR_STRENGTH)
        self.quality_ = quality
        self.prior_ = prior

    def query_texts(self, gap: Gap) -> tuple[list[tuple[str, float]], list[SkillEntry], str | None]:
        """The gap's own words, their English from the lexicon, and the taxonomy's names for its
        skill, each with a weight, plus the skills it resolved to (best first) and how exactly (the tier).

        The lexicon and the taxonomy are both asked, always: a Dutch word keeps its English even when
        the taxonomy also knows it, and compounds are split into words the lexicon or the catalogue
        knows ("sprintplanning" -> "sprint planning"). The skill is resolved from the typed words and
        from their English, and the most exact tier found wins (label, synonym, a name inside the text,
        a close spelling, the last only when the lexicon knew nothing); a looser tier adds its names
        with less weight (`match_*` weights), so a near spelling cannot pull "informatica" towards
        bioinformatics.

        The expansion is interpolated, not appended: its words together weigh at most `expansion`
        times the query's own, so a skill with twenty synonyms ("Figma" inside UX design) cannot
        drown the precise word the employee typed."""
        w = self.weights
        own = [(gap.skill, 1.0)]
        variants = [gap.skill]
        translated = self.taxonomy.translate(gap.skill, self.index.knows)
        if translated:
            first, every = translated
            own.append((first, w["translation"]))
            if every != first:  # the less usual alternatives count as synonyms
                own.append((every, w["translation"] * w["synonym"]))
            variants.append(first)
        entries, tier = self.resolve(variants, fuzzy=not translated)
        expansion = [(text, weight if weight == 1.0 else w["synonym"])
                     for entry in entries[:2] for text, weight in self.taxonomy.expansion(entry)]
        total = sum(weight for _, weight in expansion)
        cap = w["expansion"] * sum(weight for _, weight in own)
        scale = (min(1.0, cap / total) if total else 1.0) * self.tier_weight(tier)
        return own + [(text, weight * scale) for text, weight in expansion], entries, tier

    def tier_weight(self, tier: str | None) -> float:
        """How much the taxonomy's names count when the gap named its skill this way."""
        return {"label": 1.0, "synonym": self.weights["match_synonym"], "partial": self.weights["match_partial"],
                "fuzzy": self.weights["match_fuzzy"]}.get(tier or "", 0.0)

    def resolve(self, variants: list[str], fuzzy: bool = True) -> tuple[list[SkillEntry], str | None]:
        """The skills the most exact of the VARIANTS' matches name (every variant of that tier
        counts), and the tier. Without FUZZY a close spelling counts for nothing (when the lexicon
        translated the gap, its English is better evidence than a near miss)."""
        found: dict[str, list[tuple[SkillEntry, str]]] = {}
        for text in variants:
            for entry, tier in self.taxonomy.resolve_tiered(text, fuzzy):
                found.setdefault(tier, []).append((entry, tier))
        for tier in TIERS:
            if tier in found:
                entries: list[SkillEntry] = []
                for entry, _ in found[tier]:
                    if entry not in entries:
                        entries.append(entry)
                return entries, tier
        return [], None

    def allowed(self, ctx: Context) -> np.ndarray:
        """Hard filters: means, language, cost and the hours that fit before the deadline."""
        ix = self.index
        keep = np.ones(len(ix.offers_), dtype=bool)
        if ctx.means:
            keep &= np.isin(ix.means_, list(ctx.means))
        if ctx.language:
            keep &= (ix.language_ == ctx.language) | (ix.language_ == "")
        if ctx.max_cost is not None:
            keep &= np.nan_to_num(ix.cost_, nan=0.0) <= ctx.max_cost
        if ctx.max_hours is not None:
            keep &= np.nan_to_num(ix.hours_, nan=0.0) <= ctx.max_hours
        for offer_id in ctx.exclude_offers:
            row = ix.row_of_.get(offer_id)
            if row is not None:
                keep[row] = False
        if ctx.deadline is not None:
            weeks = max(0.0, (ctx.deadline - ctx.today).days / 7)
            if ctx.hours_per_week:
                keep &= np.nan_to_num(ix.hours_, nan=0.0) <= ctx.hours_per_week * weeks
            for row in np.flatnonzero(keep & ix.has_sessions_):
                keep[row] = _sessions_fit(ix.offers_[row], ctx)
        return keep

    def rank_gap(self, gap: Gap, keep: np.ndarray, ctx: Context | None = None) -> tuple[np.ndarray, dict]:
        texts, entries, tier = self.query_texts(gap)
        w = self.weights
        text, matches, word_query = self.index.text_scores(texts, w)
        score = w["text"] * text
        tagged = np.zeros(len(score), dtype=np.float32)
        for entry in entries:
            for row in self.index.skill_rows_.get(entry.id, ()):
                tagged[row] = 1.0
        score += w["taxonomy"] * self.tier_weight(tier) * tagged
        wanted = level_for(gap.current_level, gap.target_level)
        level_fit = np.zeros(len(score), dtype=np.float32)
        if wanted is not None:
            have = self.index.level_
            level_fit = np.where(have < 0, 0.5, 1.0 - np.abs(have - LEVEL_RANK[wanted]) / 2)
            score += w["level"] * (level_fit - 0.5)
        score += w["quality"] * (self.quality_ - self.prior_)
        keep = keep.copy()
        floor = ctx.above_level.get(normalise(gap.skill)) if ctx is not None else None
        if floor is not None:  # "I know this already": only offers above the level dismissed
            keep &= self.index.level_ > floor
        score = np.where(keep & (matches | (tagged > 0)), score, -np.inf)
        pinned = self.apply_curation(entries, score, keep)
        return score, {"texts": texts, "word_query": word_query, "entries": entries, "tagged": tagged, "wanted": wanted,
                       "level_fit": level_fit, "pinned": pinned}

    def apply_curation(self, entries: list[SkillEntry], score: np.ndarray, keep: np.ndarray) -> set[int]:
        """L&D's choices for the gap's skills: excluded offers leave, pinned ones (that pass the hard
        filters) lead, in the order L&D gave. Returns the pinned rows."""
        pinned: set[int] = set()
        top = float(np.max(score[np.isfinite(score)], initial=1.0))
        for entry in entries:
            chosen = self.curation.get(entry.id) or {}
            for offer_id in chosen.get("excluded", []):
                row = self.index.row_of_.get(offer_id)
                if row is not None:
                    score[row] = -np.inf
            for rank, offer_id in enumerate(chosen.get("pinned", [])):
                row = self.index.row_of_.get(offer_id)
                if row is not None and keep[row] and offer_id not in chosen.get("excluded", []):
                    score[row] = top + 1.0 + (len(chosen["pinned"]) - rank) / 100
                    pinned.add(row)
        return pinned

    def recommend(self, gaps: list[Gap], ctx: Context, limit: int = 10) -> list[dict]:
        """Ranked, varied recommendations over all gaps, each with its gap and reasons."""
        keep = self.allowed(ctx)
        per_gap = []
        for gap in gaps:
            score, why = self.rank_gap(gap, keep, ctx)
            finite = np.flatnonzero(score >= self.weights["min_score"])
            if finite.size > limit * 4:  # only the head needs sorting
                finite = finite[np.argpartition(-score[finite], limit * 4)[: limit * 4]]
            order = finite[np.argsort(-score[finite], kind="stable")]
            per_gap.append((gap, score, why, list(order)))
        chosen: list[dict] = []
        seen: set[int] = set()
        cap = max(1, math.ceil(limit * self.weights["means_cap"]))
        means_count: dict[str, int] = {}
        deferred: list[tuple[Gap, int, float, dict]] = []
        while len(chosen) < limit and any(order for *_, order in per_gap):
            for gap, score, why, order in per_gap:
                while order:
                    row = order.pop(0)
                    if row in seen:
                        continue
                    seen.add(row)
                    means = self.index.means_[row]
                    if means_count.get(means, 0) >= cap:
                        deferred.append((gap, row, float(score[row]), why))
                        continue
                    means_count[means] = means_count.get(means, 0) + 1
                    chosen.append(self._item(gap, row, float(score[row]), why, ctx))
                    break
                if len(chosen) >= limit:
                    break
        for gap, row, value, why in sorted(deferred, key=lambda d: -d[2]):
            if len(chosen) >= limit:
                break
            chosen.append(self._item(gap, row, value, why, ctx))
        return chosen

    def _item(self, gap: Gap, row: int, score: float, why: dict, ctx: Context) -> dict:
        offer = self.index.offers_[row]
        rec_id = uuid5(RECOMMENDATION_NAMESPACE,
                       f"{ctx.employee_id or ''}|{normalise(gap.skill)}|{offer['offer_id']}")
        return {"recommendation_id": str(rec_id), "offer_id": offer["offer_id"],
                "external_id": offer["external_id"], "title": offer.get("title"),
                "means": offer.get("means"), "provider": offer.get("provider"),
                "language": offer.get("language"), "hours": offer.get("hours"),
                "cost": offer.get("cost"), "score": round(max(0.0, min(1.0, score)), 3),
                "gap": gap.skill, "reasons": self.reasons(gap, row, why, ctx)}

    def reasons(self, gap: Gap, row: int, why: dict, ctx: Context) -> list[dict]:
        """Why this offer, as reason codes with parameters (recommender/reasons.py words them)."""
        offer = self.index.offers_[row]
        entry = why["entries"][0] if why["entries"] else None
        out = []
        if row in why.get("pinned", ()) and entry is not None:
            out.append(reason("chosen_by_ld", skill_id=entry.id, skill=entry.labels.get("en")))
        if why["tagged"][row] and entry is not None:
            out.append(reason("teaches_skill", skill_id=entry.id, skill=entry.labels.get("en")))
        terms = self.index.top_terms(row, why["word_query"])
        if "surface" not in why:  # once per gap, not per offer
            why["surface"] = surface_forms([text for text, _ in why["texts"]])
        words = surface_words(terms, why["surface"])
        if words:
            out.append(reason("matched_words", words=words))
        elif not why["tagged"][row]:
            out.append(reason("resembles_skill", query=gap.skill))
        if entry is not None and normalise(entry.labels.get("en", "")) != normalise(gap.skill):
            out.append(reason("understood_as", query=gap.skill, skill_id=entry.id, skill=entry.labels.get("en")))
        if why["wanted"] and offer.get("level") in LEVEL_RANK and why["level_fit"][row] >= 1.0:
            out.append(reason("level_fits", level=offer["level"], **{"from": gap.current_level,
                                                                    "to": gap.target_level}))
        stats = self.stats.get(offer["offer_id"])
        if stats and stats.rating_count >= 3:
            out.append(reason("rated_by_colleagues", rating=round(stats.rating_sum / stats.rating_count, 1),
                              ratings=stats.rating_count))
        if stats and stats.completions >= 3:
            out.append(reason("completed_by_colleagues", count=stats.completions))
        if offer.get("means") == "mentoring" and offer.get("mentor"):
            out.append(reason("mentor_colleague", person_id=offer["mentor"]))
        if ctx.max_cost is not None and offer.get("cost") is not None:
            out.append(reason("within_budget", cost=offer["cost"], currency=offer.get("currency") or "EUR",
                              budget=ctx.max_cost))
        if ctx.hours_per_week and offer.get("hours"):
            out.append(reason("fits_hours", weeks=math.ceil(offer["hours"] / ctx.hours_per_week),
                              hours_per_week=ctx.hours_per_week))
        if ctx.language and offer.get("language") == ctx.language:
            out.append(reason("in_language", language=ctx.language))
        return out


def surface_forms(texts: list[str]) -> dict[str, str]:
    """Index form (lower case, no accents) -> the word or adjacent word pair as the TEXTS hold it."""
    surface: dict[str, str] = {}
    for text in texts:
        tokens = re.findall(WORD_PATTERN, text)
        for i, token in enumerate(tokens):
            surface.setdefault(normalise(token), token.lower())
            if i + 1 < len(tokens):
                surface.setdefault(f"{normalise(token)} {normalise(tokens[i + 1])}",
                                   f"{token.lower()} {tokens[i + 1].lower()}")
    return surface


def surface_words(terms: list[str], surface: dict[str, str], limit: int = 3) -> list[str]:
    """The index's matched TERMS (lower case, accents stripped, word pairs that may skip a stop word) as
    the query holds them (SURFACE, from `surface_forms`): a pair that stands in the query stays a phrase,
    any other pair gives its words; a word inside a phrase already given is left out."""
    words: list[str] = []
    for term in terms:
        key = normalise(term)
        parts = [surface[key]] if key in surface else [surface[p] for p in key.split() if p in surface]
        words.extend(p for p in parts if p not in words)
    return [w for w in words if not any(w != o and f" {w} " in f" {o} " for o in words)][:limit]


def _sessions_fit(offer: dict, ctx: Context) -> bool:
    """A session that starts from today and ends by the deadline."""
    deadline = ctx.deadline.isoformat() if ctx.deadline else "9999"
    today = ctx.today.isoformat()
    return any(today <= s["start"] and (s.get("end") or s["start"]) <= deadline
               for s in offer.get("sessions") or [])


def parse_gap_text(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()
