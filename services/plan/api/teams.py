"""The manager's dashboard in one call: every direct and indirect report with their current plan's state."""

from __future__ import annotations

from datetime import date

from services.plan.api import schemas as s
from services.plan.api.common import await_views, service, shaped_by_sql, views_headers
from shared.auth import current_principal
from shared.errors import ApiError
from shared.httpapi import Blueprint

blp = Blueprint("teams", __name__, url_prefix="/api/v1/teams",
                description="Team overviews for managers (their own team and teams below them), HR and admins (any).")


@blp.route("/<manager_id>/overview")
@blp.arguments(s.TeamOverviewQuerySchema, location="query")
@blp.response(200, s.TeamOverviewSchema)
def overview(query, manager_id):
    """Each report's plan status, overdue actions, pending review and funding, next deadline, budget use, a page
    at a time, with the whole team's totals. Read from the views: no plan is opened, so nothing is added to the
    access log."""
    principal = current_principal()
    views = service().views
    own = principal.has("manager") and (principal.subject == manager_id or views.is_above(principal.subject,
                                                                                           manager_id))
    if not (own or principal.has("hr", "admin")):
        raise ApiError(404, "team not found")
    wanted = await_views()
    found = views.team_overview(manager_id, date.today(), **query)
    if found is None:  # nobody has this id
        raise ApiError(404, "team not found")
    body, position = found
    return shaped_by_sql(body), 200, views_headers(position, wanted)
