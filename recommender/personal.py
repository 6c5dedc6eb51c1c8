"""How a person's dismissals change what they are shown next: the reason says what to learn.

- every dismissed offer stays out;
- "too_expensive": nothing that costs as much or more than the dismissed offer;
- "no_time": nothing that takes as many hours or more;
- "known": for that gap, nothing at the dismissed offer's level or below;
- "not_relevant" and "other": only the offer itself.
A request's own limits stay when they are stricter.
"""

from __future__ import annotations

from dataclasses import replace

from recommender.matcher import LEVEL_RANK, Context
from recommender.taxonomy import normalise


def with_dismissals(ctx: Context, dismissals: list[dict], feed_dismissed: list[str] | None = None) -> Context:
    """CTX narrowed by the person's DISMISSALS (rows of the log) and the offers the plan feed says
    they dismissed (FEED_DISMISSED, reasons there are free text)."""
    exclude = set(ctx.exclude_offers) | set(feed_dismissed or []) | {d["offer_id"] for d in dismissals}
    max_cost, max_hours = ctx.max_cost, ctx.max_hours
    above = dict(ctx.above_level)
    for d in dismissals:
        if d["reason"] == "too_expensive" and d.get("cost"):
            max_cost = _lower(max_cost, float(d["cost"]) - 0.01)
        elif d["reason"] == "no_time" and d.get("hours"):
            max_hours = _lower(max_hours, float(d["hours"]) - 0.01)
        elif d["reason"] == "known" and d.get("gap") and d.get("level") in LEVEL_RANK:
            key = normalise(d["gap"])
            above[key] = max(above.get(key, -1), LEVEL_RANK[d["level"]])
    return replace(ctx, exclude_offers=exclude, max_cost=max_cost, max_hours=max_hours, above_level=above)


def _lower(current: float | None, new: float) -> float:
    return max(0.0, new if current is None else min(current, new))
