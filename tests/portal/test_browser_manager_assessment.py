"""The manager's own assessment of a report's skill on the review page, in a real headless Chromium against the
services started for real (the stack of tests/portal/test_browser.py): the same skills combobox as the employee's
self-evaluation, picked with the keyboard; a half-typed word is refused next to the field, in Dutch as well; a skill
explicitly added as new is saved. Screenshots at desktop and phone size in both languages go to tests/screenshots/."""

from __future__ import annotations

import re

import pytest

from tests.portal.test_browser import Person, browser, expect, flashed, shots  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


def test_the_manager_rates_a_skill_with_the_combobox_and_a_half_typed_word_is_refused(
        stack, browser, shots):  # noqa: F811
    karim = Person(browser, stack, "karim")
    link = karim.go("/plan").locator("main a[href*='/plans/']").first
    review = "/team" + re.search(r"/plans/[0-9a-f-]{36}", link.get_attribute("href")).group(0)
    karim.close()

    marieke = Person(browser, stack, "marieke")
    page = marieke.go(review)
    combo = page.locator("#assess-form #skill")
    expect(combo).to_have_attribute("role", "combobox")
    combo.press_sequentially("coach", delay=40)
    listbox = page.locator("#skill-listbox")
    expect(listbox).to_be_visible(timeout=10_000)
    first = listbox.locator("li[role=option]").first
    chosen = first.get_attribute("data-value")
    combo.press("ArrowDown")
    expect(combo).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    marieke.shoot("manager-assess-combobox-en")
    combo.press("Enter")
    expect(combo).to_have_value(chosen)
    expect(page.locator("#skill-new")).not_to_be_checked()
    page.select_option("#assess-form #level", "3")
    page.click("text=Save your assessment")
    flashed(page, f"Your assessment was saved: {chosen}, level 3.")
    expect(page.locator("table.data", has_text=chosen)).to_be_visible()

    combo = page.locator("#assess-form #skill")
    combo.press_sequentially("Hoogwerker bed", delay=20)
    combo.press("Escape")
    page.select_option("#assess-form #level", "2")
    page.click("text=Save your assessment")
    expect(page.locator("#skill-errors")).to_contain_text("“Hoogwerker bed” is not in the skills list")
    expect(page.locator("main")).not_to_contain_text("Your assessment was saved: Hoogwerker bed")
    marieke.shoot("manager-assess-half-typed-refused-en")

    combo = page.locator("#assess-form #skill")
    combo.fill("")
    combo.press_sequentially("Hoogwerker bedienen", delay=20)
    new_option = page.locator("#skill-listbox li.new-skill")
    expect(new_option).to_contain_text("Add “Hoogwerker bedienen” as a new skill", timeout=10_000)
    combo.press("ArrowUp")  # the last option: add as a new skill
    combo.press("Enter")
    expect(page.locator("#skill-new")).to_be_checked()
    page.select_option("#assess-form #level", "2")
    page.click("text=Save your assessment")
    flashed(page, "Your assessment was saved: Hoogwerker bedienen, level 2.")
    marieke.close()

    dutch = Person(browser, stack, "marieke", locale="nl-NL")
    page = dutch.go(review)
    page.locator("#assess-form #skill").fill("Coachi")
    page.select_option("#assess-form #level", "2")
    page.click("text=Jouw beoordeling opslaan")
    expect(page.locator("#skill-errors")).to_contain_text("“Coachi” staat niet in de lijst met vaardigheden")
    dutch.shoot("manager-assess-half-typed-refused-nl")
    dutch.close()
