"""Development cycles, plan templates, check-ins, notification settings and the notification centre in a real
headless Chromium against real processes (plan service, projector, notifier, portal, mail sink). HR makes a
template and a new version, launches a cycle and follows its progress, a manager reads their team's dashboard,
HR closes the cycle; an employee and their manager hold a check-in whose agreement becomes a learning action.
Screenshots at desktop and 390 px phone width, in English and Dutch, go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re

import pytest

from tests.portal.test_browser import (
    BIN,
    Person,
    browser,  # noqa: F401 - the shared Chromium fixture, used by name
    expect,
)
from tests.portal.test_browser_notifications import NotifierStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = NotifierStack(tmp_path_factory.mktemp("browser-cycles"))
    stack.run("migrate")
    stack.run("seed-demo")
    try:
        stack.gunicorn("plan", "services.plan.wsgi:app")
        stack.start("projector", str(BIN / "groeipad"), "project")
        stack.gunicorn("notifier", "services.notifier.wsgi:app")
        stack.gunicorn("portal", "services.portal.wsgi:app")
        stack.start("mail", str(BIN / "groeipad"), "mail-sink", "--port", str(stack.ports["sink"]))
        for name in ("plan", "notifier", "portal"):
            stack.wait(name)
        stack.run("notify", "--once", "--now", "2026-01-15T08:00:00+00:00")
        yield stack
    finally:
        stack.stop_all()


def flashed(page, text: str) -> None:
    expect(page.locator(".flash", has_text=text).first).to_be_visible()


def until_shown(page, selector: str, text: str, tries: int = 20) -> None:
    """Lists and dashboards read the views, which follow a write within moments: reload until they show it."""
    for _ in range(tries):
        found = page.locator(selector)
        if found.count() and text in found.first.inner_text():
            return
        page.wait_for_timeout(500)
        page.reload()
    expect(page.locator(selector).first).to_contain_text(text)


def test_hr_makes_a_template_launches_a_cycle_a_manager_reads_it_and_hr_closes_it(stack, browser):  # noqa: F811
    hanna = Person(browser, stack, "hanna")
    page = hanna.go("/templates/new")
    page.fill("#name", "Monteurs 2027")
    page.fill("#departments", "Technische Dienst")
    page.fill("#skills_to_assess", "storingsanalyse, veiligheid")
    page.fill("#goal_1_title", "Beter worden in [vaardigheid]")
    page.fill("#goal_1_skills", "storingsanalyse")  # a typo first: the level is missing
    page.select_option("#means_1", "internal_training")
    page.fill("#means_1_title", "VCA-VOL")
    page.fill("#milestone_self_evaluation", "14")
    page.fill("#milestone_conversation", "28")
    page.click("button.primary")
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("[data-field=goal_1_skills] .errors")).to_contain_text("skill: level")
    page.fill("#goal_1_skills", "storingsanalyse: 3, veiligheid: 4")
    page.click("button.primary")
    flashed(page, "Template saved: Monteurs 2027 (version 1).")
    page.click("text=Make a new version")
    page.fill("#hours_norm", "60")
    page.fill("#change_note", "Meer uren voor VCA")
    hanna.shoot("template-form-en")
    page.click("button.primary")
    flashed(page, "Version 2 of Monteurs 2027 saved.")
    expect(page.locator("nav.versions")).to_contain_text("v1")
    hanna.shoot("template-en")

    page = hanna.go("/cycles/new")
    page.fill("#name", "Functioneringsgesprekken 2027")
    page.fill("#period_start", "2027-01-01")
    page.fill("#period_end", "2027-12-31")
    page.check("input[name=scope_kind][value=departments]")
    page.check("input[name=departments][value='Technische Dienst']")
    page.select_option("#template_default", label="Monteurs 2027 (v2)")
    page.fill("#due_self_evaluation", "2027-01-20")
    page.fill("#due_conversation", "2027-02-15")
    hanna.shoot("cycle-new-en")
    page.click("form.cycle-form button.primary")
    flashed(page, "Cycle created: Functioneringsgesprekken 2027.")
    cycle_path = re.search(r"/cycles/[0-9a-f-]{36}", page.url).group(0)
    expect(page.locator("h1")).to_contain_text("Not launched yet")
    page.click("#launch-form button")
    flashed(page, "Launched: 8 of 8 people have their plan")
    expect(page.locator("#launch-progress")).to_have_attribute("value", "8")
    until_shown(page, "table.milestone[data-milestone=self_evaluation]", "Technische Dienst")
    hanna.shoot("cycle-launched-en")
    page.locator("table.milestone[data-milestone=self_evaluation] td.due a").click()
    expect(page.locator("table.people")).to_contain_text("Karim El Amrani")
    hanna.shoot("cycle-people-en")
    hanna.close()

    for locale, name, heading in (("en-GB", "en", "Dashboard of my team"), ("nl-NL", "nl", "Dashboard van mijn team")):
        marieke = Person(browser, stack, "marieke", locale=locale)
        page = marieke.go("/cycles")
        page.click("text=Functioneringsgesprekken 2027")
        expect(page.locator("section.dashboard h2")).to_have_text(heading)
        expect(page.locator("table.milestone").first).to_contain_text("Technische Dienst")
        expect(page.locator("#launch-form")).to_have_count(0)
        marieke.shoot(f"cycle-manager-{name}")
        marieke.close()

    hanna = Person(browser, stack, "hanna", locale="nl-NL")
    page = hanna.go(cycle_path)
    page.click("#close-form button")  # not confirmed: the browser asks for the tick first
    expect(page.locator("#close-form")).to_be_visible()
    page.check("#close-form input[name=confirm]")
    page.click("#close-form button")
    flashed(page, "De cyclus is afgesloten.")
    expect(page.locator(".frozen")).to_be_visible()
    expect(page.locator("#launch-form")).to_have_count(0)
    hanna.shoot("cycle-closed-nl")
    hanna.close()


def test_a_checkin_from_scheduling_to_an_agreement_that_becomes_an_action(stack, browser):  # noqa: F811
    karim = Person(browser, stack, "karim")
    page = karim.go("/plan")
    plan_path = re.search(r'/plans/[0-9a-f-]{36}', page.content()).group(0)
    page = karim.go(plan_path)
    expect(page.locator("details.schedule[open]")).to_be_visible()  # no check-in yet: the form is open
    page.fill("#new-checkin-on", "2027-01-20")
    page.fill("#new-checkin-at", "10:00")
    page.fill("#new-checkin-duration", "45")
    page.fill("#new-checkin-location", "Kamer 2.14")
    page.fill("#new-checkin-agenda", "Voortgang cursus\nLoopbaan")
    page.click("form.schedule-form button.primary")
    flashed(page, "The check-in is scheduled.")
    expect(page.locator("article.checkin")).to_contain_text("Kamer 2.14")
    karim.shoot("checkin-scheduled-en")
    karim.close()

    marieke = Person(browser, stack, "marieke", locale="nl-NL")
    page = marieke.go(plan_path)
    page.fill("article.checkin form.agenda-form input[name=point]", "Teamleiderstraject")
    page.click("article.checkin form.agenda-form button")
    flashed(page, "Je punt staat op de agenda.")
    expect(page.locator("article.checkin ul.agenda")).to_contain_text("Teamleiderstraject")
    page.locator("article.checkin details", has_text="Gesprek vastleggen").locator("summary").click()
    page.fill("article.checkin form.record-form textarea[name=notes]", "Goed gesprek over de cursus.")
    page.fill("article.checkin form.record-form textarea[name=agreements]",
              "Cursus plannen volgen\nMaandelijks bijpraten")
    marieke.shoot("checkin-record-nl")
    page.click("article.checkin form.record-form button.primary")
    flashed(page, "De aantekeningen en afspraken zijn opgeslagen.")
    expect(page.locator("article.checkin ul.agreements")).to_contain_text("Cursus plannen volgen")
    marieke.close()

    karim = Person(browser, stack, "karim")
    page = karim.go(plan_path)
    agreement = page.locator("li.agreement", has_text="Cursus plannen volgen")
    agreement.locator("details", has_text="Make it a learning action").locator("summary").click()
    agreement.locator("input[name=planned_start]").fill("2027-03-01")
    agreement.locator("input[name=planned_end]").fill("2027-03-05")
    agreement.locator("input[name=hours]").fill("16")
    agreement.locator("select[name=means]").select_option("internal_training")
    karim.shoot("checkin-agreement-en")
    agreement.locator("form.action-form button.primary").click()
    flashed(page, "The agreement is now a learning action on your plan.")
    expect(page.locator("li.agreement", has_text="Cursus plannen volgen")).to_contain_text("became a learning action")
    karim.shoot("checkin-held-en")
    page = karim.go(plan_path + "/timeline")
    expect(page.locator("main")).to_contain_text("Cursus plannen volgen")
    karim.close()

    marieke = Person(browser, stack, "marieke")
    page = marieke.go(plan_path.replace("/plans/", "/hr/plans/") + "/history")
    expect(page.locator("ol.history")).to_contain_text("scheduled a check-in")
    expect(page.locator("ol.history")).to_contain_text("recorded the notes and agreements of a check-in")
    expect(page.locator("ol.history")).to_contain_text("turned an agreement into a goal change or an action")
    marieke.shoot("checkin-history-en")
    marieke.close()


def test_notification_settings_and_centre_in_both_languages(stack, browser):  # noqa: F811
    for locale, name, saved, heading in (("en-GB", "en", "Your notification settings are saved.", "Notifications"),
                                         ("nl-NL", "nl", None, None)):
        karim = Person(browser, stack, "karim", locale=locale)
        page = karim.go("/notifications/settings")
        legends = page.locator("fieldset legend").all_inner_texts()
        assert legends and not any(re.fullmatch(r"[a-z_]+", text) for text in legends), legends  # words, no codes
        page.check("input[name=action_starting_soon][value=daily_digest]")
        karim.shoot(f"notification-settings-{name}")
        page.click("button.primary")
        expect(page.locator(".flash")).to_be_visible()
        if saved:
            expect(page.locator(".flash")).to_contain_text(saved)
        expect(page.locator("input[name=action_starting_soon][value=daily_digest]")).to_be_checked()
        page = karim.go("/notifications")
        if heading:
            expect(page.locator("h1")).to_have_text(heading)
        expect(page.locator("ul.notifications li").first).to_be_visible()
        karim.shoot(f"notification-centre-{name}")
        karim.close()
