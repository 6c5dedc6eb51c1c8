"""Open Badges through the plan API: what may be issued, by whom, and what a verifier sees.

The credentials are checked with PyJWT (not joserfc, which signs them) against the published key set, and the
revocation list is decoded by the test itself (base64url, gzip, bit order of the W3C Bitstring Status List)."""

from __future__ import annotations

import base64
import gzip

import jwt as pyjwt
import pytest
from plan_api_helpers import API, GOAL, add_action, add_goal, ok, start_plan


def verify(client, token: str) -> dict:
    """PyJWT's EdDSA check with the key the token names, from the service's public key set."""
    keys = {k["kid"]: k for k in ok(client.get(f"{API}/badges/jwks.json"))["keys"]}
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    key = pyjwt.PyJWK(keys[header["kid"]]).key
    return pyjwt.decode(token, key, algorithms=["EdDSA"], options={"verify_aud": False})


def revoked_in_list(client, index: int) -> bool:
    token = client.get(f"{API}/badges/status/revocation")
    assert token.status_code == 200 and token.mimetype == "application/vc+jwt"
    status = verify(client, token.get_data(as_text=True))
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = status["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131072
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


@pytest.fixture
def achieved(client, auth):
    """karim's plan with an achieved goal and a completed action with a certificate."""
    karim = auth("karim")
    plan_id = start_plan(client, karim)
    goal_id = add_goal(client, karim, plan_id)
    ok(client.post(f"{API}/plans/{plan_id}/goals/{goal_id}/achieve", headers=karim, json={}))
    action_id = add_action(client, karim, plan_id, goal_ids=[goal_id], certificate=True)
    ok(client.post(f"{API}/plans/{plan_id}/actions/{action_id}/start", headers=karim, json={"date": "2026-02-01"}))
    ok(client.post(f"{API}/plans/{plan_id}/actions/{action_id}/complete", headers=karim,
                   json={"date": "2026-03-01", "evaluation": 5}))
    certify(client, karim, plan_id, action_id, expires_on="2099-03-01")
    return {"plan_id": plan_id, "goal_id": goal_id, "action_id": action_id}


def certify(client, headers, plan_id: str, action_id: str, **fields: str) -> None:
    """The action's certificate, as the plan API records it (a form, as the upload is)."""
    ok(client.post(f"{API}/plans/{plan_id}/actions/{action_id}/certificates", headers=headers,
                   data={"number": "N-1", "issuer": "Academie", "issued_on": "2026-03-01", **fields}), 201)


def test_an_achieved_goal_becomes_a_signed_open_badge_credential(client, auth, achieved):
    issued = ok(client.post(f"{API}/plans/{achieved['plan_id']}/credentials", headers=auth("karim"),
                            json={"kind": "goal", "item_id": achieved["goal_id"]}), 201)
    credential = verify(client, issued["jwt"])
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == issued["url"]
    assert credential["issuer"]["id"].endswith("/api/v1/badges/issuer")
    subject = credential["credentialSubject"]
    assert subject["achievement"]["name"] == GOAL["title"]
    assert subject["achievement"]["achievementType"] == "Competency"
    assert {"type": "IdentityObject", "identityType": "name", "hashed": False,
            "identityHash": "Karim El Amrani"} in subject["identifier"]
    assert "karim@example.org" not in issued["jwt"] and "karim@example.org" not in str(credential)
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusListIndex"] == str(issued["status_index"])
    assert not revoked_in_list(client, issued["status_index"])

    again = client.post(f"{API}/plans/{achieved['plan_id']}/credentials", headers=auth("karim"),
                        json={"kind": "goal", "item_id": achieved["goal_id"]})
    assert again.status_code == 200 and again.get_json()["credential_id"] == issued["credential_id"]


def test_the_public_address_needs_no_sign_in(client, auth, achieved):
    issued = ok(client.post(f"{API}/plans/{achieved['plan_id']}/credentials", headers=auth("karim"),
                            json={"kind": "action", "item_id": achieved["action_id"]}), 201)
    path = issued["url"].split("://", 1)[1].split("/", 1)[1]
    public = ok(client.get(f"/{path}"))
    assert public["jwt"] == issued["jwt"] and public["revoked"] is False
    raw = client.get(f"/{path}", headers={"Accept": "application/vc+jwt"})
    assert raw.mimetype == "application/vc+jwt" and raw.get_data(as_text=True) == issued["jwt"]
    credential = verify(client, raw.get_data(as_text=True))
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert credential["credentialSubject"]["activityEndDate"] == "2026-03-01T00:00:00Z"
    assert credential["validUntil"] == "2099-03-01T23:59:59Z"  # as long as the certificate
    profile = ok(client.get(f"{API}/badges/issuer"))
    assert profile["id"] == credential["issuer"]["id"] and "Profile" in profile["type"]
    assert client.get(f"{API}/badges/credentials/nope").status_code == 404


def test_only_achievements_may_become_badges(client, auth, achieved):
    karim = auth("karim")
    plan_id = achieved["plan_id"]
    open_goal = add_goal(client, karim, plan_id, title="Nog open")
    plain = add_action(client, karim, plan_id, title="Zonder certificaat")
    uncertified_done = add_action(client, karim, plan_id, title="Klaar, geen certificaat")
    ok(client.post(f"{API}/plans/{plan_id}/actions/{uncertified_done}/start", headers=karim,
                   json={"date": "2026-02-01"}))
    ok(client.post(f"{API}/plans/{plan_id}/actions/{uncertified_done}/complete", headers=karim,
                   json={"date": "2026-03-01", "evaluation": 3}))
    expired = add_action(client, karim, plan_id, certificate=True, title="Verlopen certificaat")
    ok(client.post(f"{API}/plans/{plan_id}/actions/{expired}/start", headers=karim, json={"date": "2026-02-01"}))
    ok(client.post(f"{API}/plans/{plan_id}/actions/{expired}/complete", headers=karim,
                   json={"date": "2026-03-01", "evaluation": 3}))
    certify(client, karim, plan_id, expired, issued_on="2026-03-01", expires_on="2026-03-02")
    certified_open = add_action(client, karim, plan_id, certificate=True, title="Nog bezig")
    for kind, item, status in [("goal", open_goal, 409), ("action", plain, 409), ("action", uncertified_done, 409),
                               ("action", expired, 409),
                               ("action", certified_open, 409), ("goal", "nope", 404), ("action", "nope", 404)]:
        response = client.post(f"{API}/plans/{plan_id}/credentials", headers=karim,
                               json={"kind": kind, "item_id": item})
        assert response.status_code == status, (kind, item, response.get_json())
        assert response.get_json()["errors"][0]["field"] == "item_id"
    bad = client.post(f"{API}/plans/{plan_id}/credentials", headers=karim, json={"kind": "plan", "item_id": "x"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "kind"
    listed = ok(client.get(f"{API}/plans/{plan_id}/credentials", headers=karim))
    assert listed["items"] == []
    assert [(e["kind"], e["item_id"], e["credential_id"]) for e in listed["eligible"]] == [
        ("goal", achieved["goal_id"], None), ("action", achieved["action_id"], None)]
    manager = client.post(f"{API}/plans/{plan_id}/credentials", headers=auth("marieke"),
                          json={"kind": "goal", "item_id": achieved["goal_id"]})
    assert manager.status_code == 403


def test_a_revoked_badge_shows_in_the_status_list_and_a_new_one_can_be_issued(client, auth, achieved):
    plan_id = achieved["plan_id"]
    body = {"kind": "goal", "item_id": achieved["goal_id"]}
    first = ok(client.post(f"{API}/plans/{plan_id}/credentials", headers=auth("karim"), json=body), 201)
    revoked = ok(client.post(f"{API}/plans/{plan_id}/credentials/{first['credential_id']}/revoke",
                             headers=auth("hanna"), json={"reason": "issued in error"}))
    assert revoked["revoked"] is True and revoked["revoked_reason"] == "issued in error"
    assert revoked_in_list(client, first["status_index"])
    assert ok(client.get(f"{API}/badges/credentials/{first['credential_id']}"))["revoked"] is True
    twice = client.post(f"{API}/plans/{plan_id}/credentials/{first['credential_id']}/revoke",
                        headers=auth("karim"), json={"reason": "again"})
    assert twice.status_code == 409
    second = ok(client.post(f"{API}/plans/{plan_id}/credentials", headers=auth("karim"), json=body), 201)
    assert second["credential_id"] != first["credential_id"]
    assert not revoked_in_list(client, second["status_index"])
    listed = ok(client.get(f"{API}/plans/{plan_id}/credentials", headers=auth("marieke")))
    assert [(i["credential_id"], i["revoked"]) for i in listed["items"]] == [(first["credential_id"], True),
                                                                             (second["credential_id"], False)]
    assert listed["eligible"][0] == {"kind": "goal", "item_id": achieved["goal_id"], "title": GOAL["title"],
                                     "credential_id": second["credential_id"]}
    refused = client.post(f"{API}/plans/{plan_id}/credentials/{second['credential_id']}/revoke",
                          headers=auth("marieke"), json={"reason": "no"})
    assert refused.status_code == 403


def test_erasing_the_person_revokes_their_badges(client, auth, achieved):
    issued = ok(client.post(f"{API}/plans/{achieved['plan_id']}/credentials", headers=auth("karim"),
                            json={"kind": "goal", "item_id": achieved["goal_id"]}), 201)
    exported = ok(client.get(f"{API}/people/karim/export", headers=auth("karim")))["credentials"]
    assert [(c["credential_id"], c["kind"], c["revoked_at"]) for c in exported] == [
        (issued["credential_id"], "goal", None)]
    ok(client.post(f"{API}/people/karim/erase", headers=auth("hanna"), json={}))
    assert revoked_in_list(client, issued["status_index"])
    assert client.get(f"{API}/badges/credentials/{issued['credential_id']}").status_code == 410
    again = client.post(f"{API}/plans/{achieved['plan_id']}/credentials", headers=auth("karim"),
                        json={"kind": "goal", "item_id": achieved["goal_id"]})
    assert again.status_code == 410


def test_bad_input_is_a_clear_4xx(client, auth, achieved):
    karim = auth("karim")
    plan_id = achieved["plan_id"]
    for body in ({}, {"kind": "goal"}, {"kind": "goal", "item_id": ""}, {"kind": "goal", "item_id": "x" * 101},
                 {"kind": "goal", "item_id": "g", "extra": 1}):
        response = client.post(f"{API}/plans/{plan_id}/credentials", headers=karim, json=body)
        assert response.status_code == 422, body
    assert client.post(f"{API}/plans/not-a-uuid/credentials", headers=karim, json={"kind": "goal", "item_id": "g"}
                       ).status_code == 404
    revoke = client.post(f"{API}/plans/{plan_id}/credentials/unknown/revoke", headers=karim, json={"reason": "x"})
    assert revoke.status_code == 404
    assert client.post(f"{API}/plans/{plan_id}/credentials/unknown/revoke", headers=karim, json={}).status_code == 422
