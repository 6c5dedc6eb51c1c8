"""Open Badges in a real headless Chromium against real processes (plan service with its projector, portal):
the employee issues a badge for a completed certified action, downloads it, opens its public link without being
signed in, and withdraws it, in English and Dutch. Screenshots at desktop and phone size go to tests/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.portal.test_browser import BIN, DESKTOP, Person, Stack, expect, sync_api

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("browser-badges"))
    stack.run("migrate")
    stack.run("seed-demo")
    try:
        stack.gunicorn("plan", "services.plan.wsgi:app")
        stack.start("projector", str(BIN / "groeipad"), "project")
        stack.gunicorn("portal", "services.portal.wsgi:app")
        stack.wait("plan")
        stack.wait("portal")
        yield stack
    finally:
        stack.stop_all()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


def test_issue_download_share_and_withdraw_a_badge(stack, browser):
    karim = Person(browser, stack, "karim")
    page = karim.go("/plan")
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", page.content()).group(1)
    headers = {"Authorization": f"Bearer {stack.token('karim', 'employee')}"}
    plan = requests.get(f"{stack.url('plan')}/api/v1/plans/{plan_id}", headers=headers, timeout=10).json()
    course = next(a["action_id"] for a in plan["actions"] if a["status"] == "completed")
    added = requests.post(f"{stack.url('plan')}/api/v1/plans/{plan_id}/actions/{course}/certificates", timeout=10,
                          headers=headers, data={"number": "SN-2026-0417", "issuer": "Schouten & Nelissen",
                                                 "issued_on": "2026-06-26"})
    assert added.status_code == 201, added.text  # the course's certificate: now it may become a badge
    page = karim.go(f"/plans/{plan_id}")
    page.click("nav.tabs >> text=Open Badges")
    expect(page.locator("h1")).to_have_text("Open Badges")
    ready = page.locator("li", has_text="Training interpersoonlijke communicatie")
    ready.locator("button", has_text="Issue as Open Badge").click()
    expect(page.locator(".flash")).to_contain_text("Your badge is ready")
    link = page.locator("article.card input[readonly]").first.input_value()
    assert link.startswith(stack.url("plan") + "/api/v1/badges/credentials/")
    karim.shoot("open-badges")

    with page.expect_download() as download:
        page.click("text=Download the badge")
    token = Path(download.value.path()).read_text()
    assert token.count(".") == 2 and download.value.suggested_filename.endswith(".jwt")

    anonymous = browser.new_context(viewport=DESKTOP)  # no session: the link needs no sign-in
    shared = anonymous.request.get(link)
    assert shared.status == 200 and shared.json()["jwt"] == token and shared.json()["revoked"] is False
    anonymous.close()

    dutch = Person(browser, stack, "karim", locale="nl-NL")
    page = dutch.go(f"/plans/{plan_id}/badges")
    expect(page.locator("h2", has_text="Uitgegeven badges")).to_be_visible()
    page.fill("article.card input[name=reason]", "Ik deel hem niet meer")
    page.click("text=Badge intrekken")
    expect(page.locator(".flash")).to_contain_text("De badge is ingetrokken")
    expect(page.locator("article.card .badge")).to_have_text("Ingetrokken")
    dutch.shoot("open-badges-withdrawn-nl")
    assert dutch.page.request.get(link).json()["revoked"] is True
    dutch.close()
    karim.close()
