"""The skills taxonomy: stable ids, Dutch and English labels, synonyms; lookup in either language.

The starter taxonomy ships as `data/skills.csv`, a Dutch -> English workplace lexicon (for Dutch
query words the taxonomy does not know) as `data/nl_en_lexicon.csv`; imports (ESCO or the simple
CSV) and L&D's extra synonyms from the settings are layered on top. Free text such as "projectmanagement" or "Excel"
resolves to a skill through labels, synonyms, compounds and fuzzy matching.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

SIMPLE_COLUMNS = ("id", "type", "en", "nl", "synonyms_en", "synonyms_nl")
FUZZY_RESOLVE_CUTOFF = 88


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9#+]+", text))


def compact(text: str) -> str:
    """Without spaces, so a Dutch compound meets its English phrase."""
    return normalise(text).replace(" ", "")


@dataclass
class SkillEntry:
    id: str
    type: str
    labels: dict[str, str]
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    description: str = ""

    def names(self) -> list[str]:
        out = [v for v in self.labels.values() if v]
        for values in self.synonyms.values():
            out.extend(values)
        return out

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "labels": self.labels,
                "synonyms": self.synonyms, "description": self.description}


class TaxonomyFormatError(Exception):
    """A taxonomy file cannot be read (wrong header)."""


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[|\n]", value or "") if part.strip()]


def _csv_dicts(text: str) -> tuple[list[str], list[dict]]:
    """A CSV text's header and rows; a file csv cannot read is a TaxonomyFormatError (a 422), not a crash.
    newline="": csv itself decides where a line ends, so a lone carriage return is one, as in any CSV reader."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return list(reader.fieldnames or []), list(reader)
    except csv.Error as error:
        raise TaxonomyFormatError(f"not valid CSV after line {reader.line_num}: {error}") from None


def read_simple_csv(text: str) -> list[dict]:
    """Skills from the simple CSV: id,type,en,nl,synonyms_en,synonyms_nl (synonyms split by '|')."""
    header, rows = _csv_dicts(text)
    missing = {"id", "en"} - set(header)
    if missing:
        raise TaxonomyFormatError(f"the CSV header lacks the column(s): {', '.join(sorted(missing))}")
    skills = []
    for row in rows:
        if not (row.get("id") or "").strip() or not (row.get("en") or row.get("nl") or "").strip():
            continue
        kind = (row.get("type") or "technical").strip()
        skills.append({
            "id": row["id"].strip(),
            "type": kind if kind in {"technical", "behavioural"} else "technical",
            "labels": {k: row[k].strip() for k in ("en", "nl") if (row.get(k) or "").strip()},
            "synonyms": {k: _split(row.get(f"synonyms_{k}")) for k in ("en", "nl")
                         if _split(row.get(f"synonyms_{k}"))},
            "description": (row.get("description") or "").strip(),
        })
    return skills


def read_esco_csv(text: str, language: str) -> list[dict]:
    """Skills from one language file of ESCO's skills CSV (conceptUri, preferredLabel, altLabels…)."""
    header, rows = _csv_dicts(text)
    missing = {"conceptUri", "preferredLabel"} - set(header)
    if missing:
        raise TaxonomyFormatError(f"not an ESCO skills file; missing: {', '.join(sorted(missing))}")
    skills = []
    for row in rows:
        uri = (row.get("conceptUri") or "").strip()
        label = (row.get("preferredLabel") or "").strip()
        if not uri or not label:
            continue
        reuse = (row.get("reuseLevel") or "").lower()
        kind = (row.get("skillType") or "").lower()
        behavioural = "transversal" in reuse or "attitude" in kind
        skills.append({
            "id": "esco:" + uri.rstrip("/").rsplit("/", 1)[-1],
            "type": "behavioural" if behavioural else "technical",
            "labels": {language: label},
            "synonyms": {language: _split(row.get("altLabels"))} if row.get("altLabels") else {},
            "description": (row.get("description") or "").strip()[:2000],
            "uri": uri,
        })
    return skills


