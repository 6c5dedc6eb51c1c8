"""The current level of a skill and the gap to its target: one rule, used by the plan, its SMART check and the
views that the portal, the PDF and the recommender read.

Current level: the most recent rating wins, whoever gave it: a self, peer or manager assessment, or a
re-rating recorded when a learning action was completed. Each source's own latest level is kept beside it,
so a reader sees where the current level came from and where sources disagree.
Target: the highest target level of the plan's open goals for that skill; a skill marked "to improve"
without a goal aims one level above its current level. Gap: target minus current, when above zero.
(Levels a target role requires are the recommender's to add: it owns the role profiles.)
"""

from __future__ import annotations

from typing import Any

from services.plan.domain.vocabulary import MAX_LEVEL

RERATING = "rerating"


def rate(entry: dict[str, Any], source: str, level: int, on: str) -> None:
    """Record a rating of LEVEL by SOURCE (an assessor, or RERATING) on day ON: it becomes the current level."""
    entry.setdefault("levels", {})[source] = level
    entry["level"], entry["source"], entry["rated_on"] = level, source, on


def target(current: int, goal_target: int | None, status: str | None) -> int | None:
    if goal_target is not None:
        return goal_target
    if status == "to_improve":
        return min(current + 1, MAX_LEVEL)
    return None


def gap(current: int, goal_target: int | None, status: str | None) -> int:
    aim = target(current, goal_target, status)
    return max(0, aim - current) if aim is not None else 0
