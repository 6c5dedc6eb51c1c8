"""Development cycles: create, launch or sync (the same idempotent run), close, and the dashboard.

A run reads the directory from the views, works out who is in scope, and deals with the people the cycle has not
dealt with yet, a batch at a time: each batch's new plans and the cycle's record of the batch are saved in one
transaction (a crash loses only the batch in flight; the next run redoes it). Someone whose current plan overlaps
the cycle's period gets the cycle's plan too: it takes over the open goals and planned or started actions of the
current plan (GoalCarriedForward, ActionCarriedForward) and the current plan is closed with that reason, in the
same transaction, so a person never has two open plans for a period. People who left the scope since are taken
out with the reason.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.plan.application import (
    ForbiddenError,
    PlanService,
    TemplateNotFoundError,
    WriteConflictError,
    actor_of,
)
from services.plan.domain.cycle import DevelopmentCycle
from services.plan.domain.errors import RuleViolationError
from services.plan.domain.plan import Context, DevelopmentPlan, plan_id_for
from shared.auth import Principal

BATCH = 500
MIN_GROUP = 5  # smaller groups are hidden on the dashboard: their people could be read from the numbers
CYCLE_TRIGGER = "appraisal_interview"
# What "done" means per milestone kind, in the views (p = the participant's plan).
DONE = {
    "self_evaluation": "EXISTS (SELECT 1 FROM {skills} s WHERE s.plan_id = cp.plan_id AND s.self_level IS NOT NULL)",
    "goals_set": "EXISTS (SELECT 1 FROM {goals} g WHERE g.plan_id = cp.plan_id)",
    "conversation": "EXISTS (SELECT 1 FROM {checkins} c WHERE c.plan_id = cp.plan_id AND c.status = 'held')",
    "mid_year_review": "p.status IN ('active', 'closed')",
    "year_end_review": "p.status = 'closed'",
}


class CycleNotFoundError(Exception):
    """No such development cycle."""


def _hr(principal: Principal) -> None:
    if not principal.has("hr", "admin"):
        raise ForbiddenError("development cycles are run by HR")


def create_cycle(app: PlanService, principal: Principal, **fields: Any) -> DevelopmentCycle:
    _hr(principal)
    templates = fields["templates"]
    named = [("templates.default", templates.get("default"))] + [
        (f"templates.{kind}.{key}", value) for kind in ("by_department", "by_role")
        for key, value in (templates.get(kind) or {}).items()]
    for field, template_id in named:
        if template_id is None:
            continue
        try:
            app.template(UUID(str(template_id))).usable()
        except (TemplateNotFoundError, ValueError):
            raise RuleViolationError(field, "no such plan template") from None
    cycle = DevelopmentCycle.create(uuid4(), actor_of(principal), **fields)
    app.save(cycle)
    return cycle


def get_cycle(app: PlanService, cycle_id: UUID) -> DevelopmentCycle:
    try:
        cycle = app.repository.get(cycle_id)
    except AggregateNotFoundError:
        raise CycleNotFoundError(cycle_id) from None
    if not isinstance(cycle, DevelopmentCycle):
        raise CycleNotFoundError(cycle_id)
    return cycle


def run_cycle(app: PlanService, principal: Principal, cycle_id: UUID, batch: int = BATCH,
              max_batches: int | None = None) -> dict[str, int]:
    """Launch or sync: everyone in scope gets a plan from their template (carrying their current plan forward), and
    people out of scope are taken out. Running it again changes nothing unless the directory changed. MAX_BATCHES
    stops early (a launch spread over runs); the next run goes on where the cycle's record ends."""
    _hr(principal)
    actor = actor_of(principal)
    cycle = get_cycle(app, cycle_id)
    cycle.check_open()
    people = app.views.rows("SELECT p.person_id, p.department, p.job_title, p.erased, COALESCE(v.active, 1) AS active "
                            "FROM {people} p LEFT JOIN {provisioned} v ON v.person_id = p.person_id "
                            "ORDER BY p.person_id")
    for person in people:
        person["active"] = bool(person["active"])  # deactivated people (SCIM active=false) are out of scope
    in_scope = [p for p in people if cycle.in_scope(p)]
    total = len(in_scope)
    pending = [p for p in in_scope if cycle.pending(p["person_id"])]
    for number, start in enumerate(range(0, len(pending), batch)):
        if max_batches is not None and number >= max_batches:
            return get_cycle(app, cycle_id).progress()
        _run_batch(app, actor, cycle_id, pending[start:start + batch], total)
    cycle = get_cycle(app, cycle_id)
    present = {p["person_id"]: p for p in in_scope}
    known = {p["person_id"]: p for p in people}
    for person_id, item in sorted(cycle.participants.items()):
        if item["outcome"] != "removed" and person_id not in present:
            person = known.get(person_id)
            why = ("left the directory" if person is None or person["erased"] else
                   "deactivated" if not person["active"] else
                   f"no longer in scope (department {person['department'] or '-'})")
            cycle.remove(actor, person_id, why)
    app.save(cycle)
    return get_cycle(app, cycle_id).progress()


