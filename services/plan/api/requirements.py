"""Mandatory learning: HR and L&D define, revise (a new version, with why) and retire requirements per department
or role; everyone signed in reads them."""

from __future__ import annotations

from uuid import UUID

from flask.views import MethodView

from services.plan.api import schemas as s
from services.plan.api.common import service, views_read
from services.plan.application import RequirementNotFoundError
from services.plan.domain.requirement import LearningRequirement
from shared.auth import current_principal
from shared.httpapi import Blueprint

blp = Blueprint("requirements", __name__, url_prefix="/api/v1/requirements",
                description="Mandatory learning per department or role, with a recurrence; versioned.")
KINDS = {LearningRequirement.Created: "created", LearningRequirement.Revised: "revised",
         LearningRequirement.Retired: "retired"}


def requirement_uuid(requirement_id: str) -> UUID:
    try:
        return UUID(requirement_id)
    except ValueError:
        raise RequirementNotFoundError(requirement_id) from None


def requirement_view(requirement: LearningRequirement) -> dict:
    history = [{"version": e.originator_version, "type": KINDS[type(e)], "at": e.timestamp.isoformat(),
                "actor": e.actor, "reason": e.reason, "content": getattr(e, "content", None)}
               for e in service().requirement_history(requirement.id)]
    return {"requirement_id": str(requirement.id), "version": requirement.version, "retired": requirement.retired,
            **requirement.content(), "history": history}


@blp.route("")
class Requirements(MethodView):
    @blp.response(200, s.RequirementListSchema)
    def get(self):
        """The requirements in force (from the views; X-Min-Position waits)."""
        current_principal()
        headers = views_read()
        return {"items": service().views.requirements()}, 200, headers

    @blp.arguments(s.RequirementCreateSchema)
    @blp.response(201, s.RequirementSchema)
    def post(self, body):
        """Define a requirement (HR, L&D, admin): to whom it applies, how often, what satisfies it."""
        fields = dict(body)
        requirement = service().define_requirement(current_principal(), fields.pop("reason"), **fields)
        return requirement_view(requirement), 201, {"Location": f"/api/v1/requirements/{requirement.id}"}


@blp.route("/<requirement_id>")
class Requirement(MethodView):
    @blp.response(200, s.RequirementSchema)
    def get(self, requirement_id):
        """A requirement now, with every version: who changed it, when and why."""
        current_principal()
        return requirement_view(service().requirement(requirement_uuid(requirement_id)))

    @blp.arguments(s.RequirementRevisionSchema)
    @blp.response(200, s.RequirementSchema)
    def put(self, body, requirement_id):
        """Revise a requirement (HR, L&D, admin): its whole content as a new version, in force from now on."""
        fields = dict(body)
        reason = fields.pop("reason")
        return requirement_view(service().revise_requirement(current_principal(), requirement_uuid(requirement_id),
                                                             reason, **fields))


@blp.route("/<requirement_id>/retire", methods=["POST"])
@blp.arguments(s.RequirementRetireSchema)
@blp.response(200, s.RequirementSchema)
def retire(body, requirement_id):
    """Retire a requirement (HR, L&D, admin): reports from now on leave it out; earlier ones keep it."""
    return requirement_view(service().retire_requirement(current_principal(), requirement_uuid(requirement_id),
                                                         body["reason"]))
