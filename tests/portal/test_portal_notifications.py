"""The portal's notification centre, delivery choices, unsubscribe links and the admin's view of sent mail,
with the real notifier API in-process behind the test transport."""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path

import pytest

from services.notifier.app import create_app as create_notifier
from services.notifier.delivery import Unsubscribe
from services.notifier.rules import FeedRules
from tests.notifier.notifier_helpers import Directory, Events
from tests.portal.conftest import PLAN_URL, RECOMMENDER_URL, TEST_SECRET, Browser, FlaskTransport

NOTIFIER_URL = "http://notifier.test"


@pytest.fixture
def notifier_app(tmp_path):
    app = create_notifier({"NOTIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 'notifier.sqlite'}"})
    e = Events()
    events = [e("PlanStarted"),
              e("LearningActionPlanned", action_id="a1", title="Excel voor gevorderden", planned_start="2027-02-01",
                planned_end="2027-02-05"),
              e("FeedbackReceived", "marieke", "manager", source="manager", text="t")]
    app.extensions["notifier_store"].apply_page(events, 3, FeedRules(Directory()).decide)
    yield app
    app.extensions["notifier_app"].close()


@pytest.fixture
def notifier_portal(make_portal, plan_app, recommender_app, notifier_app):
    transport = FlaskTransport({PLAN_URL: plan_app, RECOMMENDER_URL: recommender_app, NOTIFIER_URL: notifier_app})
    return make_portal(transport, notifier_url=NOTIFIER_URL)


def sign_in(portal, username):
    browser = Browser(portal.test_client())
    browser.login(username)
    return browser


def preferences(notifier_app, person):
    with notifier_app.test_request_context():
        store = notifier_app.extensions["notifier_store"]
        return store.choices(person)


def test_the_menu_shows_the_unread_count_and_the_centre_lists_them(notifier_portal, notifier_app):
    karim = sign_in(notifier_portal, "karim")
    page = karim.get("/account").get_data(as_text=True)
    assert 'aria-label="2 unread"' in page
    centre = karim.get("/notifications").get_data(as_text=True)
    assert "New feedback on your development plan" in centre
    assert "Calendar invitation: Excel voor gevorderden" in centre
    target = "/plans/plan-1/actions/a1"
    assert f'name="next" value="{target}"' in centre  # the invitation leads to the action
    items = notifier_app.extensions["notifier_store"].inbox("karim", unread_only=False, limit=10, offset=0)[0]
    invite = next(n.id for n in items if n.kind == "action_invite")
    assert f"/notifications/{invite}/read" in centre
    answer = karim.post(f"/notifications/{invite}/read", {"next": target})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(target)
    assert 'aria-label="1 unread"' in karim.get("/account").get_data(as_text=True)
    karim.post("/notifications/read")
    assert "unread" not in karim.get("/account").get_data(as_text=True).split("<main")[0]


def test_a_person_chooses_per_kind_and_the_language_of_mails(notifier_portal, notifier_app):
    karim = sign_in(notifier_portal, "karim")
    form = karim.get("/notifications/settings").get_data(as_text=True)
    assert 'name="feedback_received" value="immediately" checked' in form
    karim.post("/notifications/settings", {"language": "en", "feedback_received": "portal_only",
                                           "weekly_digest": "daily_digest", "action_invite": "nonsense"})
    assert preferences(notifier_app, "karim") == {"language": "en", "feedback_received": "portal_only",
                                                  "weekly_digest": "daily_digest"}


def test_the_unsubscribe_link_works_without_signing_in(notifier_portal, notifier_app):
    token = Unsubscribe(TEST_SECRET).token("karim", "feedback_received")
    browser = Browser(notifier_portal.test_client())
    page = browser.get(f"/notifications/unsubscribe/{token}")
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    done = browser.post(f"/notifications/unsubscribe/{token}")
    assert done.status_code == 200 and "Feedback received" in done.get_data(as_text=True)
    assert preferences(notifier_app, "karim") == {"feedback_received": "portal_only"}
    forged = browser.post(f"/notifications/unsubscribe/{token[:-3]}abc")
    assert forged.status_code == 422


def test_the_admin_browses_the_mails_of_the_local_mail_server(notifier_portal):
    folder = Path(os.environ["GROEIPAD_DATA_DIR"]) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    message = EmailMessage()
    message["To"], message["Subject"], message["From"] = "karim@example.org", "Starting soon: Excel", "g@example.org"
    message.set_content("Excel starts on Monday.")
    (folder / "20270104T090000-000000001-abcdef012345.eml").write_bytes(bytes(message))
    admin = sign_in(notifier_portal, "admin")
    listing = admin.get("/admin/mail").get_data(as_text=True)
    assert "Starting soon: Excel" in listing and "karim@example.org" in listing
    assert "Excel starts on Monday." in admin.get("/admin/mail/20270104T090000-000000001-abcdef012345.eml") \
        .get_data(as_text=True)
    assert admin.get("/admin/mail/..%2Fplan.sqlite").status_code == 404
    assert sign_in(notifier_portal, "karim").get("/admin/mail").status_code == 403
