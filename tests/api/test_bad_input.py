"""Hostile and broken input: a clear 4xx with the field and the reason, and nothing changes."""

from __future__ import annotations

import pytest
from plan_api_helpers import API, GOAL, ok, start_plan


def version_of(client, auth, plan_id) -> int:
    return ok(client.get(f"{API}/plans/{plan_id}", headers=auth("karim")))["version"]


@pytest.fixture
def plan(client, auth):
    return start_plan(client, auth("karim"))


def post_raw(client, auth, path, data, content_type="application/json"):
    return client.post(path, data=data, headers={**auth("karim"), "Content-Type": content_type})


def test_deeply_nested_json_is_refused_not_crashed(client, auth, plan):
    deep = "[" * 100_000 + "]" * 100_000
    response = post_raw(client, auth, f"{API}/plans/{plan}/goals", deep)
    assert 400 <= response.status_code < 500 and response.json["status"] == response.status_code
    assert version_of(client, auth, plan) == 1


@pytest.mark.parametrize("text", ["\ud800", "a\x00b", "\ufeff\u202e evil", "🙂" * 50, "e\u0301"])
def test_unicode_edge_cases_are_stored_or_refused_never_500(store_client, auth, text):
    client = store_client
    plan = start_plan(client, auth("karim"))
    response = client.post(f"{API}/plans/{plan}/goals", headers=auth("karim"), json={**GOAL, "title": text})
    assert response.status_code in {201, 422}, response.json
    if response.status_code == 201:
        titles = [g["title"] for g in ok(client.get(f"{API}/plans/{plan}", headers=auth("karim")))["goals"]]
        assert text.strip() in titles


def test_lone_surrogates_are_refused_with_the_field(client, auth, plan):
    response = post_raw(client, auth, f"{API}/plans/{plan}/goals",
                        '{"title": "\\ud800", "deadline": "2027-01-01", "measure": "m", "relevance": "r"}')
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "title"
    assert version_of(client, auth, plan) == 1


def test_huge_strings_get_a_length_error(client, auth, plan):
    response = client.post(f"{API}/plans/{plan}/feedback", headers=auth("karim"),
                           json={"source": "self", "text": "x" * 200_000})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "text"
    assert "5000" in response.json["errors"][0]["reason"]


def test_oversized_bodies_get_413(client, auth, plan):
    response = post_raw(client, auth, f"{API}/plans/{plan}/feedback", '{"text": "' + "x" * 2_000_000 + '"}')
    assert response.status_code == 413 and "too large" in response.json["message"]
    assert version_of(client, auth, plan) == 1


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x"])
def test_wrong_content_types_get_415(client, auth, plan, content_type):
    response = post_raw(client, auth, f"{API}/plans/{plan}/feedback", '{"source": "self", "text": "hi"}', content_type)
    assert response.status_code == 415


@pytest.mark.parametrize("deadline", ["2027-02-30", "31-12-2027", "2027-13-01", "", "tomorrow", 20271231, None])
def test_invalid_dates_name_the_field(client, auth, plan, deadline):
    response = client.post(f"{API}/plans/{plan}/goals", headers=auth("karim"), json={**GOAL, "deadline": deadline})
    assert response.status_code == 422 and "deadline" in [e["field"] for e in response.json["errors"]]


@pytest.mark.parametrize("level", [True, 2.5, "3", -1, 6, 10**30])
def test_levels_must_be_whole_numbers_0_to_5(client, auth, plan, level):
    response = client.post(f"{API}/plans/{plan}/assessments", headers=auth("karim"),
                           json={"skill": "excel", "category": "technical", "level": level})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "level"


@pytest.mark.parametrize("csv", [
    "", "name\nAnn\n", "id,name\n,Nobody\n", "id,name\nann,Ann\nann,Ann again\n", "\x00\x01\x02",
    'id,name\n"unterminated,Ann\n', 'id,name\nann,"' + "x" * 200_000 + '"\n',  # a field over csv's size limit
])
def test_malformed_people_imports_change_nothing(client, auth, csv):
    before = ok(client.get(f"{API}/people", headers=auth("hanna")))["total"]
    response = client.post(f"{API}/people/import", data=csv.encode(),
                           headers={**auth("hanna"), "Content-Type": "text/csv"})
    assert response.status_code == 422, response.json
    assert ok(client.get(f"{API}/people", headers=auth("hanna")))["total"] == before


def test_a_people_file_with_lone_carriage_returns_is_read_as_lines(client, auth):
    """Old Mac and some spreadsheet exports end lines with a lone \\r: read as lines, not refused or crashed."""
    response = client.post(f"{API}/people/import", data=b"id,name\rcr-ann,Ann\rcr-bob,Bob\r",
                           headers={**auth("hanna"), "Content-Type": "text/csv"})
    assert response.status_code == 200, response.json
    found = ok(client.get(f"{API}/people?q=cr-", headers=auth("hanna")))["items"]
    assert {p["id"] for p in found} >= {"cr-ann", "cr-bob"}


def test_a_non_utf8_import_is_refused(client, auth):
    response = client.post(f"{API}/people/import", data="id,name\nann,Ännchen\n".encode("latin-1"),
                           headers={**auth("hanna"), "Content-Type": "text/csv"})
    assert response.status_code == 422


def test_the_shared_schema_instance_keeps_no_state_between_bodies(client, auth, plan):
    """Each schema is one instance for every request (shared/httpapi.py): errors one after another each name
    their own field, and a good body after bad ones passes."""
    for body, field in (({"note": ""}, "note"), ({"note": "x", "progress": 101}, "progress"), ({}, "note"),
                        ({"note": "x", "extra": 1}, "extra")):
        response = client.post(f"{API}/plans/{plan}/progress", json=body, headers=auth("karim"))
        assert response.status_code == 422 and [e["field"] for e in response.json["errors"]] == [field], body
    assert ok(client.post(f"{API}/plans/{plan}/progress", json={"note": "x"}, headers=auth("karim")), 201)
