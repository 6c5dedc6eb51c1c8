"""The model card: what the recommender is, generated from what it runs on now.

Built from the current settings (and their history), the catalogue and taxonomy the index was fitted
on, the feedback it learned from, an offline evaluation on the feed's judgments, and its known limits;
rendered as Markdown or as a standalone HTML page (for a works council or a buyer's file).
"""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, datetime

from recommender.evaluation import evaluate
from recommender.fairness import FLAG_BELOW, MEASURE, MIN_GROUP

INTENDED_USE = (
    "Groeipad suggests learning offers (courses, workshops, mentoring...) for the skill gaps an employee "
    "names in their development plan. The suggestions are advice to the employee: they choose, their "
    "manager and HR decide funding. It is not meant to evaluate, rank or select people, and its output "
    "must not be used as evidence about a person's performance.")
KNOWN_LIMITS = (
    "Text similarity (BM25 words and character n-grams) finds offers whose descriptions use the gap's "
    "words or the taxonomy's names for it; an offer described in other words can be missed.",
    "Dutch gaps are matched against English offers through a fixed workplace lexicon; words it lacks are "
    "matched on their spelling only.",
    "Offers' skill tags and the taxonomy are maintained by people and incomplete; the offline evaluation "
    "counts an untagged relevant offer as a miss.",
    "Its lead over plain BM25 comes mostly from the taxonomy: on a public benchmark's skills that the shipped "
    "taxonomy does not name, it ranks about as well as BM25 (BENCHMARKS.md); extend the taxonomy for your "
    "own skills.",
    "Feedback (ratings, completions, acceptances, dismissals) raises or lowers offers for everyone: popular "
    "offers can become more popular; the prior shrinks small counts towards the mean.",
    "It knows nothing of a person beyond the gaps, levels and preferences they enter and their own "
    "dismissals; it does not use age, gender or any other protected characteristic.",
    f"Fairness figures hide groups under {MIN_GROUP} people and rely on the groups HR assigns.",
)


def build_card(rt) -> dict:
    """The card's content as data: sections of paragraphs, lists and tables."""
    matcher = rt.matcher.current()
    history = rt.app.settings_history()
    index = matcher.index
    means = Counter(str(m) for m in index.means_)
    languages = Counter(str(lang) or "unspecified" for lang in index.language_)
    stats = matcher.stats.values()
    queries = [{"query": s, "relevant": sorted(o)} for s, o in sorted(rt.readmodel.judgments().items())]
    metrics = evaluate(matcher, queries) if queries else None
    last = history[-1] if history else None
    sections = [
        ("Model", [("table", ["property", "value"], [
            ["model version", matcher.model_version],
            ["settings version", str(matcher.settings_version)],
            ["index (catalogue) version", str(index.version_)],
            ["generated at", datetime.now(UTC).isoformat(timespec="seconds")],
        ])]),
        ("Intended use", [("text", INTENDED_USE)]),
        ("Settings in use", [
            ("text", f"{len(history)} settings change(s) recorded with who, when and why; any can be rolled back."
             + (f" Last change: version {last['version']} by {last['actor'].get('subject')} "
                f"({last['actor'].get('role')}) at {last['occurred_at']}: {last['reason'] or 'no reason given'}."
                if last else " The defaults have never been changed.")),
            ("table", ["weight", "value"], [[k, f"{v:g}"] for k, v in sorted(matcher.weights.items())]),
            ("text", f"Extra synonyms for {len(rt.app.settings() and rt.app.settings().get('synonyms') or {})} "
                     f"skill(s); L&D pinned or excluded offers for {len(matcher.curation)} skill(s)."),
        ]),
        ("Data it learned from", [("table", ["source", "size"], [
            ["offers in the index", str(len(index.offers_))],
            ["offers by means", ", ".join(f"{k} {v}" for k, v in sorted(means.items())) or "none"],
            ["offers by language", ", ".join(f"{k} {v}" for k, v in sorted(languages.items())) or "none"],
            ["skills in the taxonomy", str(len(matcher.taxonomy.skills))],
            ["Dutch-English lexicon entries", str(len(matcher.taxonomy.lexicon.entries))],
            ["ratings learned", str(sum(s.rating_count for s in stats))],
            ["completions learned", str(sum(s.completions for s in stats))],
            ["acceptances learned", str(sum(s.accepted for s in stats))],
            ["dismissals learned", str(sum(s.dismissed for s in stats))],
        ])]),
        ("Offline evaluation", [("table", ["metric", "value"], [[k, f"{v:g}"] for k, v in metrics.items()]),
                                ("text", f"On {len(queries)} skill(s) for which employees accepted or completed "
                                         "offers (the feed's judgments), with the settings in use.")]
         if metrics else [("text", "No judgments yet: no employee has accepted or completed a suggested offer. "
                                   "L&D can run POST /api/v1/evaluation with judged queries.")]),
        ("Fairness monitoring", [("text", f"GET /api/v1/reports/fairness reports exposure, acceptance and ranking "
                                          f"quality by department, job level, language and other groups HR assigns "
                                          f"(groups under {MIN_GROUP} hidden). Measure: {MEASURE['name']}, flagged "
                                          f"below {FLAG_BELOW}. {MEASURE['explanation']}")]),
        ("Human oversight and accountability", [("list", [
            "Every suggestion shown to a person is logged with the model version and its reasons, kept for "
            f"{rt.log.days} days; the person reads it in their data export, HR in aggregate.",
            "Anyone can switch suggestions off for themselves; a dismissal with a reason changes their next "
            "suggestions at once.",
            "L&D can pin or exclude offers for a skill; every settings change keeps who, when and why, and can "
            "be rolled back.",
            "A person can ask why an offer was or was not shown (GET /api/v1/people/{id}/explanation).",
        ])]),
        ("Known limits", [("list", list(KNOWN_LIMITS))]),
    ]
    return {"title": "Model card: Groeipad learning recommender", "sections": sections}


def as_markdown(card: dict) -> str:
    out = [f"# {card['title']}", ""]
    for heading, blocks in card["sections"]:
        out += [f"## {heading}", ""]
        for block in blocks:
            if block[0] == "text":
                out += [block[1], ""]
            elif block[0] == "list":
                out += [f"- {item}" for item in block[1]] + [""]
            else:
                _, header, rows = block
                out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows] + [""]
    return "\n".join(out)


def as_html(card: dict) -> str:
    e = html.escape
    out = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{e(card['title'])}</title>",
           "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
           "td,th{border:1px solid #999;padding:.2em .5em;text-align:left}</style></head><body>",
           f"<h1>{e(card['title'])}</h1>"]
    for heading, blocks in card["sections"]:
        out.append(f"<h2>{e(heading)}</h2>")
        for block in blocks:
            if block[0] == "text":
                out.append(f"<p>{e(block[1])}</p>")
            elif block[0] == "list":
                out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in block[1]) + "</ul>")
            else:
                _, header, rows = block
                out.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>"
                           + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
                           + "</table>")
    out.append("</body></html>")
    return "\n".join(out)
