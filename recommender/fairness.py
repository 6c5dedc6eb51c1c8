"""Fairness monitoring: who is shown suggestions, who accepts them, and how well the ranking serves
each group, by department, job level, language and any other group HR assigns.

Groups come from HR (`PUT /fairness/groups`); a group of fewer than MIN_GROUP people is never shown,
so no individual can be singled out. The disparity measure is named and explained in every answer.
"""

from __future__ import annotations

from collections import defaultdict

from recommender.evaluation import evaluate
from recommender.matcher import Matcher

MIN_GROUP = 5
FLAG_BELOW = 0.8
DIMENSIONS = ("department", "job_level", "language")
MEASURE = {
    "name": "disparate impact ratio",
    "explanation": (
        "For each group and rate, the group's rate divided by the highest rate of the groups shown for that "
        "dimension: 1.0 means as well served as the best-served group. A ratio below 0.8 (the 'four-fifths "
        "rule' of employment-selection guidance) is flagged for review; it is a signal to look into, not proof "
        "of unfair treatment, and small groups vary by chance. exposure_rate: the share of the group's people "
        "shown at least one suggestion in the period. acceptance_rate: the share of the distinct suggestions "
        "(person, offer) shown to the group's people that they accepted. ndcg@10 (evaluation): the ranking's "
        "quality on the offers the group's people accepted or completed for their gaps, where the feed has "
        "such judgments."),
    "flag_below": FLAG_BELOW,
    "min_group": MIN_GROUP,
}


def group_members(groups: dict[str, dict[str, str]]) -> dict[str, dict[str, set[str]]]:
    """Dimension -> group value -> people, for the default dimensions and any other HR assigned."""
    out: dict[str, dict[str, set[str]]] = {d: {} for d in DIMENSIONS}
    for person, assigned in groups.items():
        for dimension, value in assigned.items():
            if value not in (None, ""):
                out.setdefault(dimension, {}).setdefault(str(value), set()).add(person)
    return out


def fairness_report(groups: dict[str, dict[str, str]], shown: list[dict], accepted: set[tuple[str, str]],
                    judgments: list[tuple[str, str, str]] | None = None, matcher: Matcher | None = None) -> dict:
    """Per dimension and group (at least MIN_GROUP people): exposure, acceptance, optional offline
    quality, and each rate's disparate impact ratio.

    SHOWN: log rows (employee_id, offer_id); ACCEPTED: (employee_id, offer_id) pairs the feed saw
    accepted; JUDGMENTS: (employee_id, skill, offer_id) accepted or completed, for the evaluation."""
    shown_pairs: dict[str, set[str]] = defaultdict(set)
    shown_count: dict[str, int] = defaultdict(int)
    for row in shown:
        shown_pairs[row["employee_id"]].add(row["offer_id"])
        shown_count[row["employee_id"]] += 1
    judged: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for person, skill, offer in judgments or []:
        judged[person][skill].add(offer)
    dimensions = []
    for dimension, values in sorted(group_members(groups).items()):
        rows, hidden = [], 0
        for value, people in sorted(values.items()):
            if len(people) < MIN_GROUP:
                hidden += 1
                continue
            pairs = sum(len(shown_pairs[p]) for p in people)
            taken = sum(1 for p in people for o in shown_pairs[p] if (p, o) in accepted)
            row = {"group": value, "people": len(people),
                   "exposure_rate": round(sum(1 for p in people if shown_pairs[p]) / len(people), 4),
                   "suggestions_per_person": round(sum(shown_count[p] for p in people) / len(people), 2),
                   "acceptance_rate": round(taken / pairs, 4) if pairs else None}
            if matcher is not None:
                row["evaluation"] = _evaluation(matcher, people, judged)
            rows.append(row)
        _ratios(rows)
        dimensions.append({"dimension": dimension, "groups": rows, "hidden_groups": hidden})
    return {"measure": MEASURE, "dimensions": dimensions}


def evaluation_by_group(dimension: str, groups: dict[str, dict[str, str]], judgments: list[tuple[str, str, str]],
                        matchers: dict[str, Matcher]) -> dict:
    """An evaluation run per group of DIMENSION (at least MIN_GROUP people with the feed's judgments):
    the metrics of each of MATCHERS (e.g. current and proposed settings) on the group's judged skills, and
    the disparate impact ratio of the first one's nDCG@10."""
    judged: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for person, skill, offer in judgments:
        judged[person][skill].add(offer)
    rows, hidden = [], 0
    for value, people in sorted(group_members(groups).get(dimension, {}).items()):
        if len(people) < MIN_GROUP:
            hidden += 1
            continue
        row = {"group": value, "people": len(people)}
        for name, matcher in matchers.items():
            row[name] = _evaluation(matcher, people, judged)
        row["evaluation"] = row[next(iter(matchers))]
        rows.append(row)
    _ratios(rows)
    for row in rows:
        row.pop("evaluation")
        row["disparity"] = {k: v for k, v in row["disparity"].items() if k == "ndcg@10"}
    return {"dimension": dimension, "measure": MEASURE["name"], "groups": rows, "hidden_groups": hidden}


def _evaluation(matcher: Matcher, people: set[str], judged: dict[str, dict[str, set[str]]]) -> dict | None:
    queries: dict[str, set[str]] = defaultdict(set)
    for person in people:
        for skill, offers in judged.get(person, {}).items():
            queries[skill] |= offers
    if not queries:
        return None
    return evaluate(matcher, [{"query": s, "relevant": sorted(o)} for s, o in sorted(queries.items())])


def _ratios(rows: list[dict]) -> None:
    """Each rate against the best group's: the disparate impact ratio, flagged below FLAG_BELOW."""
    rates = {"exposure_rate": lambda r: r.get("exposure_rate"), "acceptance_rate": lambda r: r.get("acceptance_rate"),
             "ndcg@10": lambda r: (r.get("evaluation") or {}).get("ndcg@10")}
    for row in rows:
        row["disparity"] = {}
    for name, get in rates.items():
        values = [get(r) for r in rows if get(r) is not None]
        best = max(values, default=0)
        for row in rows:
            value = get(row)
            if value is None or not best:
                continue
            ratio = round(value / best, 3)
            row["disparity"][name] = {"ratio": ratio, "flagged": ratio < FLAG_BELOW}
