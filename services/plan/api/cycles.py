"""Development cycles: HR creates, launches (or syncs) and closes them; HR and managers read the dashboard."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from flask.views import MethodView

from services.plan import cycles
from services.plan.api import schemas as s
from services.plan.api.common import service, views_read
from shared.auth import current_principal
from shared.httpapi import Blueprint

blp = Blueprint("cycles", __name__, url_prefix="/api/v1/cycles",
                description="Development cycles: a plan from a template for everyone in scope, and the dashboard.")


def cycle_uuid(cycle_id: str) -> UUID:
    try:
        return UUID(cycle_id)
    except ValueError:
        raise cycles.CycleNotFoundError(cycle_id) from None


@blp.route("")
class Cycles(MethodView):
    @blp.response(200, s.CycleListSchema)
    def get(self):
        """Cycles, newest period first (HR and managers; from the views)."""
        headers = views_read()
        return {"items": cycles.cycles_list(service(), current_principal())}, 200, headers

    @blp.arguments(s.CycleCreateSchema)
    @blp.response(201, s.CycleSchema)
    def post(self, body):
        """Create a cycle (HR): name, period, scope, templates per department or role, milestone dates."""
        cycle = cycles.create_cycle(service(), current_principal(), **body)
        return cycles.cycle_view(cycle), 201, {"Location": f"/api/v1/cycles/{cycle.id}"}


@blp.route("/<cycle_id>")
@blp.response(200, s.CycleSchema)
def get_cycle(cycle_id):
    """A cycle with its progress (people done / total)."""
    principal = current_principal()
    cycles.participants_filter(principal)
    return cycles.cycle_view(cycles.get_cycle(service(), cycle_uuid(cycle_id)))


@blp.route("/<cycle_id>/launch", methods=["POST"])
@blp.response(200, s.CycleSchema)
def launch(cycle_id):
    """Launch or sync the cycle (HR): plans for everyone in scope not dealt with yet, in batches; people who left
    the scope are taken out. Idempotent: a second run changes nothing unless the directory changed."""
    uuid = cycle_uuid(cycle_id)
    cycles.run_cycle(service(), current_principal(), uuid)
    return cycles.cycle_view(cycles.get_cycle(service(), uuid))


@blp.route("/<cycle_id>/close", methods=["POST"])
@blp.response(200, s.CycleSchema)
def close(cycle_id):
    """Close the cycle (HR): it is frozen from now on."""
    return cycles.cycle_view(cycles.close_cycle(service(), current_principal(), cycle_uuid(cycle_id)))


@blp.route("/<cycle_id>/dashboard")
@blp.arguments(s.CycleOnQuerySchema, location="query")
@blp.response(200, s.CycleDashboardSchema)
def dashboard(query, cycle_id):
    """Per milestone and department: done, due, overdue (HR: everyone; a manager: their reports); groups under
    five are hidden. A closed cycle answers as it stood at closing."""
    headers = views_read()
    return cycles.dashboard(service(), current_principal(), cycle_uuid(cycle_id), query["on"] or date.today()
                            ), 200, headers


@blp.route("/<cycle_id>/people")
@blp.arguments(s.CyclePeopleQuerySchema, location="query")
@blp.response(200, s.CyclePeopleSchema)
def people(query, cycle_id):
    """The people behind a dashboard number (HR: everyone; a manager: their reports)."""
    headers = views_read()
    items = cycles.people_behind(service(), current_principal(), cycle_uuid(cycle_id), query["milestone"],
                                 query["state"], query.get("department"), query["on"] or date.today())
    return {"items": items}, 200, headers
