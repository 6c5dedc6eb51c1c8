"""SCIM 2.0 provisioning (RFC 7644) of the directory: /scim/v2/Users and /Groups, and the search of both.

For identity providers (Entra ID, Okta) holding a token with the role `scim`. Bodies are read and written with
scim2-models (services/plan/scim_resources.py); the HTTP side is services/plan/api/scim_http.py, discovery
services/plan/api/scim_discovery.py; the commands live in services/plan/provisioning.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask.views import MethodView
from pydantic import ValidationError
from scim2_models import Context, InvalidFilterException, InvalidValueException, SearchRequest

from services.plan import scim_resources as res
from services.plan.api import scim_discovery  # noqa: F401 - its routes are on the same blueprint
from services.plan.api.common import service
from services.plan.api.scim_http import (
    ACCEPTS,
    PREFIX,
    SCIM_BODY,
    SCIM_JSON,
    ScimDocumentSchema,
    base_url,
    blp,
    list_page,
    patched,
    plain,
    request_body,
    resource_response,
    scim_principal,
    scim_response,
    search_request,
    validated,
    views_caught_up,
)
from services.plan.provisioning import Provisioning
from shared.ids import is_directory_id

__all__ = ["blp"]

# -- Users -------------------------------------------------------------------------------------------
USER_COLUMNS = {"username": "user_name", "externalid": "external_id", "id": "person_id"}


def _user(row: dict[str, Any], created: Any = None) -> Any:
    document = res.user_document(row)
    document["id"] = row["id"]
    meta = {"resourceType": "User", "location": f"{base_url()}/Users/{row['id']}"}
    if created is not None:
        meta["created"] = created.isoformat()
    if row.get("changed_at"):
        meta["lastModified"] = str(row["changed_at"])
    document["meta"] = meta
    return validated(res.user_model(), document, Context.DEFAULT)


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
        scim_principal()
        search = search_request(res.user_model())
        return list_page(search, res.user_model(), service().views.provisioned_people, USER_COLUMNS, _user)

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(201, ScimDocumentSchema, content_type=SCIM_JSON)
    def post(self):
        """Create a person; their directory id is the userName when it is one (else a generated id)."""
        principal = scim_principal()
        resource = validated(res.user_model(), res.without_password(request_body()), Context.RESOURCE_CREATION_REQUEST)
        document = plain(resource)
        user_name = document["userName"]
        person_id = user_name if is_directory_id(user_name) else f"u-{uuid.uuid4().hex}"
        person = Provisioning(service()).create_person(principal.subject, person_id,
                                                       res.directory_fields(document), **_provisioned(document))
        return resource_response(_user_of(person), 201, Context.RESOURCE_CREATION_RESPONSE)


@blp.route("/Users/.search", methods=["POST"])
@blp.doc(requestBody=SCIM_BODY)
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def search_users():
    """The query of GET /Users sent as a SearchRequest body (RFC 7644 §3.4.3)."""
    scim_principal()
    search = search_request(res.user_model(), request_body())
    return list_page(search, res.user_model(), service().views.provisioned_people, USER_COLUMNS, _user)


search_users.accepts = ACCEPTS


@blp.route("/Users/<person_id>")
class OneUser(MethodView):
    accepts = ACCEPTS

    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def get(self, person_id):
        """One person, from the event store (always current)."""
        scim_principal()
        return resource_response(_user_of(Provisioning(service()).person(person_id)))

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def put(self, person_id):
        """Replace a person's attributes (userName may change; the directory id stays)."""
        principal = scim_principal()
        provisioning = Provisioning(service())
        current = _user_of(provisioning.person(person_id))
        replacement = res.without_password(request_body())
        resource = validated(res.user_model(), replacement, Context.RESOURCE_REPLACEMENT_REQUEST)
        with res.provider():
            resource.replace(current)
        document = plain(resource)
        person = provisioning.update_person(principal.subject, person_id, res.directory_fields(document),
                                            **_provisioned(document))
        return resource_response(_user_of(person), 200, Context.RESOURCE_REPLACEMENT_RESPONSE)

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def patch(self, person_id):
        """Add, replace and remove attributes (Entra ID's and Okta's forms too); active=false deactivates."""
        principal = scim_principal()
        provisioning = Provisioning(service())
        current = _user_of(provisioning.person(person_id))
        document = plain(patched(current, res.without_password(request_body())))
        person = provisioning.update_person(principal.subject, person_id, res.directory_fields(document),
                                            **_provisioned(document))
        return resource_response(_user_of(person), 200, Context.RESOURCE_PATCH_RESPONSE)

    @blp.response(204)
    def delete(self, person_id):
        """Deprovision: the person is deactivated and leaves SCIM; the retention rules erase them later."""
        principal = scim_principal()
        Provisioning(service()).deprovision(principal.subject, person_id)
        return Response(status=204)


