"""Dutch throughout, in one voice: every main page of every role, rendered in Dutch, shows no English UI text,
no untranslated message id and no formal 'u'; and every message id in the portal's code has a Dutch entry."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PORTAL = Path(__file__).resolve().parents[2] / "services" / "portal"
CATALOGUE = PORTAL / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
# Words of the English UI that must never reach a Dutch page whatever the catalogue says (statuses, event
# names in the history, field names in diffs, purposes): a missing _() around any of them shows here.
# ('Feedback' and 'Deadline' are Dutch words too.)
KNOWN_ENGLISH = ("Save", "Cancel", "Submit", "Planned", "Completed", "Started", "Approved", "Waiting for review",
                 "Draft", "Active", "Closed", "started the plan", "assessed a skill", "set a goal", "revised a goal",
                 "Audit or compliance check", "Funding requested", "hours", "Skill", "Goal", "Level",
                 "No changes", "Target level", "Current level", "version", "Overview", "Timeline")
FORMAL = re.compile(r"(?<![(\w])(u|uw|Uw)\b")  # Dutch speaks to the reader with 'je' (STYLE of the portal)


class Text(HTMLParser):
    """The words a person sees or hears: text outside scripts and styles, plus labels read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        for name, value in attrs:
            if name in {"aria-label", "title", "placeholder", "alt"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    return parser.parts


def code_message_ids() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PORTAL), method_map, keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
                                               "ngettext": (1, 2)}):
        singular = message[0] if isinstance(message, tuple) else message  # a plural's entry is its singular
        if singular:
            found.add(singular)
    return found


@pytest.fixture(scope="module")
def catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def test_every_message_id_in_the_portal_has_a_dutch_entry_in_one_voice(catalogue):
    missing = sorted(m for m in code_message_ids() if m not in catalogue or not catalogue[m].string)
    assert not missing, f"append Dutch entries for: {missing}"
    formal = sorted(str(m.string) for m in catalogue if m.id and m.string and FORMAL.search(
        m.string if isinstance(m.string, str) else " ".join(m.string)))
    assert not formal, f"Dutch speaks with 'je', not 'u': {formal}"


def english_leaks(html: str, catalogue) -> list[str]:
    """English UI strings in a Dutch page: known words, and message ids (two words or more) shown untranslated."""
    words = " | ".join(visible_text(html))
    leaks = [w for w in KNOWN_ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", words)]
    for message in catalogue:
        if (isinstance(message.id, str) and " " in message.id and "%" not in message.id and message.string
                and message.string != message.id and len(message.id) > 12 and message.id in words):
            leaks.append(message.id)
    return leaks


def plan_ids(browser, employee: str) -> str:
    page = browser.get("/hr/plans", query_string={"q": employee}).get_data(as_text=True)
    return re.search(r"/hr/plans/([0-9a-f-]{36})/history", page).group(1)


def dutch(signed_in, username: str):
    browser = signed_in(username)
    browser.client.post("/language", data={"csrf_token": browser.token, "lang": "nl"})
    return browser


def check(browser, paths: list[str], catalogue) -> None:
    problems = {}
    for path in paths:
        response = browser.get(path)
        assert response.status_code == 200, (path, response.status_code)
        html = response.get_data(as_text=True)
        assert '<html lang="nl">' in html, path
        leaks = english_leaks(html, catalogue)
        formal = [t for t in visible_text(html) if FORMAL.search(t)]
        if leaks or formal:
            problems[path] = leaks + formal
    assert not problems, f"English or 'u' on Dutch pages: {problems}"


def test_the_employees_pages_in_dutch(signed_in, catalogue):
    karim = dutch(signed_in, "karim")
    plan_id = re.search(r"/plans/([0-9a-f-]{36})", karim.get("/plan").get_data(as_text=True)).group(1)
    page = karim.get(f"/plans/{plan_id}").get_data(as_text=True)
    goal_id = re.search(rf"/plans/{plan_id}/goals/([0-9a-f-]{{36}})/edit", page).group(1)
    action_id = re.search(rf"/plans/{plan_id}/actions/([0-9a-f-]{{36}})", karim.get(
        f"/plans/{plan_id}/timeline").get_data(as_text=True)).group(1)
    base = f"/plans/{plan_id}"
    check(karim, ["/plan", base, f"{base}/skills", f"{base}/goals/new", f"{base}/details",
                  f"{base}/goals/{goal_id}/edit", f"{base}/suggestions", f"{base}/timeline", f"{base}/feedback",
                  f"{base}/actions/new", f"{base}/actions/{action_id}", f"{base}/access-log", "/account"], catalogue)


def test_the_managers_pages_in_dutch(signed_in, catalogue):
    marieke = dutch(signed_in, "marieke")
    team = marieke.get("/team").get_data(as_text=True)
    review = re.search(r"/team/plans/[0-9a-f-]{36}", team).group(0)
    check(marieke, ["/team", review], catalogue)


def test_hr_pages_in_dutch(signed_in, catalogue):
    hanna = dutch(signed_in, "hanna")
    assert hanna.post("/hr/purpose", {"purpose": "audit", "note": "steekproef"}).status_code == 302
    plan_id = plan_ids(hanna, "karim")
    check(hanna, ["/hr/plans", "/hr/reports", "/hr/access-log", f"/hr/plans/{plan_id}/history",
                  f"/hr/plans/{plan_id}/as-of?version=3", f"/hr/plans/{plan_id}/diff?from=1&to=4"], catalogue)


def test_ld_pages_in_dutch(signed_in, catalogue):
    daan = dutch(signed_in, "daan")
    check(daan, ["/ld/catalogue", "/ld/reports", "/ld/taxonomy", "/ld/ranking", "/ld/catalogue/new"], catalogue)
