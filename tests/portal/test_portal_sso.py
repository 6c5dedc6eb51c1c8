"""Single sign-on at the HTTP level: the portal in the Flask test client, a real OpenID provider (oidc-provider
run by node) on a free port, its development sign-in pages filled in with requests. The browser story is in
test_sso_browser.py; here the refusals a client can provoke, the settings, and local accounts switched off.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from flask import Flask

from services.portal.oidc import OidcSignIn, SignInRefusedError
from services.portal.settings import OidcSettings, parse_role_map
from shared.config import ConfigError
from tests.portal.conftest import Browser, csrf_of
from tests.portal.openid_provider import OpenIdProvider, free_port, missing_tools

pytestmark = pytest.mark.integration
CLIENT_ID, CLIENT_SECRET = "groeipad-test", "portal-sso-test-client-secret-0123456789"
ACCOUNTS = {"sophie": {"name": "Sophie Willems", "groups": ["staff"]},
            "hanna": {"name": "Hanna Mulder", "groups": ["staff", "people-team"]},
            "stranger": {"name": "Stranger", "groups": ["staff"]}}
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    reason = missing_tools()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            raise RuntimeError(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(f"single sign-on tests skipped: {reason}")
    provider = OpenIdProvider(tmp_path_factory.mktemp("oidc-provider"), client={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uris": ["http://localhost/login/oidc/callback"],
        "post_logout_redirect_uris": ["http://localhost/login"]}, accounts=ACCOUNTS)
    provider.start()
    yield provider
    provider.stop()


def oidc_settings(provider: OpenIdProvider, **overrides) -> OidcSettings:
    values = dict(issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                  scopes="openid profile email groups", roles_claim="groups",
                  role_map={"staff": ("employee",), "people-team": ("hr",)}, label="Test IdP")
    values.update(overrides)
    return OidcSettings(**values)


@pytest.fixture
def sso_portal(make_portal, transport, provider):
    return make_portal(transport, oidc=oidc_settings(provider))


def at_provider(provider: OpenIdProvider, authorize_url: str, login: str) -> str:
    """Sign in and consent at the provider's pages; returns where it sends the browser back to."""
    agent = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _ in range(12):
        answer = agent.request(method, url, data=data, allow_redirects=False, timeout=10)
        if answer.is_redirect:
            url, method, data = urljoin(url, answer.headers["Location"]), "GET", None
            if not url.startswith(provider.issuer):
                return url
            continue
        assert answer.status_code == 200, answer.text[:500]
        action = urljoin(url, FORM_ACTION.search(answer.text).group(1))
        if 'name="login"' in answer.text:
            url, method, data = action, "POST", {"prompt": "login", "login": login, "password": "any"}
        else:
            url, method, data = action, "POST", {"prompt": "consent"}
    raise AssertionError("the provider never sent the browser back")


def back_at_portal(client, url: str):
    parts = urlsplit(url)
    assert parts.netloc == "localhost", url
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, provider, login: str, start: str = "/login/oidc"):
    out = client.get(start)
    assert out.status_code == 302 and out.headers["Location"].startswith(provider.issuer + "/auth?")
    return back_at_portal(client, at_provider(provider, out.headers["Location"], login))


