"""Certificates through the plan API: add with a file, read it back (only those allowed), what expires,
recertification in one step, a certificate on a closed plan, the GDPR export and erasure."""

from __future__ import annotations

import base64
import io
from datetime import date, timedelta

import pytest
from plan_api_helpers import API, add_action, error_fields, ok, start_plan

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
TODAY = date.today()


def completed_action(client, auth) -> tuple[str, str]:
    plan_id = start_plan(client, auth("karim"))
    action_id = add_action(client, auth("karim"), plan_id)
    ok(client.post(f"{API}/plans/{plan_id}/actions/{action_id}/start", headers=auth("karim"),
                   json={"date": "2026-02-02"}))
    ok(client.post(f"{API}/plans/{plan_id}/actions/{action_id}/complete", headers=auth("karim"),
                   json={"date": "2026-06-30", "evaluation": 4}))
    return plan_id, action_id


def post_certificate(client, headers, plan_id, action_id, *, file=PDF, name="vca.pdf", **fields):
    form = {"number": "VCA-2026-001", "issuer": "SSVV", "issued_on": "2026-06-30",
            "expires_on": (TODAY + timedelta(days=400)).isoformat(), **fields}
    form = {k: v for k, v in form.items() if v is not None}
    if file is not None:
        form["file"] = (io.BytesIO(file), name)
    return client.post(f"{API}/plans/{plan_id}/actions/{action_id}/certificates", headers=headers, data=form,
                       content_type="multipart/form-data")


def test_a_completed_action_takes_a_certificate_with_its_file_read_back_only_by_those_allowed(client, auth):
    plan_id, action_id = completed_action(client, auth)
    body = ok(post_certificate(client, auth("karim"), plan_id, action_id), 201)
    certificate_id = body["certificate_id"]
    [action] = body["actions"]
    assert action["certified"] and action["certificate_state"] == "valid"
    [certificate] = action["certificates"]
    assert (certificate["number"], certificate["issuer"], certificate["state"]) == ("VCA-2026-001", "SSVV", "valid")
    assert certificate["file"]["content_type"] == "application/pdf" and certificate["file"]["size"] == len(PDF)
    path = f"{API}/plans/{plan_id}/certificates/{certificate_id}/file"
    for reader in ("karim", "marieke", "hanna"):
        response = client.get(path, headers=auth(reader))
        assert response.status_code == 200, reader
        assert response.data == PDF and response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(path, headers=auth("daan")).status_code == 403  # L&D: aggregates only
    assert client.get(path, headers=auth("jeroen")).status_code == 404  # a colleague: no such plan for them
    accesses = ok(client.get(f"{API}/plans/{plan_id}/access-log", headers=auth("karim")))["items"]
    assert {"certificate"} <= {a["what"] for a in accesses}


def test_the_file_type_comes_from_its_content_and_its_size_is_limited(client, auth):
    plan_id, action_id = completed_action(client, auth)
    response = post_certificate(client, auth("karim"), plan_id, action_id, file=b"just text, named pdf",
                                name="fake.pdf")
    assert response.status_code == 422 and error_fields(response) == ["file"]
    response = post_certificate(client, auth("karim"), plan_id, action_id, file=PDF + b"x" * (5 * 1024 * 1024))
    assert response.status_code == 422 and error_fields(response) == ["file"]
    response = post_certificate(client, auth("karim"), plan_id, action_id, file=PDF + b"x" * (6 * 1024 * 1024))
    assert response.status_code == 413
    png = ok(post_certificate(client, auth("karim"), plan_id, action_id, file=PNG, name="scan.pdf"), 201)
    assert png["actions"][0]["certificates"][0]["file"]["content_type"] == "image/png"
    service = client.application.extensions["plan_service"]
    assert len(service.certificate_files.of_person("karim")) == 1  # the refused files were not kept


@pytest.mark.parametrize(("fields", "field"), [({"number": ""}, "number"), ({"issued_on": "gisteren"}, "issued_on"),
                                               ({"expires_on": "2026-06-01"}, "expires_on"),
                                               ({"colour": "red"}, "colour")])
def test_bad_certificate_fields_are_a_422_naming_the_field_and_change_nothing(client, auth, fields, field):
    plan_id, action_id = completed_action(client, auth)
    response = post_certificate(client, auth("karim"), plan_id, action_id, **fields)
    assert response.status_code == 422, response.get_json()
    assert field in error_fields(response)
    plan = ok(client.get(f"{API}/plans/{plan_id}", headers=auth("karim")))
    assert plan["actions"][0]["certificates"] == []
    assert client.application.extensions["plan_service"].certificate_files.of_person("karim") == []


def test_a_planned_action_takes_no_certificate_and_a_manager_adds_none(client, auth):
    plan_id = start_plan(client, auth("karim"), period_start="2028-01-01", period_end="2028-12-31")
    action_id = add_action(client, auth("karim"), plan_id, planned_start="2028-02-01", planned_end="2028-03-01")
    assert post_certificate(client, auth("karim"), plan_id, action_id).status_code == 409
    plan_id, action_id = completed_action(client, auth)
    response = post_certificate(client, auth("marieke"), plan_id, action_id)
    assert response.status_code == 403


