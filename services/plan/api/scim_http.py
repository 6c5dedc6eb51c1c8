"""The HTTP side of SCIM shared by its endpoints: the blueprint, `application/scim+json` answers, SCIM error bodies
with their `scimType` for every error, reading bodies and queries, and list pages (scim2-models does the SCIM)."""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.persistence import IntegrityError
from flask import Response, current_app, request
from marshmallow import INCLUDE, Schema, fields
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    InvalidFilterException,
    InvalidValueException,
    ListResponse,
    PatchOp,
    SCIMException,
    SearchRequest,
)
from scim2_models.path import CompareOperator, Comparison
from werkzeug.exceptions import HTTPException

from services.plan import scim_resources as res
from services.plan.api.common import service
from services.plan.domain.errors import DomainError
from services.plan.provisioning import ProvisionedConflictError, ProvisionedNotFoundError
from shared.auth import require_role
from shared.errors import ApiError
from shared.httpapi import Blueprint
from shared.sealing import PersonErasedError

SCIM_JSON = "application/scim+json"
ACCEPTS = {SCIM_JSON, "application/json"}
PREFIX = "/scim/v2"

blp = Blueprint("scim", __name__, url_prefix=PREFIX,
                description="SCIM 2.0 provisioning of people and groups by an identity provider (role scim).")


class ScimDocumentSchema(Schema):
    """A SCIM resource or message as RFC 7643/7644 define it (validated with scim2-models, not here)."""

    class Meta:
        unknown = INCLUDE

    schemas = fields.List(fields.String())


SCIM_BODY = {"content": {SCIM_JSON: {"schema": ScimDocumentSchema}, "application/json": {"schema": ScimDocumentSchema}}}


def scim_response(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype=SCIM_JSON, headers=headers or {})


def scim_error(status: int, detail: str, scim_type: str | None = None) -> Response:
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return scim_response(body, status)


# -- errors: every one a SCIM error body --------------------------------------------------------------
@blp.errorhandler(SCIMException)
def _scim_exception(error: SCIMException):
    body: Error = error.to_error()
    return scim_response(body.model_dump(scim_ctx=None, mode="json", by_alias=True, exclude_none=True),
                         int(body.status or 400))


@blp.errorhandler(ValidationError)
def _invalid(error: ValidationError):
    errors = Error.from_validation_errors(error)
    first = errors[0] if errors else None
    detail = "; ".join(e.detail or "" for e in errors) or str(error)
    return scim_error(int(first.status) if first and first.status else 400, detail,
                      first.scim_type if first and first.scim_type else "invalidValue")


@blp.errorhandler(DomainError)
def _domain(error: DomainError):
    status = 409 if error.status == 409 else 400
    return scim_error(status, str(error), "invalidValue" if status == 400 else None)


@blp.errorhandler(ProvisionedNotFoundError)
@blp.errorhandler(PersonErasedError)
def _not_found(error: Exception):
    return scim_error(404, "resource not found")


@blp.errorhandler(ProvisionedConflictError)
def _conflict(error: ProvisionedConflictError):
    return scim_error(409, str(error), "uniqueness")


@blp.errorhandler(IntegrityError)
def _raced(error: IntegrityError):
    """Another request changed the same person or group between this one's read and write."""
    return scim_error(409, "the resource was changed by another request meanwhile; send it again")


@blp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return scim_error(error.status, error.message)


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return scim_error(error.code or 500, error.description or error.name)


def scim_principal():
    return require_role("scim")


def request_body() -> dict[str, Any]:
    if request.mimetype not in ACCEPTS:
        raise ApiError(415, f"send {SCIM_JSON}")
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise InvalidValueException(detail="the body is not a JSON object")
    return data


def base_url() -> str:
    return request.host_url.rstrip("/") + PREFIX


