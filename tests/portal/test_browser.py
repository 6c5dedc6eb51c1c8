"""The portal in a real headless Chromium, against the services started for real (gunicorn subprocesses).

Employee: self-evaluation with autocomplete, a SMART goal (first with a mistake), accepting a suggestion,
the timeline, the PDF, a funding request. Manager: approves funding and the plan. HR: history and the
as-of view (in Dutch). L&D: uploads a catalogue with a bad line. Screenshots of the main pages at
desktop and phone size go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.portal.browser_stack import BIN, ROOT, Stack, free_port  # noqa: F401 - the other browser files import them from here

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
PASSWORD = "groeipad-demo"

if not os.path.exists(CHROMIUM):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install -y chromium)")
    pytest.skip(f"browser tests skipped: {CHROMIUM} is missing (apt-get install -y chromium; "
                "REQUIRE_BROWSER=1 makes this an error)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
expect = sync_api.expect
expect.set_options(timeout=20_000)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; the browser tests of other files import this fixture by name."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def flashed(page, text: str) -> None:
    """A message flashed after a form, whatever other notices the page shows."""
    expect(page.locator(".flash", has_text=text).first).to_be_visible()


class Person:
    """One signed-in person in their own browser context."""

    def __init__(self, browser, stack: Stack, username: str, locale: str = "en-GB"):
        self.context = browser.new_context(viewport=DESKTOP, locale=locale, accept_downloads=True)
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.base = stack.url("portal")
        self.page.goto(self.base + "/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("form button.primary")
        expect(self.page.locator("header nav")).to_be_visible()

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def shoot(self, name: str) -> None:
        """The current page at desktop and at phone size."""
        self.page.set_viewport_size(DESKTOP)
        self.page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
        self.page.set_viewport_size(PHONE)
        self.page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
        self.page.set_viewport_size(DESKTOP)

    def close(self) -> None:
        csp = [e for e in self.errors if "Content Security Policy" in e or "Refused to" in e]
        self.context.close()
        assert not csp, f"the page broke its own CSP: {csp}"


def test_the_whole_story(stack, browser, shots):
    """One story across roles; each step depends on the one before, as in real use."""
    anonymous = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    login = anonymous.new_page()
    login.goto(stack.url("portal") + "/login")
    expect(login.locator("h1")).to_have_text("Aanmelden")
    login.screenshot(path=str(shots / "login-desktop.png"))
    login.set_viewport_size(PHONE)
    login.screenshot(path=str(shots / "login-phone.png"))
    anonymous.close()

    # -- employee ------------------------------------------------------------------------------------
    sophie = Person(browser, stack, "sophie")
    page = sophie.go("/plan")
    expect(page.locator("h1")).to_have_text("My development plan")
    sophie.shoot("employee-dashboard")
    page.click("text=Open my plan")
    plan_path = re.search(r"/plans/[0-9a-f-]{36}", page.url).group(0)
    sophie.shoot("employee-plan")

    page = sophie.go(plan_path + "/skills")
    page.locator("#skill").press_sequentially("projectm", delay=40)
    option = page.locator("#skill-listbox li[role=option]").first  # the skill combobox's first suggestion
    expect(option).to_be_visible(timeout=10_000)
    skill = option.get_attribute("data-value")
    option.click()
    expect(page.locator("#skill")).to_have_value(skill)
    page.select_option("#category", "technical")
    page.select_option("#level", "1")
    page.select_option("#status", "to_improve")
    page.click("text=Save assessment")
    flashed(page, "Saved:")
    sophie.shoot("employee-self-evaluation")

    page = sophie.go(plan_path + "/goals/new")
    page.fill("#title", "Kleine projecten zelf plannen")
    page.fill("#skill_1", skill)
    page.select_option("#target_1", "3")
    page.fill("#hours_needed", "10")
    page.fill("#budget_needed", "100")
    page.fill("#deadline", "2030-01-01")
    for letter in "MRT":  # the live check names the failing letters before submitting
        expect(page.locator(f'#smart-result li.fail[data-letter="{letter}"]')).to_be_visible()
    expect(page.locator('#smart-result li.ok[data-letter="S"]')).to_be_visible()
    sophie.shoot("employee-goal-live-check")
    page.click("text=Save goal")
    expect(page.locator("#measure-errors")).to_contain_text("M (measurable)")
    expect(page.locator("#deadline-errors")).to_contain_text("T (time-bound)")
    expect(page.locator("#title")).to_have_value("Kleine projecten zelf plannen")  # nothing typed is lost
    page.fill("#measure", "Twee teamprojecten op tijd opgeleverd")
    page.fill("#relevance", "De administratie werkt steeds vaker in projecten")
    page.fill("#deadline", "2026-12-15")
    expect(page.locator("#smart-result li.fail")).to_have_count(0)
    page.click("text=Save goal")
    flashed(page, "Goal saved")

    page = sophie.go(plan_path + "/suggestions")
    card = page.locator("article.suggestion").first
    expect(card).to_be_visible(timeout=30_000)
    expect(card.locator(".reasons li").first).to_be_visible()
    title = card.locator("h3").inner_text()
    sophie.shoot("employee-suggestions")
    card.locator("text=Plan this").click()
    expect(page.locator("#title")).to_have_value(title)
    page.click("text=Plan it")
    expect(page).to_have_url(re.compile(r"/timeline$"))
    expect(page.locator("main")).to_contain_text(title)
    sophie.shoot("employee-timeline")

    page = sophie.go(plan_path)
    with page.expect_download() as download:
        page.click("text=Download PDF")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page = sophie.go(plan_path + "/timeline")
    page.locator("main li a", has_text="Excel voor gevorderden").click()
    page.fill("#justification", "Snellere maandafsluiting voor de hele afdeling")
    page.click("button:has-text('Request funding')")
    flashed(page, "Funding requested")
    sophie.shoot("employee-action")
    page = sophie.go(plan_path)
    page.fill("#submit-note", "Graag bespreken")
    page.click("text=Submit for review")
    flashed(page, "sent to your manager")
    sophie.close()

    # -- manager -------------------------------------------------------------------------------------
    petra = Person(browser, stack, "petra")
    page = petra.go("/team")
    expect(page.locator("main")).to_contain_text("Waiting for you")
    petra.shoot("manager-team")
    page.locator("main table a", has_text="Sophie Willems").click()
    expect(page.locator("h1")).to_contain_text("Sophie Willems")
    petra.shoot("manager-review")
    page.click("button:has-text('Approve funding')")
    flashed(page, "Funding approved.")
    page.select_option("#outcome", "approved")
    page.fill("#comment", "Mooi plan")
    page.click("text=Save review")
    flashed(page, "Your review was saved.")
    petra.close()

    # -- HR, in Dutch ---------------------------------------------------------------------------------
    hanna = Person(browser, stack, "hanna", locale="nl-NL")
    page = hanna.go("/hr/plans?q=sophie")
    expect(page.locator("h1")).to_have_text("Ontwikkelingsplannen")
    hanna.shoot("hr-plans")
    page.locator("main table a", has_text="Geschiedenis").first.click()
    expect(page.locator("h1")).to_have_text("Waarom open je dit plan?")  # the access log records why
    page.select_option("#purpose", "audit")
    page.fill("#note", "Steekproef jaarplannen")
    hanna.shoot("hr-purpose")
    page.click("text=Doorgaan")
    expect(page.locator("main")).to_contain_text("begon het plan")
    expect(page.locator("main")).to_contain_text("keurde de financiering van “")  # names the action
    hanna.shoot("hr-history")
    page.click("text=Het plan op een datum")
    expect(page.locator("main")).to_contain_text("zoals het er aan het eind van")
    hanna.shoot("hr-as-of")
    page = hanna.go("/hr/reports")
    expect(page.locator("main svg").first).to_be_visible()
    hanna.shoot("hr-reports")
    hanna.close()

    # -- L&D ------------------------------------------------------------------------------------------
    daan = Person(browser, stack, "daan")
    page = daan.go("/ld/catalogue")
    daan.shoot("ld-catalogue")
    page.click("text=Upload a catalogue file")
    page.set_input_files("#file", files=[{"name": "catalogus.csv", "mimeType": "text/csv", "buffer": (
        b"external_id,title,means\nBT-1,Browsertest: samenwerken in Teams,mooc\nBT-2,Kapotte regel,bogus\n")}])
    page.click("button:has-text('Upload')")
    result = page.locator("#import-result")
    expect(result).to_contain_text("1 rejected")
    expect(result.locator("tbody tr")).to_have_count(1)
    expect(result.locator("tbody tr td").nth(1)).to_have_text("means")
    daan.shoot("ld-upload")
    page = daan.go("/ld/reports")
    daan.shoot("ld-reports")
    daan.close()
