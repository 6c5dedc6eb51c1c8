"""What provisioning leaves in the views (people, active flags, the manager chain, groups and members) is what a
rebuild of the views from position 0 gives, on SQLite and PostgreSQL: the projection is the one source."""

from __future__ import annotations

from services.plan.views import tables as view_tables
from services.plan.views.projector import rebuild

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
TABLES = ("people", "managers", "provisioned", "directory_groups", "group_members")


def rows(service) -> dict[str, list[tuple]]:
    tables = view_tables.physical()
    return {name: sorted(tuple(sorted(row.items())) for row in service.view_store.rows(
        f"SELECT * FROM {{{name}}}", (), tables)) for name in TABLES}


def test_a_rebuild_gives_the_same_directory(scim, scim_app):
    for name, manager in (("nadia", "karim"), ("ruben", "nadia")):
        assert scim.post("/Users", json={"schemas": [USER, ENTERPRISE], "userName": name, "active": True,
                                         ENTERPRISE: {"manager": {"value": manager}}}).status_code == 201
    group = scim.post("/Groups", json={"schemas": [GROUP], "displayName": "G",
                                       "members": [{"value": "nadia"}, {"value": "ruben"}]}).get_json(force=True)
    off = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    assert scim.patch("/Users/karim", json=off).status_code == 200
    assert scim.patch("/Users/nadia", json=off).status_code == 200
    on = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": True}]}
    assert scim.patch("/Users/karim", json=on).status_code == 200
    assert scim.delete("/Users/ruben").status_code == 204
    assert scim.patch(f"/Groups/{group['id']}", json={"schemas": [PATCH], "Operations": [
        {"op": "remove", "path": 'members[value eq "nadia"]'}]}).status_code == 200
    service = scim_app.extensions["plan_service"]
    live = rows(service)
    assert live["provisioned"] and live["group_members"]
    managers = {(dict(row)["manager_id"], dict(row)["person_id"]) for row in live["managers"]}
    assert ("karim", "nadia") in managers and ("nadia", "ruben") not in managers  # nadia is deactivated
    rebuild(service)
    assert rows(service) == live
