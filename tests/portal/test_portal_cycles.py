"""Plan templates, development cycles and check-ins in the portal, with the real plan service in-process: every
new page and form, the roles each refuses, and bad input answered with the form again (never a 500)."""

from __future__ import annotations

import re

import pytest
import requests

from tests.portal.conftest import PLAN_URL, RECOMMENDER_URL, Browser, FlaskTransport
from tests.portal.test_portal_notifications import notifier_app, notifier_portal, preferences  # noqa: F401

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TEMPLATE_FORM = {
    "name": "Monteurs 2027", "role_profiles": "Onderhoudsmonteur, Elektromonteur", "departments": "Technische Dienst",
    "skills_to_assess": "storingsanalyse, veiligheid", "hours_norm": "40", "budget_norm": "1200",
    "goal_1_title": "Beter worden in [vaardigheid]", "goal_1_skills": "storingsanalyse: 3, veiligheid: 4",
    "goal_1_measure": "Beoordeling door de teamleider", "goal_1_offset": "180",
    "means_1": "internal_training", "means_1_title": "VCA-VOL", "means_2": "mentoring",
    "milestone_self_evaluation": "14", "milestone_conversation": "28",
}


@pytest.fixture
def signed_in(portal):
    """Each person in their own client (their own session cookie), as in separate browsers."""

    def sign_in(username):
        browser = Browser(portal.test_client())
        browser.login(username)
        return browser

    return sign_in


def html(response) -> str:
    return response.get_data(as_text=True)


def make_template(hr, **changes) -> str:
    answer = hr.post("/templates/new", {**TEMPLATE_FORM, **changes})
    assert answer.status_code == 302, html(answer)[:2000]
    return re.search(rf"/templates/({UUID})", answer.headers["Location"]).group(1)


def make_cycle(hr, template_id: str, **changes) -> str:
    hr.get("/cycles/new")
    form = {"name": "Functioneringsgesprekken 2027", "period_start": "2027-01-01", "period_end": "2027-12-31",
            "scope_kind": "departments", "departments": "Technische Dienst", "template_default": template_id,
            "due_self_evaluation": "2027-01-20", "due_conversation": "2027-02-15", **changes}
    answer = hr.post("/cycles/new", form)
    assert answer.status_code == 302, html(answer)[:3000]
    return re.search(rf"/cycles/({UUID})", answer.headers["Location"]).group(1)


def test_hr_and_ld_make_a_template_and_a_new_version_while_the_old_one_stays_readable(signed_in):
    hanna = signed_in("hanna")
    template_id = make_template(hanna)
    page = html(hanna.get(f"/templates/{template_id}"))
    assert "Monteurs 2027" in page and "v1" in page and "storingsanalyse → 3" in page
    assert "VCA-VOL" in page and "Self-evaluation: 14 days after the start" in page
    form = html(hanna.get(f"/templates/{template_id}/revise"))
    assert 'value="storingsanalyse: 3, veiligheid: 4"' in form and 'value="Beter worden in [vaardigheid]"' in form
    daan = signed_in("daan")  # L&D makes the next version
    daan.get(f"/templates/{template_id}/revise")
    answer = daan.post(f"/templates/{template_id}/revise", {**TEMPLATE_FORM, "name": "Monteurs 2027 (herzien)",
                                                            "hours_norm": "60", "change_note": "Meer uren"})
    assert answer.status_code == 302
    current = html(daan.get(f"/templates/{template_id}"))
    assert "Monteurs 2027 (herzien)" in current and "v2" in current
    first = html(daan.get(f"/templates/{template_id}?version=1"))
    assert "This is version 1; the current version is 2." in first and "(herzien)" not in first.split("<main")[1]
    listing = html(daan.get("/templates"))
    assert "Monteurs 2027 (herzien)" in listing and "v2" in listing


@pytest.mark.parametrize("username", ["karim", "marieke"])
def test_employees_and_managers_may_not_edit_templates(signed_in, username):
    person = signed_in(username)
    for path in ("/templates", "/templates/new"):
        assert person.get(path).status_code == 403
    assert person.post("/templates/new", TEMPLATE_FORM).status_code == 403


