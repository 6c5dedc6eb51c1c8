"""SCIM Users through the Flask test client, on SQLite and PostgreSQL: create, filter, page, PUT, PATCH (with the
forms Entra ID and Okta send), the enterprise extension mapped onto the directory, deactivation and DELETE."""

from __future__ import annotations

from services.plan.domain.person import person_uuid
from services.plan.provisioning import erase_deprovisioned

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def new_user(user_name: str, **extra) -> dict:
    return {"schemas": [USER, ENTERPRISE], "userName": user_name, "externalId": f"ext-{user_name}", "active": True,
            "name": {"givenName": "Nadia", "familyName": "Bos"}, "title": "Monteur",
            "emails": [{"value": f"{user_name}@example.org", "type": "work", "primary": True}],
            ENTERPRISE: {"department": "TD", "manager": {"value": "marieke"}}, **extra}


def body(response) -> dict:
    assert response.mimetype == "application/scim+json", response.mimetype
    return response.get_json(force=True)


def patch(scim, path, *operations):
    return scim.patch(path, json={"schemas": [PATCH], "Operations": list(operations)})


def test_a_created_user_is_a_person_of_the_directory(scim, scim_app, tokens):
    okta_manager = {"department": "TD", "manager": {"value": "marieke", "displayName": "Marieke de Vries"}}
    created = scim.post("/Users", json=new_user("nadia", **{ENTERPRISE: okta_manager}))
    assert created.status_code == 201, created.get_json(force=True)
    user = body(created)
    assert user[ENTERPRISE]["manager"] == {"value": "marieke"}
    assert user["id"] == "nadia" and created.headers["Location"].endswith("/scim/v2/Users/nadia")
    assert user["meta"]["resourceType"] == "User" and user["active"] is True
    person = scim_app.test_client().get("/api/v1/people/nadia", headers=tokens("hanna", "hr")).get_json()
    assert person == {"id": "nadia", "name": "Nadia Bos", "email": "nadia@example.org", "manager_id": "marieke",
                      "department": "TD", "job_title": "Monteur", "active": True}
    # the manager chain: marieke (and boss above her) now see nadia
    service = scim_app.extensions["plan_service"]
    assert service.views.is_above("marieke", "nadia") and service.views.is_above("boss", "nadia")


def test_filters_page_and_errors(scim):
    for name in ("a.one", "b.two", "c.three"):
        assert scim.post("/Users", json=new_user(name)).status_code == 201
    found = body(scim.get('/Users?filter=userName eq "B.TWO"'))  # userName is not case-exact
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == "b.two"
    found = body(scim.get('/Users?filter=externalId eq "ext-c.three"'))
    assert [r["id"] for r in found["Resources"]] == ["c.three"]
    assert body(scim.get('/Users?filter=externalId eq "EXT-C.THREE"'))["totalResults"] == 0  # caseExact
    assert body(scim.get('/Users?filter=userName eq "karim"'))["Resources"][0]["id"] == "karim"  # from the CSV
    # Entra ID's "Test Connection": a random userName, an empty list
    empty = body(scim.get('/Users?filter=userName eq "3f2c0d6e-0000-4c1b-9a52-7c1e2f1d0b9a"'))
    assert empty["totalResults"] == 0 and empty.get("Resources", []) == []
    # any other filter is matched by scim2-models
    found = body(scim.get('/Users?filter=title eq "Monteur" and active eq true'))
    assert {r["id"] for r in found["Resources"]} == {"a.one", "b.two", "c.three", "karim"}
    page = body(scim.get("/Users?startIndex=2&count=2"))
    everyone = body(scim.get("/Users"))
    assert page["totalResults"] == everyone["totalResults"] == 7
    assert page["startIndex"] == 2 and page["itemsPerPage"] == 2
    assert [r["id"] for r in page["Resources"]] == [r["id"] for r in everyone["Resources"]][1:3]
    assert body(scim.get("/Users?count=0"))["itemsPerPage"] == 0
    only = body(scim.get("/Users?attributes=userName&count=1"))["Resources"][0]
    assert set(only) == {"schemas", "id", "userName"}

    bad = scim.get('/Users?filter=userName eq')
    assert bad.status_code == 400 and body(bad)["scimType"] == "invalidFilter" and body(bad)["schemas"] == [ERROR]
    taken = scim.post("/Users", json=new_user("a.one"))
    assert taken.status_code == 409 and body(taken)["scimType"] == "uniqueness"
    taken = scim.post("/Users", json=new_user("KARIM"))  # the CSV's karim: userName compares case-insensitively
    assert taken.status_code == 409 and body(taken)["scimType"] == "uniqueness"
    invalid = scim.post("/Users", json={"schemas": [USER]})
    assert invalid.status_code == 400 and body(invalid)["schemas"] == [ERROR]
    assert "scimType" in body(invalid)
    own = scim.post("/Users", json=new_user("self", **{ENTERPRISE: {"manager": {"value": "self"}}}))
    assert own.status_code == 400 and body(own)["scimType"] == "invalidValue"
    assert scim.get("/Users/nobody").status_code == 404 and body(scim.get("/Users/nobody"))["status"] == "404"
    wrong = scim.post("/Users", data="userName=x", headers={"Content-Type": "text/plain"})
    assert wrong.status_code == 415 and body(wrong)["schemas"] == [ERROR]