def test_sign_in_maps_groups_to_roles_and_logout_goes_to_the_provider(sso_portal, provider):
    client = sso_portal.test_client()
    back = sign_in(client, provider, "hanna", "/login/oidc?next=/hr/plans")
    assert back.status_code == 302 and back.headers["Location"] == "/hr/plans"
    assert client.get("/hr/plans").status_code == 200  # hr from the people-team group
    assert client.get("/team").status_code == 403  # the demo account's roles no longer count
    account = client.get("/account").get_data(as_text=True)
    assert "Change password" in account  # a demo account keeps its password for local sign-in
    out = client.post("/logout", data={"csrf_token": csrf_of(account)})
    end = urlsplit(out.headers["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == provider.issuer + "/session/end"
    assert "id_token_hint=" in end.query and "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Flogin" in end.query
    assert client.get("/account").status_code == 302  # the portal's session ended before leaving


def test_a_replayed_or_forged_callback_is_refused(sso_portal, provider):
    client = sso_portal.test_client()
    out = client.get("/login/oidc")
    callback = at_provider(provider, out.headers["Location"], "sophie")
    forged = callback.replace("state=", "state=x")
    assert back_at_portal(client, forged).headers["Location"] == "/login"
    assert client.get("/account").status_code == 302

    fresh = sso_portal.test_client()
    out = fresh.get("/login/oidc")
    callback = at_provider(provider, out.headers["Location"], "sophie")
    assert back_at_portal(fresh, callback).headers["Location"] == "/plan"
    fresh.post("/logout", data={"csrf_token": csrf_of(fresh.get("/account").get_data(as_text=True))})
    assert back_at_portal(fresh, callback).headers["Location"] == "/login"  # the state was used up
    assert fresh.get("/account").status_code == 302


def test_an_answer_naming_another_issuer_is_refused(sso_portal, provider):
    client = sso_portal.test_client()
    out = client.get("/login/oidc")
    callback = at_provider(provider, out.headers["Location"], "sophie")
    assert "iss=" in callback  # oidc-provider names itself in the answer (RFC 9207)
    mixed_up = re.sub(r"iss=[^&]+", "iss=https%3A%2F%2Fevil.example", callback)
    assert back_at_portal(client, mixed_up).headers["Location"] == "/login"
    assert client.get("/account").status_code == 302


def test_a_provider_that_is_down_or_is_another_issuer_is_not_followed(make_portal, transport, provider):
    closed = f"http://127.0.0.1:{free_port()}"
    for issuer in (closed, provider.issuer.replace("localhost", "127.0.0.1")):  # discovery names localhost
        client = make_portal(transport, oidc=oidc_settings(provider, issuer=issuer)).test_client()
        out = client.get("/login/oidc")
        assert out.status_code == 302 and out.headers["Location"] == "/login", issuer
        assert "Single sign-on is not available right now" in client.get("/login").get_data(as_text=True)


def test_without_a_roles_claim_only_existing_accounts_sign_in_with_the_portals_roles(make_portal, transport,
                                                                                      provider):
    portal = make_portal(transport, oidc=oidc_settings(provider, roles_claim=None, role_map={}))
    hanna = portal.test_client()
    assert sign_in(hanna, provider, "hanna").headers["Location"] == "/plan"
    assert hanna.get("/hr/plans").status_code == 200  # the demo account's roles: employee and hr
    stranger = portal.test_client()
    assert sign_in(stranger, provider, "stranger").headers["Location"] == "/login"
    assert stranger.get("/account").status_code == 302


def test_local_accounts_switched_off(make_portal, transport, provider):
    portal = make_portal(transport, local_accounts=False, oidc=oidc_settings(provider))
    browser = Browser(portal.test_client())
    page = browser.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and 'id="sign-in-oidc"' in page and "Sign in with Test IdP" in page
    assert browser.post("/login", {"username": "sophie", "password": "groeipad-demo"}).status_code == 404
    assert browser.client.get("/account").status_code == 302  # not signed in
    assert sign_in(browser.client, provider, "sophie").headers["Location"] == "/plan"
    account = browser.get("/account").get_data(as_text=True)
    assert "Change password" not in account
    answer = browser.post("/account", {"current_password": "groeipad-demo", "new_password": "something-new",
                                       "repeat_password": "something-new"})
    assert answer.status_code == 404
    with pytest.raises(ConfigError, match="nobody could sign in"):
        make_portal(transport, local_accounts=False)


def test_settings_from_the_environment(monkeypatch, tmp_path):
    assert OidcSettings.from_env() is None
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-0123456789-0123456789-0123\n")
    monkeypatch.setenv("PORTAL_OIDC_ISSUER", "https://login.example.org/tenant/v2.0")
    monkeypatch.setenv("PORTAL_OIDC_CLIENT_ID", "groeipad")
    monkeypatch.setenv("PORTAL_OIDC_CLIENT_SECRET_FILE", str(secret))
    monkeypatch.setenv("PORTAL_OIDC_ROLES_CLAIM", "roles")
    monkeypatch.setenv("PORTAL_OIDC_ROLE_MAP", "Groeipad.HR=hr, Groeipad.HR=employee,Managers=manager")
    monkeypatch.setenv("PORTAL_OIDC_USERNAME_DOMAIN", "@Example.org")
    settings = OidcSettings.from_env()
    assert settings.client_secret == "from-a-file-0123456789-0123456789-0123"
    assert settings.role_map == {"Groeipad.HR": ("employee", "hr"), "Managers": ("manager",)}
    assert settings.username_domain == "example.org" and settings.origin == "https://login.example.org"
    for name, value, message in [("PORTAL_OIDC_ROLE_MAP", "Everyone=boss", "unknown roles"),
                                 ("PORTAL_OIDC_ROLE_MAP", "no-role-here", "VALUE=ROLE"),
                                 ("PORTAL_OIDC_SCOPES", "profile email", "openid"),
                                 ("PORTAL_OIDC_ISSUER", "login.example.org", "issuer URL"),
                                 ("PORTAL_OIDC_CLIENT_ID", "", "PORTAL_OIDC_CLIENT_ID")]:
        with monkeypatch.context() as patch:
            patch.setenv(name, value)
            with pytest.raises(ConfigError, match=message):
                OidcSettings.from_env()
    monkeypatch.delenv("PORTAL_OIDC_ROLES_CLAIM")
    with pytest.raises(ConfigError, match="need PORTAL_OIDC_ROLES_CLAIM"):
        OidcSettings.from_env()
    assert parse_role_map("") == {}


def test_a_disabled_account_stays_out(make_portal, transport, provider):
    portal = make_portal(transport, oidc=oidc_settings(provider))
    portal.extensions["portal"].store.disable("sophie", actor="admin")
    client = portal.test_client()
    assert sign_in(client, provider, "sophie").headers["Location"] == "/login"
    assert client.get("/account").status_code == 302
    assert portal.extensions["portal"].store.account("sophie").disabled


def test_claims_map_to_a_directory_id_and_roles():
    settings = OidcSettings(issuer="https://idp.example", client_id="c", roles_claim="roles",
                            username_claim="email", username_domain="example.org",
                            role_map={"Boss": ("manager",), "HR": ("hr",)}, default_roles=("employee",))
    sign_on = OidcSignIn(Flask("claims"), settings)
    identity = sign_on.identity({"email": "Marieke@Example.org", "name": "Marieke", "roles": ["Boss", "Other"]})
    assert (identity.username, identity.display_name, identity.roles) == ("marieke", "Marieke",
                                                                          {"employee", "manager"})
    assert sign_on.identity({"email": "x@example.org", "roles": "HR"}).roles == {"employee", "hr"}
    for claims in ({"email": "marieke@elsewhere.org"}, {"email": "marieke"}, {"email": "a b@example.org"},
                   {"name": "no e-mail"}, {"email": ["marieke@example.org"]}):
        with pytest.raises(SignInRefusedError):
            sign_on.identity(claims)


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "deploy" / "sso").glob("*.env")))
def test_the_deploy_examples_are_settings_the_portal_accepts(example, monkeypatch):
    for line in (ROOT / "deploy" / "sso" / example).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            monkeypatch.setenv(name, value)
    settings = OidcSettings.from_env()
    assert settings.issuer.startswith("https://") and settings.roles_claim and settings.role_map
    assert settings.username_domain and settings.client_secret is None  # the secret never sits in the file
