"""HR reports, computed in SQL from the views: no plan is opened (so no access-log entry per employee), and
groups of fewer than five people are left out so that no individual can be read from a number."""

from __future__ import annotations

from services.plan.api import schemas as s
from services.plan.api.common import service, views_read
from services.plan.views.queries import SMALL_GROUP
from shared.auth import require_role
from shared.httpapi import Blueprint

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Aggregates for HR and admins; small groups hidden.")


def report(items: list[dict]) -> tuple[dict, int, dict]:
    return {"items": items, "minimum_group": SMALL_GROUP}, 200, views_read()


@blp.route("/departments")
@blp.response(200, s.DepartmentsSchema)
def departments():
    """The departments of the directory and how many people each has (for filters and report pickers)."""
    require_role("hr", "admin")
    return {"items": service().views.departments()}, 200, views_read()


@blp.route("/plan-status")
@blp.response(200, s.FunnelReportSchema)
def plan_status():
    """The plan status funnel per department: plans and people per status."""
    require_role("hr", "admin")
    return report(service().views.status_funnel())


@blp.route("/skills-coverage")
@blp.response(200, s.CoverageReportSchema)
def skills_coverage():
    """Per department and skill: how many people rated it in an open plan, and their mean current level."""
    require_role("hr", "admin")
    return report(service().views.skills_coverage())


@blp.route("/training")
@blp.arguments(s.ReportQuerySchema, location="query")
@blp.response(200, s.TrainingReportSchema)
def training(query):
    """Per department and semester: people, planned and completed training hours, funding asked and granted."""
    require_role("hr", "admin")
    return report(service().views.training(query.get("year")))
