"""The plan as a short PDF for the appraisal interview: goals, target skills, planned actions, funding,
timeline.

DejaVu Sans ships with the portal (fonts/), so Dutch text, accents and the euro sign print everywhere. Text
is left-aligned and wraps between words only (justified text stretches gaps, and breaking inside words hurts
readers, dyslexic ones most); dates follow the reader's language; the document language is set for screen
readers. fpdf2 writes a structure tree only for images with alternative text, not a fully tagged PDF.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from services.portal.i18n import fdate, money, number
from services.portal.vocabulary import label

FONTS = Path(__file__).parent / "fonts"
# The PDF is a summary to print and discuss; the portal and the data export hold every word. Clipping long
# free texts keeps a plan at its limits (services/plan/domain/limits.py) quick to lay out (bench/plan_exports.py).
CLIP_NAME, CLIP_TITLE, CLIP_TEXT, CLIP_PROJECT, TIMELINE_TITLES = 60, 120, 300, 1000, 8


def clip(value: Any, length: int) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


class PlanDocument(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}", align="C")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("DejaVu", "B", 13)
        self.set_text_color(18, 62, 92)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font("DejaVu", "", 10)

    def para(self, text: str, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", 10)
        self.multi_cell(0, 5.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=Align.L, wrapmode=WrapMode.WORD)
        self.set_font("DejaVu", "", 10)

    def grid(self, headings: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.set_font("DejaVu", "", 9)
        with self.table(col_widths=widths, first_row_as_headings=True, line_height=5, text_align=Align.L,
                        wrapmode=WrapMode.WORD,
                        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 242))) as table:
            head = table.row()
            for text in headings:
                head.cell(text)
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(text)
        self.set_font("DejaVu", "", 10)


def plan_pdf(plan: dict[str, Any]) -> bytes:
    """The PDF bytes of PLAN, in the language of the current request."""
    name = plan.get("employee_name") or plan.get("employee_id", "")
    doc = PlanDocument(_("Personal development plan of %(name)s", name=name))
    doc.set_title(_("Personal development plan"))
    doc.set_author(name)
    doc.set_lang(str(get_locale() or "en"))
    doc.add_page()
    doc.set_font("DejaVu", "B", 18)
    doc.cell(0, 10, _("Personal development plan"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font("DejaVu", "", 11)
    doc.cell(0, 7, name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.para(_("Period: %(start)s to %(end)s · Status: %(status)s",
               start=fdate(plan.get("period_start")), end=fdate(plan.get("period_end")),
               status=label("plan_status", plan.get("status"))))
    doc.para(_("Occasion: %(trigger)s", trigger=label("trigger", plan.get("trigger"))))
    if plan.get("career_project"):
        doc.para(_("Career project: %(text)s", text=clip(plan["career_project"], CLIP_PROJECT)))
    if plan.get("target_role"):
        doc.para(_("Target role: %(role)s", role=clip(plan["target_role"], CLIP_TITLE)))
    doc.para(_("Available: %(hours)s hours and %(budget)s · Planned: %(ph)s hours and %(pb)s",
               hours=number(plan.get("available_hours")), budget=money(plan.get("available_budget")),
               ph=number(plan.get("planned_hours")), pb=money(plan.get("planned_cost"))))

    targets = [s for s in plan.get("skills") or []
               if s.get("target_level") is not None or s.get("status") == "to_improve"]
    doc.heading(_("Target skills"))
    if targets:
        doc.grid([_("Skill"), _("Type"), _("Current level"), _("Target level")],
                 [[clip(s["skill"], CLIP_NAME), label("category", s.get("category")), str(s.get("level", "")),
                   str(s.get("target_level") if s.get("target_level") is not None else "–")] for s in targets],
                 (80, 36, 28, 28))
    else:
        doc.para(_("No target skills yet."))
    strengths = [s["skill"] for s in plan.get("skills") or [] if s.get("status") == "strength"]
    if strengths:
        doc.para(_("Strengths: %(list)s", list=", ".join(clip(s, CLIP_NAME) for s in strengths)))

    doc.heading(_("Goals"))
    goals = [g for g in plan.get("goals") or [] if g.get("status") != "abandoned"]
    for goal in goals:
        doc.para(f"{clip(goal['title'], CLIP_TITLE)} ({label('goal_status', goal.get('status'))})", bold=True)
        skills = ", ".join(f"{clip(s['skill'], CLIP_NAME)} → {s['target_level']}" for s in goal.get("skills") or [])
        doc.para(_("Skills: %(skills)s", skills=skills))
        doc.para(_("Measure: %(text)s", text=clip(goal.get("measure", ""), CLIP_TEXT)))
        doc.para(_("Deadline: %(day)s · Needs %(hours)s hours and %(budget)s", day=fdate(goal.get("deadline")),
                   hours=number(goal.get("hours_needed")), budget=money(goal.get("budget_needed"))))
        doc.ln(1)
    if not goals:
        doc.para(_("No goals yet."))

    actions = sorted((a for a in plan.get("actions") or [] if a.get("status") != "cancelled"),
                     key=lambda a: a.get("planned_start") or "")
    doc.heading(_("Planned learning actions"))
    if actions:
        doc.grid([_("Learning action"), _("Means"), _("When"), _("Hours"), _("Cost"), _("Status")],
                 [[clip(a["title"] + (f" ({a['provider']})" if a.get("provider") else ""), CLIP_TITLE),
                   label("means", a.get("means")),
                   f"{fdate(a.get('planned_start'), 'short')} – {fdate(a.get('planned_end'), 'short')}",
                   number(a.get("hours")), money(a.get("cost")), label("action_status", a.get("status"))]
                  for a in actions],
                 (58, 26, 36, 14, 22, 18))
    else:
        doc.para(_("No learning actions yet."))

    funded = [a for a in actions if a.get("funding")]
    doc.heading(_("Funding"))
    if funded:
        doc.grid([_("Learning action"), _("Requested"), _("On"), _("Decision"), _("Comment")],
                 [[clip(a["title"], CLIP_NAME), money(a["funding"].get("amount")),
                   fdate(a["funding"].get("requested_on"), "short"), label("funding", a["funding"].get("status")),
                   clip(a["funding"].get("comment") or "", CLIP_TEXT)] for a in funded],
                 (52, 24, 24, 34, 40))
    else:
        doc.para(_("No funding requested."))

    doc.heading(_("Timeline"))
    by_id = {a["action_id"]: a for a in plan.get("actions") or []}
    for slot in plan.get("timeline") or []:
        shown = [clip(by_id[a]["title"], CLIP_NAME) for a in slot.get("actions") or [] if a in by_id]
        titles = ", ".join(shown[:TIMELINE_TITLES])
        if len(shown) > TIMELINE_TITLES:
            titles += " " + _("and %(n)d more", n=len(shown) - TIMELINE_TITLES)
        doc.para(f"{slot.get('semester')}: {titles} ({_('%(hours)s hours', hours=number(slot.get('hours')))})")
    if not plan.get("timeline"):
        doc.para(_("Nothing planned yet."))
    return bytes(doc.output())