def _run_batch(app: PlanService, actor: dict[str, str], cycle_id: UUID, people: list[dict[str, Any]],
               total: int) -> DevelopmentCycle:
    """One batch in one transaction; when someone else saved the cycle or one of these plans first, read again
    and redo the batch (what is done by then is skipped)."""
    for attempt in range(3):
        cycle = get_cycle(app, cycle_id)
        ctx = Context(actor["subject"], "hr")
        plans, closed, records, references = [], [], [], {}
        todo = [p for p in people if cycle.pending(p["person_id"])]
        current = _current_plans(app, [p["person_id"] for p in todo], cycle.period_start, cycle.period_end)
        for person in todo:
            person_id = person["person_id"]
            plan_id = plan_id_for(person_id, cycle.period_start, cycle.period_end)
            record = {"person_id": person_id, "department": person["department"] or "", "plan_id": str(plan_id),
                      "outcome": "started", "reason": None}
            other = current.get(person_id)
            # After a clash the views may lag behind the store: ask the store itself about each plan.
            exists = (other == str(plan_id) if attempt == 0 else
                      next(iter(app.events.get(plan_id, lte=1)), None) is not None)
            previous = _open_plan(app, other) if other is not None and other != str(plan_id) else None
            if exists:
                record["reason"] = "the plan for this period already existed"
                records.append(record)
                continue
            template_id = cycle.template_for(person["department"] or "", person["job_title"] or "")
            if template_id is None and previous is None:
                record.update(plan_id=None, outcome="skipped", reason="no template for this department or role")
                records.append(record)
                continue
            start = {"template": None, "available_hours": 0.0, "available_budget": Decimal(0)}
            if previous is not None:
                start.update(available_hours=previous.available_hours, available_budget=previous.available_budget)
            if template_id is not None:
                if template_id not in references:
                    template = app.template(UUID(template_id))
                    references[template_id] = (app.template_reference(UUID(template_id), cycle.period_start),
                                               template.content())
                reference, content = references[template_id]
                start = {"template": {**reference, "cycle_id": str(cycle_id)},
                         "available_hours": content["hours_norm"], "available_budget": content["budget_norm"]}
            plan = DevelopmentPlan.start(ctx, employee_id=person_id, period_start=cycle.period_start,
                                         period_end=cycle.period_end, trigger=CYCLE_TRIGGER, **start)
            plans.append(plan)
            if previous is not None:
                carried = plan.carry_forward_from(ctx, previous)
                previous.close_carried_forward(ctx, plan.id, cycle.period_start, cycle.period_end)
                closed.append(previous)
                record.update(outcome="carried_forward", from_plan_id=str(previous.id),
                              reason=f"{len(carried['goals'])} open goal(s) and {len(carried['actions'])} "
                                     f"action(s) carried forward from plan {previous.id}, which was closed")
            records.append(record)
        cycle.record_batch(actor, records, total)
        app.keys.create_many([(str(plan.id), plan.employee_id) for plan in plans])
        try:
            app.save(cycle, *plans, *closed)
        except IntegrityError:
            continue
        return cycle
    raise WriteConflictError(cycle_id)


