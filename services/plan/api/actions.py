"""Learning actions across plans, from the views: the overdue ones, by the plan service's one overdue rule."""

from __future__ import annotations

from datetime import date

from services.plan.api import schemas as s
from services.plan.api.common import service, shaped_by_sql, views_read
from shared.auth import current_principal
from shared.errors import ApiError
from shared.httpapi import Blueprint

blp = Blueprint("actions", __name__, url_prefix="/api/v1/actions",
                description="Learning actions across plans (services and HR all; managers their reports'; "
                            "employees their own).")


@blp.route("/overdue")
@blp.arguments(s.OverdueQuerySchema, location="query")
@blp.response(200, s.OverduePageSchema)
def overdue(query):
    """Planned or started actions of open plans whose planned end has passed on `on`, a page at a time (oldest end
    first, with a total). Read from the views: no plan is opened, so nothing is added to the access log."""
    principal = current_principal()
    if principal.has("ld") and not principal.has("employee", "manager", "hr", "admin", "service"):
        raise ApiError(403, "L&D sees the catalogue and aggregates, not individual plans")
    viewer = service().viewer(principal)
    if principal.has("service"):
        viewer = type(viewer)(principal.subject, True, False)  # the notifier reminds everyone
    day = query.pop("on") or date.today()
    headers = views_read()
    items, total = service().views.overdue_actions(viewer, day, **query)
    return shaped_by_sql({"on": day.isoformat(), "items": items, "total": total, "limit": query["limit"],
                          "offset": query["offset"]}), 200, headers
