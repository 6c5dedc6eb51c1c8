"""The manager's dashboard in one call: every direct and indirect report with their current plan's state."""

from __future__ import annotations

from datetime import date

from services.plan.api import schemas as s
from services.plan.api.common import service, views_read
from shared.auth import current_principal
from shared.errors import ApiError
from shared.httpapi import Blueprint

blp = Blueprint("teams", __name__, url_prefix="/api/v1/teams",
                description="Team overviews for managers (their own team and teams below them), HR and admins (any).")


@blp.route("/<manager_id>/overview")
@blp.response(200, s.TeamOverviewSchema)
def overview(manager_id):
    """Each report's plan status, overdue actions, pending review and funding, next deadline, budget use.
    Read from the views: no plan is opened, so nothing is added to the access log."""
    principal = current_principal()
    views = service().views
    own = principal.has("manager") and (principal.subject == manager_id or views.is_above(principal.subject,
                                                                                           manager_id))
    if not (own or principal.has("hr", "admin")) or views.person(manager_id) is None:
        raise ApiError(404, "team not found")
    headers = views_read()
    members = service().views.team_overview(manager_id, date.today())
    plans = [m["plan"] for m in members if m["plan"]]
    return {"manager_id": manager_id, "members": members,
            "pending_reviews": sum(p["review_pending"] for p in plans),
            "pending_funding": sum(p["pending_funding"] for p in plans),
            "overdue_actions": sum(p["overdue_actions"] for p in plans)}, 200, headers
