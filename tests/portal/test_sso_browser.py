"""Single sign-on in a real headless Chromium, through a real OpenID provider (oidc-provider run by node).

The portal and the plan service run as gunicorn subprocesses; the provider is started by the test on a free
port. A person signs in (code flow with PKCE), gets the roles their groups map to, and signs out at the
portal and the provider. A rotated signing key is fetched from the provider's JWKS; an ID token for another
nonce, and one that expired, are refused.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from tests.portal.openid_provider import OpenIdProvider, missing_tools

CHROMIUM = "/usr/bin/chromium"
REASON = (missing_tools() or (None if os.path.exists(CHROMIUM) else f"{CHROMIUM} is missing")
          or (None if shutil.which("faketime") else "faketime is missing (apt-get install -y faketime)"))
if REASON:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"REQUIRE_BROWSER=1 but {REASON}")
    pytest.skip(f"single sign-on browser tests skipped: {REASON}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
expect = sync_api.expect
expect.set_options(timeout=20_000)

from tests.portal.test_browser import Stack  # noqa: E402 - after the skip: it needs the same tools

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent
PORTAL_SECRET = "sso-browser-test-portal-secret-long-enough"
CLIENT_ID, CLIENT_SECRET = "groeipad-portal", "sso-browser-test-client-secret-0123456789"
ACCOUNTS = {
    "sophie": {"name": "Sophie Willems", "groups": ["Groeipad Employees"]},
    "hanna": {"name": "Hanna Mulder", "groups": ["Groeipad Employees", "Groeipad HR"]},
    "petra": {"name": "Petra Jansen", "groups": ["Groeipad Employees"]},  # a manager in the demo accounts
    "nieuw.collega": {"name": "Nieuwe Collega", "groups": ["Groeipad Employees"]},
    "bezoeker": {"name": "Bezoeker", "groups": ["Visitors"]},
}


@pytest.fixture(scope="module")
def sso(tmp_path_factory):
    """The provider, then the plan service and the portal configured for it (with the demo data)."""
    data = tmp_path_factory.mktemp("sso-data")
    stack = Stack(data)
    portal = stack.url("portal")
    provider = OpenIdProvider(data, client={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{portal}/login/oidc/callback"], "post_logout_redirect_uris": [f"{portal}/login"]},
        accounts=ACCOUNTS)
    secret_file = data / "oidc-client-secret"
    secret_file.write_text(CLIENT_SECRET + "\n")  # the file variant, as a container secret would give it
    stack.env.update(
        PORTAL_SECRET_KEY=PORTAL_SECRET, PORTAL_OIDC_ISSUER=provider.issuer, PORTAL_OIDC_CLIENT_ID=CLIENT_ID,
        PORTAL_OIDC_CLIENT_SECRET_FILE=str(secret_file), PORTAL_OIDC_SCOPES="openid profile email groups",
        PORTAL_OIDC_ROLES_CLAIM="groups", PORTAL_OIDC_LABEL="Test IdP",
        PORTAL_OIDC_ROLE_MAP="Groeipad Employees=employee, Groeipad HR=hr, Groeipad Managers=manager")
    stack.run("migrate")
    stack.run("seed-demo")
    try:
        provider.start(signing_kids="a")
        stack.gunicorn("plan", "services.plan.wsgi:app")
        stack.gunicorn("portal", "services.portal.wsgi:app")
        stack.wait("plan")
        stack.wait("portal")
        stack.provider = provider
        yield stack
    finally:
        provider.stop()
        stack.stop_all()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


class Visitor:
    """One person in their own browser context, signing in at the provider's (development) pages."""

    def __init__(self, browser, sso: Stack):
        self.context = browser.new_context(locale="en-GB")
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.portal, self.issuer = sso.url("portal"), sso.provider.issuer

    def sign_in(self, login: str):
        page = self.page
        page.goto(self.portal + "/login")
        page.click("#sign-in-oidc")
        expect(page).to_have_url(re.compile("^" + re.escape(self.issuer) + "/interaction/"))
        page.fill('input[name="login"]', login)
        page.fill('input[name="password"]', "any password: the provider's development pages accept it")
        page.click("button.login-submit")
        expect(page.locator("button.login-submit")).to_have_text("Continue")  # the consent page
        page.click("button.login-submit")
        expect(page).to_have_url(re.compile("^" + re.escape(self.portal) + "/"))
        return page

    def go(self, path: str):
        self.page.goto(self.portal + path)
        return self.page

    def session(self) -> dict:
        """The portal's session cookie, read with the portal's secret as Flask reads it."""
        cookie = next(c for c in self.context.cookies(self.portal) if c["name"] == "groeipad_session")
        app = Flask("reader")
        app.secret_key = PORTAL_SECRET
        return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie["value"])

    def id_token_kid(self) -> str:
        header = self.session()["sso"]["id_token"].split(".")[0]
        return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]

    def is_signed_out(self) -> bool:
        self.go("/account")
        return urlsplit(self.page.url).path == "/login"

    def close(self) -> None:
        self.context.close()


def refused(page) -> None:
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash", has_text="Signing in did not work").first).to_be_visible()


