"""Plan templates: HR and L&D create, revise (a new version) and retire them; everyone reads them."""

from __future__ import annotations

from uuid import UUID

from flask.views import MethodView

from services.plan.api import schemas as s
from services.plan.api.common import service, views_read
from services.plan.application import TemplateNotFoundError
from shared.auth import current_principal
from shared.httpapi import Blueprint

blp = Blueprint("templates", __name__, url_prefix="/api/v1/templates",
                description="Versioned plan templates: suggested goals, skills, means, milestones and norms.")


def template_uuid(template_id: str) -> UUID:
    try:
        return UUID(template_id)
    except ValueError:
        raise TemplateNotFoundError(template_id) from None


def template_view(template, version: int | None = None) -> dict:
    content = template.content(version)
    return {"template_id": str(template.id), "version": version or template.current_version,
            "current_version": template.current_version, "retired": template.retired, **content}


@blp.route("")
class Templates(MethodView):
    @blp.arguments(s.TemplateListQuerySchema, location="query")
    @blp.response(200, s.TemplateListSchema)
    def get(self, query):
        """Templates by name with their current version (from the views; X-Min-Position waits)."""
        current_principal()
        headers = views_read()
        return {"items": service().views.templates(query["include_retired"])}, 200, headers

    @blp.arguments(s.TemplateContentSchema)
    @blp.response(201, s.TemplateSchema)
    def post(self, body):
        """Create a template (HR, L&D): version 1."""
        template = service().create_template(current_principal(), **body)
        return template_view(template), 201, {"Location": f"/api/v1/templates/{template.id}"}


@blp.route("/<template_id>")
class Template(MethodView):
    @blp.arguments(s.TemplateVersionQuerySchema, location="query")
    @blp.response(200, s.TemplateSchema)
    def get(self, query, template_id):
        """A template's current version, or ?version=N as it was."""
        current_principal()
        return template_view(service().template(template_uuid(template_id)), query.get("version"))

    @blp.arguments(s.TemplateRevisionSchema)
    @blp.response(200, s.TemplateSchema)
    def put(self, body, template_id):
        """Revise a template (HR, L&D): its whole content as a new version; started plans keep theirs."""
        fields = dict(body)
        note = fields.pop("change_note")
        return template_view(service().revise_template(current_principal(), template_uuid(template_id), note,
                                                       **fields))


@blp.route("/<template_id>/retire", methods=["POST"])
@blp.arguments(s.TemplateRetireSchema)
@blp.response(200, s.TemplateSchema)
def retire(body, template_id):
    """Retire a template (HR, L&D): no new plans start from it; existing ones are untouched."""
    return template_view(service().retire_template(current_principal(), template_uuid(template_id),
                                                   body["change_note"]))
