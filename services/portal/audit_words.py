"""HR's audit in words: what each history entry is about, and the difference between two versions of a plan as
rows a person reads (labelled field, old value, new value, the goal or action by its title; no ids, no JSON)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal.i18n import fdate, money, number
from services.portal.vocabulary import label

# What an event did to which item: the item's title (goal, action) or name (skill) fills in %(what)s.
ABOUT = {
    "SkillAssessed": _l("assessed the skill “%(what)s”"),
    "SkillAssessmentWithdrawn": _l("removed the skill “%(what)s” from the self-evaluation"),
    "GoalSet": _l("set the goal “%(what)s”"),
    "GoalRevised": _l("revised the goal “%(what)s”"),
    "GoalAchieved": _l("achieved the goal “%(what)s”"),
    "GoalAbandoned": _l("stopped the goal “%(what)s”"),
    "LearningActionPlanned": _l("planned the action “%(what)s”"),
    "LearningActionRescheduled": _l("rescheduled the action “%(what)s”"),
    "LearningActionStarted": _l("started the action “%(what)s”"),
    "LearningActionCompleted": _l("completed the action “%(what)s”"),
    "LearningActionCancelled": _l("cancelled the action “%(what)s”"),
    "FundingRequested": _l("requested funding for “%(what)s”"),
    "FundingApproved": _l("approved funding for “%(what)s”"),
    "FundingDeclined": _l("declined funding for “%(what)s”"),
    "RecommendationAccepted": _l("accepted the suggestion “%(what)s”"),
    "ProgressReviewed": _l("recorded progress on “%(what)s”"),
    "FeedbackReceived": _l("gave feedback on “%(what)s”"),
}

PLAN_FIELDS = {
    "status": _l("Status"), "trigger": _l("Occasion"), "career_project": _l("Career project"),
    "target_role": _l("Target role"), "period_start": _l("Period from"), "period_end": _l("Period to"),
    "available_hours": _l("Hours available"), "available_budget": _l("Budget available"),
}
GOAL_FIELDS = {
    "title": _l("Title"), "skills": _l("Skills and target levels"), "measure": _l("Measure"),
    "relevance": _l("Relevance"), "deadline": _l("Deadline"), "hours_needed": _l("Hours needed"),
    "budget_needed": _l("Budget needed"), "status": _l("Status"), "progress": _l("Progress"),
}
ACTION_FIELDS = {
    "title": _l("Title"), "means": _l("Means"), "provider": _l("Provider"), "planned_start": _l("Planned start"),
    "planned_end": _l("Planned end"), "hours": _l("Hours"), "cost": _l("Cost"), "status": _l("Status"),
    "evaluation": _l("Evaluation"), "funding_status": _l("Funding"), "funding_amount": _l("Amount"),
}
SKILL_FIELDS = {"level": _l("Level"), "category": _l("Type"), "status": _l("Mark"), "note": _l("Note")}
DATES = {"period_start", "period_end", "deadline", "planned_start", "planned_end"}
MONEY = {"available_budget", "budget_needed", "cost", "funding_amount"}
NUMBERS = {"available_hours", "hours_needed", "hours"}
GROUPS = {("plan", "status"): "plan_status", ("plan", "trigger"): "trigger", ("goal", "status"): "goal_status",
          ("action", "status"): "action_status", ("action", "means"): "means", ("action", "funding_status"): "funding",
          ("skill", "category"): "category", ("skill", "status"): "skill_status"}


def titles_from(events: list[dict[str, Any]], plan: dict[str, Any]) -> dict[str, str]:
    """Goal and action ids -> their titles: the plan's current ones, then any the history names."""
    titles = {g["goal_id"]: g.get("title") or "" for g in plan.get("goals") or []}
    titles.update({a["action_id"]: a.get("title") or "" for a in plan.get("actions") or []})
    for event in events:
        data = event.get("data") or {}
        for key in ("goal_id", "action_id"):
            if data.get(key) and data.get("title") and data[key] not in titles:
                titles[data[key]] = data["title"]
    return titles