def merge_skill(existing: dict | None, new: dict) -> dict:
    """A skill with NEW's languages added to EXISTING's (ESCO ships one file per language)."""
    if existing is None:
        return new
    merged = {**existing, "labels": {**existing.get("labels", {}), **new.get("labels", {})},
              "synonyms": {**existing.get("synonyms", {}), **new.get("synonyms", {})}}
    merged["description"] = existing.get("description") or new.get("description", "")
    return merged


def starter_skills() -> list[dict]:
    text = resources.files("recommender").joinpath("data/skills.csv").read_text(encoding="utf-8")
    return read_simple_csv(text)


LINKS = ("", "s", "e", "en")  # what Dutch puts between the parts of a compound
MIN_PART = 3
MIN_KNOWN_PART = 4  # a part that is only known as a word elsewhere (e.g. the catalogue) is longer


class Lexicon:
    """Dutch -> English workplace words, for the words of a Dutch query the taxonomy does not know.

    A Dutch employee searching an English catalogue: "klantgerichtheid" or "financiele planning"
    share no word with the offers. Phrases of up to three words are looked up first, then single
    words, then words without a plural or adjective ending, then compounds split into known parts
    ("projectplanning" -> project + planning, "risicobeheer" -> risico + beheer).
    """

    def __init__(self, entries: dict[str, list[str]]):
        self.entries = {normalise(k): v for k, v in entries.items() if normalise(k) and v}
        self.longest = max((len(k.split()) for k in self.entries), default=1)
        self.parts = frozenset(k for k in self.entries if " " not in k and len(k) >= MIN_PART)

    @classmethod
    def from_csv(cls, text: str) -> Lexicon:
        rows = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
        return cls({row["nl"]: _split(row.get("en")) for row in rows if row.get("nl")})

    def word(self, word: str, known: Callable[[str], bool] | None = None) -> list[str] | None:
        """English for one Dutch word: as is, without an ending, or as a compound of known parts.

        KNOWN (optional) says which other words exist, e.g. the catalogue's vocabulary: then a
        compound may also be split into those ("sprintplanning" -> sprint + planning,
        "klantenservicetraining" -> customer service + training), unless the word is known whole."""
        if word in self.entries:
            return self.entries[word]
        for ending in ("en", "s", "e", "'s"):
            if word.endswith(ending) and word[: -len(ending)] in self.entries and len(word) - len(ending) >= MIN_PART:
                return self.entries[word[: -len(ending)]]
        parts = self.split(word)
        if parts:
            return [" ".join(self.entries[p][0] for p in parts)]
        if known is not None and len(word) >= 2 * MIN_KNOWN_PART and not known(word):
            parts = split_compound(word, lambda p: p in self.parts or (len(p) >= MIN_KNOWN_PART and known(p)))
            if parts:
                return [" ".join(self.entries[p][0] if p in self.entries else p for p in parts)]
        return None

    def split(self, word: str) -> list[str] | None:
        """WORD as the fewest known parts (with Dutch linking letters between them), or None."""
        return _split_compound(word, self.parts) if len(word) >= 2 * MIN_PART else None

    def translate(self, text: str, known: Callable[[str], bool] | None = None) -> tuple[str, str] | None:
        """TEXT with every known Dutch word or phrase in English (and compounds split, see `word`):
        (first alternatives, all of them); None when nothing was translated."""
        words = normalise(text).split()
        first: list[str] = []
        every: list[str] = []
        changed = False
        at = 0
        while at < len(words):
            for size in range(min(self.longest, len(words) - at), 0, -1):
                phrase = " ".join(words[at:at + size])
                english = self.entries.get(phrase) if size > 1 else self.word(phrase, known)
                if english:
                    first.append(english[0])
                    every.extend(english)
                    changed |= normalise(english[0]) != phrase
                    at += size
                    break
            else:
                first.append(words[at])
                every.append(words[at])
                at += 1
        return (" ".join(first), " ".join(every)) if changed else None


