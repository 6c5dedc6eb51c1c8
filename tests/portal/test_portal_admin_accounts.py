"""Account management for administrators, through the test client: list and search, create with a one-time
link, change roles, disable and enable, reset by a link that expires and works once, sign-in activity, and
every change on the account's audit trail with who made it. Non-admins are refused."""

from __future__ import annotations

import re

import pytest

from services.portal import account_admin
from tests.portal.conftest import Browser

LINK = re.compile(r"(/password-reset/[A-Za-z0-9_-]+)")


def test_only_admins_reach_account_management(signed_in):
    for username in ("sophie", "petra", "hanna", "daan"):
        person = signed_in(username)
        assert person.get("/admin/accounts").status_code == 403, username
        assert person.get("/admin/accounts/karim").status_code == 403
        assert person.post("/admin/accounts/karim/disable").status_code == 403
        assert person.post("/admin/accounts/karim/roles", {"roles": "admin"}).status_code == 403
        assert person.post("/admin/accounts/karim/reset").status_code == 403
        assert person.post("/admin/accounts/new", {"username": "x1", "display_name": "X",
                                                   "roles": "admin"}).status_code == 403


def test_list_and_search_accounts(signed_in):
    admin = signed_in("admin")
    page = admin.get("/admin/accounts").get_data(as_text=True)
    for name in ("Sophie Willems", "Karim El Amrani", "Beheerder Groeipad"):
        assert name in page
    found = admin.get("/admin/accounts?q=willem").get_data(as_text=True)
    assert "Sophie Willems" in found and "Karim El Amrani" not in found
    assert "No account matches." in admin.get("/admin/accounts?q=zzz").get_data(as_text=True)


def test_create_an_account_the_person_activates_by_link(signed_in, client):
    admin = signed_in("admin")
    refused = admin.post("/admin/accounts/new", {"username": "Bad Name!", "display_name": "X", "roles": "employee"})
    assert refused.status_code == 422
    no_role = admin.post("/admin/accounts/new", {"username": "lisa", "display_name": "Lisa de Groot"})
    assert no_role.status_code == 422 and "Choose one or more roles." in no_role.get_data(as_text=True)
    made = admin.post("/admin/accounts/new", data={"username": "lisa", "display_name": "Lisa de Groot",
                                                    "roles": ["employee", "manager"]})
    assert made.status_code == 200, made.get_data(as_text=True)[:300]
    html = made.get_data(as_text=True)
    link = LINK.search(html).group(1)
    assert "created the account" in html and "admin" in html
    again = admin.post("/admin/accounts/new", {"username": "lisa", "display_name": "L", "roles": "employee"})
    assert again.status_code == 422

    client.post("/logout", data={"csrf_token": admin.token})
    lisa = Browser(client)
    assert lisa.get(link).status_code == 200
    short = lisa.post(link, {"new_password": "kort", "repeat_password": "kort"})
    assert short.status_code == 422
    assert lisa.post(link, {"new_password": "lisa-nieuw-wachtwoord",
                            "repeat_password": "lisa-nieuw-wachtwoord"}).status_code == 302
    lisa.login("lisa", "lisa-nieuw-wachtwoord")
    assert lisa.get("/team").status_code == 200
    assert lisa.get(link).status_code == 410, "a link works once"


def test_roles_disable_enable_and_the_audit_trail(signed_in, client):
    admin = signed_in("admin")
    assert admin.post("/admin/accounts/karim/roles", {"roles": ["employee", "manager"]}).status_code == 302
    assert admin.post("/admin/accounts/karim/roles", {}).status_code == 422
    assert admin.post("/admin/accounts/admin/roles", {"roles": "employee"}).status_code == 422
    assert admin.post("/admin/accounts/nobody/roles", {"roles": "employee"}).status_code == 404
    assert admin.post("/admin/accounts/karim/disable").status_code == 302
    page = admin.get("/admin/accounts/karim").get_data(as_text=True)
    trail = page[page.index('id="account-audit"'):]
    assert trail.index("disabled the account") < trail.index("changed the name or roles") < trail.index(
        "created the account"), "newest first"
    assert "admin: disabled the account" in " ".join(trail.split())
    assert admin.post("/admin/accounts/admin/disable").status_code == 302
    assert "You cannot disable your own account." in admin.get("/admin/accounts/admin").get_data(as_text=True)

    karim = Browser(client.application.test_client())
    karim.get("/login")
    assert karim.post("/login", {"username": "karim", "password": "groeipad-demo"}).status_code == 401
    assert admin.post("/admin/accounts/karim/enable").status_code == 302
    karim.login("karim")
    assert karim.get("/team").status_code == 200, "the new manager role counts"
    page = admin.get("/admin/accounts/karim").get_data(as_text=True)
    assert "with a password" in page and "enabled the account" in page


def test_reset_link_expires_and_ends_other_sessions(signed_in, portal):
    admin = signed_in("admin")
    store = portal.extensions["portal"].store
    old = portal.test_client()
    Browser(old).login("sophie")
    page = admin.post("/admin/accounts/sophie/reset").get_data(as_text=True)
    link = LINK.search(page).group(1)
    assert "made a one-time password link" in page
    expired = account_admin.issue_reset(store, "sophie", actor="admin", seconds=-1)
    stranger = Browser(portal.test_client())
    assert stranger.get(f"/password-reset/{expired}").status_code == 410
    assert stranger.get("/password-reset/not-a-token").status_code == 410
    assert stranger.post(link, {"new_password": "sophie-opnieuw", "repeat_password": "sophie-opnieuw"}
                         ).status_code == 302
    assert old.get("/plan").status_code == 302, "the old session ended with the new password"
    with pytest.raises(account_admin.PasswordResetError):
        account_admin.use_reset(store, link.rsplit("/", 1)[1], "nog-een-keer-anders")
