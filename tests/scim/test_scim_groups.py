"""SCIM Groups through the Flask test client, on SQLite and PostgreSQL: stored with their members, listed and
filtered, patched the way Entra ID and Okta do it, replaced and deleted (history kept)."""

from __future__ import annotations

from services.plan.domain.group import group_uuid

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def body(response) -> dict:
    assert response.mimetype == "application/scim+json", response.mimetype
    return response.get_json(force=True)


def members(group: dict) -> set[str]:
    return {m["value"] for m in group.get("members", [])}


def test_a_group_is_stored_with_its_members_and_patched_like_entra_and_okta_do(scim, scim_app):
    created = scim.post("/Groups", json={"schemas": [GROUP], "displayName": "Monteurs", "externalId": "g-1",
                                         "members": [{"value": "karim"}, {"value": "marieke"}]})
    assert created.status_code == 201, body(created)
    group = body(created)
    gid = group["id"]
    assert members(group) == {"karim", "marieke"} and group["externalId"] == "g-1"
    assert created.headers["Location"].endswith(f"/scim/v2/Groups/{gid}")
    assert all(m["$ref"].endswith(f"/Users/{m['value']}") for m in group["members"])

    listed = body(scim.get('/Groups?filter=displayName eq "Monteurs"'))
    assert listed["totalResults"] == 1 and members(listed["Resources"][0]) == {"karim", "marieke"}
    assert body(scim.get('/Groups?filter=externalId eq "g-1"'))["Resources"][0]["id"] == gid
    assert body(scim.get('/Groups?filter=displayName eq "Nobody"'))["totalResults"] == 0
    # Entra ID asks for groups without their members
    lean = body(scim.get('/Groups?excludedAttributes=members&filter=displayName eq "Monteurs"'))["Resources"][0]
    assert "members" not in lean and lean["displayName"] == "Monteurs"

    # Entra ID: capitalised ops, a remove that names the member in its value
    entra = scim.patch(f"/Groups/{gid}", json={"schemas": [PATCH], "Operations": [
        {"op": "Add", "path": "members", "value": [{"value": "hanna"}]},
        {"op": "Remove", "path": "members", "value": [{"value": "marieke"}]}]})
    assert entra.status_code == 200, body(entra)
    assert members(body(entra)) == {"karim", "hanna"}
    # Okta: a remove with a filter in the path, a rename without a path
    okta = scim.patch(f"/Groups/{gid}", json={"schemas": [PATCH], "Operations": [
        {"op": "remove", "path": 'members[value eq "karim"]'},
        {"op": "replace", "value": {"id": gid, "displayName": "Monteurs Noord"}}]})
    assert okta.status_code == 200, body(okta)
    assert members(body(okta)) == {"hanna"} and body(okta)["displayName"] == "Monteurs Noord"
    again = body(scim.get(f"/Groups/{gid}"))
    assert members(again) == {"hanna"} and again["displayName"] == "Monteurs Noord"

    unknown = scim.patch(f"/Groups/{gid}", json={"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": "nobody"}]}]})
    assert unknown.status_code == 400 and body(unknown)["scimType"] == "invalidValue"
    taken = scim.post("/Groups", json={"schemas": [GROUP], "displayName": "Monteurs Noord"})
    assert taken.status_code == 409 and body(taken)["scimType"] == "uniqueness"

    replaced = scim.put(f"/Groups/{gid}", json={"schemas": [GROUP], "displayName": "TD",
                                                "members": [{"value": "karim"}]})
    assert replaced.status_code == 200 and members(body(replaced)) == {"karim"} and "externalId" not in body(replaced)

    assert scim.delete(f"/Groups/{gid}").status_code == 204
    assert scim.get(f"/Groups/{gid}").status_code == 404
    assert body(scim.get("/Groups"))["totalResults"] == 0
    history = list(scim_app.extensions["plan_service"].events.get(group_uuid(gid)))
    assert [type(e).__name__ for e in history] == ["Created", "Changed", "Changed", "Changed", "Deleted"]


def test_a_search_at_the_root_lists_users_then_groups(scim):
    assert scim.post("/Groups", json={"schemas": [GROUP], "displayName": "Monteurs"}).status_code == 201
    search = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    found = body(scim.post("/.search", json={"schemas": [search], "attributes": ["displayName"]}))
    assert found["totalResults"] == 5  # four people of the org and one group
    assert [r["schemas"][0].rsplit(":", 1)[1] for r in found["Resources"]] == ["User"] * 4 + ["Group"]
    assert all(set(r) <= {"schemas", "id", "displayName"} for r in found["Resources"])
    last = body(scim.post("/.search", json={"schemas": [search], "startIndex": 5, "count": 1}))
    assert [r["id"] for r in last["Resources"]] == [found["Resources"][4]["id"]]
    refused = scim.post("/.search", json={"schemas": [search], "filter": 'userName eq "karim"'})
    assert refused.status_code == 400 and body(refused)["scimType"] == "invalidFilter"
