"""HR reports, computed in SQL from the views: no plan is opened (so no access-log entry per employee), and
groups of fewer than five people are left out so that no individual can be read from a number."""

from __future__ import annotations

from datetime import date, datetime

from services.plan.api import schemas as s
from services.plan.api.common import min_position, service, views_read
from services.plan.views.queries import SMALL_GROUP
from shared.auth import current_principal, require_role
from shared.errors import field_error
from shared.httpapi import Blueprint

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Aggregates for HR and admins; small groups hidden.")


def report(name: str, year: int | None = None) -> tuple[dict, int, dict]:
    """The rows the projector stored for NAME (one read, whatever the organisation's size), or, when the caller
    needs a newer state (X-Min-Position) or none is stored yet, computed now. `X-Views-Position` says which
    state of the views the rows reflect, `X-Report-Computed-At` when they were computed."""
    queries = service().views
    stored, wanted = queries.stored_report(name), min_position()
    if stored is not None and (wanted is None or stored["position"] >= wanted):
        items = stored["items"]
        headers = {"X-Views-Position": str(stored["position"]), "X-Report-Computed-At": stored["computed_at"]}
    else:
        headers = views_read()
        items = queries.compute_report(name)
    if year is not None:
        items = [row for row in items if row["semester"].startswith(f"{year:04d}-")]
    return {"items": items, "minimum_group": SMALL_GROUP}, 200, headers


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
    return report("plan-status")


@blp.route("/skills-coverage")
@blp.response(200, s.CoverageReportSchema)
def skills_coverage():
    """Per department and skill: how many people rated it in an open plan, and their mean current level."""
    require_role("hr", "admin")
    return report("skills-coverage")


@blp.route("/skill-gaps")
@blp.response(200, s.SkillGapReportSchema)
def skill_gaps():
    """Per skill: how many people have an open gap in it, by the gap rule of `GET /people/{id}/skills`, most people
    first (HR, L&D, admins, and services: the recommender's demand reports are made of it)."""
    require_role("hr", "ld", "admin", "service")
    return report("skill-gaps")


@blp.route("/training")
@blp.arguments(s.ReportQuerySchema, location="query")
@blp.response(200, s.TrainingReportSchema)
def training(query):
    """Per department and semester: people, planned and completed training hours, funding asked and granted."""
    require_role("hr", "admin")
    return report("training", query.get("year"))


@blp.route("/compliance")
@blp.arguments(s.ComplianceQuerySchema, location="query")
@blp.response(200, s.ComplianceReportSchema)
def compliance(query):
    """Mandatory learning per department as of a date: who is compliant, due or overdue, with the completion or
    certificate behind each answer (HR, admins); L&D sees the numbers, groups under 5 hidden. Only what was
    recorded by then counts, so a report as of a past date is the same whenever it is asked for."""
    text = query["as_of"]
    try:
        as_of = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise field_error(422, "as_of", "a date (YYYY-MM-DD) or an ISO-8601 instant") from None
    headers = views_read()
    return service().compliance_report(current_principal(), as_of, query["department"]), 200, headers