def _open_plan(app: PlanService, plan_id: str) -> DevelopmentPlan | None:
    """The previous plan from the store (the views may lag): None when it is closed by now."""
    plan = app.repository.get(UUID(plan_id))
    return plan if isinstance(plan, DevelopmentPlan) and plan.status != "closed" else None


def _current_plans(app: PlanService, person_ids: list[str], start: date, end: date) -> dict[str, str]:
    """Each person's open plan covering part of START..END (the newest), one query for the whole batch."""
    found: dict[str, str] = {}
    for first in range(0, len(person_ids), 400):
        chunk = person_ids[first:first + 400]
        rows = app.views.rows(
            "SELECT employee_id, plan_id FROM {plans} WHERE employee_id IN (" + ", ".join("?" * len(chunk)) +
            ") AND status <> 'closed' AND period_start <= ? AND ? <= period_end ORDER BY period_start",
            (*chunk, end.isoformat(), start.isoformat()))
        found.update({row["employee_id"]: row["plan_id"] for row in rows})
    return found


def close_cycle(app: PlanService, principal: Principal, cycle_id: UUID, today: date | None = None
                ) -> DevelopmentCycle:
    """Close (freeze) the cycle: who had done each milestone on the closing day is stored with the closing, so its
    dashboard answers as it stood then, whatever changes in the plans afterwards."""
    _hr(principal)
    cycle = get_cycle(app, cycle_id)
    cycle.check_open()
    day = today or date.today()
    done = {m["kind"]: sorted(r["person_id"] for r in app.views.rows(
        "SELECT cp.person_id FROM {cycle_participants} cp LEFT JOIN {plans} p ON p.plan_id = cp.plan_id "
        "WHERE cp.cycle_id = ? AND cp.outcome IN ('started', 'carried_forward') AND " + DONE[m["kind"]],
        (str(cycle_id),))) for m in cycle.milestones}
    cycle.close(actor_of(principal), on=day.isoformat(), done=done)
    app.save(cycle)
    return cycle


def cycle_view(cycle: DevelopmentCycle) -> dict[str, Any]:
    return {"cycle_id": str(cycle.id), "version": cycle.version, "name": cycle.name, "status": cycle.status,
            "period_start": cycle.period_start, "period_end": cycle.period_end, "scope": cycle.scope,
            "templates": cycle.templates, "milestones": cycle.milestones, "progress": cycle.progress(),
            "owner": getattr(cycle, "created_by", None), "closed_on": (cycle.frozen or {}).get("on")}


def participants_filter(principal: Principal) -> tuple[str, tuple]:
    """HR (and services such as the notifier, reading) see everyone in a cycle; a manager their reports."""
    if principal.has("hr", "admin", "service"):
        return "", ()
    if principal.has("manager"):
        return " AND cp.person_id IN (SELECT person_id FROM {managers} WHERE manager_id = ?)", (principal.subject,)
    raise ForbiddenError("the cycle dashboard is for HR and managers")


