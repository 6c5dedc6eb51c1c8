"""One erasure, every door (issue 13 §3): however a person is erased in the plan service (its API, the
portal's HR page, `groeipad erase-person`), the portal closes their account and ends their sessions
by following the plan feed, and the feed carries `PersonErased` for the recommender and the notifier."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services import cli
from services.portal.erasures import ErasureFollower, plan_feed
from shared.auth import TokenSettings, issue_token
from tests.portal.conftest import DEMO_PASSWORD, PLAN_URL, Browser


def erase_through_the_api(portal, plan_app):
    token = issue_token(TokenSettings.from_env(), "hanna", ["hr"])
    answer = plan_app.test_client().post("/api/v1/people/karim/erase", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json


def erase_through_the_portal(portal, plan_app):
    hanna = Browser(portal.test_client())
    hanna.login("hanna")
    hanna.get("/hr/people/karim/erase")
    assert hanna.post("/hr/people/karim/erase", {"confirm": "karim"}).status_code == 302


def erase_through_the_command(portal, plan_app):
    result = CliRunner().invoke(cli.main, ["erase-person", "karim"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("door", [erase_through_the_api, erase_through_the_portal, erase_through_the_command])
def test_every_door_closes_the_portal_account_and_its_sessions(portal, plan_app, transport, door):
    karim = Browser(portal.test_client())
    karim.login("karim")
    assert karim.get("/plan").status_code == 200
    store = portal.extensions["portal"].store
    follower = ErasureFollower(store, plan_feed(PLAN_URL, transport, TokenSettings.from_env()))
    follower.catch_up()  # the demo history holds no erasure
    assert not store.account("karim").erased

    door(portal, plan_app)
    follower.catch_up()

    account = store.account("karim")
    assert account.erased and account.disabled
    assert karim.get("/plan").status_code == 302, "the open session must end with the account"
    again = Browser(portal.test_client())
    again.get("/login")
    assert again.post("/login", {"username": "karim", "password": DEMO_PASSWORD}).status_code != 302
    feed = plan_feed(PLAN_URL, transport, TokenSettings.from_env())(0, 1000)
    assert any(e["type"] == "PersonErased" and e["employee_id"] == "karim" for e in feed["events"])
    assert follower.catch_up() == 0 and follower.position() == feed["next_after"]  # read once, not again
