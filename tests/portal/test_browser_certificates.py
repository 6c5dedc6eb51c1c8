"""Certificates and mandatory learning in a real headless Chromium against real processes (plan service,
projector, portal): an employee uploads a certificate file on a completed action, sees it expire on the plan page
and plans the recertification in one click; HR defines a requirement and reads the compliance report; L&D sees the
numbers only. Screenshots at desktop and phone width go to tests/screenshots/ (git-ignored)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from tests.portal.test_browser import (
    BIN,
    Person,
    Stack,
    browser,  # noqa: F401 - the shared Chromium fixture, used by name
    expect,
)

pytestmark = pytest.mark.integration
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("browser-certificates"))
    stack.run("migrate")
    stack.run("seed-demo")
    try:
        stack.gunicorn("plan", "services.plan.wsgi:app")
        stack.start("projector", str(BIN / "groeipad"), "project")
        stack.gunicorn("recommender", "tests.portal.fake_recommender:create_app()")
        stack.gunicorn("portal", "services.portal.wsgi:app")
        for name in ("plan", "portal"):  # the contract stand-in for the recommender has no probes
            stack.wait(name)
        yield stack
    finally:
        stack.stop_all()


def completed_action(stack) -> tuple[str, str]:
    headers = {"Authorization": f"Bearer {stack.token('karim', 'employee')}"}
    plans = requests.get(stack.url("plan") + "/api/v1/plans", headers=headers, timeout=10).json()["items"]
    for summary in plans:
        plan = requests.get(stack.url("plan") + f"/api/v1/plans/{summary['id']}", headers=headers, timeout=10).json()
        for action in plan["actions"]:
            if action["status"] == "completed":
                return plan["id"], action["action_id"]
    raise AssertionError("the demo has no completed action for karim")


def test_a_certificate_is_uploaded_expires_and_is_renewed_and_hr_reads_compliance(stack, browser, tmp_path):  # noqa: F811
    plan_id, action_id = completed_action(stack)
    pdf = tmp_path / "vca-certificaat.pdf"
    pdf.write_bytes(PDF)
    karim = Person(browser, stack, "karim")
    page = karim.go(f"/plans/{plan_id}/actions/{action_id}")
    page.fill("#number", "VCA-2026-0042")
    page.fill("#issuer", "SSVV")
    page.fill("#issued_on", "2026-06-26")
    page.fill("#expires_on", (date.today() + timedelta(days=20)).isoformat())
    page.set_input_files("#file", str(pdf))
    page.click("#certificates button.primary")
    expect(page.locator(".flash").first).to_contain_text("Certificate saved")
    expect(page.locator("#certificates")).to_contain_text("VCA-2026-0042")
    expect(page.locator("#certificates .badge.expiring")).to_be_visible()
    with page.expect_download() as download:
        page.click("text=Download the certificate")
    assert download.value.path().read_bytes() == PDF
    karim.shoot("certificate-action")

    page = karim.go(f"/plans/{plan_id}")
    expect(page.locator("#expiring")).to_contain_text("expires soon")
    karim.shoot("certificate-plan-expiring")
    page.click("#expiring a")
    page.click("text=Plan a recertification")
    expect(page.locator(".flash").first).to_contain_text("Recertification planned")
    expect(page.locator("h1")).to_be_visible()
    assert "/actions/" in page.url and action_id not in page.url
    karim.shoot("certificate-recertification")
    karim.close()

    hanna = Person(browser, stack, "hanna")
    page = hanna.go("/requirements")
    page.fill("#name", "VCA Basis")
    page.fill("#roles", "Onderhoudsmonteur")
    page.fill("#recurrence_months", "24")
    page.fill("#offer_ids", "vca-basis")
    page.fill("#skills", "Interpersoonlijke communicatie")
    page.fill("#reason", "Wettelijk verplicht voor monteurs")
    page.click("form button.primary")
    expect(page.locator(".flash").first).to_contain_text("Requirement saved")
    expect(page.locator("table.data")).to_contain_text("Wettelijk verplicht voor monteurs")
    hanna.shoot("requirement")
    page = hanna.go("/compliance")
    for _ in range(20):  # the report reads the views, which follow the write within moments
        if "VCA Basis" in page.inner_text("main"):
            break
        page.wait_for_timeout(500)
        page.reload()
    people = page.locator("table.people")
    expect(people).to_contain_text("Karim El Amrani")
    expect(people.locator("tr", has_text="Karim El Amrani")).to_contain_text("due")  # certificate expires in 20 days
    hanna.shoot("compliance-report-hr")
    hanna.close()

    daan = Person(browser, stack, "daan")
    page = daan.go("/compliance")
    expect(page.locator("main")).to_contain_text("VCA Basis")
    assert page.locator("table.people").count() == 0
    daan.shoot("compliance-report-ld")
    daan.close()
