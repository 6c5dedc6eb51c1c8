"""The catalogue endpoints through the Flask test client: CRUD, retire, history, import, export."""

from __future__ import annotations

import csv
import io
import json

import pytest

from recommender.app import create_app
from recommender.runtime import Runtime


def test_publish_read_revise_retire_and_history(client, ld, employee, offer):
    created = client.post("/api/v1/offers", json=offer, headers=ld)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["title"] == offer["title"] and body["status"] == "published"
    assert created.headers["ETag"] == '"1"'
    offer_id = body["offer_id"]

    read = client.get(f"/api/v1/offers/{offer_id}", headers=employee)
    assert read.status_code == 200 and read.json["skills"] == offer["skills"]

    revised = client.patch(f"/api/v1/offers/{offer_id}", json={"hours": 20, "cost": None},
                           headers={**ld, "If-Match": '"1"'})
    assert revised.status_code == 200
    assert revised.json["hours"] == 20 and "cost" not in revised.json

    stale = client.patch(f"/api/v1/offers/{offer_id}", json={"hours": 8},
                         headers={**ld, "If-Match": '"1"'})
    assert stale.status_code == 412

    retired = client.post(f"/api/v1/offers/{offer_id}/retire", json={"reason": "outdated"},
                          headers=ld)
    assert retired.json["status"] == "retired"
    listed = client.get("/api/v1/offers", headers=employee).json
    assert listed["total"] == 0
    assert client.get("/api/v1/offers?status=retired", headers=employee).json["total"] == 1

    history = client.get(f"/api/v1/offers/{offer_id}/history", headers=employee).json["history"]
    assert [h["type"] for h in history] == ["OfferPublished", "OfferRevised", "OfferRetired"]
    assert history[0]["actor"] == {"subject": "lena", "role": "ld"}
    assert history[2]["data"]["reason"] == "outdated"


def test_roles_and_errors(client, ld, employee, offer):
    assert client.post("/api/v1/offers", json=offer).status_code == 401
    forbidden = client.post("/api/v1/offers", json=offer, headers=employee)
    assert forbidden.status_code == 403 and forbidden.json["message"]
    assert client.post("/api/v1/offers", json=offer, headers=ld).status_code == 201
    duplicate = client.post("/api/v1/offers", json=offer, headers=ld)
    assert duplicate.status_code == 409
    assert duplicate.json["errors"] == [{"field": "external_id", "reason": duplicate.json["errors"][0]["reason"]}]

    bad = client.post("/api/v1/offers", json={"external_id": "x", "means": "lecture", "hours": -2},
                      headers=ld)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} == {"title", "means", "hours"}
    assert client.post("/api/v1/offers", data="{nope", content_type="application/json",
                       headers=ld).status_code == 400
    assert client.post("/api/v1/offers", json=[1, 2], headers=ld).status_code == 422
    assert client.get("/api/v1/offers/not-a-uuid", headers=employee).status_code == 404
    missing = client.get("/api/v1/offers/00000000-0000-0000-0000-000000000000", headers=employee)
    assert missing.status_code == 404 and missing.json["status"] == 404
    assert client.get("/api/v1/offers?limit=0", headers=employee).status_code == 422
    oid = client.get("/api/v1/offers", headers=employee).json["offers"][0]["offer_id"]
    assert client.patch(f"/api/v1/offers/{oid}", json={"external_id": "y"},
                        headers=ld).status_code == 400
    assert client.patch(f"/api/v1/offers/{oid}", json={"title": None},
                        headers=ld).status_code == 422
    assert client.post("/api/v1/offers", data="a,b", content_type="text/csv",
                       headers=ld).status_code == 415


