"""Sign-in, sessions and the security frame: CSRF, headers, cookies, throttling, no user enumeration."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.portal.accounts import build_portal_store
from tests.portal.conftest import DEMO_PASSWORD, Browser, csrf_of


def test_pages_need_sign_in(client):
    response = client.get("/plan")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/plan")


def test_login_and_logout(browser):
    response = browser.login("sophie")
    assert response.headers["Location"] == "/plan"
    assert browser.get("/plan").status_code == 200
    browser.post("/logout")
    assert browser.get("/plan").status_code == 302


def test_login_goes_to_next_page_but_never_off_site(browser):
    browser.get("/login")
    response = browser.post("/login", {"username": "hanna", "password": DEMO_PASSWORD, "next": "/hr/reports"})
    assert response.headers["Location"] == "/hr/reports"
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        browser.post("/logout")
        browser.get("/login")
        response = browser.post("/login", {"username": "hanna", "password": DEMO_PASSWORD, "next": target})
        assert "evil" not in response.headers["Location"]


def test_session_cookie_flags(browser):
    response = browser.login("sophie")
    cookie = response.headers["Set-Cookie"]
    assert "groeipad_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_secure_cookie_when_configured(make_portal, transport):
    client = make_portal(transport, secure_cookies=True).test_client()
    browser = Browser(client)
    browser.get("/login")
    response = browser.post("/login", {"username": "sophie", "password": DEMO_PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


def test_secure_cookie_behind_https(client):
    browser = Browser(client)
    browser.get("/login", base_url="https://localhost")
    response = client.post("/login", data={"csrf_token": browser.token, "username": "sophie",
                                           "password": DEMO_PASSWORD}, base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_wrong_password_and_unknown_user_look_the_same(browser):
    browser.get("/login")
    wrong = browser.post("/login", {"username": "sophie", "password": "not-her-password"})
    unknown = browser.post("/login", {"username": "nobody-here", "password": "not-her-password"})
    assert wrong.status_code == unknown.status_code == 401
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", wrong.get_data(as_text=True)) == strip.sub("", unknown.get_data(as_text=True))
    assert "not-her-password" not in wrong.get_data(as_text=True)


def test_login_is_throttled_per_username(browser):
    browser.get("/login")
    for _ in range(5):
        assert browser.post("/login", {"username": "karim", "password": "wrong-wrong"}).status_code == 401
    blocked = browser.post("/login", {"username": "karim", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.get_data(as_text=True)
    # another person is not locked out by karim's failures
    assert browser.post("/login", {"username": "sophie", "password": DEMO_PASSWORD}).status_code == 302


def test_unknown_usernames_are_throttled_too(browser):
    browser.get("/login")
    for _ in range(5):
        browser.post("/login", {"username": "ghost", "password": "wrong-wrong"})
    assert browser.post("/login", {"username": "ghost", "password": "wrong-wrong"}).status_code == 429


def test_login_is_throttled_per_address(make_portal, transport):
    client = make_portal(transport, login_max_failures_per_ip=3).test_client()
    browser = Browser(client)
    browser.get("/login")
    for name in ("a1", "a2", "a3"):
        browser.post("/login", {"username": name, "password": "wrong-wrong"})
    assert browser.post("/login", {"username": "sophie", "password": DEMO_PASSWORD}).status_code == 429


def test_successful_login_clears_the_username_counter(browser):
    browser.get("/login")
    for _ in range(4):
        browser.post("/login", {"username": "karim", "password": "wrong-wrong"})
    assert browser.post("/login", {"username": "karim", "password": DEMO_PASSWORD}).status_code == 302
    browser.post("/logout")
    browser.get("/login")
    for _ in range(4):
        assert browser.post("/login", {"username": "karim", "password": "wrong-wrong"}).status_code == 401


def test_every_form_needs_a_csrf_token(client, browser):
    assert client.post("/login", data={"username": "sophie", "password": DEMO_PASSWORD}).status_code == 400
    browser.login("sophie")
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", browser.get("/plan").get_data(as_text=True)).group(1)
    for path in (f"/plans/{plan_id}/skills", f"/plans/{plan_id}/submit", "/logout", "/language",
                 "/account/sign-out-everywhere", f"/portal-api/plans/{plan_id}/smart-check"):
        response = client.post(path, data={"skill": "x"})
        assert response.status_code == 400, path
    assert client.post(f"/plans/{plan_id}/skills", data={"csrf_token": "forged", "skill": "x"}).status_code == 400


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.get_data(as_text=True)


def test_no_inline_script_or_style_on_any_main_page(signed_in):
    browser = signed_in("karim")
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", browser.get("/plan").get_data(as_text=True)).group(1)
    for path in ("/plan", f"/plans/{plan_id}", f"/plans/{plan_id}/goals/new", f"/plans/{plan_id}/skills"):
        html = browser.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html and " onclick=" not in html, path


def test_sign_out_everywhere_ends_other_sessions(portal):
    first, second = Browser(portal.test_client()), Browser(portal.test_client())
    first.login("sophie")
    second.login("sophie")
    first.post("/account/sign-out-everywhere")
    assert second.get("/plan").status_code == 302
    assert first.get("/plan").status_code == 302
    Browser(portal.test_client()).login("sophie")


def test_change_password(portal):
    browser, other = Browser(portal.test_client()), Browser(portal.test_client())
    browser.login("karim")
    other.login("karim")
    wrong = browser.post("/account", {"current_password": "nope", "new_password": "nieuw-wachtwoord",
                                      "repeat_password": "nieuw-wachtwoord"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    ok = browser.post("/account", {"current_password": DEMO_PASSWORD, "new_password": "nieuw-wachtwoord",
                                   "repeat_password": "nieuw-wachtwoord"})
    assert ok.status_code == 302
    assert browser.get("/plan").status_code == 200  # this session stays
    assert other.get("/plan").status_code == 302  # the other one ended
    fresh = Browser(portal.test_client())
    fresh.get("/login")
    assert fresh.post("/login", {"username": "karim", "password": "nieuw-wachtwoord"}).status_code == 302


def test_roles_guard_pages(signed_in):
    sophie = signed_in("sophie")
    for path in ("/team", "/hr/plans", "/hr/reports", "/ld/catalogue", "/ld/reports"):
        assert sophie.get(path).status_code == 403, path
    daan = signed_in("daan")
    assert daan.get("/ld/catalogue").status_code == 200
    assert daan.get("/hr/plans").status_code == 403


def test_language_from_browser_and_switch(client):
    assert 'lang="nl"' in client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).get_data(as_text=True)
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in html
    response = client.post("/language", data={"csrf_token": csrf_of(html), "lang": "nl", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert 'lang="nl"' in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_unknown_pages_and_methods_are_friendly(client):
    assert client.get("/nope").status_code == 404
    assert client.put("/login").status_code == 405
    assert "Not found" in client.get("/nope").get_data(as_text=True)


def test_probes_need_no_session(client):
    assert client.get("/health").get_json() == {"status": "ok"}
    assert client.get("/ready").get_json()["status"] == "ready"


def test_another_sign_in_provider_plugs_in(portal):
    """The provider interface on its own: redirect out, come back, map to a portal account (the OpenID
    provider itself is tested against a real one in tests/portal/test_sso_browser.py)."""
    from services.portal.auth import Identity, SignInResult

    class FakeSso:
        name = label = "sso"
        assigns_roles = False

        def logout_url(self, provider_session, return_to):
            return None

        def begin(self, callback_url):
            from flask import redirect

            return redirect(callback_url + "?code=ok-marieke")

        def complete(self, args, client):
            user = args.get("code", "").removeprefix("ok-")
            return SignInResult(Identity(user, user, frozenset({"admin"})) if args.get("code") else None)

    portal.extensions["portal"].providers["sso"] = FakeSso()
    client = portal.test_client()
    assert "Sign in with sso" in client.get("/login").get_data(as_text=True)
    out = client.get("/login/sso?next=/team")
    back = client.get(out.headers["Location"].replace("http://localhost", ""))
    assert back.headers["Location"] == "/team"
    assert client.get("/team").status_code == 200  # roles come from the portal account, not the provider
    assert client.get("/hr/plans").status_code == 403
    refused = portal.test_client().get("/login/sso/callback?code=ok-stranger")
    assert refused.headers["Location"] == "/login"
    assert portal.test_client().get("/login/nope").status_code == 404
    assert portal.test_client().get("/login/password/callback").status_code == 404


def test_logout_ends_the_session_on_the_server(portal):
    browser = Browser(portal.test_client())
    browser.login("sophie")
    stolen = browser.client.get_cookie("groeipad_session").value
    thief = portal.test_client()
    thief.set_cookie("groeipad_session", stolen)
    assert thief.get("/plan").status_code == 200  # the same cookie works while the session lives
    browser.post("/logout")
    assert thief.get("/plan").status_code == 302, "a copy of the cookie must not outlive the sign-out"
    assert browser.get("/plan").status_code == 302


def test_concurrent_guesses_never_pass_the_limit(portal):
    """Ten guesses at once for one account: exactly five reach the password check, the rest wait."""
    browsers = [Browser(portal.test_client()) for _ in range(10)]
    for browser in browsers:
        browser.get("/login")
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda b: b.post("/login", {"username": "karim", "password": "wrong-wrong"})
                                 .status_code, browsers))
    assert sorted(statuses) == [401] * 5 + [429] * 5


@pytest.mark.parametrize("limit", [1, 5])
def test_the_throttle_counts_atomically_on_every_store(store_url, limit):
    store = build_portal_store(url=store_url)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            allowed = list(pool.map(lambda _: store.throttles.attempt("user:x", limit, 900).allowed, range(40)))
        assert allowed.count(True) == limit
    finally:
        store.close()


def test_failed_sign_ins_do_not_grow_the_store(store_url):
    store = build_portal_store(url=store_url)
    try:
        before = store.recorder.max_notification_id()
        for n in range(300):  # a password spray over many names, each throttled in its own row
            store.throttles.attempt(f"user:spray-{n}", 5, 900, now=1000.0 + n)
        assert store.recorder.max_notification_id() == before, "failures are no events"
        assert store.throttles.purge(900, now=1000.0 + 299 + 901) == 300  # rows end with their window
        assert store.throttles.recent("user:spray-1", 900, now=1000.0) is None
    finally:
        store.close()
