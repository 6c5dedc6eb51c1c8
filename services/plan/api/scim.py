"""SCIM 2.0 provisioning (RFC 7644) of the directory: /scim/v2/Users, /Groups and the discovery endpoints.

For identity providers (Entra ID, Okta) holding a token with the role `scim`. Bodies are read and written with
scim2-models (services/plan/scim_resources.py); answers are `application/scim+json`; every error is a SCIM error
body with its `scimType`. The commands live in services/plan/provisioning.py.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from marshmallow import INCLUDE, Schema, fields
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    InvalidFilterException,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    PatchOp,
    SCIMException,
    SearchRequest,
)
from werkzeug.exceptions import HTTPException

from services.plan import scim_resources as res
from services.plan.api.common import service
from services.plan.domain.errors import DomainError
from services.plan.provisioning import ProvisionedConflictError, ProvisionedNotFoundError, Provisioning
from shared.auth import require_role
from shared.errors import ApiError
from shared.httpapi import Blueprint
from shared.ids import is_directory_id
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


@blp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return scim_error(error.status, error.message)


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return scim_error(error.code or 500, error.description or error.name)


def _principal():
    return require_role("scim")


def _body() -> dict[str, Any]:
    if request.mimetype not in ACCEPTS:
        raise ApiError(415, f"send {SCIM_JSON}")
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise InvalidValueException(detail="the body is not a JSON object")
    return data


def _base() -> str:
    return request.host_url.rstrip("/") + PREFIX


# -- discovery -------------------------------------------------------------------------------------
@blp.route("/ServiceProviderConfig")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def service_provider_config():
    """What this service supports: PATCH and filters, no bulk, sort, ETags or password changes."""
    _principal()
    body = res.config().model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {"resourceType": "ServiceProviderConfig", "location": f"{_base()}/ServiceProviderConfig"}
    return scim_response(body)


def _listed(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": len(items),
            "startIndex": 1, "itemsPerPage": len(items), "Resources": items}


def _schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for schema in res.provider().schemas:
        body = schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "Schema", "location": f"{_base()}/Schemas/{schema.id}"}
        out[schema.id] = body
    return out


def _resource_types() -> dict[str, dict[str, Any]]:
    out = {}
    for resource_type in res.provider().resource_types:
        body = resource_type.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "ResourceType", "location": f"{_base()}/ResourceTypes/{resource_type.id}"}
        out[resource_type.id] = body
    return out


@blp.route("/Schemas")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def schemas():
    """The schemas of Users (with the enterprise extension) and Groups, as this service keeps them."""
    _principal()
    return scim_response(_listed(list(_schemas().values())))


@blp.route("/Schemas/<schema_id>")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def one_schema(schema_id):
    """One schema by its URN."""
    _principal()
    found = _schemas().get(schema_id)
    if found is None:
        raise NotFoundException(detail=f"no schema {schema_id}")
    return scim_response(found)


@blp.route("/ResourceTypes")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def resource_types():
    """The resource types: User (with the enterprise extension) and Group."""
    _principal()
    return scim_response(_listed(list(_resource_types().values())))


@blp.route("/ResourceTypes/<type_id>")
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def one_resource_type(type_id):
    """One resource type by its id."""
    _principal()
    found = _resource_types().get(type_id)
    if found is None:
        raise NotFoundException(detail=f"no resource type {type_id}")
    return scim_response(found)


# -- shared by Users and Groups ----------------------------------------------------------------------
def _search(model: Any, body: dict[str, Any] | None = None) -> Any:
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


def _pushdown(search: Any, columns: dict[str, str]) -> dict[str, str] | None:
    """`attr eq "value"` on an attribute a view has a column for, as {column: value}; None otherwise."""
    if search.filter is None:
        return {}
    node = search.filter.ast
    if type(node).__name__ != "Comparison" or str(node.op) != "eq" or not isinstance(node.value, str):
        return None
    attr = node.attr_path
    if attr.sub_attr is not None or (attr.uri and attr.uri.rstrip(":") not in
                                     {res.USER_SCHEMA, res.GROUP_SCHEMA}):
        return None
    column = columns.get(attr.attr.lower())
    return {column: node.value} if column else None


def _caught_up() -> None:
    """Lists come from the views, which a projector keeps a moment behind the log: an identity provider lists
    right after it wrote (Entra ID matches by userName before it creates), so wait, briefly, for the log's head."""
    head = service().recorder.max_notification_id() or 0
    service().views.wait(head, current_app.config.get("VIEWS_WAIT_SECONDS", 2.0))