def _participants(app: PlanService, cycle: DevelopmentCycle, principal: Principal, department: str | None = None,
                  ) -> list[dict[str, Any]]:
    """The cycle's participants the caller may see, with, per milestone kind, whether they had done it: now, or
    for a closed cycle as stored at closing."""
    where, params = participants_filter(principal)
    if department is not None:
        where += " AND cp.department = ?"
        params = (*params, department)
    frozen = cycle.frozen
    kinds = [m["kind"] for m in cycle.milestones]
    flags = "" if frozen else "".join(f", CASE WHEN {DONE[kind]} THEN 1 ELSE 0 END AS done_{kind}" for kind in kinds)
    rows = app.views.rows(
        "SELECT cp.person_id, pe.name, cp.department, cp.plan_id" + flags + " FROM {cycle_participants} cp "
        "LEFT JOIN {plans} p ON p.plan_id = cp.plan_id LEFT JOIN {people} pe ON pe.person_id = cp.person_id "
        "WHERE cp.cycle_id = ? AND cp.outcome IN ('started', 'carried_forward')" + where + " ORDER BY cp.person_id",
        (str(cycle.id), *params))
    done_then = {kind: set(people) for kind, people in (frozen or {}).get("done", {}).items()}
    for row in rows:
        row["done"] = {kind: (row["person_id"] in done_then.get(kind, ()) if frozen else bool(row.pop(f"done_{kind}")))
                       for kind in kinds}
    return rows


def judged_on(cycle: DevelopmentCycle, today: date) -> date:
    """A closed cycle is judged on its closing day; an open one on TODAY."""
    frozen = cycle.frozen
    return date.fromisoformat(frozen["on"]) if frozen and frozen.get("on") else today


def dashboard(app: PlanService, principal: Principal, cycle_id: UUID, today: date) -> dict[str, Any]:
    """Per milestone, per department and in all: how many are done, due, overdue; groups under five are hidden."""
    cycle = get_cycle(app, cycle_id)
    day = judged_on(cycle, today).isoformat()
    rows = _participants(app, cycle, principal)
    milestones = []
    for milestone in cycle.milestones:
        late = milestone["due"] < day
        groups: dict[str, list[bool]] = {}
        for row in rows:
            groups.setdefault(row["department"], []).append(row["done"][milestone["kind"]])
        departments = [_counts(late, flags, department=department) for department, flags in sorted(groups.items())]
        every = [flag for flags in groups.values() for flag in flags]
        milestones.append({"kind": milestone["kind"], "due": milestone["due"], "departments": departments,
                           "totals": _counts(late, every)})
    return {"cycle_id": str(cycle_id), "status": cycle.status, "progress": cycle.progress(), "on": day,
            "milestones": milestones}


def _counts(late: bool, flags: list[bool], **extra: Any) -> dict[str, Any]:
    done = sum(flags)
    open_ = len(flags) - done
    hidden = len(flags) < MIN_GROUP
    counts = {"people": len(flags), "done": done, "due": 0 if late else open_, "overdue": open_ if late else 0}
    return {**extra, "hidden": hidden, **{k: None if hidden else v for k, v in counts.items()}}


def people_behind(app: PlanService, principal: Principal, cycle_id: UUID, kind: str, state: str,
                  department: str | None, today: date) -> list[dict[str, Any]]:
    """The people behind a dashboard number: HR sees all, a manager only their reports."""
    cycle = get_cycle(app, cycle_id)
    milestone = next((m for m in cycle.milestones if m["kind"] == kind), None)
    if milestone is None:
        raise RuleViolationError("milestone", "the cycle has no such milestone")
    late = milestone["due"] < judged_on(cycle, today).isoformat()
    wanted = []
    for row in _participants(app, cycle, principal, department):
        done = row.pop("done")[kind]
        if (state == "done" and done) or (state == "due" and not done and not late) or (
                state == "overdue" and not done and late):
            wanted.append(row)
    return wanted


def cycles_list(app: PlanService, principal: Principal) -> list[dict[str, Any]]:
    participants_filter(principal)
    rows = app.views.rows("SELECT cycle_id, name, status, period_start, period_end, milestones FROM {cycles} "
                          "ORDER BY period_start DESC, name")
    for row in rows:
        row["milestones"] = json.loads(row["milestones"])
    return rows
