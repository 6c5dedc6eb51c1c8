"""The notification centre, the notification settings, an unsubscribe link and the admin's sent mail, in a
real headless Chromium against real processes: plan service, notifier API, portal, `groeipad notify` and
the embedded mail sink of `make run`. Screenshots at desktop and phone size go to tests/screenshots/.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from tests.portal.test_browser import (
    BIN,
    DESKTOP,
    Person,
    Stack,
    browser,  # noqa: F401 - the shared Chromium fixture, used by name
    expect,
    free_port,
)

pytestmark = pytest.mark.integration


class NotifierStack(Stack):
    """The browser test's stack plus the notifier, its worker and the mail sink."""

    def __init__(self, data):
        super().__init__(data)
        self.ports.update(notifier=free_port(), sink=free_port())
        self.env.update(NOTIFIER_URL=self.url("notifier"), NOTIFIER_PORT=str(self.ports["notifier"]),
                        NOTIFIER_SMTP_URL=f"smtp://127.0.0.1:{self.ports['sink']}",
                        NOTIFIER_PORTAL_URL=self.url("portal"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = NotifierStack(tmp_path_factory.mktemp("browser-notifier"))
    stack.run("migrate")
    stack.run("seed-demo")
    try:
        stack.gunicorn("plan", "services.plan.wsgi:app")
        stack.gunicorn("notifier", "services.notifier.wsgi:app")
        stack.gunicorn("portal", "services.portal.wsgi:app")
        stack.start("mail", str(BIN / "groeipad"), "mail-sink", "--port", str(stack.ports["sink"]))
        for name in ("plan", "notifier", "portal"):
            stack.wait(name)
        # The demo story's mails, at a fixed moment before any of its actions is due.
        stack.run("notify", "--once", "--now", "2026-01-15T08:00:00+00:00")
        yield stack
    finally:
        stack.stop_all()


def test_notification_centre_settings_unsubscribe_and_sent_mail(stack, browser):  # noqa: F811
    karim = Person(browser, stack, "karim")
    page = karim.go("/plan")
    badge = page.locator("header nav .badge")
    expect(badge).to_be_visible()
    unread = int(badge.inner_text())
    assert unread >= 3
    page.click("header nav >> text=Notifications")
    expect(page.locator("h1")).to_have_text("Notifications")
    expect(page.locator("ul.notifications li.unread").first).to_be_visible()
    expect(page.locator("ul.notifications")).to_contain_text("Your development plan was reviewed: approved")
    karim.shoot("notification-centre")
    page.locator("ul.notifications li.unread button").first.click()  # opens what it is about, marked read
    expect(page.locator("header nav .badge")).to_have_text(str(unread - 1))

    page = karim.go("/notifications/settings")
    page.select_option("#language", "en")
    page.check("input[name=feedback_received][value=portal_only]")
    page.check("input[name=weekly_digest][value=daily_digest]")
    karim.shoot("notification-settings")
    page.click("button.primary")
    expect(page.locator(".flash")).to_contain_text("Your notification settings are saved.")
    expect(page.locator("input[name=feedback_received][value=portal_only]")).to_be_checked()
    karim.close()

    # A reminder's unsubscribe link works without signing in (Karim's feedback mail, now a digest kind).
    mails = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in (stack.data / "mail").glob("*.eml")]
    feedback = next(m for m in mails if "feedback" in str(m["Subject"]).lower() and "karim" in str(m["To"]))
    link = str(feedback["List-Unsubscribe"]).strip("<>")
    assert link.startswith(stack.url("portal") + "/notifications/unsubscribe/")
    anonymous = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = anonymous.new_page()
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Afmelden")
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("Afgemeld")
    expect(page.locator("main")).to_contain_text("Feedback ontvangen")
    anonymous.close()

    admin = Person(browser, stack, "admin")
    page = admin.go("/admin/mail")
    expect(page.locator("h1")).to_have_text("Sent mail")
    assert page.locator("tbody tr").count() == len(mails)
    page.locator("tbody a", has_text=re.compile("Karim El Amrani vraagt")).first.click()
    expect(page.locator("pre.mail").first).to_contain_text("Mijn plan richting teamleider")
    admin.shoot("sent-mail")
    admin.close()