def test_import_jsonl_upserts_and_rejects_bad_lines(client, ld, employee):
    lines = [
        {"external_id": "a", "title": "Excel voor gevorderden", "means": "workshop", "language": "nl"},
        {"external_id": "b", "title": "Leading teams", "means": "mooc"},
        {"external_id": "c", "title": "No means"},
        {"external_id": "d", "title": "Bad cost", "means": "mooc", "cost": "lots"},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    first = client.post("/api/v1/catalogue/import", data=text,
                        content_type="application/x-ndjson", headers=ld)
    assert first.status_code == 200, first.json
    assert first.json["imported"] == 2 and first.json["updated"] == 0
    assert first.json["rejected"] == [
        {"line": 3, "field": "means", "reason": "Missing data for required field."},
        {"line": 4, "field": "cost", "reason": "Not a valid number."},
        {"line": 5, "field": "body", "reason": first.json["rejected"][2]["reason"]},
    ]
    lines[1]["title"] = "Leading teams well"
    again = client.post("/api/v1/catalogue/import", data="\n".join(json.dumps(x) for x in lines[:2]),
                        content_type="application/x-ndjson", headers=ld)
    assert again.json == {"imported": 0, "updated": 1, "unchanged": 1, "rejected": []}
    assert client.post("/api/v1/catalogue/import", data="{}", content_type="application/x-ndjson",
                       headers=employee).status_code == 403


def test_import_csv_and_export_round_trip(client, ld, employee):
    csv_text = ("external_id,title,means,skills,certificate,hours,sessions,learning_outcomes\n"
                "m1,Mentor: leidinggeven,mentoring,leadership:3|coaching,misschien,10,,\n"
                "m3,Timemanagement,workshop,,ja,3,,\n"
                "m2,Excel basis,internal_training,spreadsheets:2,no,4,2027-01-10/2027-01-11@Utrecht,"
                "Formules|Draaitabellen\n"
                ",Missing id,mooc,,,,,\n")
    result = client.post("/api/v1/catalogue/import", data=csv_text, content_type="text/csv",
                         headers=ld).json
    assert result["imported"] == 2
    assert [(r["line"], r["field"]) for r in result["rejected"]] == [(2, "certificate"),
                                                                     (5, "external_id")]
    exported = client.get("/api/v1/catalogue/export?format=csv", headers=employee)
    assert exported.mimetype == "text/csv" and "2027-01-10/2027-01-11@Utrecht" in exported.text
    again = client.post("/api/v1/catalogue/import", data=exported.text, content_type="text/csv",
                        headers=ld).json
    assert again == {"imported": 0, "updated": 0, "unchanged": 2, "rejected": []}
    jsonl = client.get("/api/v1/catalogue/export", headers=employee)
    by_id = {o["external_id"]: o for o in map(json.loads, jsonl.text.splitlines())}
    assert by_id["m2"]["learning_outcomes"] == ["Formules", "Draaitabellen"]
    header_only = client.post("/api/v1/catalogue/import", data="title,means\nx,mooc\n",
                              content_type="text/csv", headers=ld)
    assert header_only.status_code == 422
    assert client.post("/api/v1/catalogue/import", data=b"\xff\xfe", content_type="text/csv",
                       headers=ld).status_code == 400


def test_import_is_batched_and_fast_on_every_store(store_url, tokens):
    """Many offers per save: a few thousand offers import well within seconds on both stores."""
    rt = Runtime.build(store_url)
    try:
        client = create_app({"RUNTIME": rt}).test_client()
        rows = "\n".join(json.dumps({"external_id": f"x{i}", "title": f"Course {i}", "means": "mooc"})
                         for i in range(2000))
        result = client.post("/api/v1/catalogue/import", data=rows,
                             content_type="application/x-ndjson", headers=tokens("l", "ld")).json
        assert result["imported"] == 2000
        assert rt.app.catalogue_version() == 2000
        other = Runtime.build(store_url)
        assert len(other.app.offers()) == 2000 and other.app.replica.position == 2000
        other.close()
    finally:
        rt.close()


@pytest.mark.parametrize("path", ["/health", "/api/v1/openapi.json"])
def test_public_paths(client, path):
    assert client.get(path).status_code == 200


def test_the_catalogue_csv_runs_no_formula_and_still_round_trips(client, ld, employee, offer):
    hostile = {**offer, "external_id": "evil", "title": "=cmd|' /C calc'!A0", "provider": "@SUM(A1)"}
    assert client.post("/api/v1/offers", json=hostile, headers=ld).status_code == 201
    exported = client.get("/api/v1/catalogue/export?format=csv", headers=employee).text
    row = next(r for r in csv.DictReader(io.StringIO(exported)) if r["external_id"] == "evil")
    assert row["title"] == "'=cmd|' /C calc'!A0" and row["provider"] == "'@SUM(A1)"
    again = client.post("/api/v1/catalogue/import", data=exported, content_type="text/csv", headers=ld).json
    assert again["updated"] == 0 and again["rejected"] == []
    assert client.get("/api/v1/offers?q=calc", headers=employee).json["offers"][0]["title"] == hostile["title"]