# -- Groups ------------------------------------------------------------------------------------------
GROUP_COLUMNS = {"displayname": "display_name", "externalid": "external_id", "id": "group_id"}


def _group(row: dict[str, Any]) -> Any:
    document = {"schemas": [res.GROUP_SCHEMA], "id": row["id"], "displayName": row["display_name"],
                "members": [{"value": m, "type": "User", "$ref": f"{base_url()}/Users/{m}"} for m in row["members"]],
                "meta": {"resourceType": "Group", "location": f"{base_url()}/Groups/{row['id']}",
                         "lastModified": str(row["changed_at"])}}
    if row.get("external_id"):
        document["externalId"] = row["external_id"]
    if not document["members"]:
        del document["members"]
    return validated(res.group_model(), document, Context.DEFAULT)


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
        scim_principal()
        search = search_request(res.group_model())
        return list_page(search, res.group_model(), service().views.directory_groups, GROUP_COLUMNS, _group)

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(201, ScimDocumentSchema, content_type=SCIM_JSON)
    def post(self):
        """Create a group; members are users' ids."""
        principal = scim_principal()
        resource = validated(res.group_model(), request_body(), Context.RESOURCE_CREATION_REQUEST)
        group = Provisioning(service()).create_group(principal.subject, uuid.uuid4().hex,
                                                     **_group_fields(plain(resource)))
        return resource_response(_group_of(group), 201, Context.RESOURCE_CREATION_RESPONSE)


@blp.route("/Groups/.search", methods=["POST"])
@blp.doc(requestBody=SCIM_BODY)
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def search_groups():
    """The query of GET /Groups sent as a SearchRequest body (RFC 7644 §3.4.3)."""
    scim_principal()
    search = search_request(res.group_model(), request_body())
    return list_page(search, res.group_model(), service().views.directory_groups, GROUP_COLUMNS, _group)


search_groups.accepts = ACCEPTS


@blp.route("/Groups/<group_id>")
class OneGroup(MethodView):
    accepts = ACCEPTS

    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def get(self, group_id):
        """One group, from the event store."""
        scim_principal()
        return resource_response(_group_of(Provisioning(service()).group(group_id)))

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def put(self, group_id):
        """Replace a group's name and members."""
        principal = scim_principal()
        provisioning = Provisioning(service())
        current = _group_of(provisioning.group(group_id))
        resource = validated(res.group_model(), request_body(), Context.RESOURCE_REPLACEMENT_REQUEST)
        with res.provider():
            resource.replace(current)
        group = provisioning.update_group(principal.subject, group_id, **_group_fields(plain(resource)))
        return resource_response(_group_of(group), 200, Context.RESOURCE_REPLACEMENT_RESPONSE)

    @blp.doc(requestBody=SCIM_BODY)
    @blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
    def patch(self, group_id):
        """Add or remove members, rename (Entra ID's `remove` with a value too)."""
        principal = scim_principal()
        provisioning = Provisioning(service())
        current = _group_of(provisioning.group(group_id))
        document = plain(patched(current, request_body()))
        group = provisioning.update_group(principal.subject, group_id, **_group_fields(document))
        return resource_response(_group_of(group), 200, Context.RESOURCE_PATCH_RESPONSE)

    @blp.response(204)
    def delete(self, group_id):
        """Delete a group (its history stays in the log)."""
        principal = scim_principal()
        Provisioning(service()).delete_group(principal.subject, group_id)
        return Response(status=204)


@blp.route("/.search", methods=["POST"])
@blp.doc(requestBody=SCIM_BODY)
@blp.response(200, ScimDocumentSchema, content_type=SCIM_JSON)
def search_everything():
    """Users, then groups, in one list (attributes, startIndex, count); a filter belongs to one resource type, so
    it is refused here: send it to /Users/.search or /Groups/.search."""
    scim_principal()
    data = {k: v for k, v in request_body().items() if k != "schemas"}
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
    views_caught_up()
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
