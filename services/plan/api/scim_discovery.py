"""SCIM discovery (RFC 7644 §4): what the service supports, its schemas and resource types; and a SCIM 404 (or 405)
for anything else under /scim/v2."""

from __future__ import annotations

from typing import Any

from flask import request
from scim2_models import Context, NotFoundException

from services.plan import scim_resources as res
from services.plan.api.scim_http import (
    ACCEPTS,
    PREFIX,
    SCIM_JSON,
    ScimDocumentSchema,
    base_url,
    blp,
    scim_error,
    scim_principal,
    scim_response,
)


# -- discovery -------------------------------------------------------------------------------------
@blp.route("/ServiceProviderConfig")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def service_provider_config():
    """What this service supports: PATCH and filters, no bulk, sort, ETags or password changes."""
    scim_principal()
    body = res.config().model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {"resourceType": "ServiceProviderConfig", "location": f"{base_url()}/ServiceProviderConfig"}
    return scim_response(body)


def _listed(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": len(items),
            "startIndex": 1, "itemsPerPage": len(items), "Resources": items}


def _schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for schema in res.provider().schemas:
        body = schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "Schema", "location": f"{base_url()}/Schemas/{schema.id}"}
        out[schema.id] = body
    return out


def _resource_types() -> dict[str, dict[str, Any]]:
    out = {}
    for resource_type in res.provider().resource_types:
        body = resource_type.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "ResourceType", "location": f"{base_url()}/ResourceTypes/{resource_type.id}"}
        out[resource_type.id] = body
    return out


@blp.route("/Schemas")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def schemas():
    """The schemas of Users (with the enterprise extension) and Groups, as this service keeps them."""
    scim_principal()
    return scim_response(_listed(list(_schemas().values())))


@blp.route("/Schemas/<schema_id>")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def one_schema(schema_id):
    """One schema by its URN."""
    scim_principal()
    return scim_response(_found(_schemas(), schema_id, "schema"))


@blp.route("/ResourceTypes")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def resource_types():
    """The resource types: User (with the enterprise extension) and Group."""
    scim_principal()
    return scim_response(_listed(list(_resource_types().values())))


@blp.route("/ResourceTypes/<type_id>")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def one_resource_type(type_id):
    """One resource type by its id."""
    scim_principal()
    return scim_response(_found(_resource_types(), type_id, "resource type"))


def _found(documents: dict[str, dict[str, Any]], key: str, kind: str) -> dict[str, Any]:
    if key not in documents:
        raise NotFoundException(detail=f"no {kind} {key}")
    return documents[key]


READ_ONLY = {"ServiceProviderConfig", "Schemas", "ResourceTypes"}


@blp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@blp.response(404, ScimDocumentSchema, content_type=SCIM_JSON)
def unknown_endpoint(unknown):
    """Anything else under /scim/v2: a SCIM 404 (405 for a write to a discovery endpoint)."""
    scim_principal()
    if unknown.split("/", 1)[0] in READ_ONLY and request.method != "GET":
        return scim_error(405, f"{PREFIX}/{unknown} is read-only")
    return scim_error(404, f"no endpoint {PREFIX}/{unknown}")


unknown_endpoint.accepts = ACCEPTS