def _page(search: Any, model: Any, query, columns: dict[str, str], build) -> Response:
    """A ListResponse page: equality on a known column is asked of the views; any other filter is matched by
    scim2-models over the entries (at most MAX_FILTERED)."""
    _caught_up()
    start = max(search.start_index or 1, 1)
    count = min(search.count if search.count is not None else res.MAX_RESULTS, res.MAX_RESULTS)
    where = _pushdown(search, columns)
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


def _dump(resource: Any, status: int = 200, context: Context = Context.RESOURCE_QUERY_RESPONSE,
          headers: dict[str, str] | None = None) -> Response:
    parameters = None
    if request.args.get("attributes") or request.args.get("excludedAttributes"):
        parameters = _search(type(resource))
    with res.provider():
        body = resource.model_dump(scim_ctx=context, response_parameters=parameters)
    return scim_response(body, status, {"Location": resource.meta.location, **(headers or {})})


def _validated(model: Any, body: dict[str, Any], context: Context) -> Any:
    with res.provider():
        return model.model_validate(body, scim_ctx=context)


def _patched(current: Any, body: dict[str, Any]) -> Any:
    body = {**body, "Operations": res.entra_manager(body.get("Operations"))}
    with res.provider():
        patch = PatchOp[type(current)].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
        patch.patch(current)
    return current


def _plain(resource: Any) -> dict[str, Any]:
    with res.provider():
        return resource.model_dump(scim_ctx=Context.DEFAULT, mode="json", exclude_none=True)


# -- Users -------------------------------------------------------------------------------------------
USER_COLUMNS = {"username": "user_name", "externalid": "external_id", "id": "person_id"}


def _user(row: dict[str, Any], created: Any = None) -> Any:
    document = res.user_document(row)
    document["id"] = row["id"]
    meta = {"resourceType": "User", "location": f"{_base()}/Users/{row['id']}"}
    if created is not None:
        meta["created"] = created.isoformat()
    if row.get("changed_at"):
        meta["lastModified"] = str(row["changed_at"])
    document["meta"] = meta
    return _validated(res.user_model(), document, Context.DEFAULT)


def _user_of(person: Any) -> Any:
    row = {"id": person.person_id, "name": person.name, "email": person.email, "manager_id": person.manager_id,
           "department": person.department, "job_title": person.job_title, "active": person.active,
           "user_name": person.user_name, "external_id": person.external_id, "document": person.scim,
           "changed_at": person.modified_on.isoformat()}
    return _user(row, person.created_on)


def _provisioned(document: dict[str, Any]) -> dict[str, Any]:
    return {"user_name": document["userName"], "external_id": document.get("externalId"),
            "active": document.get("active") is not False, "scim": res.stored_document(document)}


@blp.route("/Users")
class Users(MethodView):
    accepts = ACCEPTS

    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def get(self):
        """People, paged (startIndex, count), filtered (`userName eq`, `externalId eq`, or any SCIM filter)."""
        _principal()
        search = _search(res.user_model())
        return _page(search, res.user_model(), service().views.provisioned_people, USER_COLUMNS, _user)

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(201, ScimDocumentSchema, content_type=SCIM_JSON)
    def post(self):
        """Create a person; their directory id is the userName when it is one (else a generated id)."""
        principal = _principal()
        resource = _validated(res.user_model(), res.without_password(_body()), Context.RESOURCE_CREATION_REQUEST)
        document = _plain(resource)
        user_name = document["userName"]
        person_id = user_name if is_directory_id(user_name) else f"u-{uuid.uuid4().hex}"
        person = Provisioning(service()).create_person(principal.subject, person_id,
                                                       res.directory_fields(document), **_provisioned(document))
        return _dump(_user_of(person), 201, Context.RESOURCE_CREATION_RESPONSE)