def sentence(event: dict[str, Any], titles: dict[str, str]) -> str:
    """What the actor did, with the item it was about: 'started the action “Leiderschap”'."""
    kind, data = event.get("type") or "", event.get("data") or {}
    what = data.get("skill") or titles.get(data.get("action_id") or "") or titles.get(data.get("goal_id") or "")
    if kind == "RecommendationAccepted":
        what = titles.get(data.get("action_id") or "")
    if kind in ABOUT and what:
        return str(ABOUT[kind]) % {"what": what}
    return label("event", kind)


def shown(kind: str, field: str, value: Any) -> str:
    """One value as a person reads it."""
    if value is None or value == "" or value == []:
        return "–"
    group = GROUPS.get((kind, field))
    if group:
        return label(group, value)
    if field in DATES:
        return fdate(value)
    if field in MONEY:
        return money(value)
    if field in NUMBERS:
        return number(value)
    if field == "skills":
        return ", ".join(f"{s.get('skill')} → {s.get('target_level')}" for s in value)
    if field == "progress":
        return f"{value}%"
    return str(value)


def _compare(kind: str, item: str, fields: dict[str, Any], old: dict[str, Any] | None,
             new: dict[str, Any] | None) -> list[dict[str, str]]:
    rows = []
    if old is None and new is not None:
        return [{"item": item, "field": str(_("added")), "old": "–", "new": shown(kind, "title", item)}]
    if new is None and old is not None:
        return [{"item": item, "field": str(_("removed")), "old": shown(kind, "title", item), "new": "–"}]
    for field, words in fields.items():
        before, after = (old or {}).get(field), (new or {}).get(field)
        if before != after and not (before in (None, "") and after in (None, "")):
            rows.append({"item": item, "field": str(words), "old": shown(kind, field, before),
                         "new": shown(kind, field, after)})
    return rows


def _action(action: dict[str, Any]) -> dict[str, Any]:
    funding = action.get("funding") or {}
    return {**action, "funding_status": funding.get("status"), "funding_amount": funding.get("amount")}


def plan_difference(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Sections of rows: the plan's own fields, each goal, each learning action, each skill, new notes."""
    sections = []
    rows = _compare("plan", "", PLAN_FIELDS, old, new)
    if rows:
        sections.append({"title": str(_("The plan")), "rows": rows})
    for kind, key, fields, heading in (("goal", "goal_id", GOAL_FIELDS, _("Goal")),
                                       ("action", "action_id", ACTION_FIELDS, _("Learning action"))):
        before = {x[key]: x for x in old.get(kind + "s") or []}
        after = {x[key]: x for x in new.get(kind + "s") or []}
        for ident in [*before, *(i for i in after if i not in before)]:
            a, b = before.get(ident), after.get(ident)
            if kind == "action":
                a, b = (_action(a) if a else None), (_action(b) if b else None)
            title = (b or a or {}).get("title") or "–"
            rows = _compare(kind, title, fields, a, b)
            if rows:
                sections.append({"title": f"{heading}: {title}", "rows": rows})
    before = {s["skill"].casefold(): s for s in old.get("skills") or []}
    after = {s["skill"].casefold(): s for s in new.get("skills") or []}
    rows = []
    for name in [*before, *(n for n in after if n not in before)]:
        a, b = before.get(name), after.get(name)
        rows.extend(_compare("skill", (b or a or {}).get("skill") or name, SKILL_FIELDS, a, b))
    if rows:
        sections.append({"title": str(_("Skills")), "rows": rows})
    notes = []
    for part, words in (("feedback", _("Feedback")), ("progress", _("Progress note")), ("reviews", _("Review"))):
        for item in (new.get(part) or [])[len(old.get(part) or []):]:
            notes.append({"item": "", "field": str(words), "old": "–",
                          "new": item.get("text") or item.get("note") or item.get("comment")
                          or label("outcome", item.get("outcome"))})
    if notes:
        sections.append({"title": str(_("Notes")), "rows": notes})
    return sections
