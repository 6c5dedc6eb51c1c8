"""Every portal page, for every role, in Dutch and English, at desktop and 390 px wide, in real Chromium.

Each role's pages are found by walking the links it can follow from its landing page (one page per path
shape, ids folded), so a page added later is checked without touching this file. On every page:

- axe-core (the npm package from tests/accessibility/package-lock.json, served to the page from the
  portal's own origin by Playwright's router, so the strict CSP stays on) checks WCAG 2.2 AA; any serious or
  critical violation fails, and a summary of all results is printed;
- every form field has an id used once on the page and a label (label element, aria-label or -labelledby);
- at 390 px the document is no wider than the viewport (no sideways scrolling).
A keyboard-only walk goes through the main story: sign in, open the plan, add a goal, add an action.
Screenshots of every page at both sizes in both languages go to tests/screenshots/a11y/.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from tests.portal.test_browser import (  # noqa: F401 - the module fixtures are used by name
    DESKTOP,
    PASSWORD,
    PHONE,
    ROOT,
    SHOTS,
    browser,
    expect,
)

AXE = ROOT / "tests" / "accessibility" / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"  # a path the portal does not serve: the test's router answers it
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
ROLES = {"sophie": "employee", "petra": "manager", "hanna": "hr", "daan": "ld", "admin": "admin"}
LANGUAGES = {"en": "en-GB", "nl": "nl-NL"}
SKIP = re.compile(r"\.(pdf|ics|json|csv|jsonl|xlsx)$|/login|/logout|/unsubscribe|/static/|/portal-api/|/erase$")
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<=/)[0-9]+(?=/|$)"
                r"|(?<=/people/)[^/]+|(?<=/admin/accounts/)(?!new$)[^/]+")
PAGES_PER_ROLE = 40

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]  # about 250 page checks

if not AXE.exists():
    pytest.skip("axe-core is not installed: (cd tests/accessibility && npm ci)", allow_module_level=True)

FIELD_CHECK = """() => {
  const fields = [...document.querySelectorAll('input, select, textarea')]
    .filter(f => f.type !== 'hidden' && f.type !== 'submit' && f.type !== 'button');
  const seen = {}; document.querySelectorAll('[id]').forEach(e => seen[e.id] = (seen[e.id] || 0) + 1);
  const problems = [];
  for (const f of fields) {
    const name = f.id || f.name || f.outerHTML.slice(0, 80);
    if (!f.id) problems.push(`${name}: no id`);
    else if (seen[f.id] > 1) problems.push(`${name}: id used ${seen[f.id]} times`);
    const labelled = (f.labels && f.labels.length) || f.getAttribute('aria-label') || f.getAttribute('aria-labelledby');
    if (!labelled) problems.push(`${name}: no label`);
  }
  return problems;
}"""

# The smallest label of each chart as drawn (its font size times the chart's scale), in CSS pixels.
CHART_TEXT_CHECK = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size') || '16'));
  return {label: svg.getAttribute('aria-label'), px: sizes.length ? Math.min(...sizes) * scale : null};
}).filter(c => c.px !== null)"""
SMALLEST_CHART_TEXT_PX = 10
WIDTH_CHECK = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > doc.clientWidth + 1).slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
         + (typeof e.className === 'string' && e.className ? '.' + e.className : ''));
  return {scroll: doc.scrollWidth, viewport: doc.clientWidth, wide};
}"""


def shape(path: str) -> str:
    """A path with its ids folded, so each kind of page is checked once per role."""
    return ID.sub("{id}", path)


class Walker:
    """One person in one language: signs in, finds their pages, checks each at both sizes."""

    def __init__(self, chromium, services, username: str, language: str):
        self.base, self.username, self.language = services.url("portal"), username, language
        self.context = chromium.new_context(viewport=DESKTOP, locale=LANGUAGES[language])
        self.context.set_default_timeout(20_000)
        self.context.route(f"{self.base}{AXE_PATH}", lambda route: route.fulfill(
            path=str(AXE), content_type="text/javascript"))
        self.page = self.context.new_page()

    def sign_in(self) -> None:
        self.page.goto(self.base + "/login")
        self.page.fill("#username", self.username)
        self.page.fill("#password", PASSWORD)
        self.page.click("form button.primary")
        expect(self.page.locator("header nav")).to_be_visible()

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        found = []
        for href in hrefs:
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != self.base or SKIP.search(parts.path):
                continue
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return found

    def discover(self) -> list[str]:
        """Same-origin pages reachable by links, one per path shape, breadth first from the landing page."""
        self.page.goto(self.base + "/")
        queue, shapes, pages = [urlsplit(self.page.url).path], set(), []
        while queue and len(pages) < PAGES_PER_ROLE:
            path = queue.pop(0)
            key = shape(urlsplit(path).path)
            if key in shapes:
                continue
            shapes.add(key)
            response = self.page.goto(self.base + path)
            kind = response.headers.get("content-type", "") if response else ""
            if response is None or response.status >= 400 or "text/html" not in kind:
                continue
            if self.page.locator("#purpose").count() and "/hr/purpose" in self.page.url:
                self.give_purpose()
            pages.append(path)
            queue.extend(link for link in self.links() if shape(urlsplit(link).path) not in shapes)
        return pages

    def give_purpose(self) -> None:
        """HR names why it opens plans once a session (the access log records it)."""
        self.page.select_option("#purpose", "audit")
        self.page.fill("#note", "Toegankelijkheidstest")
        self.page.locator("main form button[type=submit]").first.click()

    def check(self, path: str) -> dict:
        """axe, the form fields and the width of one page at both sizes; screenshots of both."""
        result = {"path": path, "violations": [], "fields": [], "overflow": None, "passes": 0, "charts": []}
        self.page.goto(self.base + path)
        folder = SHOTS / "a11y"
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^a-z0-9]+", "-", shape(urlsplit(path).path).lower()).strip("-") or "home"
        for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            self.page.set_viewport_size(size)
            if not self.page.evaluate("() => typeof axe !== 'undefined'"):
                self.page.add_script_tag(url=self.base + AXE_PATH)
            report = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                                        AXE_TAGS)
            result["passes"] += len(report["passes"])
            for violation in report["violations"]:
                result["violations"].append({
                    "size": size_name, "id": violation["id"], "impact": violation["impact"],
                    "help": violation["help"], "nodes": [n["target"] for n in violation["nodes"]][:3]})
            result["fields"] = self.page.evaluate(FIELD_CHECK)
            if size_name == "phone":
                width = self.page.evaluate(WIDTH_CHECK)
                if width["scroll"] > width["viewport"]:
                    result["overflow"] = width
                result["charts"] = self.page.evaluate(CHART_TEXT_CHECK)
            self.page.screenshot(path=str(folder / f"{self.username}-{name}-{self.language}-{size_name}.png"))
        self.page.set_viewport_size(DESKTOP)
        return result

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def walk(stack, browser) -> list[dict]:  # noqa: F811 - the fixtures of tests/portal/test_browser.py
    """Every page of every role in both languages, checked once for all the tests below."""
    results = []
    for username, role in ROLES.items():
        pages = None
        for language in LANGUAGES:
            walker = Walker(browser, stack, username, language)
            try:
                walker.sign_in()
                pages = pages or walker.discover()
                if role == "hr":
                    walker.page.goto(walker.base + "/hr/purpose")
                    walker.give_purpose()
                for path in pages:
                    results.append({"role": role, "language": language, **walker.check(path)})
            finally:
                walker.close()
    anonymous = Walker(browser, stack, "anonymous", "nl")
    try:
        for language in LANGUAGES:
            anonymous.context.clear_cookies()
            anonymous.page.set_extra_http_headers({"Accept-Language": language})
            results.append({"role": "anonymous", "language": language, **anonymous.check("/login")})
    finally:
        anonymous.close()
    print_summary(results)
    return results


def print_summary(results: list[dict]) -> None:
    by_impact = Counter(v["impact"] for r in results for v in r["violations"])
    rules = Counter((v["id"], v["impact"]) for r in results for v in r["violations"])
    print(f"\naxe-core {AXE_TAGS}: {len(results)} page checks "
          f"({len({(r['role'], r['path']) for r in results})} pages x languages, each at {DESKTOP['width']} "
          f"and {PHONE['width']} px), {sum(r['passes'] for r in results)} rule passes, "
          f"violations by impact: {dict(by_impact) or 'none'}")
    for (rule, impact), count in rules.most_common():
        print(f"  {impact:9} {rule}: {count}")
        for r in results:
            for v in r["violations"]:
                if v["id"] == rule and v["impact"] == impact:
                    print(f"    {r['role']} {r['language']} {r['path']} [{v['size']}] at {v['nodes']}")
    for role in dict.fromkeys(r["role"] for r in results):
        paths = sorted({shape(urlsplit(r["path"]).path) for r in results if r["role"] == role})
        print(f"  {role}: {len(paths)} pages: {' '.join(paths)}")


def test_every_page_has_no_serious_or_critical_axe_violation(walk):
    roles = {r["role"] for r in walk}
    assert roles == {*ROLES.values(), "anonymous"}, f"no pages checked for {set(ROLES.values()) - roles}"
    assert len(walk) >= 40, f"only {len(walk)} page checks: the walk did not find the portal's pages"
    blocking = [f"{r['role']} {r['language']} {r['path']} [{v['size']}] {v['impact']} {v['id']}: "
                f"{v['help']} at {v['nodes']}" for r in walk for v in r["violations"] if v["impact"] in BLOCKING]
    assert not blocking, "axe found serious or critical violations:\n" + "\n".join(blocking)


def test_every_form_field_has_a_unique_id_and_a_label(walk):
    problems = sorted({f"{r['role']} {r['language']} {r['path'][:90]}: {p}" for r in walk for p in r["fields"]})
    assert not problems, "form fields without a unique id or a label:\n" + "\n".join(problems)
    assert any(r["path"].endswith("/goals/new") for r in walk), "the goal form was not among the pages"


def test_no_page_scrolls_sideways_at_390_px(walk):
    wide = [f"{r['role']} {r['language']} {r['path']}: {r['overflow']}" for r in walk if r["overflow"]]
    assert not wide, "pages wider than a 390 px phone:\n" + "\n".join(wide)


def test_chart_labels_stay_readable_at_390_px(walk):
    charts = [(r["path"], c) for r in walk for c in r["charts"]]
    assert charts, "the walk met no chart: the check would prove nothing"
    small = [f"{path}: {c['label']} at {c['px']:.1f} px" for path, c in charts if c["px"] < SMALLEST_CHART_TEXT_PX]
    assert not small, "chart labels too small on a phone:\n" + "\n".join(small)


def test_keyboard_only_main_story(stack, browser):  # noqa: F811 - fixtures
    """Sign in, open the plan, add a goal and an action with the keyboard alone (Tab, typing, Enter, Space)."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    base = stack.url("portal")
    page.goto(base + "/login")

    def tab_to(selector: str, limit: int = 80) -> None:
        """Press Tab until the element matching SELECTOR has the focus, as a keyboard user would."""
        target = page.locator(selector).first
        for _ in range(limit):
            if target.evaluate("e => e === document.activeElement"):
                visible = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle !== 'none'"
                                        " || getComputedStyle(document.activeElement).boxShadow !== 'none'")
                assert visible, f"{selector} has the focus but no visible focus indicator"
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")

    def type_date(selector: str, day: str) -> None:
        """Digits into a date field, in the order of the browser's own user-interface language (Chromium's
        en-US here: month, day, year), as a keyboard user of that browser types them."""
        tab_to(selector)
        page.keyboard.type(day[5:7] + day[8:10] + day[:4])
        expect(page.locator(selector)).to_have_value(day)

    tab_to("#username")
    page.keyboard.type("karim")
    tab_to("#password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("header nav")).to_be_visible()
    page.goto(base + "/plan")
    tab_to("main a[href*='/plans/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/plans/[0-9a-f-]{36}$"))
    plan_path = urlsplit(page.url).path

    tab_to(f"main a[href='{plan_path}/goals/new']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/goals/new$"))
    for selector, text in (("#title", "Zelfstandig een klein project leiden"), ("#skill_1", "project management"),
                           ("#measure", "Een project van drie maanden op tijd afgerond"),
                           ("#hours_needed", "12"), ("#budget_needed", "0"),
                           ("#relevance", "Past bij mijn doel om projectleider te worden")):
        tab_to(selector)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    type_date("#deadline", "2027-06-30")
    tab_to("#target_1")
    page.keyboard.press("ArrowDown")  # a select changes with the arrow keys
    page.keyboard.press("ArrowDown")
    tab_to("main form button[type=submit]:has-text('Save goal')")
    page.keyboard.press("Enter")
    expect(page.locator(".flash", has_text="Goal saved").first).to_be_visible()

    page.goto(base + plan_path + "/actions/new")
    for selector, text in (("#title", "Cursus projectplanning"), ("#hours", "8")):
        tab_to(selector)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    type_date("#planned_start", "2027-02-01")
    type_date("#planned_end", "2027-02-15")
    tab_to("main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Cursus projectplanning")
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"keyboard-story-{size_name}.png"), full_page=True)
    context.close()


def test_axe_is_the_pinned_package():
    """The axe-core served to the pages is the one package-lock.json pins (npm ci), not any other copy."""
    import json

    lock = json.loads((ROOT / "tests" / "accessibility" / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/axe-core"]["version"]
    installed = json.loads((AXE.parent / "package.json").read_text())["version"]
    assert installed == pinned