def test_put_replaces_and_patch_takes_entra_and_okta_forms(scim, scim_app, tokens):
    assert scim.post("/Users", json=new_user("nadia")).status_code == 201
    replaced = scim.put("/Users/nadia", json={"schemas": [USER], "userName": "nadia.bos@example.org",
                                              "displayName": "Nadia Bos-de Wit", "active": True})
    assert replaced.status_code == 200, body(replaced)
    user = body(replaced)
    assert user["id"] == "nadia" and user["userName"] == "nadia.bos@example.org" and "emails" not in user
    assert ENTERPRISE not in user  # PUT replaces: the department and manager are gone

    entra = patch(scim, "/Users/nadia",
                  {"op": "Replace", "path": "displayName", "value": "Nadia B."},
                  {"op": "Add", "path": 'emails[type eq "work"].value', "value": "nadia@contoso.com"},
                  {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Administratie"},
                  {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": "petra-not-known-yet"},
                  {"op": "Replace", "path": "active", "value": "True"})
    assert entra.status_code == 200, body(entra)
    user = body(entra)
    assert user["emails"] == [{"value": "nadia@contoso.com", "type": "work"}]
    assert user[ENTERPRISE] == {"department": "Administratie", "manager": {"value": "petra-not-known-yet"}}
    okta = patch(scim, "/Users/nadia", {"op": "replace", "value": {"name": {"givenName": "N", "familyName": "B"},
                                                                      "title": "Teamleider"}})
    assert okta.status_code == 200, body(okta)
    person = scim_app.test_client().get("/api/v1/people/nadia", headers=tokens("hanna", "hr")).get_json()
    assert person == {"id": "nadia", "name": "Nadia B.", "email": "nadia@contoso.com",
                      "manager_id": "petra-not-known-yet", "department": "Administratie",
                      "job_title": "Teamleider", "active": True}
    removed = patch(scim, "/Users/nadia", {"op": "remove", "path": f"{ENTERPRISE}:manager"})
    assert ENTERPRISE in body(removed) and "manager" not in body(removed)[ENTERPRISE]
    bad = patch(scim, "/Users/nadia", {"op": "replace", "path": "id", "value": "x"})
    assert bad.status_code == 400 and body(bad)["schemas"] == [ERROR] and body(bad)["scimType"]


def test_a_change_made_through_another_door_shows_in_scim(scim, scim_app, tokens):
    assert scim.post("/Users", json=new_user("nadia")).status_code == 201
    answer = scim_app.test_client().post("/api/v1/people", headers=tokens("hanna", "hr"),
                                         json={"id": "nadia", "name": "Nadia Bos", "email": "nadia@example.org",
                                               "manager_id": "boss", "department": "Directie",
                                               "job_title": "Monteur"})
    assert answer.status_code == 201, answer.get_json()
    user = body(scim.get("/Users/nadia"))
    assert user[ENTERPRISE] == {"department": "Directie", "manager": {"value": "boss"}}
    assert user["emails"][0]["value"] == "nadia@example.org"


def test_deactivation_makes_plans_read_only_and_recomputes_the_manager_chain(scim, scim_app, tokens):
    client = scim_app.test_client()
    plan = client.post("/api/v1/plans", headers=tokens("karim", "employee"),
                       json={"employee_id": "karim", "period_start": "2026-01-01", "period_end": "2026-12-31",
                             "trigger": "continuous_development", "available_hours": 40})
    assert plan.status_code == 201, plan.get_json()
    plan_id = plan.get_json()["id"]
    goal = {"title": "Excel", "skills": [{"skill": "excel", "target_level": 3}], "measure": "test",
            "relevance": "werk", "deadline": "2026-09-01", "hours_needed": 4}
    service = scim_app.extensions["plan_service"]
    assert service.views.is_above("marieke", "karim")

    assert patch(scim, "/Users/marieke", {"op": "replace", "value": {"active": False}}).status_code == 200
    assert not service.views.is_above("marieke", "karim"), "a deactivated manager is above nobody"
    assert service.views.is_above("boss", "karim"), "the reports stay under the managers above"
    assert patch(scim, "/Users/karim", {"op": "Replace", "path": "active", "value": "False"}).status_code == 200
    assert client.get("/api/v1/people/karim", headers=tokens("hanna", "hr")).get_json()["active"] is False

    refused = client.post(f"/api/v1/plans/{plan_id}/goals", headers=tokens("karim", "employee"), json=goal)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["errors"][0]["field"] == "employee_id"
    assert client.get(f"/api/v1/plans/{plan_id}", headers=tokens("karim", "employee")).status_code == 200
    again = client.post("/api/v1/plans", headers=tokens("karim", "employee"),
                        json={"employee_id": "karim", "period_start": "2027-01-01", "period_end": "2027-12-31",
                              "trigger": "continuous_development"})
    assert again.status_code == 409

    assert patch(scim, "/Users/karim", {"op": "replace", "path": "active", "value": True}).status_code == 200
    assert patch(scim, "/Users/marieke", {"op": "replace", "path": "active", "value": True}).status_code == 200
    assert service.views.is_above("marieke", "karim"), "reactivation restores the chain"
    ok = client.post(f"/api/v1/plans/{plan_id}/goals", headers=tokens("karim", "employee"), json=goal)
    assert ok.status_code == 201, ok.get_json()


def test_delete_deprovisions_and_leaves_the_person_to_retention(scim, scim_app, tokens):
    assert scim.post("/Users", json=new_user("nadia")).status_code == 201
    client = scim_app.test_client()
    plan = client.post("/api/v1/plans", headers=tokens("nadia", "employee"),
                       json={"employee_id": "nadia", "period_start": "2026-01-01", "period_end": "2026-12-31",
                             "trigger": "continuous_development"})
    assert plan.status_code == 201
    deleted = scim.delete("/Users/nadia")
    assert deleted.status_code == 204
    assert scim.get("/Users/nadia").status_code == 404
    assert body(scim.get('/Users?filter=userName eq "nadia"'))["totalResults"] == 0
    assert scim.delete("/Users/nadia").status_code == 404
    # nothing lost: HR still reads the person and the plan, with its history
    person = client.get("/api/v1/people/nadia", headers=tokens("hanna", "hr")).get_json()
    assert person["active"] is False and person["name"] == "Nadia Bos"
    hr = {**tokens("hanna", "hr"), "X-Access-Purpose": "audit", "X-Access-Reason": "test"}
    plan_id = plan.get_json()["id"]
    assert client.get(f"/api/v1/plans/{plan_id}/history", headers=hr).status_code == 200
    taken = scim.post("/Users", json=new_user("nadia"))
    assert taken.status_code == 409, "a new person never inherits a deprovisioned person's history"

    service = scim_app.extensions["plan_service"]
    assert erase_deprovisioned(service, "retention", older_than_days=30) == []  # not yet
    assert erase_deprovisioned(service, "retention", older_than_days=0) == ["nadia"]
    assert client.get("/api/v1/people/nadia", headers=tokens("hanna", "hr")).get_json()["name"] == "[erased]"


def test_a_password_okta_syncs_is_dropped_unread(scim, scim_app):
    created = scim.post("/Users", json=new_user("nadia", password="Geheim-123"))
    assert created.status_code == 201, body(created)
    assert "password" not in body(created)
    changed = patch(scim, "/Users/nadia", {"op": "replace", "path": "password", "value": "Ander-456"},
                    {"op": "replace", "value": {"password": "Nog-789", "title": "Teamleider"}})
    assert changed.status_code == 200 and body(changed)["title"] == "Teamleider"
    service = scim_app.extensions["plan_service"]
    stored = [e.__dict__ for e in service.events.get(person_uuid("nadia"))]
    assert "Geheim" not in repr(stored) and "Ander" not in repr(stored) and "Nog-789" not in repr(stored)


def test_a_development_cycle_leaves_deactivated_people_out(scim, scim_app, tokens):
    client = scim_app.test_client()
    hr = tokens("hanna", "hr")
    template = client.post("/api/v1/templates", headers=hr, json={
        "name": "T", "milestones": [{"kind": "conversation", "offset_days": 28}]}).get_json()["template_id"]
    cycle = client.post("/api/v1/cycles", headers=hr, json={
        "name": "C", "period_start": "2030-01-01", "period_end": "2030-12-31",
        "scope": {"kind": "departments", "departments": ["TD"], "include_sub_departments": True},
        "templates": {"default": template}, "milestones": [{"kind": "conversation", "due": "2030-02-01"}]})
    assert cycle.status_code == 201, cycle.get_json()
    cid = cycle.get_json()["cycle_id"]
    assert patch(scim, "/Users/karim", {"op": "replace", "path": "active", "value": False}).status_code == 200
    assert client.post(f"/api/v1/cycles/{cid}/launch", headers=hr).status_code == 200
    people = {p["person_id"] for p in client.get(f"/api/v1/cycles/{cid}/people?milestone=conversation&state=due",
                                                  headers=hr).get_json()["items"]}
    assert "marieke" in people and "karim" not in people


def test_without_a_scim_token_the_answer_is_a_scim_error(scim_app, tokens):
    client = scim_app.test_client()
    missing = client.get("/scim/v2/Users")
    assert missing.status_code == 401 and body(missing)["schemas"] == [ERROR] and body(missing)["status"] == "401"
    hr = client.get("/scim/v2/Users", headers=tokens("hanna", "hr"))
    assert hr.status_code == 403 and body(hr)["schemas"] == [ERROR]
    as_people_api = client.post("/api/v1/people", headers=tokens("entra", "scim"), json={"id": "x", "name": "X"})
    assert as_people_api.status_code == 403, "a scim token provisions through SCIM only"