@lru_cache(maxsize=4096)
def _split_compound(word: str, parts: frozenset[str]) -> list[str] | None:
    best: list[str] | None = None
    for end in range(len(word) - MIN_PART, MIN_PART - 1, -1):  # longest head part first
        head = word[:end]
        if head not in parts:
            continue
        for link in LINKS:
            rest = word[end:]
            if link and not rest.startswith(link):
                continue
            rest = rest[len(link):]
            if rest in parts:
                return [head, rest]
            if len(rest) >= 2 * MIN_PART:
                tail = _split_compound(rest, parts)
                if tail and (best is None or len(tail) + 1 < len(best)):
                    best = [head, *tail]
    return best


def split_compound(word: str, is_part: Callable[[str], bool]) -> list[str] | None:
    """WORD as the fewest parts IS_PART accepts, Dutch linking letters allowed between them."""
    memo: dict[str, list[str] | None] = {}

    def best(rest: str) -> list[str] | None:
        if rest not in memo:
            found: list[str] | None = None
            for end in range(len(rest) - MIN_PART, MIN_PART - 1, -1):  # longest head part first
                head = rest[:end]
                if not is_part(head):
                    continue
                for link in LINKS:
                    tail = rest[end:]
                    if link and not tail.startswith(link):
                        continue
                    tail = tail[len(link):]
                    if len(tail) < MIN_PART:
                        continue
                    split = [tail] if is_part(tail) else best(tail)
                    if split and (found is None or len(split) + 1 < len(found)):
                        found = [head, *split]
            memo[rest] = found
        return memo[rest]

    return best(word)


@lru_cache(maxsize=1)
def starter_lexicon() -> Lexicon:
    text = resources.files("recommender").joinpath("data/nl_en_lexicon.csv").read_text(encoding="utf-8")
    return Lexicon.from_csv(text)