def test_bad_template_input_comes_back_with_reasons(signed_in):
    hanna = signed_in("hanna")
    hanna.get("/templates/new")
    answer = hanna.post("/templates/new", {**TEMPLATE_FORM, "name": "", "goal_1_skills": "storingsanalyse",
                                           "milestone_conversation": "veel", "hours_norm": "-3"})
    assert answer.status_code == 422
    page = html(answer)
    assert "This field is required." in page and "Write each skill as" in page and "Not a whole number." in page
    refused = hanna.post("/templates/new", {**TEMPLATE_FORM, "goal_1_skills": "storingsanalyse: 9"})
    assert refused.status_code == 422 and "Please correct the marked fields." in html(refused)
    assert hanna.get("/templates/not-a-template").status_code == 404
    assert hanna.get(f"/templates/{'0' * 8}-0000-0000-0000-{'0' * 12}").status_code == 404
    template_id = make_template(hanna)
    assert hanna.get(f"/templates/{template_id}?version=99").status_code == 200  # shows the current one
    same = hanna.post(f"/templates/{template_id}/revise", TEMPLATE_FORM)  # nothing changes: the service says so
    assert same.status_code == 422


def test_hr_launches_a_cycle_follows_its_progress_and_closes_it(signed_in):
    hanna = signed_in("hanna")
    template_id = make_template(hanna)
    cycle_id = make_cycle(hanna, template_id)
    page = html(hanna.get(f"/cycles/{cycle_id}"))
    assert "Not launched yet" in page and "Launch now" in page and 'id="launch-form"' in page
    assert hanna.get(f"/cycles/{cycle_id}/progress").get_json()["status"] == "draft"
    answer = hanna.post(f"/cycles/{cycle_id}/launch", headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.get_json()["next"] == f"/cycles/{cycle_id}"
    progress = hanna.get(f"/cycles/{cycle_id}/progress").get_json()
    assert progress["status"] == "launched" and progress["done"] == progress["total"] == 8
    assert progress["carried_forward"] >= 1  # Karim's current plan (and others of the demo) carry on
    page = html(hanna.get(f"/cycles/{cycle_id}"))
    assert (f"8 of 8 people dealt with: {progress['started']} plans started, {progress['carried_forward']} carried "
            "forward") in page
    assert "Sync with the directory" in page and "Technische Dienst" in page
    people_link = re.search(r'href="(/cycles/[^"]+/people\?milestone=self_evaluation&amp;state=due[^"]*)"',
                            page).group(1)
    people = html(hanna.get(people_link.replace("&amp;", "&")))
    assert "Karim El Amrani" in people and "Open the plan" in people  # his new plan waits for it
    again = hanna.post(f"/cycles/{cycle_id}/launch")  # a sync without JavaScript: back to the page
    assert again.status_code == 302 and hanna.get(f"/cycles/{cycle_id}/progress").get_json()["done"] == 8
    listing = html(hanna.get("/cycles"))
    assert "Functioneringsgesprekken 2027" in listing
    unconfirmed = hanna.post(f"/cycles/{cycle_id}/close", {})
    assert unconfirmed.status_code == 302
    assert "Tick the box" in html(hanna.get(f"/cycles/{cycle_id}"))
    assert hanna.get(f"/cycles/{cycle_id}/progress").get_json()["status"] == "launched"
    hanna.post(f"/cycles/{cycle_id}/close", {"confirm": "yes"})
    frozen = html(hanna.get(f"/cycles/{cycle_id}"))
    assert "This cycle is closed" in frozen and 'id="launch-form"' not in frozen and 'id="close-form"' not in frozen
    assert "Technische Dienst" in frozen  # the dashboard stays readable
    late = hanna.post(f"/cycles/{cycle_id}/launch")
    assert late.status_code == 302 and "could not be launched" in html(hanna.get(f"/cycles/{cycle_id}"))


def test_a_manager_sees_the_dashboard_of_their_team_and_may_not_run_cycles(signed_in):
    hanna = signed_in("hanna")
    cycle_id = make_cycle(hanna, make_template(hanna))
    hanna.post(f"/cycles/{cycle_id}/launch")
    marieke = signed_in("marieke")
    assert "Functioneringsgesprekken 2027" in html(marieke.get("/cycles"))
    page = html(marieke.get(f"/cycles/{cycle_id}"))
    assert "Dashboard of my team" in page and "Technische Dienst" in page
    assert 'id="launch-form"' not in page and 'id="close-form"' not in page
    assert "Karim El Amrani" in html(marieke.get(
        f"/cycles/{cycle_id}/people?milestone=self_evaluation&state=due&department=Technische+Dienst"))
    petra = signed_in("petra")  # another manager: nobody of hers is in this cycle
    assert "Karim" not in html(petra.get(
        f"/cycles/{cycle_id}/people?milestone=self_evaluation&state=due"))
    assert marieke.get("/cycles/new").status_code == 403
    assert marieke.post(f"/cycles/{cycle_id}/launch").status_code == 403
    assert marieke.post(f"/cycles/{cycle_id}/close", {"confirm": "yes"}).status_code == 403
    karim = signed_in("karim")
    for path in ("/cycles", f"/cycles/{cycle_id}", f"/cycles/{cycle_id}/progress"):
        assert karim.get(path).status_code == 403
    daan = signed_in("daan")
    assert daan.get(f"/cycles/{cycle_id}").status_code == 403


def test_bad_cycle_input_never_breaks_the_page(signed_in):
    hanna = signed_in("hanna")
    template_id = make_template(hanna)
    hanna.get("/cycles/new")
    empty = hanna.post("/cycles/new", {"scope_kind": "everyone", "period_start": "morgen"})
    assert empty.status_code == 422 and "Not a valid date." in html(empty)
    backwards = hanna.post("/cycles/new", {"name": "X", "period_start": "2027-12-31", "period_end": "2027-01-01",
                                           "scope_kind": "organisation", "template_default": template_id})
    assert backwards.status_code == 422 and "Please correct the marked fields." in html(backwards)
    no_departments = hanna.post("/cycles/new", {"name": "X", "period_start": "2027-01-01",
                                                "period_end": "2027-12-31", "scope_kind": "departments",
                                                "template_default": template_id})
    assert no_departments.status_code == 422
    outside = hanna.post("/cycles/new", {"name": "X", "period_start": "2027-01-01", "period_end": "2027-12-31",
                                         "scope_kind": "organisation", "template_default": template_id,
                                         "due_conversation": "2030-01-01"})
    assert outside.status_code == 422
    unknown = hanna.post("/cycles/new", {"name": "X", "period_start": "2027-01-01", "period_end": "2027-12-31",
                                         "scope_kind": "organisation", "template_default": "not-a-template"})
    assert unknown.status_code == 422
    assert hanna.get("/cycles/not-a-cycle").status_code == 404
    assert hanna.get(f"/cycles/{'0' * 8}-0000-0000-0000-{'0' * 12}").status_code == 404
    cycle_id = make_cycle(hanna, template_id)
    assert hanna.get(f"/cycles/{cycle_id}/people?milestone=nonsense&state=late").status_code == 422
    assert hanna.get(f"/cycles/{cycle_id}/people?milestone=year_end_review&state=due").status_code == 422


@pytest.fixture
def karim_plan(signed_in):
    karim = signed_in("karim")
    return re.search(rf"/plans/({UUID})", html(karim.get("/plan"))).group(1), karim


def checkin_ids(page: str) -> list[str]:
    return re.findall(rf'id="checkin-({UUID})"', page)


def test_a_checkin_from_scheduling_to_an_agreement_that_becomes_an_action(karim_plan, signed_in):
    plan_id, karim = karim_plan
    karim.get(f"/plans/{plan_id}")
    answer = karim.post(f"/plans/{plan_id}/checkins", {"on": "2027-01-20", "at": "10:00", "duration_minutes": "45",
                                                      "location": "Kamer 2.14", "agenda": "Voortgang\nCursus"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#checkins")
    page = html(karim.get(f"/plans/{plan_id}"))
    (checkin_id,) = checkin_ids(page)
    for link in (f"/plans/{plan_id}/checkins/{checkin_id}", f"/team/plans/{plan_id}/checkins/{checkin_id}"):
        followed = karim.get(link)  # where the notifier's invitations point
        assert followed.status_code == 302 and followed.headers["Location"].endswith(
            f"/plans/{plan_id}#checkin-{checkin_id}")
    assert karim.get(f"/plans/{plan_id}/checkins/nonsense").status_code == 404
    assert "Kamer 2.14" in page and "Voortgang" in page and "45 minutes" in page
    marieke = signed_in("marieke")
    marieke.get(f"/plans/{plan_id}")
    assert marieke.post(f"/plans/{plan_id}/checkins/{checkin_id}/agenda", {"point": "Loopbaan"}).status_code == 302
    moved = marieke.post(f"/plans/{plan_id}/checkins/{checkin_id}/reschedule", {
        "on": "2027-01-22", "at": "14:30", "duration_minutes": "60", "location": "https://meet.example/abc",
        "reason": "Ik ben de 20e op cursus"})
    assert moved.status_code == 302
    page = html(marieke.get(f"/plans/{plan_id}"))
    assert "Loopbaan" in page and "14:30" in page and "moved once" in page
    recorded = marieke.post(f"/plans/{plan_id}/checkins/{checkin_id}/record", {
        "notes": "Goed gesprek", "agreements": "Cursus planning volgen\nMaandelijks bijpraten"})
    assert recorded.status_code == 302
    page = html(karim.get(f"/plans/{plan_id}"))
    assert "Goed gesprek" in page and "Cursus planning volgen" in page and "Make it a learning action" in page
    agreement_id = f"{checkin_id}-1"
    made = karim.post(f"/plans/{plan_id}/checkins/{checkin_id}/agreements/{agreement_id}/action", {
        "title": "Cursus planning", "means": "internal_training", "planned_start": "2027-03-01",
        "planned_end": "2027-03-05", "hours": "16", "cost": "0"})
    assert made.status_code == 302, re.findall(r"<ul class=\"errors\".*?</ul>", html(made), re.S)
    page = html(karim.get(f"/plans/{plan_id}"))
    assert "became a learning action" in page
    assert re.search(rf'href="/plans/{plan_id}/actions/{UUID}">Cursus planning</a>', page)
    timeline = html(karim.get(f"/plans/{plan_id}/timeline"))
    assert "Cursus planning" in timeline
    history = html(marieke.get(f"/hr/plans/{plan_id}/history"))
    for words in ("scheduled a check-in", "added a point to the check-in&#39;s agenda", "rescheduled a check-in",
                  "recorded the notes and agreements of a check-in", "Ik ben de 20e op cursus", "Kamer 2.14",
                  "Cursus planning volgen; Maandelijks bijpraten", "“Cursus planning”"):
        assert words in history, words
    assert "turned an agreement into a goal change or an action" in history


def test_an_agreement_changes_a_goal_and_a_checkin_is_cancelled(karim_plan):
    plan_id, karim = karim_plan
    karim.get(f"/plans/{plan_id}")
    for day in ("2027-02-01", "2027-03-01"):
        karim.post(f"/plans/{plan_id}/checkins", {"on": day, "at": "09:00", "duration_minutes": "30",
                                                  "location": "Teams"})
    first, second = checkin_ids(html(karim.get(f"/plans/{plan_id}")))
    karim.post(f"/plans/{plan_id}/checkins/{first}/record", {"agreements": "Deadline een maand later"})
    page = html(karim.get(f"/plans/{plan_id}"))
    goal_id = re.search(rf'name="goal_id"><option value="({UUID})"', page).group(1)
    changed = karim.post(f"/plans/{plan_id}/checkins/{first}/agreements/{first}-1/goal",
                         {"goal_id": goal_id, "deadline": "2027-06-30"})
    assert changed.status_code == 302, html(changed)[:3000]
    page = html(karim.get(f"/plans/{plan_id}"))
    assert "changed a goal" in page and "Deadline een maand later" in page
    assert karim.post(f"/plans/{plan_id}/checkins/{second}/cancel", {"reason": "Ziek"}).status_code == 302
    page = html(karim.get(f"/plans/{plan_id}"))
    assert "Why cancelled: Ziek" in page


def test_bad_checkin_input_and_strangers_are_refused(karim_plan, signed_in):
    plan_id, karim = karim_plan
    karim.get(f"/plans/{plan_id}")
    missing = karim.post(f"/plans/{plan_id}/checkins", {"on": "", "at": "", "duration_minutes": "x"})
    assert missing.status_code == 422 and "This field is required." in html(missing)
    outside = karim.post(f"/plans/{plan_id}/checkins", {"on": "2031-01-01", "at": "10:00", "duration_minutes": "60",
                                                       "location": "Kamer 1"})
    assert outside.status_code == 422 and 'role="alert"' in html(outside)
    late = karim.post(f"/plans/{plan_id}/checkins", {"on": "2027-01-20", "at": "25:00", "duration_minutes": "60",
                                                    "location": "Kamer 1"})
    assert late.status_code == 422
    long = karim.post(f"/plans/{plan_id}/checkins", {"on": "2027-01-20", "at": "10:00", "duration_minutes": "900",
                                                    "location": "Kamer 1"})
    assert long.status_code == 422
    assert karim.post(f"/plans/{plan_id}/checkins/not-an-id/agenda", {"point": "x"}).status_code == 404
    unknown = f"{'0' * 8}-0000-0000-0000-{'0' * 12}"
    assert karim.post(f"/plans/{plan_id}/checkins/{unknown}/cancel", {"reason": "x"}).status_code in (404, 422)
    assert karim.post(f"/plans/{plan_id}/checkins/{unknown}/agreements/../action", {}).status_code == 404
    sophie = signed_in("sophie")
    sophie.get("/plan")
    refused = sophie.post(f"/plans/{plan_id}/checkins", {"on": "2027-01-20", "at": "10:00",
                                                        "duration_minutes": "60", "location": "Kamer 1"})
    assert refused.status_code in (403, 404)
    assert karim.client.post(f"/plans/{plan_id}/checkins", data={"on": "2027-01-20"}).status_code == 400  # no CSRF


def labelled(page: str) -> list[str]:
    """Form controls without a label (hidden fields, radios and checkboxes sit inside theirs)."""
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|checkbox|radio)")[^>]*\bid="([^"]+)"', page)
    return [control for control in ids if f'for="{control}"' not in page]


def test_the_new_pages_in_dutch_with_a_label_for_every_control(signed_in, karim_plan):
    hanna = signed_in("hanna")
    template_id = make_template(hanna)
    cycle_id = make_cycle(hanna, template_id)
    hanna.client.post("/language", data={"csrf_token": hanna.token, "lang": "nl"})
    expected = {"/templates": "Plansjablonen", "/templates/new": "Voorgestelde doelen (SMART-opzet)",
                f"/templates/{template_id}": "Nieuwe versie maken",
                f"/templates/{template_id}/revise": "Opslaan als nieuwe versie",
                "/cycles": "Ontwikkelcycli", "/cycles/new": "Sjabloon voor alle anderen",
                f"/cycles/{cycle_id}": "Nog niet gestart"}
    for path, words in expected.items():
        page = html(hanna.get(path))
        assert words in page and 'lang="nl"' in page, path
        assert not labelled(page), (path, labelled(page))
    plan_id, karim = karim_plan
    karim.client.post("/language", data={"csrf_token": karim.token, "lang": "nl"})
    page = html(karim.get(f"/plans/{plan_id}"))
    assert "Een gesprek plannen" in page and not labelled(page)


NEW_KINDS = ("self_evaluation_due", "cycle_milestone_due", "checkin_invite", "hr_cycle_digest", "certificate_expiring")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_notifier_kinds_of_cycles_have_words_and_links_in_both_languages(portal, language):
    from flask_babel import force_locale

    from services.portal.views.notifications import describe, kind_name

    cycle_id = "3f2b8c1e-0000-4000-8000-000000000001"
    plan_id = "3f2b8c1e-0000-4000-8000-000000000002"
    checkin_id = "3f2b8c1e-0000-4000-8000-000000000003"
    items = {
        "self_evaluation_due": {"plan_id": plan_id, "due": "2027-01-20"},
        "cycle_milestone_due": {"cycle_id": cycle_id, "plan_id": plan_id, "cycle": "Gesprekken 2027",
                                "milestone": "conversation", "due": "2027-02-15"},
        "checkin_invite": {"plan_id": plan_id, "checkin_id": checkin_id, "on": "2027-01-22", "at": "14:30"},
        "hr_cycle_digest": {"cycle_id": cycle_id},
        "certificate_expiring": {"title": "VCA", "expires": "2027-03-01"},
    }
    with portal.test_request_context("/"), force_locale(language):
        names = {kind: kind_name(kind) for kind in NEW_KINDS}
        lines = {kind: describe({"kind": kind, "data": data}, {}) for kind, data in items.items()}
        bare = {kind: describe({"kind": kind, "data": {}}, {})[0] for kind in NEW_KINDS}  # nothing sent: no error
        unknown = describe({"kind": "brand_new_kind", "data": {}}, {})
    assert all(names[kind] != kind for kind in NEW_KINDS) and len(set(names.values())) == len(NEW_KINDS)
    assert lines["cycle_milestone_due"][1] == f"/plans/{plan_id}"  # an employee's own plan, not HR's cycle page
    assert lines["hr_cycle_digest"][1] == f"/cycles/{cycle_id}"
    assert lines["checkin_invite"][1] == f"/plans/{plan_id}#checkin-{checkin_id}"
    assert lines["self_evaluation_due"][1] == f"/plans/{plan_id}"
    assert "14:30" in lines["checkin_invite"][0] and "VCA" in lines["certificate_expiring"][0]
    assert "Gesprekken 2027" in lines["cycle_milestone_due"][0]
    words = {"en": ("Self-evaluation due", "Conversation held is due on", "Check-in on"),
             "nl": ("Zelfevaluatie te doen", "Gesprek gevoerd uiterlijk", "Gesprek op")}[language]
    assert names["self_evaluation_due"] == words[0]
    assert lines["cycle_milestone_due"][0].startswith(words[1]) and lines["checkin_invite"][0].startswith(words[2])
    assert all(bare.values()) and unknown[0] == "brand_new_kind"


def test_the_settings_offer_the_notifiers_kinds_in_words_and_ignore_others(notifier_portal, notifier_app):  # noqa: F811
    karim = Browser(notifier_portal.test_client())
    karim.login("karim")
    karim.client.post("/language", data={"csrf_token": karim.token, "lang": "nl"})
    page = html(karim.get("/notifications/settings"))
    offered = re.findall(r'<input type="radio" name="([a-z_]+)" value="immediately"', page)
    assert offered and "weekly_digest" in offered
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    assert len(legends) == len(offered) and not set(legends) & set(offered)  # words, never codes
    karim.post("/notifications/settings", {"language": "nl", "feedback_received": "daily_digest",
                                           "not_a_kind": "portal_only"})
    assert preferences(notifier_app, "karim") == {"language": "nl", "feedback_received": "daily_digest"}
    centre = html(karim.get("/notifications"))
    assert 'lang="nl"' in centre and "Nieuwe feedback" in centre


class LaunchTimesOut(FlaskTransport):
    """The plan service does the launch, but its answer arrives after the portal stopped waiting (once)."""

    cut = 1

    def request(self, method, url, **kwargs):
        reply = super().request(method, url, **kwargs)
        if url.endswith("/launch") and self.cut:
            self.cut -= 1
            raise requests.Timeout("the launch took longer than the portal waits")
        return reply


def test_a_launch_longer_than_the_portal_waits_is_posted_again_and_goes_on(make_portal, plan_app, recommender_app):
    portal = make_portal(LaunchTimesOut({PLAN_URL: plan_app, RECOMMENDER_URL: recommender_app}))
    hanna = Browser(portal.test_client())
    hanna.login("hanna")
    cycle_id = make_cycle(hanna, make_template(hanna))
    first = hanna.post(f"/cycles/{cycle_id}/launch", headers={"Accept": "application/json"})
    assert first.status_code == 200 and first.get_json()["complete"] is False  # the page posts again
    assert hanna.get(f"/cycles/{cycle_id}/progress").get_json()["done"] == 8  # the service's record kept it
    again = hanna.post(f"/cycles/{cycle_id}/launch", headers={"Accept": "application/json"})
    assert again.get_json()["complete"] is True
    assert hanna.get(f"/cycles/{cycle_id}/progress").get_json()["done"] == 8  # nobody twice
    assert "Launched: 8 of 8 people" in html(hanna.get(f"/cycles/{cycle_id}"))


def test_small_groups_are_hidden_on_the_dashboard_as_the_service_decides(signed_in):
    hanna = signed_in("hanna")
    cycle_id = make_cycle(hanna, make_template(hanna), scope_kind="organisation", departments="")
    hanna.post(f"/cycles/{cycle_id}/launch")
    page = html(hanna.get(f"/cycles/{cycle_id}"))
    table = page.split('data-milestone="self_evaluation"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    hidden = [row for row in rows if "Fewer than 5 people" in row]
    assert hidden and all("href" not in row for row in hidden)  # e.g. Directie, one person: withheld
    assert any("Directie" in row for row in hidden)
    technische_dienst = table.split("Technische Dienst")[1].split("</tr>")[0]
    assert "Fewer than 5" not in technische_dienst and "/people?" in technische_dienst


ZERO_ID = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize("method, path", [
    ("get", "/templates"), ("get", "/templates/new"), ("get", "/cycles"), ("get", "/cycles/new"),
    ("get", f"/cycles/{ZERO_ID}"), ("get", f"/cycles/{ZERO_ID}/progress"), ("post", f"/cycles/{ZERO_ID}/launch"),
    ("get", f"/plans/{ZERO_ID}/checkins/{ZERO_ID}"),
])
def test_signed_out_visitors_are_sent_to_sign_in(client, method, path):
    answer = getattr(client, method)(path)
    assert answer.status_code in (302, 400)  # a POST without a CSRF token stops before anything else
    if answer.status_code == 302:
        assert "/login" in answer.headers["Location"]


def test_a_retired_template_stays_readable_and_starts_no_new_plans(signed_in):
    daan = signed_in("daan")
    template_id = make_template(daan, name="Oud sjabloon")
    assert daan.post(f"/templates/{template_id}/retire", {"change_note": "Vervangen"}).status_code == 302
    page = html(daan.get(f"/templates/{template_id}"))
    assert "This template is retired" in page and "Make a new version" not in page and 'id="retire-form"' not in page
    assert "Oud sjabloon" not in html(daan.get("/templates"))
    assert "Oud sjabloon" in html(daan.get("/templates?retired=1"))
    again = daan.post(f"/templates/{template_id}/retire", {})
    assert again.status_code == 302 and "could not be retired" in html(daan.get(f"/templates/{template_id}"))
    assert signed_in("karim").post(f"/templates/{template_id}/retire", {}).status_code == 403
    assert daan.post("/templates/not-an-id/retire", {}).status_code == 404


HOSTILE_NUMBERS = ["1e999999999", "9" * 5000, "NaN", "-Infinity", "0x10", "12,5,6", "1\x00", "٣٣٣"]


def test_hostile_numbers_in_the_new_forms_never_give_a_server_error(karim_plan, signed_in):
    hanna = signed_in("hanna")
    template_id = make_template(hanna)
    cycle_id = make_cycle(hanna, template_id)
    plan_id, karim = karim_plan
    karim.get(f"/plans/{plan_id}")
    for value in HOSTILE_NUMBERS:
        for path, form in ((
                "/templates/new", {**TEMPLATE_FORM, "hours_norm": value, "budget_norm": value, "goal_1_offset": value,
                                   "milestone_conversation": value, "goal_1_skills": f"veiligheid: {value}"}),
                (f"/templates/{template_id}/revise", {**TEMPLATE_FORM, "hours_norm": value}),
                ("/cycles/new", {"name": "X", "period_start": value, "period_end": value, "scope_kind": "organisation",
                                 "due_conversation": value, "template_default": template_id})):
            assert hanna.post(path, form).status_code < 500, (path, value[:20])
        assert hanna.get(f"/templates/{template_id}", query_string={"version": value}).status_code < 500
        assert hanna.get(f"/cycles/{cycle_id}/people", query_string={"milestone": value, "state": value,
                                                                      "department": value}).status_code < 500
        slot = {"on": value, "at": value, "duration_minutes": value, "location": "Kamer 1"}
        assert karim.post(f"/plans/{plan_id}/checkins", slot).status_code < 500, value[:20]
        assert karim.post(f"/plans/{plan_id}/checkins", {**slot, "on": "2027-01-20", "at": "10:00"}).status_code < 500
