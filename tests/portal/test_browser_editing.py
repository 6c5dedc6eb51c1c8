"""Editing, one truth and the readable audit in a real headless Chromium against the services started for real
(the stack of tests/portal/test_browser.py): the employee changes the plan, picks skills with the keyboard from
the combobox (and adds a new one explicitly), is stopped from saving a half-typed word, revises a goal, notes
progress and removes a skill; the manager lands on the team and sees budget use on the review; HR reads the
history and a diff in Dutch. Screenshots at desktop and phone size in both languages go to tests/screenshots/."""

from __future__ import annotations

import re

import pytest

from tests.portal.test_browser import Person, browser, expect, flashed, shots  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


def plan_path_of(person: Person) -> str:
    page = person.go("/plan")
    link = page.locator("main a[href*='/plans/']").first
    return re.search(r"/plans/[0-9a-f-]{36}", link.get_attribute("href")).group(0)


def test_the_employee_edits_the_plan_and_picks_skills_with_the_keyboard(stack, browser, shots):  # noqa: F811
    karim = Person(browser, stack, "karim")
    plan = plan_path_of(karim)

    page = karim.go(plan)
    page.click("text=Change the plan")
    expect(page.locator("h1")).to_have_text("Change your plan")
    page.fill("#available_budget", "3200")
    page.fill("#reason", "Extra budget na het gesprek")
    karim.shoot("edit-plan-details-en")
    page.click("text=Save changes")
    flashed(page, "Your plan was updated.")
    expect(page.locator(".budget")).to_contain_text("3,200")

    page = karim.go(plan + "/skills")
    combo = page.locator("#skill")
    expect(combo).to_have_attribute("role", "combobox")
    combo.press_sequentially("projectm", delay=40)
    listbox = page.locator("#skill-listbox")
    expect(listbox).to_be_visible(timeout=10_000)
    expect(combo).to_have_attribute("aria-expanded", "true")
    first = listbox.locator("li[role=option]").first
    chosen = first.get_attribute("data-value")
    combo.press("ArrowDown")
    expect(combo).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    karim.shoot("skill-combobox-en")
    combo.press("Enter")
    expect(combo).to_have_value(chosen)
    expect(page.locator("#skill-new")).not_to_be_checked()
    page.select_option("#level", "2")
    page.click("text=Save assessment")
    flashed(page, "Saved:")

    combo = page.locator("#skill")
    combo.press_sequentially("Heftruck rijden", delay=20)
    new_option = page.locator("#skill-listbox li.new-skill")
    expect(new_option).to_contain_text("Add “Heftruck rijden” as a new skill", timeout=10_000)
    combo.press("ArrowUp")  # the last option: add as a new skill
    combo.press("Enter")
    expect(page.locator("#skill-new")).to_be_checked()
    page.select_option("#level", "1")
    page.click("text=Save assessment")
    flashed(page, "Saved: Heftruck rijden")

    combo = page.locator("#skill")
    combo.press_sequentially("xqzv", delay=20)
    combo.press("Escape")
    page.select_option("#level", "3")
    page.click("text=Save assessment")
    expect(page.locator("#skill-errors")).to_contain_text("is not in the skills list")
    expect(page.locator("main")).not_to_contain_text("Saved: xqzv")
    karim.shoot("skill-half-typed-refused-en")

    page = karim.go(plan + "/skills")
    item = page.locator("ul.skill-list li", has_text="Heftruck rijden")
    item.locator("summary").click()
    item.locator("button", has_text="Remove").click()
    flashed(page, "Removed from your self-evaluation: Heftruck rijden")
    expect(page.locator("ul.skill-list")).not_to_contain_text("Heftruck rijden")

    page = karim.go(plan)
    goal = page.locator("article.goal").first
    goal.locator("a", has_text="Revise").click()
    expect(page.locator("h1")).to_contain_text("Revise the goal")
    page.fill("#measure", "Feedback van het team na elk werkoverleg")
    page.click("text=Save the revision")
    expect(page.locator("#reason-errors")).to_be_visible()  # the reason is asked, nothing lost
    expect(page.locator("#measure")).to_have_value("Feedback van het team na elk werkoverleg")
    page.fill("#reason", "Beter meetbaar")
    karim.shoot("revise-goal-en")
    page.click("text=Save the revision")
    flashed(page, "Goal revised")

    goal = page.locator("article.goal").first
    goal.locator("summary", has_text="Note progress").click()
    goal.locator("textarea[name=note]").fill("Twee van de vier sessies gedaan")
    goal.locator("input[name=progress]").fill("50")
    goal.locator("button", has_text="Save progress").click()
    flashed(page, "Progress noted.")
    karim.shoot("plan-after-editing-en")

    page = karim.go("/plan/new")  # a plan for the period exists: the form the API would refuse is not offered
    expect(page).to_have_url(re.compile(re.escape(plan) + "$"))
    flashed(page, "You already have a plan")
    karim.close()


def test_in_dutch_refusals_are_sentences_and_the_audit_is_readable(stack, browser, shots):  # noqa: F811
    karim = Person(browser, stack, "karim", locale="nl-NL")
    plan = plan_path_of(karim)
    page = karim.go(plan + "/details")
    expect(page.locator("h1")).to_have_text("Je plan wijzigen")
    start = page.locator("#period_start").input_value()
    page.fill("#period_end", start[:4] + "-01-15")
    page.click("text=Wijzigingen opslaan")
    expect(page.locator("#period_end-errors")).to_contain_text("ligt buiten deze periode")
    expect(page.locator("main")).not_to_contain_text("outside this period")
    karim.shoot("edit-plan-refused-nl")
    page = karim.go(plan + "/skills")
    expect(page.locator("#skill")).to_have_attribute("data-new-label", re.compile("toevoegen als nieuwe vaardigheid"))
    karim.shoot("skills-nl")
    karim.close()

    marieke = Person(browser, stack, "marieke", locale="nl-NL")  # a manager lands on the team
    expect(marieke.page).to_have_url(re.compile(r"/team$"))
    page = marieke.go("/team")
    page.locator("main table a", has_text="Karim El Amrani").click()
    expect(page.locator("main")).to_contain_text("Uren en budget")
    expect(page.locator("main")).to_contain_text("Vaardigheden en ontwikkelpunten")
    marieke.shoot("manager-review-nl")
    marieke.close()

    hanna = Person(browser, stack, "hanna", locale="nl-NL")
    page = hanna.go("/hr/plans?q=karim")
    page.locator("main table a", has_text="Geschiedenis").first.click()
    page.select_option("#purpose", "audit")
    page.click("text=Doorgaan")
    main = page.locator("main")
    expect(main).to_contain_text("stelde het doel “")
    expect(main).to_contain_text("wijzigde de gegevens van het plan")
    hanna.shoot("hr-history-readable-nl")
    page.locator("main a", has_text="Wat er veranderde").last.click()
    expect(page.locator("table.diff").first).to_be_visible()
    expect(page.locator("table.diff th[scope=col]").first).to_have_text("Veld")
    expect(main).not_to_contain_text("goal_id")
    hanna.shoot("hr-diff-table-nl")
    page.goto(page.url.split("?")[0] + "?from=1&to=9999")
    expect(page.locator(".alert")).to_contain_text("Versie 9999 bestaat niet")
    page = hanna.go("/hr/access-log")
    expect(page.locator("main")).to_contain_text("Audit")
    hanna.shoot("hr-access-log-nl")
    hanna.close()
