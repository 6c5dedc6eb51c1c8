"""Certificates, recertification and mandatory learning in the portal (test client, the real plan service)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from tests.portal.test_portal_employee import plan_id_of

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def completed_action(plan_app, tokens, plan_id: str) -> str:
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    return next(a["action_id"] for a in plan["actions"] if a["status"] == "completed")


def upload(browser, plan_id, action_id, *, file=PDF, name="vca.pdf", expires_on=None):
    data = {"number": "VCA-778", "issuer": "SSVV", "issued_on": "2026-06-26",
            "expires_on": expires_on or (date.today() + timedelta(days=700)).isoformat(),
            "file": (io.BytesIO(file), name)}
    return browser.post(f"/plans/{plan_id}/actions/{action_id}/certificates", data,
                        content_type="multipart/form-data")


def test_the_employee_adds_a_certificate_with_its_file_and_downloads_it(signed_in, plan_app, tokens):
    karim = signed_in("karim")
    plan_id = plan_id_of(karim)
    action_id = completed_action(plan_app, tokens, plan_id)
    page = karim.get(f"/plans/{plan_id}/actions/{action_id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="expires_on"' in page
    assert upload(karim, plan_id, action_id).status_code == 302
    page = karim.get(f"/plans/{plan_id}/actions/{action_id}").get_data(as_text=True)
    assert "VCA-778" in page and "SSVV" in page
    link = re.search(r'href="(/plans/[^"]+/certificates/[^"]+/file)"', page).group(1)
    download = karim.get(link)
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_a_pdf_or_image_is_refused_next_to_the_field(signed_in, plan_app, tokens):
    karim = signed_in("karim")
    plan_id = plan_id_of(karim)
    action_id = completed_action(plan_app, tokens, plan_id)
    response = upload(karim, plan_id, action_id, file=b"MZ\x90\x00 not really a pdf", name="certificate.pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="file-errors"' in page and "PDF, PNG or JPEG" in page
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    assert all(not a["certificates"] for a in plan["actions"])


def test_the_plan_shows_what_expires_and_one_click_plans_the_recertification(signed_in, plan_app, tokens):
    karim = signed_in("karim")
    plan_id = plan_id_of(karim)
    action_id = completed_action(plan_app, tokens, plan_id)
    upload(karim, plan_id, action_id, expires_on=(date.today() + timedelta(days=20)).isoformat())
    page = karim.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert 'id="expiring"' in page and f"/plans/{plan_id}/actions/{action_id}#certificates" in page
    action_page = karim.get(f"/plans/{plan_id}/actions/{action_id}").get_data(as_text=True)
    certificate_id = re.search(r'/certificates/([^/"]+)/recertify', action_page).group(1)
    response = karim.post(f"/plans/{plan_id}/certificates/{certificate_id}/recertify", {})
    assert response.status_code == 302
    new_action = response.headers["Location"].rsplit("/", 1)[1]
    plan = plan_app.test_client().get(f"/api/v1/plans/{plan_id}", headers=tokens("karim")).get_json()
    renewal = {a["action_id"]: a for a in plan["actions"]}[new_action]
    assert renewal["status"] == "planned" and renewal["renews"]["certificate_id"] == certificate_id


def test_hr_defines_and_revises_a_requirement_and_reads_the_compliance_report(signed_in):
    hanna = signed_in("hanna")
    response = hanna.post("/requirements", {"name": "VCA", "departments": "Productie", "roles": "Onderhoudsmonteur",
                                            "recurrence_months": "24", "offer_ids": "vca-basis", "grace_days": "30",
                                            "reason": "Wettelijk verplicht"})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    path = response.headers["Location"]
    response = hanna.post(path, {"name": "VCA", "departments": "Productie", "roles": "Onderhoudsmonteur",
                                 "recurrence_months": "12", "offer_ids": "vca-basis", "grace_days": "30",
                                 "reason": "Nieuwe cao"})
    assert response.status_code == 302
    page = hanna.get(path).get_data(as_text=True)
    assert "Nieuwe cao" in page and "Wettelijk verplicht" in page
    response = hanna.post(path, {"name": "VCA", "departments": "", "roles": "", "offer_ids": "x", "reason": "r"})
    assert response.status_code == 422 and "department" in response.get_data(as_text=True).lower()
    report = hanna.get("/compliance").get_data(as_text=True)
    assert "VCA" in report and "Karim" in report  # the Monteur, with the people behind the numbers


def test_ld_reads_numbers_only_and_an_employee_is_refused(signed_in):
    daan = signed_in("daan")
    daan.post("/requirements", {"name": "Privacy", "departments": "Directie, Technische Dienst",
                                "offer_ids": "avg", "grace_days": "30"})
    report = daan.get("/compliance").get_data(as_text=True)
    assert "Privacy" in report and "Hidden: fewer than 5 people" in report  # Directie: one person
    assert re.search(r"<td>8</td>\s*<td>0</td><td>8</td><td>0</td>", report)  # Technische Dienst: all due
    assert 'class="data people"' not in report
    assert signed_in("sophie").get("/compliance").status_code == 403