def test_the_plan_shows_what_expires_and_an_expired_certificate_opens_a_recertification(client, auth):
    plan_id, action_id = completed_action(client, auth)
    soon = ok(post_certificate(client, auth("karim"), plan_id, action_id, certificate_id="soon",
                               expires_on=(TODAY + timedelta(days=30)).isoformat()), 201)
    assert soon["expiring"] == [{"action_id": action_id, "certificate_id": "soon", "state": "expiring",
                                 "expires_on": (TODAY + timedelta(days=30)).isoformat()}]
    response = client.post(f"{API}/plans/{plan_id}/certificates/soon/recertify", headers=auth("karim"),
                           json={"planned_start": TODAY.isoformat(),
                                 "planned_end": (TODAY + timedelta(days=20)).isoformat()})
    body = ok(response, 201)
    new = next(a for a in body["actions"] if a["action_id"] == body["action_id"])
    assert new["status"] == "planned" and new["title"] == "Communicatie" and new["certificate"]
    assert new["renews"] == {"plan_id": plan_id, "action_id": action_id, "certificate_id": "soon"}
    again = client.post(f"{API}/plans/{plan_id}/certificates/soon/recertify", headers=auth("karim"),
                        json={"planned_start": TODAY.isoformat(), "planned_end": TODAY.isoformat()})
    assert again.status_code == 409


def test_a_valid_certificate_is_not_renewed_and_an_unknown_one_is_a_404(client, auth):
    plan_id, action_id = completed_action(client, auth)
    ok(post_certificate(client, auth("karim"), plan_id, action_id, certificate_id="fine"), 201)
    dates = {"planned_start": TODAY.isoformat(), "planned_end": TODAY.isoformat()}
    response = client.post(f"{API}/plans/{plan_id}/certificates/fine/recertify", headers=auth("karim"), json=dates)
    assert response.status_code == 409 and error_fields(response) == ["certificate_id"]
    response = client.post(f"{API}/plans/{plan_id}/certificates/nope/recertify", headers=auth("karim"), json=dates)
    assert response.status_code == 404


def test_a_certificate_arrives_after_the_plan_closed(client, auth):
    plan_id, action_id = completed_action(client, auth)
    ok(client.post(f"{API}/plans/{plan_id}/close", headers=auth("karim"), json={"reason": "period over"}))
    body = ok(post_certificate(client, auth("hanna"), plan_id, action_id), 201)
    assert body["status"] == "closed" and body["actions"][0]["certified"]


def test_certificate_files_are_in_the_gdpr_export_and_gone_after_erasure(client, auth):
    plan_id, action_id = completed_action(client, auth)
    certificate_id = ok(post_certificate(client, auth("karim"), plan_id, action_id), 201)["certificate_id"]
    export = ok(client.get(f"{API}/people/karim/export", headers=auth("karim")))
    [stored] = export["certificate_files"]
    assert base64.b64decode(stored["content_base64"]) == PDF and stored["content_type"] == "application/pdf"
    ok(client.post(f"{API}/people/karim/erase", headers=auth("hanna"), json={}))
    service = client.application.extensions["plan_service"]
    assert service.certificate_files.of_person("karim") == []
    response = client.get(f"{API}/plans/{plan_id}/certificates/{certificate_id}/file", headers=auth("hanna"))
    assert response.status_code in (404, 410)


def test_certificates_files_and_compliance_on_both_stores(store_client, auth):
    """The file table (BYTEA on PostgreSQL, BLOB on SQLite) and the compliance views on each store."""
    client = store_client
    plan_id, action_id = completed_action(client, auth)
    certificate_id = ok(post_certificate(client, auth("karim"), plan_id, action_id), 201)["certificate_id"]
    response = client.get(f"{API}/plans/{plan_id}/certificates/{certificate_id}/file", headers=auth("karim"))
    assert response.status_code == 200 and response.data == PDF
    offer = {"name": "Communicatie", "roles": ["Monteur"], "skills": ["x"], "offer_ids": ["none"],
             "recurrence_months": 12}
    ok(client.post(f"{API}/requirements", headers=auth("hanna"), json=offer), 201)
    report = ok(client.get(f"{API}/reports/compliance?as_of={TODAY.isoformat()}", headers=auth("hanna")))
    [td] = [d for d in report["departments"] if d["department"] == "TD"]
    assert {p["person_id"] for p in td["people_detail"]} == {"karim", "jeroen"}


def test_retention_of_a_closed_plan_removes_its_certificate_files(client, auth):
    plan_id, action_id = completed_action(client, auth)
    ok(post_certificate(client, auth("karim"), plan_id, action_id), 201)
    ok(client.post(f"{API}/plans/{plan_id}/close", headers=auth("karim"), json={"reason": "done"}))
    service = client.application.extensions["plan_service"]
    assert len(service.certificate_files.of_person("karim")) == 1
    erased = service.erase_closed_plans({"subject": "retention", "role": "admin"}, date(2100, 1, 1))
    assert erased == [plan_id]
    assert service.certificate_files.of_person("karim") == []
