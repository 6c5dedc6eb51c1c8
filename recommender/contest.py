"""Contesting a suggestion: "why was I shown this?" and "why was I not shown that?", from the log.

The log says when an offer was shown, for which gap, at which rank, by which model version and with
which reasons. An offer that was not shown is explained against the gaps of the person's latest logged
request (or their plan's open gaps, as the plan service decides them): each cause is a code with
parameters and an English sentence.
"""

from __future__ import annotations

import numpy as np

from recommender.matcher import Context, Gap, Matcher
from recommender.personal import with_dismissals
from recommender.plan_gaps import PlanGaps
from recommender.taxonomy import normalise


def cause(code: str, text: str, **params) -> dict:
    return {"code": code, "params": params, "text": text}


def latest_gaps(shown: list[dict]) -> list[str]:
    """The gaps of the person's most recent logged answer."""
    if not shown:
        return []
    newest = shown[0]["shown_at"]
    return list(dict.fromkeys(e["gap"] for e in shown if e["shown_at"] == newest and e["gap"]))


def explain(rt, employee_id: str, offer_id: str, current: PlanGaps) -> dict:
    """What the log says about OFFER_ID for EMPLOYEE_ID, and why it is not (or no longer) shown, against the
    plan as the plan service has it now (CURRENT)."""
    log = rt.log
    everything = log.shown_to(employee_id)
    shown = [e for e in everything if e["offer_id"] == offer_id]
    gaps = latest_gaps(everything) or [g["skill"] for g in current.gaps]
    return {"employee_id": employee_id, "offer_id": offer_id, "shown": shown,
            "gaps_considered": gaps, "now": why_not(rt, employee_id, offer_id, gaps, current)}


def why_not(rt, employee_id: str, offer_id: str, gaps: list[str], current: PlanGaps) -> list[dict]:
    """Where OFFER_ID stands in the person's suggestions now: what keeps it out, or its rank."""
    matcher: Matcher = rt.matcher.current()
    log = rt.log
    causes = []
    if not log.suggestions_on(employee_id):
        causes.append(cause("suggestions_off", "You switched suggestions off."))
    row = matcher.index.row_of_.get(offer_id)
    if row is None:
        return [*causes, cause("not_in_catalogue", "This offer is not (or no longer) in the catalogue.")]
    dismissed = [d for d in log.dismissals(employee_id) if d["offer_id"] == offer_id]
    feed_dismissed = (rt.readmodel.current_plan(employee_id) or {}).get("dismissed", [])  # through the plan API
    if dismissed or offer_id in feed_dismissed:
        reason = dismissed[-1]["reason"] if dismissed else "other"
        causes.append(cause("dismissed_by_you", "You dismissed this offer.", reason=reason))
    if offer_id in current.offers_in_plan:
        causes.append(cause("in_your_plan", "This offer is already in your plan."))
    if not gaps:
        return [*causes, cause("no_gaps", "There were no gaps to suggest offers for.")]
    ctx = with_dismissals(Context(employee_id=employee_id),
                          [d for d in log.dismissals(employee_id) if d["offer_id"] != offer_id])
    keep = matcher.allowed(ctx)
    if not keep[row]:
        causes.append(cause("outside_your_limits",
                            "It costs or takes more than offers you dismissed as too expensive or too long."))
    best = None
    for text in gaps:
        gap = Gap(text)
        score, why = matcher.rank_gap(gap, np.ones_like(keep), ctx)
        excluded_by = [e.labels.get("en") or e.id for e in why["entries"]
                       if offer_id in (matcher.curation.get(e.id) or {}).get("excluded", [])]
        if excluded_by:
            causes.append(cause("excluded_by_ld", "The learning and development team took it out for this skill.",
                                gap=text, skill=excluded_by[0]))
            continue
        if np.isfinite(score[row]) and score[row] >= matcher.weights["min_score"]:
            rank = int(np.sum(score > score[row])) + 1
            if best is None or rank < best[1]:
                best = (text, rank)
    if best is None and not any(c["code"] == "excluded_by_ld" for c in causes):
        causes.append(cause("matches_no_gap", "Its text and skills match none of your gaps.",
                            gaps=[normalise(g) for g in gaps]))
    elif best is not None:
        causes.append(cause("rank", f"For '{best[0]}' it ranks {best[1]}; a list shows the best 10 to 15.",
                            gap=best[0], rank=best[1]))
    return causes