class Taxonomy:
    """Skills by id, with an index from every normalised name (and compound) to its skills."""

    def __init__(self, skills: list[dict], extra_synonyms: dict[str, list[str]] | None = None):
        self.skills: dict[str, SkillEntry] = {}
        for skill in skills:
            self.skills[skill["id"]] = SkillEntry(
                id=skill["id"], type=skill.get("type", "technical"),
                labels=dict(skill.get("labels", {})),
                synonyms={k: list(v) for k, v in skill.get("synonyms", {}).items()},
                description=skill.get("description", ""))
        for skill_id, words in (extra_synonyms or {}).items():
            if skill_id in self.skills:
                self.skills[skill_id].synonyms.setdefault("extra", []).extend(words)
        self.by_name: dict[str, list[str]] = {}
        self.labelled: dict[str, set[str]] = {}  # name -> skills whose label (not a synonym) it is
        for entry in self.skills.values():
            labels = {key for label in entry.labels.values() if label
                      for key in (normalise(label), compact(label))}
            for name in entry.names():
                for key in {normalise(name), compact(name)}:
                    ids = self.by_name.setdefault(key, [])
                    if entry.id not in ids:
                        ids.append(entry.id)
            for key in labels:
                self.labelled.setdefault(key, set()).add(entry.id)
        self.names = list(self.by_name)
        self.lexicon = starter_lexicon()

    def translate(self, text: str, known: Callable[[str], bool] | None = None) -> tuple[str, str] | None:
        """A Dutch TEXT in English words, as far as the lexicon knows them (see Lexicon.translate)."""
        return self.lexicon.translate(text, known)

    @classmethod
    def build(cls, imported: list[dict] | None = None,
              extra_synonyms: dict[str, list[str]] | None = None) -> Taxonomy:
        """Starter taxonomy plus imported skills (an import with the same id replaces)."""
        by_id = {s["id"]: s for s in starter_skills()}
        for skill in imported or []:
            by_id[skill["id"]] = skill
        return cls(list(by_id.values()), extra_synonyms)

    def get(self, skill_id: str) -> SkillEntry | None:
        return self.skills.get(skill_id)

    def resolve(self, text: str) -> list[SkillEntry]:
        """The skills TEXT names, the most exact way it can: an id, a label or synonym (any
        language), a name inside the text, or a close spelling."""
        return [entry for entry, _ in self.resolve_tiered(text)]

    def resolve_tiered(self, text: str, fuzzy: bool = True) -> list[tuple[SkillEntry, str]]:
        """The skills TEXT names with how it names them, best tier only: "label" (an id or a label),
        "synonym", "partial" (a name inside a longer text) or "fuzzy" (a close spelling).

        Exact beats partial beats fuzzy: "informatica" is not "bioinformatics" just because the
        spelling is close, and a name inside the text is better evidence than a near miss."""
        if text in self.skills:
            return [(self.skills[text], "label")]
        for key in (normalise(text), compact(text)):
            if key in self.by_name:
                labelled = self.labelled.get(key, set())
                return sorted(((self.skills[i], "label" if i in labelled else "synonym")
                               for i in self.by_name[key]), key=lambda m: m[1] != "label")
        contained = self._contained(text)
        if contained:
            return [(entry, "partial") for entry in contained]
        key = normalise(text)
        if not fuzzy or len(key) < 4:
            return []
        best = process.extractOne(key, self.names, scorer=fuzz.ratio,
                                  score_cutoff=FUZZY_RESOLVE_CUTOFF)
        return [(self.skills[i], "fuzzy") for i in self.by_name[best[0]]] if best else []

    def _contained(self, text: str) -> list[SkillEntry]:
        """Skills named inside a longer text ("Geavanceerd Excel", "Tools (Teams, SharePoint)").

        Longer names win; the part before any brackets counts before what the brackets add.
        """
        head = re.split(r"[(\[]", text, maxsplit=1)[0]
        found: list[str] = []
        for part in (head, text) if head != text else (text,):
            words = normalise(part).split()
            for size in range(min(4, len(words)), 0, -1):
                for start in range(len(words) - size + 1):
                    phrase = " ".join(words[start:start + size])
                    if len(phrase) < 4 and size == 1:
                        continue
                    for skill_id in self.by_name.get(phrase, []):
                        if skill_id not in found:
                            found.append(skill_id)
                    compact_phrase = phrase.replace(" ", "")
                    for skill_id in self.by_name.get(compact_phrase, []) if size > 1 else []:
                        if skill_id not in found:
                            found.append(skill_id)
            if found:
                break
        return [self.skills[i] for i in found[:3]]

    def search(self, query: str, limit: int = 10, language: str | None = None) -> list[dict]:
        """Autocomplete: an exact name first (the label in LANGUAGE before any other name), then labels in
        LANGUAGE that start with QUERY, then other names that start with it, then fuzzy matches."""
        key = normalise(query)
        if not key:
            return []
        scored: dict[str, tuple[float, str]] = {}
        for skill_id in self.by_name.get(key, []):
            label = self.skills[skill_id].labels.get(language or "") or ""
            scored[skill_id] = (400.0 if normalise(label) == key else 350.0, key)
        if language:
            for entry in self.skills.values():
                label = normalise(entry.labels.get(language) or "")
                if label.startswith(key) and scored.get(entry.id, (0, ""))[0] < 300:
                    scored[entry.id] = (300 - len(label) / 100, label)
        for name, ids in self.by_name.items():
            if name.startswith(key) or any(w.startswith(key) for w in name.split()):
                score = 200 - len(name) / 100 + (50 if name.startswith(key) else 0)
                for skill_id in ids:
                    if scored.get(skill_id, (0, ""))[0] < score:
                        scored[skill_id] = (score, name)
        for name, score, _ in process.extract(key, self.names, scorer=fuzz.WRatio, limit=limit * 3,
                                              score_cutoff=70):
            for skill_id in self.by_name[name]:
                if scored.get(skill_id, (0, ""))[0] < score:
                    scored[skill_id] = (score, name)
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
        return [{**self.skills[i].as_dict(), "matched": name} for i, (_, name) in ranked]

    def expansion(self, entry: SkillEntry) -> list[tuple[str, float]]:
        """Texts that say the same as ENTRY, with a weight: labels count more than synonyms."""
        out = [(label, 1.0) for label in entry.labels.values() if label]
        out.extend((s, 0.5) for values in entry.synonyms.values() for s in values)
        return out
