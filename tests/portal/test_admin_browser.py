"""Account management in real Chromium: the administrator finds an account, changes its roles, disables it,
creates a new one and passes on the one-time link, with which the new colleague sets a password and signs
in. Screenshots at desktop and phone size in both languages."""

from __future__ import annotations

import re

import pytest

from tests.portal.browser_stack import demo_stack
from tests.portal.test_browser import (  # noqa: F401 - the module fixtures are used by name
    DESKTOP,
    PASSWORD,
    PHONE,
    SHOTS,
    Person,
    browser,
    expect,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Its own demo stack: this story disables Karim's account, with which the other browser files sign in."""
    with demo_stack(tmp_path_factory.mktemp("browser-admin")) as own:
        yield own


def test_admin_manages_accounts(stack, browser):  # noqa: F811 - fixtures
    admin = Person(browser, stack, "admin")
    page = admin.go("/")
    page.click("header nav >> text=Accounts")
    expect(page.locator("h1")).to_have_text("Accounts")
    page.fill("#q", "karim")
    page.click("main form[role=search] button")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    page.click("text=Karim El Amrani")
    page.check("#role-manager")
    page.click("text=Save roles")
    expect(page.locator(".flash", has_text="The roles were changed.")).to_be_visible()
    page.click("text=Disable the account")
    expect(page.locator("#account-audit li").first).to_contain_text("admin: disabled the account")
    expect(page.locator("#account-audit")).to_contain_text("changed the name or roles (Employee, Manager)")

    page = admin.go("/admin/accounts/new")
    page.fill("#username", "lisa")
    page.fill("#display_name", "Lisa de Groot")
    page.check("#role-employee")
    page.check("#role-manager")
    page.click("text=Create account")
    link = page.locator("#reset-link code").inner_text()
    assert re.search(r"/password-reset/[A-Za-z0-9_-]{20,}$", link), link
    for language in ("en", "nl"):
        page = admin.go("/admin/accounts")
        if language == "nl":
            page.click("header form.lang button")
        for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(SHOTS / f"admin-accounts-{language}-{size_name}.png"), full_page=True)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= size["width"], f"the accounts page scrolls sideways at {size_name}"
        page.set_viewport_size(DESKTOP)
    admin.close()

    newcomer = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = newcomer.new_page()
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Kies je wachtwoord")
    page.fill("#new_password", "lisa-wachtwoord-1")
    page.fill("#repeat_password", "lisa-wachtwoord-1")
    page.screenshot(path=str(SHOTS / "admin-reset-link-nl-phone.png"), full_page=True)
    page.click("main form button[type=submit]")
    page.fill("#username", "lisa")
    page.fill("#password", "lisa-wachtwoord-1")
    page.click("form button.primary")
    expect(page.locator("header nav")).to_be_visible()
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Deze link werkt niet")
    newcomer.close()

    karim = browser.new_context(viewport=DESKTOP)
    page = karim.new_page()
    page.goto(stack.url("portal") + "/login")
    page.fill("#username", "karim")
    page.fill("#password", PASSWORD)
    page.click("form button.primary")
    expect(page.locator(".alert")).to_be_visible()  # a disabled account cannot sign in
    karim.close()
