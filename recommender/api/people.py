"""What the recommender holds about a person, for the GDPR export the plan service assembles."""

from __future__ import annotations

from recommender.api.common import runtime
from shared.auth import current_principal
from shared.errors import ApiError
from shared.httpapi import Blueprint

blp = Blueprint("people", __name__, url_prefix="/api/v1", description="A person's data (GDPR access).")


@blp.route("/people/<person_id>/export")
@blp.response(200)
def export_person(person_id):
    """The plans the follower learned and the feedback on offers of one person (the person, HR, service)."""
    principal = current_principal()
    if principal.subject != person_id and not principal.has("hr", "admin", "service"):
        raise ApiError(403, "only the person, HR or the plan service export a person's data")
    return runtime().readmodel.person_data(person_id)
