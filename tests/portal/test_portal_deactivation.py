"""SCIM deactivation reaches the portal through the plan feed: a deactivated person cannot sign in and their open
session ends; reactivation lets them sign in again. Also their plan is read-only in the plan service."""

from __future__ import annotations

from services.portal.erasures import ErasureFollower, plan_feed
from shared.auth import TokenSettings, issue_token
from tests.portal.conftest import DEMO_PASSWORD, PLAN_URL, Browser

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def set_active(plan_app, person_id: str, active: bool | str) -> None:
    """As Entra ID sends it: op capitalised, and the boolean as a string."""
    token = issue_token(TokenSettings.from_env(), "entra", ["scim"])
    body = {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": active}]}
    answer = plan_app.test_client().patch(f"/scim/v2/Users/{person_id}", json=body,
                                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json(force=True)


def test_deactivation_ends_sessions_and_refuses_sign_in_until_reactivated(portal, plan_app, transport):
    karim = Browser(portal.test_client())
    karim.login("karim")
    assert karim.get("/plan").status_code == 200
    store = portal.extensions["portal"].store
    follower = ErasureFollower(store, plan_feed(PLAN_URL, transport, TokenSettings.from_env()))
    follower.catch_up()

    set_active(plan_app, "karim", "False")
    follower.catch_up()

    assert store.account("karim").deactivated
    assert karim.get("/plan").status_code == 302, "the open session must end"
    again = Browser(portal.test_client())
    again.get("/login")
    assert again.post("/login", {"username": "karim", "password": DEMO_PASSWORD}).status_code != 302
    assert store.verify_password("karim", DEMO_PASSWORD) is None

    set_active(plan_app, "karim", True)
    follower.catch_up()

    assert not store.account("karim").deactivated
    back = Browser(portal.test_client())
    back.login("karim")
    assert back.get("/plan").status_code == 200


def test_a_deactivated_person_without_an_account_cannot_get_one_by_single_sign_on(portal, plan_app, transport):
    store = portal.extensions["portal"].store
    follower = ErasureFollower(store, plan_feed(PLAN_URL, transport, TokenSettings.from_env()))
    token = issue_token(TokenSettings.from_env(), "hanna", ["hr"])
    answer = plan_app.test_client().post("/api/v1/people", json={"id": "newbie", "name": "New Bie"},
                                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.get_json()
    assert store.account("newbie") is None
    set_active(plan_app, "newbie", False)
    follower.catch_up()
    account = store.sync_external_account("newbie", "New Bie", ["employee"], actor="sso:test")
    assert account.blocked and account.roles == []