# -- shared by Users and Groups ----------------------------------------------------------------------
def search_request(model: Any, body: dict[str, Any] | None = None) -> Any:
    """The query's parameters: from the URL (GET), or from a SearchRequest body (POST .search)."""
    if body is not None:
        args = {k: v for k, v in body.items() if k != "schemas"}
    else:
        args = {k: v for k, v in request.args.items() if k in {"filter", "startIndex", "count", "attributes",
                                                                "excludedAttributes"}}
    try:
        with res.provider():
            return SearchRequest[model].model_validate(args, scim_ctx=Context.RESOURCE_QUERY_REQUEST)
    except ValidationError as error:
        if "filter" in str(error):
            raise InvalidFilterException(detail=str(error.errors()[0].get("msg"))) from None
        raise


def pushdown(search: Any, columns: dict[str, str]) -> dict[str, str] | None:
    """`attr eq "value"` on an attribute a view has a column for, as {column: value}; None otherwise."""
    if search.filter is None:
        return {}
    node = search.filter.ast
    if not isinstance(node, Comparison) or node.op != CompareOperator.eq or not isinstance(node.value, str):
        return None
    attr = node.attr_path
    if attr.sub_attr is not None or (attr.uri and attr.uri.rstrip(":") not in
                                     {res.USER_SCHEMA, res.GROUP_SCHEMA}):
        return None
    column = columns.get(attr.attr.lower())
    return {column: node.value} if column else None


def views_caught_up() -> None:
    """Lists come from the views, which a projector keeps a moment behind the log: an identity provider lists
    right after it wrote (Entra ID matches by userName before it creates), so wait, briefly, for the log's head."""
    head = service().recorder.max_notification_id() or 0
    service().views.wait(head, current_app.config.get("VIEWS_WAIT_SECONDS", 2.0))


def list_page(search: Any, model: Any, query, columns: dict[str, str], build) -> Response:
    """A ListResponse page: equality on a known column is asked of the views; any other filter is matched by
    scim2-models over the entries (at most MAX_FILTERED)."""
    views_caught_up()
    start = max(search.start_index or 1, 1)
    count = min(search.count if search.count is not None else res.MAX_RESULTS, res.MAX_RESULTS)
    where = pushdown(search, columns)
    if where is not None:
        rows, total = query(**where, limit=count, offset=start - 1)
        items = [build(row) for row in rows]
    else:
        rows, total = query(limit=res.MAX_FILTERED + 1, offset=0)
        if total > res.MAX_FILTERED:
            raise SCIMException(status=400, scim_type="tooMany", detail="narrow the filter (userName or externalId eq)")
        with res.provider():
            matched = [item for item in (build(row) for row in rows) if search.filter.match(item)]
        total, items = len(matched), matched[start - 1:start - 1 + count]
    body = ListResponse[model](total_results=total, start_index=start, items_per_page=len(items), resources=items)
    with res.provider():
        return scim_response(body.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


def resource_response(resource: Any, status: int = 200, context: Context = Context.RESOURCE_QUERY_RESPONSE,
          headers: dict[str, str] | None = None) -> Response:
    parameters = None
    if request.args.get("attributes") or request.args.get("excludedAttributes"):
        parameters = search_request(type(resource))
    with res.provider():
        body = resource.model_dump(scim_ctx=context, response_parameters=parameters)
    return scim_response(body, status, {"Location": resource.meta.location, **(headers or {})})


def validated(model: Any, body: dict[str, Any], context: Context) -> Any:
    with res.provider():
        return model.model_validate(body, scim_ctx=context)


def patched(current: Any, body: dict[str, Any]) -> Any:
    body = {**body, "Operations": res.entra_manager(body.get("Operations"))}
    with res.provider():
        patch = PatchOp[type(current)].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
        patch.patch(current)
    return current


def plain(resource: Any) -> dict[str, Any]:
    with res.provider():
        return resource.model_dump(scim_ctx=Context.DEFAULT, mode="json", exclude_none=True)
