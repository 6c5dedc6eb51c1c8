"""The plan's exports at the limits of one plan (services/plan/domain/limits.py): the PDF, the iCalendar file
and the HR audit CSV of a plan holding the most goals, actions, skills and notes it may, every text at its
longest, against the same exports of the demo-sized plan (2 goals, 2 actions, 5 skills). The table gives
the median time of each over `BENCH_ROUNDS` rounds (default 5, after a warm-up) and the ratio to the
demo-sized plan. The PDF clips long free texts (services/portal/pdf.py) so that its layout stays quick."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.plan.api.views import plan_view  # noqa: E402
from services.plan.application import jsonable  # noqa: E402
from services.plan.domain import limits  # noqa: E402
from services.plan.domain.plan import Context, DevelopmentPlan  # noqa: E402

OWNER, MANAGER = Context("karim", "owner"), Context("marieke", "manager")
START, END = date(2026, 1, 1), date(2030, 12, 31)


def build(goals: int, actions: int, skills: int, notes: int, long: bool) -> DevelopmentPlan:
    words = "Leren door te doen en terug te kijken op wat werkte. "
    text = (words * (limits.LONG_TEXT // len(words) + 1))[:limits.LONG_TEXT] if long else words
    title = ("Titel " * 40)[:limits.SHORT_TEXT] if long else "Teamleider worden"
    plan = DevelopmentPlan.start(OWNER, employee_id="karim", period_start=START, period_end=END,
                                 trigger="career_project", career_project=text,
                                 available_hours=limits.MAX_HOURS, available_budget=Decimal(10_000_000))
    for n in range(skills):
        plan.assess_skill(OWNER, skill=f"{title[:180]} {n}", category="technical", level=n % 5, note=text)
    for n in range(goals):
        plan.set_goal(OWNER, goal_id=f"g{n}", title=title, measure=text, relevance=text,
                      skills=[{"skill": f"{title[:180]} {k}", "target_level": 5}
                              for k in range(limits.MAX_GOAL_SKILLS)] if long
                      else [{"skill": f"{title} {n}", "target_level": 5}],
                      hours_needed=1, budget_needed=Decimal(0), deadline=END)
    for n in range(actions):
        first = START + timedelta(days=(n * 7) % 1700)
        plan.plan_action(OWNER, action_id=f"a{n}", goal_ids=[f"g{n % max(goals, 1)}"] if goals else [],
                         means="mooc", title=title, provider=title[:limits.SHORT_TEXT], planned_start=first,
                         planned_end=first + timedelta(days=30), hours=4, cost=Decimal(100))
    for n in range(notes):
        plan.receive_feedback(OWNER, feedback_id=f"f{n}", source="self", text=text)
    return plan


def exports(plan: DevelopmentPlan, app) -> dict[str, float]:
    from services.portal import ical, pdf
    from services.portal.views.hr import AUDIT_COLUMNS
    from shared.csvexport import write_csv

    view = jsonable(plan_view(plan))
    out = {}
    with app.test_request_context("/", headers={"Accept-Language": "nl"}):
        view = json.loads(json.dumps(view, default=str))
        began = time.perf_counter()
        pdf.plan_pdf(view)
        out["PDF"] = time.perf_counter() - began
        began = time.perf_counter()
        ical.plan_calendar(view, "groeipad.example")
        out["iCalendar"] = time.perf_counter() - began
    rows = [[view["id"], "karim", n, "", "FeedbackReceived", "karim", "owner", "", json.dumps(f, default=str)]
            for n, f in enumerate(view.get("feedback") or [])]
    began = time.perf_counter()
    write_csv(AUDIT_COLUMNS, rows)
    out["audit CSV"] = time.perf_counter() - began
    return out


def main() -> str:
    from services.portal.app import create_app

    os.environ.setdefault("GROEIPAD_DATA_DIR", str(Path("var").resolve()))
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    app = create_app({"TESTING": True})
    small = build(goals=2, actions=2, skills=5, notes=2, long=False)
    large = build(goals=limits.MAX_GOALS, actions=limits.MAX_ACTIONS, skills=limits.MAX_SKILLS,
                  notes=limits.MAX_NOTES - 1, long=True)
    times: dict[str, dict[str, list[float]]] = {"small": {}, "large": {}}
    exports(small, app)  # warm-up: fonts and templates load once per worker
    for _ in range(rounds):
        for name, plan in (("small", small), ("large", large)):
            for export, seconds in exports(plan, app).items():
                times[name].setdefault(export, []).append(seconds)
    lines = ["| export | demo-sized plan (ms) | plan at the limits (ms) | ratio |", "|---|---:|---:|---:|"]
    for export in times["small"]:
        low, high = statistics.median(times["small"][export]), statistics.median(times["large"][export])
        lines.append(f"| {export} | {low * 1000:.1f} | {high * 1000:.1f} | {high / low:.0f}x |")
    table = "\n".join(lines)
    print(table)
    return table


if __name__ == "__main__":
    main()
