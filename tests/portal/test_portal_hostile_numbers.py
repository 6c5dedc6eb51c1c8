"""Huge and malformed numbers in every portal form and JSON helper (issue 13 §4): a 4xx or the form again,
never a 5xx."""

from __future__ import annotations

import json
import re

import pytest

from tests.portal.test_portal_hostile_ids import FIXED, SKIPPED, sign_in, url_for_rule, valid_ids

NUMBERS = ["1e999999999", "1E+9999999999999999999", "9" * 5000, "NaN", "-Infinity", "0x10",
           "1e-99999999999999999999", "-1", "12,5,6", "1\x00", "٣٣٣٣٣٣٣٣٣٣٣"]
NUMBER_FIELDS = ("hours", "cost", "amount", "level", "new_level", "evaluation", "available_hours",
                 "available_budget", "hours_needed", "budget_needed", "target_0", "target_1", "target_2",
                 "progress", "version", "from", "to", "max_cost", "hours_per_week", "text", "taxonomy")


@pytest.mark.parametrize("username", ["sophie", "admin"])
def test_every_form_answers_hostile_numbers_without_a_server_error(portal, transport, username):
    browser = sign_in(portal.test_client(), username)
    ids = {**FIXED, **valid_ids(sign_in(portal.test_client(), "sophie"))}
    if username == "admin":
        browser.post("/hr/purpose", {"purpose": "audit"})
    rules = [r for r in portal.url_map.iter_rules() if r.rule not in SKIPPED and r.endpoint != "static"]
    visited = 0
    for rule in rules:
        url = url_for_rule(rule.rule, {n: ids[n] for n in rule.arguments})
        for value in NUMBERS:
            fields = {name: value for name in NUMBER_FIELDS}
            if "POST" in (rule.methods or set()):
                reply = browser.post(url, fields)
                assert reply.status_code < 500, (rule.rule, value[:20], reply.status_code)
                visited += 1
            if "GET" in (rule.methods or set()):
                reply = browser.client.get(url, query_string=fields)
                assert reply.status_code < 500, (rule.rule, value[:20], reply.status_code)
    assert visited > 200


@pytest.mark.parametrize("raw", ['{"hours_needed": 1e999, "budget_needed": 1, "skills": [{"skill": "x", '
                                 '"target_level": 1e999}]}',
                                 '{"hours_needed": "1e999999999", "budget_needed": "9e999999999"}',
                                 '{"hours_needed": "' + "9" * 5000 + '", "skills": [{"skill": "x", "target_level": "'
                                 + "9" * 5000 + '"}]}',
                                 '{"hours_needed": NaN, "budget_needed": -Infinity}',
                                 '{"skills": [{"skill": "x", "target_level": {"a": 1}}], "deadline": 12}'])
def test_the_smart_check_answers_hostile_numbers(portal, raw):
    browser = sign_in(portal.test_client(), "sophie")
    plan_id = valid_ids(browser)["plan_id"]
    reply = browser.client.post(f"/portal-api/plans/{plan_id}/smart-check", data=raw,
                                headers={"Content-Type": "application/json", "X-CSRFToken": browser.token})
    assert reply.status_code in (200, 400, 422), reply.status_code
    if reply.status_code == 200:
        assert "A" in reply.get_json()["failing"]
        assert not re.search(r"\d{30}", json.dumps(reply.get_json()))