@blp.route("/Users/.search", methods=["POST"])
@blp.doc(requestBody=SCIM_BODY)
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def search_users():
    """The query of GET /Users sent as a SearchRequest body (RFC 7644 §3.4.3)."""
    _principal()
    search = _search(res.user_model(), _body())
    return _page(search, res.user_model(), service().views.provisioned_people, USER_COLUMNS, _user)


search_users.accepts = ACCEPTS


@blp.route("/Users/<person_id>")
class OneUser(MethodView):
    accepts = ACCEPTS

    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def get(self, person_id):
        """One person, from the event store (always current)."""
        _principal()
        return _dump(_user_of(Provisioning(service()).person(person_id)))

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def put(self, person_id):
        """Replace a person's attributes (userName may change; the directory id stays)."""
        principal = _principal()
        provisioning = Provisioning(service())
        current = _user_of(provisioning.person(person_id))
        resource = _validated(res.user_model(), res.without_password(_body()), Context.RESOURCE_REPLACEMENT_REQUEST)
        with res.provider():
            resource.replace(current)
        document = _plain(resource)
        person = provisioning.update_person(principal.subject, person_id, res.directory_fields(document),
                                            **_provisioned(document))
        return _dump(_user_of(person), 200, Context.RESOURCE_REPLACEMENT_RESPONSE)

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def patch(self, person_id):
        """Add, replace and remove attributes (Entra ID's and Okta's forms too); active=false deactivates."""
        principal = _principal()
        provisioning = Provisioning(service())
        current = _user_of(provisioning.person(person_id))
        document = _plain(_patched(current, res.without_password(_body())))
        person = provisioning.update_person(principal.subject, person_id, res.directory_fields(document),
                                            **_provisioned(document))
        return _dump(_user_of(person), 200, Context.RESOURCE_PATCH_RESPONSE)

    @blp.response(204)
    def delete(self, person_id):
        """Deprovision: the person is deactivated and leaves SCIM; the retention rules erase them later."""
        principal = _principal()
        Provisioning(service()).deprovision(principal.subject, person_id)
        return Response(status=204)


# -- Groups ------------------------------------------------------------------------------------------
GROUP_COLUMNS = {"displayname": "display_name", "externalid": "external_id", "id": "group_id"}


def _group(row: dict[str, Any]) -> Any:
    document = {"schemas": [res.GROUP_SCHEMA], "id": row["id"], "displayName": row["display_name"],
                "members": [{"value": m, "type": "User", "$ref": f"{_base()}/Users/{m}"} for m in row["members"]],
                "meta": {"resourceType": "Group", "location": f"{_base()}/Groups/{row['id']}",
                         "lastModified": str(row["changed_at"])}}
    if row.get("external_id"):
        document["externalId"] = row["external_id"]
    if not document["members"]:
        del document["members"]
    return _validated(res.group_model(), document, Context.DEFAULT)


def _group_of(group: Any) -> Any:
    return _group({"id": group.group_id, "display_name": group.display_name, "external_id": group.external_id,
                   "members": group.members, "changed_at": group.modified_on.isoformat()})


def _group_fields(document: dict[str, Any]) -> dict[str, Any]:
    members = [m.get("value") for m in document.get("members") or []]
    if any(not isinstance(m, str) or not m for m in members):
        raise InvalidValueException(detail="every member needs a value (the user's id)")
    return {"display_name": document.get("displayName") or "", "external_id": document.get("externalId"),
            "members": members}


@blp.route("/Groups")
class Groups(MethodView):
    accepts = ACCEPTS

    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def get(self):
        """Groups with their members, paged and filtered (`displayName eq`, `externalId eq`, any SCIM filter)."""
        _principal()
        search = _search(res.group_model())
        return _page(search, res.group_model(), service().views.directory_groups, GROUP_COLUMNS, _group)

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(201, ScimDocumentSchema, content_type=SCIM_JSON)
    def post(self):
        """Create a group; members are users' ids."""
        principal = _principal()
        resource = _validated(res.group_model(), _body(), Context.RESOURCE_CREATION_REQUEST)
        group = Provisioning(service()).create_group(principal.subject, uuid.uuid4().hex,
                                                     **_group_fields(_plain(resource)))
        return _dump(_group_of(group), 201, Context.RESOURCE_CREATION_RESPONSE)


