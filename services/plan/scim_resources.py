"""SCIM 2.0 resources of the directory (RFC 7643), described once with scim2-models and mapped onto people.

The schemas published on /Schemas are scim2-models' User, EnterpriseUser and Group with what Groeipad does not
keep left out (password, x509 certificates, the read-only `groups` of a user, a member's `display`) and the
manager's `$ref` made optional (Entra ID and Okta send only its `value`). The server validates with the models
built from exactly these schemas (ScimProvider.from_discovery), so what it announces and what it accepts cannot
drift apart.

A person's SCIM document is kept whole (sealed with the person's key, erased with them); the directory fields
are derived from it: name from displayName, else name.formatted, else given and family name, else userName;
e-mail from the primary (else first) e-mail; job title from title; department and manager from the enterprise
extension. Where another door (CSV import, people API) changed a directory field since, the document shows
the directory's value.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Patch,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    User,
)

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
MAX_RESULTS = 200  # the most resources one list answer holds (`count` above it is lowered to it)
MAX_FILTERED = 10_000  # a filter not answered in SQL is matched over at most this many people
DROPPED_USER_ATTRIBUTES = ("password", "x509Certificates", "groups")
# Entra ID and Okta: a `remove` with a value names the member to remove, and `emails[type eq "work"].value`
# creates the work e-mail when there is none (scim2-models' ScimPolicy has both as options).
POLICY = ScimPolicy(remove_value_as_filter=ScimPolicy.RemoveValue.apply,
                    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)


@cache
def provider() -> ScimProvider:
    """The service's description: its schemas, resource types and capabilities, with the models built from them."""
    user = User.to_schema()
    user.attributes = [a for a in user.attributes or [] if a.name not in DROPPED_USER_ATTRIBUTES]
    enterprise = EnterpriseUser.to_schema()
    manager = enterprise.get_attribute("manager")
    for sub in manager.sub_attributes or []:
        if sub.name == "$ref":
            sub.required = False
    group = Group.to_schema()
    members = group.get_attribute("members")
    members.sub_attributes = [sub for sub in members.sub_attributes or [] if sub.name != "display"]
    resource_types = [ResourceType.from_resource(User[EnterpriseUser]), ResourceType.from_resource(Group)]
    return ScimProvider.from_discovery([user, enterprise, group], resource_types, config(), policy=POLICY)


@cache
def config() -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri="https://github.com/groeipad/groeipad/blob/main/deploy/scim.md",
        patch=Patch(supported=True), bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS), change_password=ChangePassword(supported=False),
        sort=Sort(supported=False), etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="OAuth Bearer Token", primary=True,
            description="A Groeipad token with the role scim (groeipad token --subject entra --role scim)")])


def user_model() -> Any:
    return provider().model_for("User")


def group_model() -> Any:
    return provider().model_for("Group")


# -- mapping ---------------------------------------------------------------------------------------
def directory_fields(document: dict[str, Any]) -> dict[str, Any]:
    """The directory fields a user document says (see the module's docstring)."""
    name = document.get("name") or {}
    full = " ".join(p for p in (name.get("givenName"), name.get("familyName")) if p)
    emails = document.get("emails") or []
    email = next((e for e in emails if e.get("primary")), emails[0] if emails else {})
    enterprise = document.get(ENTERPRISE_SCHEMA) or {}
    manager = enterprise.get("manager") or {}
    return {"name": document.get("displayName") or name.get("formatted") or full or document.get("userName") or "",
            "email": (email.get("value") or "").strip(), "job_title": document.get("title") or "",
            "department": enterprise.get("department") or "", "manager_id": manager.get("value") or None}


def user_document(row: dict[str, Any]) -> dict[str, Any]:
    """The SCIM document of a directory entry (ROW: the person's fields, active, user_name, external_id and the
    stored document, if any), with the directory's own values where another door changed them."""
    document = dict(row.get("document") or {})
    document.setdefault("schemas", [USER_SCHEMA])
    document["userName"] = row.get("user_name") or row["id"]
    if row.get("external_id"):
        document["externalId"] = row["external_id"]
    if "active" in document or not row.get("document") or not row.get("active", True):
        document["active"] = bool(row.get("active", True))  # a provider that removed `active` sees it gone
    said = directory_fields(document)
    if said["name"] != row["name"]:
        document["displayName"] = row["name"]
    if said["email"] != (row.get("email") or ""):
        others = [e for e in document.get("emails") or [] if e.get("value") != row.get("email")]
        for other in others:
            other.pop("primary", None)
        document["emails"] = ([{"value": row["email"], "primary": True}] if row.get("email") else []) + others
    if said["job_title"] != (row.get("job_title") or ""):
        document["title"] = row.get("job_title") or None
    enterprise = dict(document.get(ENTERPRISE_SCHEMA) or {})
    if said["department"] != (row.get("department") or ""):
        enterprise["department"] = row.get("department") or None
    if said["manager_id"] != row.get("manager_id"):
        enterprise["manager"] = {"value": row["manager_id"]} if row.get("manager_id") else None
    enterprise = {k: v for k, v in enterprise.items() if v is not None}
    if enterprise:
        document[ENTERPRISE_SCHEMA] = enterprise
        if ENTERPRISE_SCHEMA not in document["schemas"]:
            document["schemas"] = [*document["schemas"], ENTERPRISE_SCHEMA]
    else:
        document.pop(ENTERPRISE_SCHEMA, None)
        document["schemas"] = [s for s in document["schemas"] if s != ENTERPRISE_SCHEMA]
    return {k: v for k, v in document.items() if v is not None}


def stored_document(document: dict[str, Any]) -> dict[str, Any]:
    """What is kept of a validated user document: never a password, never the server's own attributes."""
    return {k: v for k, v in document.items() if k not in {"id", "meta", "password", "groups", "externalId",
                                                          "userName"}}


def entra_manager(operations: Any) -> Any:
    """Entra ID sends the manager as a bare id (`"value": "42"`) where RFC 7643 has `{"value": "42"}`."""
    if not isinstance(operations, list):
        return operations
    fixed = []
    for op in operations:
        if (isinstance(op, dict) and isinstance(op.get("path"), str)
                and op["path"].lower().endswith(f"{ENTERPRISE_SCHEMA}:manager".lower())
                and isinstance(op.get("value"), str)):
            op = {**op, "value": {"value": op["value"]}}
        fixed.append(op)
    return fixed


def without_password(body: dict[str, Any]) -> dict[str, Any]:
    """Okta sends a password when "Sync password" is on: Groeipad signs people in through the provider, so a
    password is dropped unread (never validated, stored or logged), in a resource or in PATCH operations."""
    body = {k: v for k, v in body.items() if k != "password"}
    operations = body.get("Operations")
    if isinstance(operations, list):
        kept = []
        for op in operations:
            if isinstance(op, dict) and str(op.get("path") or "").lower() == "password":
                continue
            if isinstance(op, dict) and isinstance(op.get("value"), dict):
                op = {**op, "value": {k: v for k, v in op["value"].items() if k != "password"}}
            kept.append(op)
        body["Operations"] = kept
    return body
