"""The notifier's endpoints through the Flask test client: notification centre, choices, unsubscribe, export."""

from __future__ import annotations

import pytest

from services.notifier import kinds as k
from services.notifier.app import create_app
from services.notifier.delivery import Unsubscribe
from services.notifier.rules import FeedRules
from tests.conftest import TEST_SECRET
from tests.notifier.notifier_helpers import Directory, Events

API = "/api/v1"


@pytest.fixture
def app(store_url):
    application = create_app({"NOTIFIER_DATABASE_URL": store_url})
    store = application.extensions["notifier_store"]
    e = Events()
    events = [e("PlanStarted"), e("PlanSubmittedForReview", note="n"),
              e("PlanReviewed", "marieke", "manager", outcome="approved", comment=""),
              e("FeedbackReceived", "marieke", "manager", source="manager", text="t")]
    store.apply_page(events, events[-1]["position"], FeedRules(Directory()).decide)
    yield application
    application.extensions["notifier_app"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def test_the_notification_centre_lists_newest_first_with_the_unread_count(client, tokens):
    body = client.get(f"{API}/notifications", headers=tokens("karim")).get_json()
    assert body["total"] == 2 and body["unread"] == 2
    assert [n["kind"] for n in body["items"]] == [k.FEEDBACK_RECEIVED, k.PLAN_REVIEWED]
    first = body["items"][0]["id"]
    assert client.post(f"{API}/notifications/{first}/read", headers=tokens("karim")).get_json() == {"unread": 1}
    unread = client.get(f"{API}/notifications?unread=true", headers=tokens("karim")).get_json()
    assert [n["kind"] for n in unread["items"]] == [k.PLAN_REVIEWED]
    assert client.post(f"{API}/notifications/read", headers=tokens("karim")).get_json() == {"unread": 0}
    assert client.get(f"{API}/notifications", headers=tokens("marieke", "employee", "manager")).get_json()["total"] == 1


def test_someone_elses_notification_is_not_found(client, tokens):
    theirs = client.get(f"{API}/notifications", headers=tokens("karim")).get_json()["items"][0]["id"]
    response = client.post(f"{API}/notifications/{theirs}/read", headers=tokens("sophie"))
    assert response.status_code == 404 and set(response.get_json()) == {"status", "message", "errors"}
    assert client.get(f"{API}/notifications", headers=tokens("karim")).get_json()["unread"] == 2


def test_preferences_default_to_immediately_and_change_per_kind(client, tokens):
    body = client.get(f"{API}/preferences", headers=tokens("karim")).get_json()
    assert body["language"] == "nl" and set(body["kinds"].values()) == {k.IMMEDIATELY}
    changed = client.put(f"{API}/preferences", headers=tokens("karim"),
                         json={"language": "en", "kinds": {k.WEEKLY_DIGEST: k.PORTAL, k.PLAN_REVIEWED: k.DIGEST}})
    assert changed.status_code == 200
    body = client.get(f"{API}/preferences", headers=tokens("karim")).get_json()
    assert body["language"] == "en" and body["kinds"][k.WEEKLY_DIGEST] == k.PORTAL
    assert body["kinds"][k.PLAN_REVIEWED] == k.DIGEST and body["kinds"][k.FEEDBACK_RECEIVED] == k.IMMEDIATELY


@pytest.mark.parametrize("body", [{"language": "de"}, {"kinds": {"anything": k.PORTAL}},
                                  {"kinds": {k.PLAN_REVIEWED: "sometimes"}}, {"kinds": []}, {"other": 1}])
def test_bad_preferences_are_a_422_naming_the_field_and_change_nothing(client, tokens, body):
    response = client.put(f"{API}/preferences", headers=tokens("karim"), json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"].split(".")[0] in {"language", "kinds", "other"}
    assert client.get(f"{API}/preferences", headers=tokens("karim")).get_json()["language"] == "nl"


def test_an_unsubscribe_link_switches_that_kind_to_portal_only(client, tokens):
    token = Unsubscribe(TEST_SECRET).token("karim", k.FEEDBACK_RECEIVED)
    answer = client.post(f"{API}/unsubscribe", headers=tokens("portal", "service"), json={"token": token})
    assert answer.get_json() == {"person_id": "karim", "kind": k.FEEDBACK_RECEIVED, "mode": k.PORTAL}
    assert client.get(f"{API}/preferences", headers=tokens("karim")).get_json()["kinds"][k.FEEDBACK_RECEIVED] \
        == k.PORTAL
    for bad in (token[:-2] + "xx", Unsubscribe(TEST_SECRET).token("karim", k.REVIEW_REQUESTED)):
        response = client.post(f"{API}/unsubscribe", headers=tokens("portal", "service"), json={"token": bad})
        assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "token"


def test_the_gdpr_export_holds_what_the_notifier_keeps(client, tokens):
    body = client.get(f"{API}/people/karim/export", headers=tokens("karim")).get_json()
    assert {n["kind"] for n in body["notifications"]} == {k.PLAN_REVIEWED, k.FEEDBACK_RECEIVED, k.REVIEW_REQUESTED}
    assert client.get(f"{API}/people/karim/export", headers=tokens("sophie")).status_code == 403