@blp.route("/Groups/.search", methods=["POST"])
@blp.doc(requestBody=SCIM_BODY)
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def search_groups():
    """The query of GET /Groups sent as a SearchRequest body (RFC 7644 §3.4.3)."""
    _principal()
    search = _search(res.group_model(), _body())
    return _page(search, res.group_model(), service().views.directory_groups, GROUP_COLUMNS, _group)


search_groups.accepts = ACCEPTS


@blp.route("/Groups/<group_id>")
class OneGroup(MethodView):
    accepts = ACCEPTS

    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def get(self, group_id):
        """One group, from the event store."""
        _principal()
        return _dump(_group_of(Provisioning(service()).group(group_id)))

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def put(self, group_id):
        """Replace a group's name and members."""
        principal = _principal()
        provisioning = Provisioning(service())
        current = _group_of(provisioning.group(group_id))
        resource = _validated(res.group_model(), _body(), Context.RESOURCE_REPLACEMENT_REQUEST)
        with res.provider():
            resource.replace(current)
        group = provisioning.update_group(principal.subject, group_id, **_group_fields(_plain(resource)))
        return _dump(_group_of(group), 200, Context.RESOURCE_REPLACEMENT_RESPONSE)

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def patch(self, group_id):
        """Add or remove members, rename (Entra ID's `remove` with a value too)."""
        principal = _principal()
        provisioning = Provisioning(service())
        current = _group_of(provisioning.group(group_id))
        document = _plain(_patched(current, _body()))
        group = provisioning.update_group(principal.subject, group_id, **_group_fields(document))
        return _dump(_group_of(group), 200, Context.RESOURCE_PATCH_RESPONSE)

    @blp.response(204)
    def delete(self, group_id):
        """Delete a group (its history stays in the log)."""
        principal = _principal()
        Provisioning(service()).delete_group(principal.subject, group_id)
        return Response(status=204)


@blp.route("/.search", methods=["POST"])
@blp.doc(requestBody=SCIM_BODY)
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def search_everything():
    """Users, then groups, in one list (attributes, startIndex, count); a filter belongs to one resource type, so
    it is refused here: send it to /Users/.search or /Groups/.search."""
    _principal()
    data = {k: v for k, v in _body().items() if k != "schemas"}
    if data.get("filter"):
        raise InvalidFilterException(detail=f"filter users on {PREFIX}/Users/.search and groups on "
                                            f"{PREFIX}/Groups/.search")
    try:
        with res.provider():
            search = SearchRequest.model_validate(data, scim_ctx=Context.SEARCH_REQUEST)
    except ValidationError as error:
        raise InvalidValueException(detail=str(error.errors()[0].get("msg"))) from None
    start = max(search.start_index or 1, 1)
    count = min(search.count if search.count is not None else res.MAX_RESULTS, res.MAX_RESULTS)
    _caught_up()
    users, user_total = service().views.provisioned_people(limit=count, offset=start - 1)
    items = [_user(row) for row in users]
    group_offset = max(start - 1 - user_total, 0)
    groups, group_total = service().views.directory_groups(limit=count - len(items), offset=group_offset)
    items += [_group(row) for row in groups] if count > len(items) else []
    with res.provider():
        resources = [item.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search) for item in items]
    return scim_response({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                          "totalResults": user_total + group_total, "startIndex": start,
                          "itemsPerPage": len(resources), "Resources": resources})


search_everything.accepts = ACCEPTS
READ_ONLY = {"ServiceProviderConfig", "Schemas", "ResourceTypes"}


@blp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@blp.response(404, ScimDocumentSchema, content_type=SCIM_JSON)
def unknown_endpoint(unknown):
    """Anything else under /scim/v2: a SCIM 404 (405 for a write to a discovery endpoint)."""
    _principal()
    if unknown.split("/", 1)[0] in READ_ONLY and request.method != "GET":
        return scim_error(405, f"{PREFIX}/{unknown} is read-only")
    return scim_error(404, f"no endpoint {PREFIX}/{unknown}")


unknown_endpoint.accepts = ACCEPTS
