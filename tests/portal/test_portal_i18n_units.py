"""Dutch and English throughout, and the portal's small parts on their own: SMART, charts, forms, API client."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from services.portal import charts
from services.portal.api_client import ApiClient, ApiError, Reply, ServiceUnavailableError, api_path
from services.portal.forms import Form
from tests.portal.conftest import Browser

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "services/portal/translations/nl/LC_MESSAGES"


def test_every_message_has_a_dutch_translation_and_the_mo_is_current(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "services/portal/babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "."],
                   cwd=ROOT, check=True, capture_output=True)
    template = {hashable(m.id) for m in read_po(pot.open("rb")) if m.id}
    po = {hashable(m.id): hashable(m.string) for m in read_po((TRANSLATIONS / "messages.po").open("rb")) if m.id}
    missing = sorted(str(i) for i in template if not po.get(i) or (isinstance(po[i], tuple) and not all(po[i])))
    assert not missing, f"translate these in messages.po, then compile: {missing[:10]}"
    mo = {hashable(m.id): hashable(m.string) for m in read_mo((TRANSLATIONS / "messages.mo").open("rb")) if m.id}
    assert mo == {k: v for k, v in po.items() if k in mo} and set(po) <= set(mo), \
        "messages.mo is older than messages.po: run pybabel compile -d services/portal/translations"


def hashable(value):
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.fixture
def dutch(signed_in):
    def make(user):
        browser = signed_in(user)
        browser.client.post("/language", data={"csrf_token": browser.token, "lang": "nl"})
        return browser
    return make


def test_pages_in_dutch_with_dutch_money_and_dates(dutch):
    karim = dutch("karim")
    html = karim.get("/plan").get_data(as_text=True)
    assert 'lang="nl"' in html and "Mijn ontwikkelingsplan" in html and "Volgende acties" in html
    assert "€\xa03.000,00" in html  # budget formatted per locale
    assert re.search(r"\d+ (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)\.? 20\d\d", html)


def test_api_errors_next_to_fields_in_dutch(dutch):
    karim = dutch("karim")
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", karim.get("/plan").get_data(as_text=True)).group(1)
    response = karim.post(f"/plans/{plan_id}/goals/new", {
        "title": "Doel", "skill_1": "Teammanagement", "target_1": "4", "measure": "", "hours_needed": "1",
        "budget_needed": "0", "relevance": "", "deadline": "2031-01-01"})
    html = response.get_data(as_text=True)
    assert "M (meetbaar): beschrijf hoe je de voortgang meet" in html
    assert "R (relevant): verbind het doel" in html
    assert "T (tijdgebonden)" in html and "Verbeter de gemarkeerde velden." in html


def test_every_role_page_renders_in_both_languages(signed_in):
    pages = {"sophie": ["/plan", "/account"], "marieke": ["/team"], "hanna": ["/hr/plans", "/hr/reports"],
             "daan": ["/ld/catalogue", "/ld/upload" if False else "/ld/catalogue/upload", "/ld/reports"]}
    for user, paths in pages.items():
        browser = signed_in(user)
        for language in ("en", "nl"):
            browser.client.post("/language", data={"csrf_token": browser.token, "lang": language})
            for path in paths:
                response = browser.get(path)
                assert response.status_code == 200, (user, language, path)
                assert f'lang="{language}"' in response.get_data(as_text=True)


def test_labels_for_every_form_control(signed_in):
    karim = signed_in("karim")
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", karim.get("/plan").get_data(as_text=True)).group(1)
    for path in (f"/plans/{plan_id}/skills", f"/plans/{plan_id}/goals/new", f"/plans/{plan_id}/actions/new",
                 f"/plans/{plan_id}/suggestions"):
        html = karim.get(path).get_data(as_text=True)
        ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|checkbox)")[^>]*\bid="([^"]+)"', html)
        for control in ids:
            assert f'for="{control}"' in html, (path, control)
        assert html.count("<h1") == 1, path


# -- units --------------------------------------------------------------------------------------
def test_form_parsing_keeps_input_and_reads_dutch_decimals():
    form = Form({"a": " 12,5 ", "b": "x", "c": "2026-02-30", "d": "7", "csrf_token": "t"})
    assert str(form.decimal("a")) == "12.5"
    assert form.decimal("b") is None and form.day("c") is None and form.integer("d", 0, 5) is None
    assert set(form.errors) == {"b", "c", "d"} and "csrf_token" not in form.data


def test_api_error_fields_map_to_form_fields():
    error = ApiError(422, "invalid", [{"field": "skills.0.skill", "reason": "x"}, {"field": "deadline", "reason": "y"}])
    assert error.field_errors() == {"skills": ["x"], "deadline": ["y"]}
    assert ApiError(409, "conflict").field_errors() == {"body": ["conflict"]}


def test_a_form_sends_only_when_valid_and_keeps_the_apis_refusal_next_to_its_fields():
    calls = []
    invalid = Form({})
    invalid.error("title", "required")
    assert not invalid.send(lambda: calls.append("sent")) and calls == []

    def refuse():
        raise ApiError(422, "invalid", [{"field": "deadline", "reason": "x"}, {"field": "secret", "reason": "y"}])

    refused = Form({"deadline": "2020-01-01"})
    assert not refused.send(refuse, {"deadline"})
    assert refused.errors == {"deadline": ["x"], "body": ["y"]} and refused.get("deadline") == "2020-01-01"
    assert Form({}).send(lambda: calls.append("sent")) and calls == ["sent"]


class Canned:
    def __init__(self, reply=None, error=None):
        self.reply, self.error, self.seen = reply, error, None

    def request(self, method, url, *, headers, params, body, timeout):
        self.seen = (method, url, headers, params, body)
        if self.error:
            raise self.error
        return self.reply


def test_api_client_sends_the_token_and_maps_failures():
    canned = Canned(Reply(200, {}, b'{"ok": true}'))
    client = ApiClient("plan", "http://x/", lambda: "tok", canned)
    assert client.get(api_path("/plans"), employee_id="k", empty="") == {"ok": True}
    method, url, headers, params, _ = canned.seen
    assert url == "http://x/api/v1/plans" and headers["Authorization"] == "Bearer tok"
    assert params == {"employee_id": "k"}
    with pytest.raises(ApiError) as caught:
        refusal = Reply(422, {}, b'{"message": "m", "errors": []}')
        ApiClient("plan", "http://x", lambda: "t", Canned(refusal)).get(api_path("/plans"))
    assert caught.value.status == 422
    with pytest.raises(ApiError):
        ApiClient("plan", "http://x", lambda: "t", Canned(Reply(404, {}, b"<html>"))).get(api_path("/plans"))
    with pytest.raises(ServiceUnavailableError):
        ApiClient("plan", "http://x", lambda: "t", Canned(Reply(502, {}, b""))).get(api_path("/plans"))
    with pytest.raises(ServiceUnavailableError):
        ApiClient("plan", "http://x", lambda: "t", Canned(error=requests.Timeout())).get(api_path("/plans"))
    with pytest.raises(ServiceUnavailableError):
        ApiClient("plan", "http://x", lambda: "t", Canned(Reply(200, {}, b"not json"))).get(api_path("/plans"))


def test_charts_escape_text_and_draw_something():
    svg = charts.skill_bars([{"skill": "<script>", "level": 2, "target_level": 4}], "t", "now", "goal")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<rect" in svg
    assert charts.heatmap(["A"], ["x"], {("A", "x"): 2.5}, "h").count("<rect") == 1
    assert charts.bars([], "b") == "" and "<svg" in charts.bars([("a", 3.0)], "b")
    assert charts.timeline([{"title": "T", "planned_start": "2026-02-01", "planned_end": "2026-03-01",
                             "status": "planned"}], "2026-01-01", "2027-12-31", "tl").count("2026-H") >= 1


def test_login_page_in_dutch_from_the_browser(portal):
    html = Browser(portal.test_client()).get("/login", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Aanmelden" in html and "Gebruikersnaam" in html
