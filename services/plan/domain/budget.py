"""Budget use: the planned hours and cost of a plan's live learning actions against the hours and budget the plan
has (the template's norms when it started from one). One rule, read by the plan page, the check before accepting a
suggestion, the manager's review and funding pages and the PDF, so every page warns with the same numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def budget_use(plan: Any, extra_hours: float = 0.0, extra_cost: Decimal = Decimal(0)) -> dict[str, Any]:
    """Planned against available, with EXTRA_HOURS and EXTRA_COST added (an action about to be planned); a warning
    per means that would run over, with the amount over."""
    live = [a for a in plan.actions.values() if a["status"] != "cancelled"]
    hours = float(sum(a["hours"] for a in live)) + float(extra_hours)
    cost = sum((Decimal(a["cost"]) for a in live), Decimal(0)) + Decimal(extra_cost)
    funded = [a["funding"] for a in plan.actions.values() if a.get("funding")]
    requested = sum((Decimal(f.get("requested_amount") or f["amount"]) for f in funded
                     if f["status"] in {"requested", "approved"}), Decimal(0))
    approved = sum((Decimal(f["amount"]) for f in funded if f["status"] == "approved"), Decimal(0))
    available_hours, available_budget = float(plan.available_hours), Decimal(plan.available_budget)
    warnings = []
    if hours > available_hours:
        warnings.append({"code": "hours_over", "planned": hours, "available": available_hours,
                         "over": hours - available_hours})
    if cost > available_budget:
        warnings.append({"code": "budget_over", "planned": cost, "available": available_budget,
                         "over": cost - available_budget})
    return {"planned_hours": hours, "available_hours": available_hours, "hours_left": available_hours - hours,
            "planned_cost": cost, "available_budget": available_budget, "budget_left": available_budget - cost,
            "funding_requested": requested, "funding_approved": approved, "warnings": warnings}
