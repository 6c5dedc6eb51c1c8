"""Ids that become API paths (issue 13 §1): every portal route and form, fed hostile values in every id it
forwards (path, query string, hidden fields), calls only the operations it calls with valid ids.

The transport records every call; a run with valid ids gives the operations a route may call, and no
hostile run may call anything else, nor put `..`, `?`, `#` or an encoded slash into an API path.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from services.portal.api_client import ApiPath, InvalidIdError, api_path
from tests.portal.conftest import PLAN_URL, RECOMMENDER_URL, Browser

OFFER = "0b7c8f0e-1111-4c1b-9a7e-000000000001"  # the fake recommender's offer
FIXED = {"operation": "start", "decision": "approve", "fmt": "csv", "name": "password",
         "notification_id": "5f0c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e5f", "token": "not-a-token"}
# Ids of the right shape for the routes of cycles, templates and check-ins (the services answer 404 to them).
FIXED.update({"template_id": "6a1c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e01",
              "cycle_id": "6a1c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e02",
              "checkin_id": "6a1c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e03",
              "agreement_id": "6a1c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e03-1",
              "goal_id": "6a1c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e04"})
# An account to manage (admin pages; its changes stay in this test's copy of the store) and a certificate id.
FIXED.update({"username": "karim", "certificate_id": "6a1c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e05",
              "requirement_id": "6a1c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e06"})
# They forward no id, and signing out (or dropping HR's purpose) would end what the test relies on.
SKIPPED = {"/logout", "/hr/purpose/clear", "/account/sign-out-everywhere", "/login", "/login/<name>",
           "/login/<name>/callback", "/static/<path:filename>"}
ID_FIELDS = ("recommendation_id", "offer_id", "employee_id", "person_id", "plan_id", "action_id", "goal_id",
             "goal_ids", "version", "from", "to")
HOSTILE = ["..", "../../people/sophie/erase", "..%2F..%2Fpeople%2Fsophie%2Ferase", "%2e%2e%2Fpeople",
           "x?format=csv", "x#top", "sophie/erase", "%252e%252e%252f"]


def sign_in(client, username: str) -> Browser:
    browser = Browser(client)
    browser.login(username)
    return browser


def valid_ids(browser: Browser) -> dict[str, str]:
    html = browser.get("/plan").get_data(as_text=True)
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", html).group(1)
    timeline = browser.get(f"/plans/{plan_id}/timeline").get_data(as_text=True)
    action_id = re.search(rf"/plans/{plan_id}/actions/([0-9a-f-]{{36}})", timeline).group(1)
    return {"plan_id": plan_id, "action_id": action_id, "offer_id": OFFER, "person_id": "sophie",
            "credential_id": "7a1c2d9e-3b1a-4c7d-9e2f-0a1b2c3d4e5f"}  # a badge id of the right shape


def api_calls(transport, start: int) -> list[tuple[str, str]]:
    out = []
    for method, url in transport.calls[start:]:
        base = PLAN_URL if url.startswith(PLAN_URL) else RECOMMENDER_URL
        out.append((method, urlsplit(url[len(base):]).path if "?" in url else url[len(base):]))
    return out


def url_for_rule(rule: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule)


def visit(browser: Browser, method: str, url: str, fields: dict[str, str]):
    if method == "GET":
        return browser.client.get(url, query_string=fields)
    return browser.post(url, fields)


@pytest.mark.parametrize("username", ["sophie", "admin"])
def test_hostile_ids_never_reach_another_operation(portal, transport, username):
    client = portal.test_client()
    browser = sign_in(client, username)
    ids = valid_ids(sign_in(portal.test_client(), "sophie"))
    browser.post("/hr/purpose", {"purpose": "audit"}) if username == "admin" else None
    rules = [r for r in portal.url_map.iter_rules() if r.rule not in SKIPPED and r.endpoint != "static"]
    assert len(rules) > 40, "the portal's routes were not found"
    checked = 0
    for rule in rules:
        names = list(rule.arguments)
        good = {**FIXED, **ids}
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            valid_fields = {f: ids.get(f, "") for f in ID_FIELDS if f in ids}
            start = len(transport.calls)
            reply = visit(browser, method, url_for_rule(rule.rule, {n: good[n] for n in names}), valid_fields)
            assert reply.status_code < 500, (rule.rule, method, reply.status_code)
            allowed = set(api_calls(transport, start))
            for hostile in HOSTILE:
                variants = [{**good, name: quote(hostile, safe="%")} for name in names if name not in FIXED]
                if not re.search(r"[/?#]", hostile):  # raw in the path too, where the URL can carry it
                    variants += [{**good, name: hostile} for name in names if name not in FIXED]
                for values in variants or [good]:
                    start = len(transport.calls)
                    url = url_for_rule(rule.rule, {n: values[n] for n in names})
                    reply = visit(browser, method, url, {f: hostile for f in ID_FIELDS})
                    assert reply.status_code < 500, (url, method, reply.status_code)
                    for call in api_calls(transport, start):
                        assert call in allowed, f"{method} {url} with {hostile!r} called {call}"
                        assert not re.search(r"\.\.|%2[fF]|%25|[?#]", call[1]), call
                    checked += 1
    assert checked > 500


@pytest.mark.parametrize("value", HOSTILE + ["", "KARIM-ÄÖ", "a" * 101, "-x", ".hidden", "a b", "a\x00"])
def test_api_path_refuses_what_is_not_an_id(value):
    with pytest.raises(InvalidIdError):
        api_path("/plans/{plan_id}", plan_id=value)
    with pytest.raises(InvalidIdError):
        api_path("/people/{person_id}/erase", person_id=value)


def test_api_path_checks_each_id_by_its_kind_and_encodes_it():
    assert api_path("/people/{person_id}/export", person_id="p.jansen@x") == "/people/p.jansen%40x/export"
    assert isinstance(api_path("/plans"), ApiPath)
    with pytest.raises(InvalidIdError):
        api_path("/plans/{plan_id}", plan_id="karim")  # a directory id is not a plan id
    with pytest.raises(InvalidIdError):
        api_path("/plans/{plan_id}", plan_id=OFFER[:-1])
    for template in ("/plans/../people", "/plans?x=1", "plans", "/plans/{unknown}"):
        with pytest.raises(ValueError):
            api_path(template, unknown="x") if "unknown" in template else api_path(template)


def test_the_client_sends_only_paths_built_by_api_path(portal):
    with portal.test_request_context("/"):
        client = portal.extensions["portal"].plan_api()
        with pytest.raises(TypeError):
            client.get("/plans/../people/sophie/erase")
