"""Hostile bodies on every recommender write: a 4xx in the shared error shape, never a 500, and nothing stored."""

from __future__ import annotations

import json

import pytest

from tests.recommender.conftest import OFFER

SETTINGS = {"weights": {"text": 1.0}, "synonyms": {"spreadsheets": ["rekenblad"]}, "reason": "tuning"}
ROLE = {"name": "Team leader", "skills": [{"skill": "feedback geven", "level": 3}]}
# (method, path, a valid body whose "title"-like text field is PLACE and whose number field is NUMBER)
WRITES = [
    ("POST", "/api/v1/offers", {**OFFER, "external_id": "new-1", "title": "PLACE", "hours": "NUMBER"}),
    ("PATCH", "/api/v1/offers/{offer}", {"title": "PLACE", "cost": "NUMBER"}),
    ("POST", "/api/v1/offers/{offer}/retire", {"reason": "PLACE", "x": "NUMBER"}),
    ("POST", "/api/v1/catalogue/import", [{**OFFER, "external_id": "new-2", "title": "PLACE", "hours": "NUMBER"}]),
    ("PUT", "/api/v1/roles/team-leader", {**ROLE, "name": "PLACE", "skills": [{"skill": "x", "level": "NUMBER"}]}),
    ("PUT", "/api/v1/settings", {**SETTINGS, "reason": "PLACE", "weights": {"text": "NUMBER"}}),
    ("POST", "/api/v1/evaluation", {"queries": [{"query": "PLACE", "relevant": ["a"]}],
                                    "proposed": {"weights": {"text": "NUMBER"}}}),
    ("POST", "/api/v1/recommendations", {"gaps": [{"skill": "PLACE", "target_level": "NUMBER"}]}),
]
HOSTILE = {
    "lone surrogate": ('"\\ud800"', "1"),
    "NUL character": ('"a\\u0000b"', "1"),
    "a number too long to convert": ('"ok"', "1" * 5000),
    "NaN": ('"ok"', "NaN"),
    "Infinity": ('"ok"', "-Infinity"),
    "a number too large": ('"ok"', "1e999"),
}


def raw_body(template, text: str, number: str) -> str:
    return json.dumps(template).replace('"PLACE"', text).replace('"NUMBER"', number)


@pytest.fixture
def published(client, ld):
    return client.post("/api/v1/offers", json=OFFER, headers=ld).json["offer_id"]


def stored_events(runtime) -> int:
    return runtime.app.recorder.max_notification_id() or 0


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("method,path,template", WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_hostile_values_are_refused_with_the_error_shape(client, runtime, ld, published, method, path, template,
                                                         kind):
    before = stored_events(runtime)
    response = client.open(path.format(offer=published), method=method, data=raw_body(template, *HOSTILE[kind]),
                           headers={**ld, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, (response.status_code, response.json)
    assert set(response.json) == {"status", "message", "errors"} and response.json["status"] == response.status_code
    assert stored_events(runtime) == before


@pytest.mark.parametrize("method,path,template", WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_deep_nesting_is_refused_not_crashed(client, runtime, ld, published, method, path, template):
    before = stored_events(runtime)
    for deep in ("[" * 100_000 + "]" * 100_000, raw_body(template, "[" * 40 + "]" * 40, "1")):
        response = client.open(path.format(offer=published), method=method, data=deep,
                               headers={**ld, "Content-Type": "application/json"})
        assert 400 <= response.status_code < 500 and response.json["status"] == response.status_code
    assert stored_events(runtime) == before


def test_lone_surrogates_name_the_field(client, ld):
    response = client.post("/api/v1/offers", data=raw_body({**OFFER, "title": "PLACE"}, '"\\udc00"', "1"),
                           headers={**ld, "Content-Type": "application/json"})
    assert response.status_code == 422 and response.json["errors"] == [
        {"field": "title", "reason": "contains an unpaired UTF-16 surrogate"}]


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_json_lines_are_rejected_per_line(client, runtime, ld, kind):
    before = stored_events(runtime)
    good = json.dumps({**OFFER, "external_id": "line-1"})
    bad = raw_body({**OFFER, "external_id": "line-2", "title": "PLACE", "hours": "NUMBER"}, *HOSTILE[kind])
    deep = "[" * 50_000 + "]" * 50_000
    response = client.post("/api/v1/catalogue/import", data=f"{bad}\n{deep}\n{good}\n",
                           headers={**ld, "Content-Type": "application/x-ndjson"})
    assert response.status_code == 200, response.json
    assert response.json["imported"] == 1 and {r["line"] for r in response.json["rejected"]} == {1, 2}
    assert stored_events(runtime) == before + 1


def test_a_nul_in_a_csv_row_rejects_that_row(client, ld):
    csv = "external_id,title,means\ncsv-1,Excel\x00,mooc\ncsv-2,Excel,mooc\n"
    response = client.post("/api/v1/catalogue/import", data=csv, headers={**ld, "Content-Type": "text/csv"})
    assert response.json["imported"] == 1 and response.json["rejected"][0]["line"] == 2
    assert "NUL" in response.json["rejected"][0]["reason"]


def test_a_nul_in_a_taxonomy_file_is_refused(client, runtime, ld):
    before = stored_events(runtime)
    csv = "id,type,en,nl,synonyms_en,synonyms_nl\nx-1,technical,welding\x00,lassen,,\n"
    response = client.post("/api/v1/skills/import", data=csv, headers={**ld, "Content-Type": "text/csv"})
    assert response.status_code == 422 and stored_events(runtime) == before


def test_a_taxonomy_file_with_lone_carriage_returns_is_read_as_lines(client, runtime, ld):
    """Old Mac and some spreadsheet exports end lines with a lone \\r: csv reads them as lines, not as a crash."""
    csv = "id,type,en,nl,synonyms_en,synonyms_nl\rcr-1,technical,Welding,Lassen,,\rcr-2,technical,Soldering,,,\r"
    response = client.post("/api/v1/skills/import", data=csv, headers={**ld, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.json
    ids = {s["id"] for s in client.get("/api/v1/skills?q=welding", headers=ld).json["skills"]}
    assert "cr-1" in ids


def test_a_taxonomy_field_over_the_csv_size_limit_is_a_422_and_stores_nothing(client, runtime, ld):
    before = stored_events(runtime)
    csv = 'id,type,en,nl,synonyms_en,synonyms_nl\nbig-1,technical,"' + "x" * 200_000 + '",,,\n'
    response = client.post("/api/v1/skills/import", data=csv, headers={**ld, "Content-Type": "text/csv"})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "body"
    assert "after line 1" in response.json["message"] and stored_events(runtime) == before


def test_catalogue_csv_rows_ended_by_lone_carriage_returns_are_imported(client, ld):
    csv = "external_id,title,means\rcr-a,Excel basics,mooc\rcr-b,Excel advanced,mooc\r"
    response = client.post("/api/v1/catalogue/import", data=csv, headers={**ld, "Content-Type": "text/csv"})
    assert response.json["imported"] == 2 and response.json["rejected"] == []