def test_sign_in_maps_groups_to_roles_and_sign_out_ends_both_sessions(sso, browser):
    sophie = Visitor(browser, sso)
    page = sophie.sign_in("sophie")
    expect(page.locator("h1")).to_have_text("My development plan")  # her plan: the directory id mapped
    assert sophie.session()["user"] == "sophie"

    page.click("header button:has-text('Sign out')")
    expect(page).to_have_url(re.compile("^" + re.escape(sso.provider.issuer) + "/session/end"))
    page.click("button[name=logout]")  # the provider asks; RP-initiated logout
    expect(page).to_have_url(re.compile(re.escape(sso.url("portal")) + "/login"))
    expect(page.locator(".flash", has_text="You are signed out.").first).to_be_visible()
    assert sophie.is_signed_out()
    page.click("#sign-in-oidc")  # the provider's session ended too: it asks who you are again
    expect(page.locator('input[name="login"]')).to_be_visible()
    sophie.close()

    hanna = Visitor(browser, sso)
    hanna.sign_in("hanna")
    expect(hanna.go("/hr/plans").locator("h1")).to_have_text("Development plans")
    hanna.close()

    petra = Visitor(browser, sso)  # a manager in the portal's demo accounts, not in the provider's groups
    petra.sign_in("petra")
    expect(petra.go("/team").locator("h1")).to_have_text("Not allowed")
    expect(petra.go("/account").locator("main")).not_to_contain_text("Manager")
    petra.close()


def test_a_new_person_gets_an_account_and_an_unmapped_one_is_refused(sso, browser):
    newcomer = Visitor(browser, sso)
    newcomer.sign_in("nieuw.collega")
    main = newcomer.go("/account").locator("main")
    expect(main).to_contain_text("Nieuwe Collega")
    expect(main).to_contain_text("Employee")
    expect(main.locator("h2", has_text="Change password")).to_have_count(0)  # made by sign-on: no password
    newcomer.close()

    visitor = Visitor(browser, sso)
    page = visitor.page
    page.goto(visitor.portal + "/login")
    page.click("#sign-in-oidc")
    page.fill('input[name="login"]', "bezoeker")
    page.fill('input[name="password"]', "whatever")
    page.click("button.login-submit")
    page.click("button.login-submit")
    refused(page)
    assert visitor.is_signed_out()
    visitor.close()


def test_a_rotated_signing_key_is_fetched_from_the_provider(sso, browser):
    before = Visitor(browser, sso)
    before.sign_in("sophie")
    assert before.id_token_kid() == "a"
    before.close()

    sso.provider.restart(signing_kids="b,a")  # a new key signs; the old one is still published
    assert sso.provider.published_kids() == ["b", "a"]
    after = Visitor(browser, sso)
    expect(after.sign_in("sophie").locator("h1")).to_have_text("My development plan")
    assert after.id_token_kid() == "b"  # a key the portal had not seen: it fetched the JWKS again
    after.close()

    sso.provider.restart(signing_kids="b")  # the old key retired
    later = Visitor(browser, sso)
    later.sign_in("sophie")
    assert later.id_token_kid() == "b"
    later.close()


def test_an_id_token_for_another_nonce_or_expired_is_refused(sso, browser):
    visitor = Visitor(browser, sso)

    def other_nonce(route):
        """The portal's redirect to the provider, with the nonce swapped as an injected request would have it."""
        response = route.fetch(max_redirects=0)
        parts = urlsplit(response.headers["location"])
        query = dict(parse_qsl(parts.query))
        assert query["nonce"] and query["code_challenge_method"] == "S256" and query["code_challenge"]
        query["nonce"] = "a-nonce-the-portal-never-sent"
        location = urlunsplit(parts._replace(query=urlencode(query)))
        route.fulfill(response=response, headers={**response.headers, "location": location})

    visitor.page.route(re.compile(re.escape(sso.url("portal")) + r"/login/oidc(\?.*)?$"), other_nonce)
    page = visitor.page
    page.goto(visitor.portal + "/login")
    page.click("#sign-in-oidc")
    page.fill('input[name="login"]', "sophie")
    page.fill('input[name="password"]', "whatever")
    page.click("button.login-submit")
    page.click("button.login-submit")
    refused(page)
    assert visitor.is_signed_out()
    assert re.search(r"single sign-on refused.*InvalidClaimError.*nonce", sso.log("portal"))
    visitor.close()

    try:  # a provider whose clock is ten minutes behind issues ID tokens that expired before they arrive
        sso.provider.restart(signing_kids="b", clock_offset="-10m", id_token_ttl=60)
        late = Visitor(browser, sso)
        page = late.page
        page.goto(late.portal + "/login")
        page.click("#sign-in-oidc")
        page.fill('input[name="login"]', "sophie")
        page.fill('input[name="password"]', "whatever")
        page.click("button.login-submit")
        page.click("button.login-submit")
        refused(page)
        assert late.is_signed_out()
        assert re.search(r"single sign-on refused.*ExpiredTokenError", sso.log("portal"))
        late.close()
    finally:
        sso.provider.restart(signing_kids="b")
