"""The DevelopmentPlan aggregate: one employee's plan for one period, and every rule it keeps.

Commands check the rules first and only then trigger an event, so replaying stored events never
re-runs a rule that may have changed since.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from services.plan.domain import certificates as certificate_rules
from services.plan.domain import events as ev
from services.plan.domain import limits
from services.plan.domain import skills as skill_rules
from services.plan.domain.errors import (
    InvalidStateError,
    NotAllowedError,
    NotFoundInPlanError,
    RuleViolationError,
    SmartGoalError,
)
from services.plan.domain.vocabulary import (
    ASSESSORS,
    CATEGORIES,
    FEEDBACK_SOURCES,
    MAX_LEVEL,
    MEANS,
    MIN_LEVEL,
    REVIEW_OUTCOMES,
    SKILL_STATUSES,
    TRIGGERS,
    skill_key,
)

EDITABLE = {"draft", "changes_requested", "active"}
DECIDERS = {"manager", "hr"}
MAX_PERIOD_DAYS = 5 * 366
CHECKIN_ROLES = ("owner", "manager", "hr")  # admin acts as HR (_check_open)
MAX_AGENDA = 30
MIN_CHECKIN_MINUTES, MAX_CHECKIN_MINUTES = 5, 8 * 60
CARRIED_FORWARD = "carried forward into the next period's plan"
TIME_OF_DAY = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class Context:
    """Who runs a command and in which role towards this plan, and the request it answers."""

    subject: str
    role: str  # owner | manager | hr | admin
    request: dict[str, Any] | None = field(default=None)

    def actor(self) -> dict[str, str]:
        return {"subject": self.subject, "role": self.role}


class DevelopmentPlan(Aggregate):
    TOPIC = "groeipad.plan:DevelopmentPlan"
    Event = ev.PlanEvent
    Created = ev.PlanStarted
    class_version = 6  # 2: re-ratings at an action's completion count for the current level (domain/skills.py)
    # 3: check-ins and the template a plan started from; 4: completion proposals from a learning record store;
    # 5: the latest submission's note, and a funding request's requested amount kept beside the approved one;
    # 6: certificates on completed actions, and the certificate a recertification action renews

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot from before re-ratings counted: apply those made on or after the skill's last assessment."""
        for entry in state.get("skills", {}).values():
            entry.setdefault("source", entry.get("assessor"))
            entry.setdefault("rated_on", entry.get("assessed_on"))
        done = [a for a in state.get("actions", {}).values()
                if a.get("status") == "completed" and a.get("skill_levels")]
        for action in sorted(done, key=lambda a: str(a["completed_on"])):
            on = str(action["completed_on"])
            for item in action["skill_levels"]:
                entry = state["skills"].setdefault(skill_key(item["skill"]), {"skill": item["skill"], "levels": {},
                                                                               "category": None, "rated_on": on})
                if on >= str(entry.get("rated_on") or ""):
                    skill_rules.rate(entry, skill_rules.RERATING, item["level"], on)

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """A snapshot from before check-ins and templates: none of either."""
        state.setdefault("checkins", {})
        state.setdefault("template", None)

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """A snapshot from before completions were read back from a learning record store: no proposals."""
        state.setdefault("completion_proposals", {})

    @staticmethod
    def upcast_v4_v5(state: dict[str, Any]) -> None:
        """A snapshot from before submissions and requested amounts were kept: the requested amount of a request
        still waiting is its amount; an approved one's request is unknown (None); no submission note."""
        state.setdefault("submission", None)
        for action in state.get("actions", {}).values():
            funding = action.get("funding")
            if funding is not None and "requested_amount" not in funding:
                funding["requested_amount"] = funding["amount"] if funding.get("status") == "requested" else None

    @staticmethod
    def upcast_v5_v6(state: dict[str, Any]) -> None:
        """A snapshot from before certificates: no action carries one or renews one."""
        for action in state.get("actions", {}).values():
            action.setdefault("certificates", [])
            action.setdefault("renews", None)

    def __init__(self, employee_id: str, period_start: date, period_end: date, trigger: str, career_project: str,
                 target_role: str | None, available_hours: float, available_budget: Decimal, actor: dict,
                 reason: str | None, request: dict | None, template: dict | None = None) -> None:
        """The fields of PlanStarted, so that calling the class records it (the library's public way to create);
        the state itself is set by PlanStarted.apply, which replays do too."""

    @staticmethod
    def create_id(employee_id: str, period_start: date, period_end: date) -> UUID:
        """One plan per employee and period: a retried start finds the plan it made."""
        return plan_id_for(employee_id, period_start, period_end)

    # -- start ---------------------------------------------------------------------------------
    @classmethod
    def start(cls, ctx: Context, *, employee_id: str, period_start: date,
              period_end: date, trigger: str, career_project: str = "",
              target_role: str | None = None, available_hours: float = 0,
              available_budget: Decimal = Decimal(0), template: dict[str, Any] | None = None) -> DevelopmentPlan:
        if ctx.role not in {"owner", "manager", "hr", "admin"}:
            raise NotAllowedError("employee_id", "you may not start a plan for this person")
        _require(bool(employee_id.strip()), "employee_id", "must not be empty")
        _one_of(trigger, TRIGGERS, "trigger")
        _plausible(period_start, "period_start")
        _plausible(period_end, "period_end")
        _text(career_project, "career_project", limits.LONG_TEXT)
        _text(target_role or "", "target_role", limits.SHORT_TEXT)
        _hours(available_hours, "available_hours", limits.MAX_HOURS)
        if period_end <= period_start:
            raise RuleViolationError("period_end", "must be after period_start")
        if (period_end - period_start).days > MAX_PERIOD_DAYS:
            raise RuleViolationError("period_end", "a plan period is at most five years")
        _not_negative(available_hours, "available_hours")
        _not_negative(available_budget, "available_budget")
        return cls(
            actor=ctx.actor(), reason=None, request=ctx.request,
            employee_id=employee_id, period_start=period_start, period_end=period_end,
            trigger=trigger, career_project=career_project.strip(), target_role=target_role,
            available_hours=float(available_hours), available_budget=Decimal(available_budget),
            template=dict(template) if template else None,
        )

    # -- the plan's own fields -------------------------------------------------------------------
    DETAILS = ("career_project", "target_role", "period_start", "period_end", "available_hours", "available_budget")

    def change_details(self, ctx: Context, *, reason: str = "", **changes: Any) -> None:
        """Change the career project, target role, period, or the hours and budget available. Only fields whose
        value differs are recorded; a period must still hold every open goal's deadline and live action."""
        self._check_editable(ctx, "owner")
        unknown = set(changes) - set(self.DETAILS)
        if unknown:
            raise RuleViolationError(sorted(unknown)[0], "not a field of the plan that can be changed")
        _text(reason, "reason", limits.LONG_TEXT)
        if "career_project" in changes:
            _require(changes["career_project"] is not None, "career_project", "must not be empty")
            _text(changes["career_project"], "career_project", limits.LONG_TEXT)
            changes["career_project"] = changes["career_project"].strip()
        if "target_role" in changes:
            _text(changes["target_role"] or "", "target_role", limits.SHORT_TEXT)
            changes["target_role"] = (changes["target_role"] or "").strip() or None
        for name in ("period_start", "period_end"):
            if name in changes:
                _require(changes[name] is not None, name, "must not be empty")
                _plausible(changes[name], name)
        if "available_hours" in changes:
            _require(changes["available_hours"] is not None, "available_hours", "must not be empty")
            _hours(changes["available_hours"], "available_hours", limits.MAX_HOURS)
            _not_negative(changes["available_hours"], "available_hours")
            changes["available_hours"] = float(changes["available_hours"])
        if "available_budget" in changes:
            _require(changes["available_budget"] is not None, "available_budget", "must not be empty")
            _not_negative(changes["available_budget"], "available_budget")
            changes["available_budget"] = Decimal(changes["available_budget"])
        changes = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if not changes:
            raise RuleViolationError("body", "name at least one field to change")
        start, end = changes.get("period_start", self.period_start), changes.get("period_end", self.period_end)
        if end <= start:
            raise RuleViolationError("period_end", "must be after period_start")
        if (end - start).days > MAX_PERIOD_DAYS:
            raise RuleViolationError("period_end", "a plan period is at most five years")
        name = "period_start" if "period_start" in changes else "period_end"
        for goal in self.goals.values():
            if goal["status"] == "open" and not start <= goal["deadline"] <= end:
                raise RuleViolationError(name, f"the goal {goal['title']!r} has its deadline outside this period")
        for action in self.actions.values():
            if action["status"] in {"planned", "started"} and not (
                    start <= action["planned_start"] and action["planned_end"] <= end):
                raise RuleViolationError(name, f"the action {action['title']!r} lies outside this period")
        self._trigger(ev.PlanDetailsChanged, ctx, reason=reason.strip() or None, changes=changes)

    # -- self-evaluation ----------------------------------------------------------------------
    def assess_skill(self, ctx: Context, *, skill: str, category: str, level: int,
                     assessor: str = "self", note: str = "", status: str | None = None,
                     transferable_to: Iterable[str] = ()) -> None:
        self._check_editable(ctx, "owner", "manager")
        _require(bool(skill.strip()), "skill", "must not be empty")
        _text(skill, "skill", limits.SHORT_TEXT)
        _text(note, "note", limits.LONG_TEXT)
        transferable_to = list(transferable_to)
        _count(len(transferable_to), limits.MAX_TRANSFERABLE, "transferable_to", "roles")
        for index, role in enumerate(transferable_to):
            _text(role, f"transferable_to.{index}", limits.SHORT_TEXT)
        if skill_key(skill) not in self.skills:
            _count(len(self.skills) + 1, limits.MAX_SKILLS, "skill", "skills in one plan")
        _one_of(category, CATEGORIES, "category")
        _level(level, "level")
        _one_of(assessor, ASSESSORS, "assessor")
        if ctx.role == "manager" and assessor != "manager":
            raise NotAllowedError("assessor", "a manager's assessment has assessor 'manager'")
        if ctx.role == "owner" and assessor == "manager":
            raise NotAllowedError("assessor", "only the manager records a manager assessment")
        if status is not None:
            _one_of(status, SKILL_STATUSES, "status")
        targets = [t.strip() for t in transferable_to if t.strip()]
        self._trigger(ev.SkillAssessed, ctx, skill_key=skill_key(skill), skill=skill.strip(),
                      category=category, level=level, assessor=assessor, note=note.strip(),
                      status=status, transferable_to=targets)

    def withdraw_assessment(self, ctx: Context, *, skill: str, reason: str = "") -> None:
        """Take SKILL out of the self-evaluation (its ratings no longer count); the history keeps them."""
        self._check_editable(ctx, "owner", "manager")
        key = skill_key(skill)
        entry = self.skills.get(key)
        if entry is None:
            raise NotFoundInPlanError("skill", "no assessment of this skill in the plan")
        _text(reason, "reason", limits.LONG_TEXT)
        self._trigger(ev.SkillAssessmentWithdrawn, ctx, reason=reason.strip() or None, skill_key=key,
                      skill=entry["skill"])

    def current_level(self, skill: str) -> int:
        entry = self.skills.get(skill_key(skill))
        return entry["level"] if entry else 0

    # -- goals --------------------------------------------------------------------------------
    def set_goal(self, ctx: Context, *, goal_id: str, title: str, skills: list[dict[str, Any]],
                 measure: str, hours_needed: float, budget_needed: Decimal, relevance: str,
                 deadline: date) -> None:
        self._check_editable(ctx, "owner")
        _require(bool(title.strip()), "title", "must not be empty")
        _count(len(self.goals) + 1, limits.MAX_GOALS, "goals", "goals in one plan")
        _goal_texts({"title": title, "measure": measure, "relevance": relevance, "skills": skills,
                     "hours_needed": hours_needed})
        goal = {"title": title.strip(), "skills": _goal_skills(skills), "measure": measure.strip(),
                "hours_needed": float(hours_needed), "budget_needed": Decimal(budget_needed),
                "relevance": relevance.strip(), "deadline": deadline}
        self._check_smart(goal, skip_goal=None)
        self._trigger(ev.GoalSet, ctx, goal_id=goal_id, **goal)

    def revise_goal(self, ctx: Context, goal_id: str, *, reason: str, **changes: Any) -> None:
        self._check_editable(ctx, "owner")
        goal = self._open_goal(goal_id)
        _require(bool((reason or "").strip()), "reason", "a revision needs a reason")
        changes = {k: v for k, v in changes.items() if v is not None}
        if not changes:
            raise RuleViolationError("body", "name at least one field to change")
        _goal_texts(changes)
        if "skills" in changes:
            changes["skills"] = _goal_skills(changes["skills"])
        for text in ("title", "measure", "relevance"):
            if text in changes:
                changes[text] = changes[text].strip()
        if "hours_needed" in changes:
            changes["hours_needed"] = float(changes["hours_needed"])
        if "budget_needed" in changes:
            changes["budget_needed"] = Decimal(changes["budget_needed"])
        _require(bool(changes.get("title", goal["title"])), "title", "must not be empty")
        self._check_smart({**goal, **changes}, skip_goal=goal_id)
        self._trigger(ev.GoalRevised, ctx, reason=reason.strip(), goal_id=goal_id, changes=changes)

    def achieve_goal(self, ctx: Context, goal_id: str, note: str = "") -> None:
        self._check_open(ctx, "owner", "manager")
        self._open_goal(goal_id)
        _text(note, "note", limits.LONG_TEXT)
        self._trigger(ev.GoalAchieved, ctx, goal_id=goal_id, note=note.strip())

    def abandon_goal(self, ctx: Context, goal_id: str, reason: str) -> None:
        self._check_open(ctx, "owner")
        self._open_goal(goal_id)
        _require(bool((reason or "").strip()), "reason", "say why the goal is abandoned")
        self._trigger(ev.GoalAbandoned, ctx, reason=reason.strip(), goal_id=goal_id)

    def smart_verdict(self, *, goal_id: str | None = None, skills: list[dict[str, Any]] = (), measure: str = "",
                      hours_needed: float = 0, budget_needed: Decimal = Decimal(0), relevance: str = "",
                      deadline: date | None = None, **_: Any) -> dict[str, list[dict[str, str]]]:
        """What the SMART rules say of a goal (a new one, or GOAL_ID revised), letter by letter, without
        changing anything: the same rules set_goal and revise_goal enforce."""
        base = dict(self.goals[goal_id]) if goal_id in self.goals else {}
        goal = {**base, "skills": [{"skill": str(s.get("skill", "")).strip(), "target_level": s.get("target_level")}
                                   for s in skills if str(s.get("skill", "")).strip()] or base.get("skills", []),
                "measure": measure.strip() or base.get("measure", ""),
                "hours_needed": float(hours_needed), "budget_needed": Decimal(budget_needed),
                "relevance": relevance.strip() or base.get("relevance", ""),
                "deadline": deadline or base.get("deadline")}
        return self._smart_failures(goal, skip_goal=goal_id)

    def _check_smart(self, goal: dict[str, Any], skip_goal: str | None) -> None:
        failures = self._smart_failures(goal, skip_goal)
        if failures:
            letters = [letter for letter in "SMART" if letter in failures]
            raise SmartGoalError(letters, [{"field": e["field"], "reason": e["reason"]}
                                           for letter in letters for e in failures[letter]])

    def _smart_failures(self, goal: dict[str, Any], skip_goal: str | None) -> dict[str, list[dict[str, Any]]]:
        """Per failing letter: the field, a reason, and a code with parameters a UI can put in its own words."""
        failures: dict[str, list[dict[str, Any]]] = {}

        def fail(letter: str, name: str, reason: str, code: str, **params: Any) -> None:
            failures.setdefault(letter, []).append({"field": name, "reason": f"{letter}: {reason}", "code": code,
                                                    "params": params})

        if not goal["skills"]:
            fail("S", "skills", "name at least one skill", "no_skill")
        elif not any(s["target_level"] > self.current_level(s["skill"]) for s in goal["skills"]):
            fail("S", "skills", "name at least one skill with a target level above its current level",
                 "no_rising_skill")
        if not goal["measure"]:
            fail("M", "measure", "say how progress will be measured", "no_measure")
        others = [g for g in self.goals.values() if g["status"] == "open" and g["goal_id"] != skip_goal]
        hours = sum(g["hours_needed"] for g in others) + goal["hours_needed"]
        budget = sum((g["budget_needed"] for g in others), Decimal(0)) + goal["budget_needed"]
        if goal["hours_needed"] < 0:
            fail("A", "hours_needed", "must not be negative", "negative")
        elif goal["hours_needed"] == 0:
            fail("A", "hours_needed", "a goal that takes no time is not realistic; estimate the hours it needs",
                 "no_hours")
        elif hours > self.available_hours:
            fail("A", "hours_needed", f"open goals would need {hours:g} hours; "
                                      f"the plan has {self.available_hours:g} available", "hours_over",
                 need=float(hours), have=float(self.available_hours))
        if goal["budget_needed"] < 0:
            fail("A", "budget_needed", "must not be negative", "negative")
        elif budget > self.available_budget:
            fail("A", "budget_needed", f"open goals would need {budget} in budget; "
                                       f"the plan has {self.available_budget} available", "budget_over",
                 need=float(budget), have=float(self.available_budget))
        if not goal["relevance"]:
            fail("R", "relevance", "link the goal to the career project or the plan's trigger", "no_relevance")
        if goal["deadline"] is None:
            fail("T", "deadline", "set a deadline", "no_deadline")
        elif not self.period_start <= goal["deadline"] <= self.period_end:
            fail("T", "deadline", f"must lie inside the plan period "
                                  f"{self.period_start.isoformat()} to {self.period_end.isoformat()}",
                 "outside_period", start=self.period_start.isoformat(), end=self.period_end.isoformat())
        return failures

    def _open_goal(self, goal_id: str) -> dict[str, Any]:
        goal = self.goals.get(goal_id)
        if goal is None:
            raise NotFoundInPlanError("goal_id", f"no goal {goal_id} in this plan")
        if goal["status"] != "open":
            raise InvalidStateError("goal_id", f"the goal is {goal['status']}")
        return goal

    # -- learning actions ---------------------------------------------------------------------
    def plan_action(self, ctx: Context, *, action_id: str, goal_ids: list[str], means: str,
                    title: str, planned_start: date, planned_end: date, offer_id: str | None = None,
                    provider: str = "", hours: float = 0, cost: Decimal = Decimal(0),
                    certificate: bool = False, recommendation_id: str | None = None) -> None:
        self._check_editable(ctx, "owner")
        _count(len(self.actions) + 1, limits.MAX_ACTIONS, "actions", "learning actions in one plan")
        _text(provider, "provider", limits.SHORT_TEXT)
        self._check_action_fields(goal_ids, means, title, planned_start, planned_end, hours, cost)
        self._trigger(ev.LearningActionPlanned, ctx, action_id=action_id, goal_ids=list(goal_ids),
                      means=means, title=title.strip(), offer_id=offer_id,
                      provider=provider.strip(), planned_start=planned_start,
                      planned_end=planned_end, hours=float(hours), cost=Decimal(cost),
                      certificate=bool(certificate), recommendation_id=recommendation_id)

    def _check_action_fields(self, goal_ids: list[str], means: str, title: str, start: date,
                             end: date, hours: float, cost: Decimal) -> None:
        _one_of(means, MEANS, "means")
        _require(bool(title.strip()), "title", "must not be empty")
        _text(title, "title", limits.SHORT_TEXT)
        _count(len(goal_ids), limits.MAX_GOALS, "goal_ids", "goals")
        _hours(hours, "hours", limits.MAX_HOURS)
        for index, goal_id in enumerate(goal_ids):
            if goal_id not in self.goals:
                raise NotFoundInPlanError(f"goal_ids.{index}", f"no goal {goal_id} in this plan")
        self._check_dates(start, end)
        _not_negative(hours, "hours")
        _not_negative(cost, "cost")

    def _check_dates(self, start: date, end: date) -> None:
        self._in_period(start, "planned_start")
        self._in_period(end, "planned_end")
        if end < start:
            raise RuleViolationError("planned_end", "must not be before planned_start")

    def reschedule_action(self, ctx: Context, action_id: str, *, planned_start: date,
                          planned_end: date, reason: str) -> None:
        self._check_open(ctx, "owner")
        action = self._action(action_id, "planned", "started")
        _require(bool((reason or "").strip()), "reason", "say why the action moves")
        self._check_dates(planned_start, planned_end)
        if action["status"] == "started" and planned_start != action["planned_start"]:
            raise InvalidStateError("planned_start", "the action has started; only its end can move")
        self._trigger(ev.LearningActionRescheduled, ctx, reason=reason.strip(), action_id=action_id,
                      planned_start=planned_start, planned_end=planned_end)

    def start_action(self, ctx: Context, action_id: str, on: date) -> None:
        self._check_open(ctx, "owner")
        self._action(action_id, "planned")
        self._in_period(on, "date")
        self._trigger(ev.LearningActionStarted, ctx, action_id=action_id, on=on)

    def complete_action(self, ctx: Context, action_id: str, *, on: date, evaluation: int,
                        reflection: str = "", skill_levels: list[dict[str, Any]] = (),
                        result: dict[str, Any] | None = None) -> None:
        self._check_open(ctx, "owner")
        action = self._action(action_id, "started")
        self._in_period(on, "date")
        if on < action["started_on"]:
            raise RuleViolationError("date", "an action cannot complete before it started "
                                             f"({action['started_on'].isoformat()})")
        if not 1 <= evaluation <= 5:
            raise RuleViolationError("evaluation", "must be between 1 and 5")
        _text(reflection, "reflection", limits.LONG_TEXT)
        _count(len(skill_levels), limits.MAX_GOAL_SKILLS, "skill_levels", "skills")
        levels = []
        for index, item in enumerate(skill_levels):
            _level(item["level"], f"skill_levels.{index}.level")
            levels.append({"skill": item["skill"].strip(), "level": item["level"]})
        self._trigger(ev.LearningActionCompleted, ctx, action_id=action_id, on=on,
                      evaluation=evaluation, reflection=reflection.strip(), skill_levels=levels,
                      result=_result(result), source=None, reference=None)

    # -- completions a learning record store reported (services/xapi) ---------------------------
    def record_completion(self, ctx: Context, action_id: str, *, on: date, result: dict[str, Any] | None,
                          source: str, reference: str) -> None:
        """A completion the LRS reported for certain: the action starts (if it had not) and completes."""
        self._check_open(ctx, "service")
        self._complete_from_record(ctx, action_id, on=on, result=result, source=source, reference=reference)

    def propose_completion(self, ctx: Context, proposal_id: str, *, action_ids: list[str], on: date,
                           result: dict[str, Any] | None, source: str, reference: str, match: str) -> None:
        """A completion the LRS reported that may be one of ACTION_IDS: the employee is asked."""
        self._check_open(ctx, "service")
        if proposal_id in self.completion_proposals:
            raise InvalidStateError("statement_id", "this completion was proposed already")
        _require(bool(action_ids), "action_ids", "name at least one action")
        _count(len(action_ids), limits.MAX_ACTIONS, "action_ids", "actions")
        for index, action_id in enumerate(action_ids):
            action = self.actions.get(action_id)
            if action is None or action["status"] not in ("planned", "started"):
                raise RuleViolationError(f"action_ids.{index}", "must be a planned or started action of this plan")
        self._in_period(on, "on")
        _one_of(match, ("url", "activity"), "match")
        self._trigger(ev.CompletionProposed, ctx, proposal_id=proposal_id, action_ids=list(dict.fromkeys(action_ids)),
                      on=on, result=_result(result), source=source, reference=reference, match=match)

    def accept_completion_proposal(self, ctx: Context, proposal_id: str, action_id: str,
                                   evaluation: int | None = None) -> None:
        self._check_open(ctx, "owner")
        proposal = self._pending_proposal(proposal_id)
        if action_id not in proposal["action_ids"]:
            raise RuleViolationError("action_id", "must be one of the proposal's actions")
        self._trigger(ev.CompletionProposalSettled, ctx, proposal_id=proposal_id, outcome="accepted",
                      action_id=action_id)
        self._complete_from_record(ctx, action_id, on=proposal["on"], result=proposal["result"],
                                   source=proposal["source"], reference=proposal["reference"], evaluation=evaluation)

    def reject_completion_proposal(self, ctx: Context, proposal_id: str) -> None:
        self._check_open(ctx, "owner")
        self._pending_proposal(proposal_id)
        self._trigger(ev.CompletionProposalSettled, ctx, proposal_id=proposal_id, outcome="rejected", action_id=None)

    def _pending_proposal(self, proposal_id: str) -> dict[str, Any]:
        proposal = self.completion_proposals.get(proposal_id)
        if proposal is None:
            raise NotFoundInPlanError("proposal_id", f"no completion proposal {proposal_id} in this plan")
        if proposal["status"] != "pending":
            raise InvalidStateError("proposal_id", f"the proposal was {proposal['status']} already")
        return proposal

    def _complete_from_record(self, ctx: Context, action_id: str, *, on: date, result: dict[str, Any] | None,
                              source: str, reference: str, evaluation: int | None = None) -> None:
        action = self._action(action_id, "planned", "started")
        self._in_period(on, "on")
        if evaluation is not None and not 1 <= evaluation <= 5:
            raise RuleViolationError("evaluation", "must be between 1 and 5")
        if action["status"] == "planned":
            self._trigger(ev.LearningActionStarted, ctx, action_id=action_id, on=on)
        elif on < action["started_on"]:
            raise RuleViolationError("on", "an action cannot complete before it started "
                                           f"({action['started_on'].isoformat()})")
        self._trigger(ev.LearningActionCompleted, ctx, action_id=action_id, on=on, evaluation=evaluation,
                      reflection="", skill_levels=[], result=_result(result), source=source, reference=reference)

    # -- certificates -------------------------------------------------------------------------
    def add_certificate(self, ctx: Context, action_id: str, *, certificate_id: str, number: str, issuer: str,
                        issued_on: date, expires_on: date | None = None, file: dict[str, Any] | None = None) -> None:
        """A completed action's certificate, by the employee or HR; also on a closed plan, since certificates
        often arrive after the plan ended."""
        if ctx.role not in {"owner", "hr", "admin"}:
            raise NotAllowedError("plan", f"as {ctx.role} you may not add a certificate to this plan")
        if getattr(self, "erased", False):
            raise InvalidStateError("status", "the plan was erased and takes no changes")
        _count(self.version + 1, limits.MAX_EVENTS, "plan", "changes to one plan")
        action = self.actions.get(action_id)
        if action is None:
            raise NotFoundInPlanError("action_id", f"no learning action {action_id} in this plan")
        _require(bool(certificate_id.strip()), "certificate_id", "must not be empty")
        if any(c["certificate_id"] == certificate_id for a in self.actions.values() for c in a.get("certificates", [])):
            raise InvalidStateError("certificate_id", f"certificate {certificate_id} already exists")
        certificate_rules.check_new(action, number=number, issuer=issuer, issued_on=issued_on, expires_on=expires_on)
        self._trigger(ev.CertificateAdded, ctx, certificate_id=certificate_id, action_id=action_id,
                      number=number.strip(), issuer=issuer.strip(), issued_on=issued_on, expires_on=expires_on,
                      file=dict(file) if file else None)

    def open_recertification(self, ctx: Context, *, action_id: str, renews: dict[str, Any], template: dict[str, Any],
                             planned_start: date, planned_end: date) -> None:
        """One step from an expiring or expired certificate to a planned action that renews it: TEMPLATE is the
        old action (means, title, offer, provider, hours, cost), RENEWS names it {plan_id, action_id,
        certificate_id, state}. The caller found the certificate; its state decides here."""
        self._check_editable(ctx, "owner", "hr")
        if renews.get("state") not in {certificate_rules.EXPIRING, certificate_rules.EXPIRED}:
            raise InvalidStateError("certificate_id", "only an expiring or expired certificate is renewed")
        for other in self.actions.values():
            link = other.get("renews") or {}
            if link.get("certificate_id") == renews["certificate_id"] and other["status"] != "cancelled":
                raise InvalidStateError("certificate_id", f"action {other['action_id']} already renews it")
        _count(len(self.actions) + 1, limits.MAX_ACTIONS, "actions", "learning actions in one plan")
        self._check_action_fields([], template["means"], template["title"], planned_start, planned_end,
                                  template["hours"], template["cost"])
        self._trigger(ev.LearningActionPlanned, ctx, action_id=action_id, goal_ids=[], means=template["means"],
                      title=template["title"], offer_id=template.get("offer_id"), provider=template.get("provider")
                      or "", planned_start=planned_start, planned_end=planned_end, hours=float(template["hours"]),
                      cost=Decimal(template["cost"]), certificate=True, recommendation_id=None)
        self._trigger(ev.RecertificationOpened, ctx, action_id=action_id, renews_plan_id=str(renews["plan_id"]),
                      renews_action_id=renews["action_id"], renews_certificate_id=renews["certificate_id"])

    def certificate(self, certificate_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The action and the certificate with this id; NotFoundInPlanError when there is none."""
        for action in self.actions.values():
            for certificate in action.get("certificates", []):
                if certificate["certificate_id"] == certificate_id:
                    return action, certificate
        raise NotFoundInPlanError("certificate_id", f"no certificate {certificate_id} in this plan")

    def cancel_action(self, ctx: Context, action_id: str, reason: str) -> None:
        self._check_open(ctx, "owner")
        self._action(action_id, "planned", "started")
        _require(bool((reason or "").strip()), "reason", "say why the action is cancelled")
        self._trigger(ev.LearningActionCancelled, ctx, reason=reason.strip(), action_id=action_id)

    def _action(self, action_id: str, *statuses: str) -> dict[str, Any]:
        action = self.actions.get(action_id)
        if action is None:
            raise NotFoundInPlanError("action_id", f"no learning action {action_id} in this plan")
        if action["status"] not in statuses:
            raise InvalidStateError("action_id", f"the action is {action['status']}; "
                                                 f"this needs it {' or '.join(statuses)}")
        return action

    # -- follow-up ----------------------------------------------------------------------------
    def review_progress(self, ctx: Context, *, note: str, goal_id: str | None = None,
                        progress: int | None = None) -> None:
        self._check_open(ctx, "owner", "manager", "hr")
        if goal_id is not None:
            self._open_goal(goal_id)
        if progress is not None:
            if goal_id is None:
                raise RuleViolationError("goal_id", "progress in percent belongs to a goal")
            if not 0 <= progress <= 100:
                raise RuleViolationError("progress", "must be between 0 and 100")
        _require(bool(note.strip()), "note", "must not be empty")
        _text(note, "note", limits.LONG_TEXT)
        self._count_notes()
        self._trigger(ev.ProgressReviewed, ctx, goal_id=goal_id, progress=progress, note=note.strip())

    def receive_feedback(self, ctx: Context, *, feedback_id: str, source: str, text: str,
                         goal_id: str | None = None) -> None:
        self._check_open(ctx, "owner", "manager", "hr")
        _one_of(source, FEEDBACK_SOURCES, "source")
        allowed = {"owner": {"self", "mentor", "peer"}, "manager": {"manager"},
                   "hr": {"manager", "mentor", "peer"},
                   "admin": {"manager", "mentor", "peer"}}[ctx.role]  # admin acts as HR (_check_open)
        if source not in allowed:
            raise NotAllowedError("source", f"as {ctx.role} you give feedback as: {', '.join(sorted(allowed))}")
        _require(bool(text.strip()), "text", "must not be empty")
        _text(text, "text", limits.LONG_TEXT)
        self._count_notes()
        if goal_id is not None and goal_id not in self.goals:
            raise NotFoundInPlanError("goal_id", f"no goal {goal_id} in this plan")
        self._trigger(ev.FeedbackReceived, ctx, feedback_id=feedback_id, source=source,
                      text=text.strip(), goal_id=goal_id)

    def submit_for_review(self, ctx: Context, note: str = "") -> None:
        self._check_open(ctx, "owner")
        if self.status == "submitted":
            raise InvalidStateError("status", "the plan is already waiting for review")
        if not any(g["status"] == "open" for g in self.goals.values()):
            raise RuleViolationError("goals", "set at least one goal before asking for review")
        self._trigger(ev.PlanSubmittedForReview, ctx, note=note.strip())

    def review(self, ctx: Context, *, outcome: str, comment: str = "") -> None:
        self._check_open(ctx, *DECIDERS)
        self._not_own_plan(ctx, "nobody reviews their own plan")
        if self.status != "submitted":
            raise InvalidStateError("status", f"only a submitted plan is reviewed; this one is {self.status}")
        _one_of(outcome, REVIEW_OUTCOMES, "outcome")
        if outcome == "changes_requested" and not comment.strip():
            raise RuleViolationError("comment", "say which changes are needed")
        self._trigger(ev.PlanReviewed, ctx, outcome=outcome, comment=comment.strip())

    def request_funding(self, ctx: Context, action_id: str, *, amount: Decimal,
                        justification: str) -> None:
        self._check_open(ctx, "owner")
        action = self._action(action_id, "planned", "started")
        if action["funding"] and action["funding"]["status"] in {"requested", "approved"}:
            raise InvalidStateError("action_id", f"funding is already {action['funding']['status']}")
        if Decimal(amount) <= 0:
            raise RuleViolationError("amount", "must be more than zero")
        if not action["cost"]:
            raise RuleViolationError("action_id", "the action costs nothing; set its cost before asking for funding")
        if Decimal(amount) > action["cost"]:
            raise RuleViolationError("amount", f"must not exceed the action's cost ({action['cost']})")
        _require(bool(justification.strip()), "justification",
                 "explain how the training also serves the organisation")
        self._trigger(ev.FundingRequested, ctx, action_id=action_id, amount=Decimal(amount),
                      justification=justification.strip())

    def approve_funding(self, ctx: Context, action_id: str, *, comment: str = "",
                        amount: Decimal | None = None) -> None:
        funding = self._pending_funding(ctx, action_id)
        granted = funding["amount"] if amount is None else Decimal(amount)
        if not 0 < granted <= funding["amount"]:
            raise RuleViolationError("amount", f"must be above zero and at most the {funding['amount']} requested")
        self._trigger(ev.FundingApproved, ctx, action_id=action_id, amount=granted, comment=comment.strip())

    def decline_funding(self, ctx: Context, action_id: str, *, reason: str) -> None:
        self._pending_funding(ctx, action_id)
        _require(bool((reason or "").strip()), "reason", "say why funding is declined")
        self._trigger(ev.FundingDeclined, ctx, reason=reason.strip(), action_id=action_id)

    def _pending_funding(self, ctx: Context, action_id: str) -> dict[str, Any]:
        self._check_open(ctx, *DECIDERS)
        self._not_own_plan(ctx, "nobody decides funding for their own plan")
        action = self.actions.get(action_id)
        if action is None:
            raise NotFoundInPlanError("action_id", f"no learning action {action_id} in this plan")
        if not action["funding"] or action["funding"]["status"] != "requested":
            raise InvalidStateError("action_id", "no funding request waits for a decision")
        if action["status"] == "cancelled":
            raise InvalidStateError("action_id", "the action was cancelled; its funding request lapsed")
        return action["funding"]

    # -- recommendations ----------------------------------------------------------------------
    def accept_recommendation(self, ctx: Context, recommendation_id: str, *, offer_id: str | None,
                              action_id: str, **action: Any) -> None:
        """Accepting plans the learning action it suggests, in the same save."""
        self._check_undecided(recommendation_id)
        self.plan_action(ctx, action_id=action_id, offer_id=offer_id,
                         recommendation_id=recommendation_id, **action)
        self._trigger(ev.RecommendationAccepted, ctx, recommendation_id=recommendation_id,
                      offer_id=offer_id, action_id=action_id)

    def dismiss_recommendation(self, ctx: Context, recommendation_id: str, *,
                               offer_id: str | None, reason: str) -> None:
        self._check_open(ctx, "owner")
        self._check_undecided(recommendation_id)
        _require(bool((reason or "").strip()), "reason", "say why the suggestion does not fit")
        self._trigger(ev.RecommendationDismissed, ctx, reason=reason.strip(),
                      recommendation_id=recommendation_id, offer_id=offer_id)

    def _check_undecided(self, recommendation_id: str) -> None:
        _require(bool(recommendation_id.strip()), "recommendation_id", "must not be empty")
        if recommendation_id in self.recommendations:
            status = self.recommendations[recommendation_id]["status"]
            raise InvalidStateError("recommendation_id", f"this suggestion was already {status}")

    # -- check-ins ----------------------------------------------------------------------------
    def schedule_checkin(self, ctx: Context, *, checkin_id: str, on: date, at: str, duration_minutes: int,
                         location: str, agenda: Iterable[str] = ()) -> None:
        """The employee, their manager or HR plans a conversation about the plan, inside its period."""
        self._check_open(ctx, *CHECKIN_ROLES)
        _require(bool(checkin_id.strip()), "checkin_id", "must not be empty")
        if checkin_id in self.checkins:
            raise InvalidStateError("checkin_id", f"check-in {checkin_id} already exists")
        slot = self._checkin_slot(on, at, duration_minutes, location)
        points = [p.strip() for p in agenda if p.strip()]
        if len(points) > MAX_AGENDA:
            raise RuleViolationError("agenda", f"at most {MAX_AGENDA} points")
        self._trigger(ev.CheckInScheduled, ctx, checkin_id=checkin_id, agenda=points, **slot)

    def add_agenda_point(self, ctx: Context, checkin_id: str, point: str) -> None:
        self._check_open(ctx, *CHECKIN_ROLES)
        checkin = self._checkin(checkin_id, "scheduled")
        _require(bool(point.strip()), "point", "must not be empty")
        if len(checkin["agenda"]) >= MAX_AGENDA:
            raise RuleViolationError("point", f"the agenda already has {MAX_AGENDA} points")
        self._trigger(ev.CheckInAgendaPointAdded, ctx, checkin_id=checkin_id, point=point.strip())

    def reschedule_checkin(self, ctx: Context, checkin_id: str, *, on: date, at: str, duration_minutes: int,
                           location: str, reason: str) -> None:
        self._check_open(ctx, *CHECKIN_ROLES)
        checkin = self._checkin(checkin_id, "scheduled")
        _require(bool((reason or "").strip()), "reason", "say why the check-in moves")
        slot = self._checkin_slot(on, at, duration_minutes, location)
        if all(checkin[k] == v for k, v in slot.items()):
            raise RuleViolationError("on", "nothing changes: give a new date, time, duration or place")
        self._trigger(ev.CheckInRescheduled, ctx, reason=reason.strip(), checkin_id=checkin_id, **slot)

    def cancel_checkin(self, ctx: Context, checkin_id: str, reason: str) -> None:
        self._check_open(ctx, *CHECKIN_ROLES)
        self._checkin(checkin_id, "scheduled")
        _require(bool((reason or "").strip()), "reason", "say why the check-in is cancelled")
        self._trigger(ev.CheckInCancelled, ctx, reason=reason.strip(), checkin_id=checkin_id)

    def record_checkin(self, ctx: Context, checkin_id: str, *, notes: str = "", agreements: Iterable[str] = (),
                       agreement_ids: Iterable[str] | None = None) -> None:
        """After the conversation: what was said and what was agreed; once per check-in."""
        self._check_open(ctx, *CHECKIN_ROLES)
        self._checkin(checkin_id, "scheduled")
        texts = [a.strip() for a in agreements if a.strip()]
        _require(bool(notes.strip() or texts), "notes", "record notes or at least one agreement")
        if len(texts) > MAX_AGENDA:
            raise RuleViolationError("agreements", f"at most {MAX_AGENDA} agreements")
        ids = list(agreement_ids) if agreement_ids is not None else [f"{checkin_id}-{n}" for n in
                                                                     range(1, len(texts) + 1)]
        items = [{"agreement_id": agreement_id, "text": text} for agreement_id, text in zip(ids, texts, strict=False)]
        self._trigger(ev.CheckInRecorded, ctx, checkin_id=checkin_id, notes=notes.strip(), agreements=items)

    def act_on_agreement(self, ctx: Context, checkin_id: str, agreement_id: str, *, goal_id: str | None = None,
                         revision: dict[str, Any] | None = None, action: dict[str, Any] | None = None) -> None:
        """An agreement becomes a goal revision (GOAL_ID with REVISION) or a learning action (ACTION), in the
        same save as the note that links them; the goal and action rules apply as they always do."""
        self._check_open(ctx, *CHECKIN_ROLES)
        checkin = self._checkin(checkin_id, "held")
        agreement = next((a for a in checkin["agreements"] if a["agreement_id"] == agreement_id), None)
        if agreement is None:
            raise NotFoundInPlanError("agreement_id", f"no agreement {agreement_id} in this check-in")
        if agreement["goal_id"] or agreement["action_id"]:
            raise InvalidStateError("agreement_id", "this agreement was already acted on")
        if (revision is None) == (action is None):
            raise RuleViolationError("body", "give either a goal revision or a learning action")
        if revision is not None:
            _require(bool(goal_id), "goal_id", "name the goal the agreement revises")
            changes = dict(revision)
            reason = (changes.pop("reason", None) or "").strip() or f"agreed in check-in: {agreement['text']}"
            self.revise_goal(ctx, goal_id, reason=reason, **changes)
            self._trigger(ev.CheckInAgreementActedOn, ctx, checkin_id=checkin_id, agreement_id=agreement_id,
                          goal_id=goal_id, action_id=None)
        else:
            self.plan_action(ctx, **action)
            self._trigger(ev.CheckInAgreementActedOn, ctx, checkin_id=checkin_id, agreement_id=agreement_id,
                          goal_id=None, action_id=action["action_id"])

    def next_checkin(self) -> dict[str, Any] | None:
        """The earliest scheduled check-in, if any."""
        waiting = [c for c in self.checkins.values() if c["status"] == "scheduled"]
        return min(waiting, key=lambda c: (c["on"], c["at"]), default=None)

    def _checkin_slot(self, on: date, at: str, duration_minutes: int, location: str) -> dict[str, Any]:
        self._in_period(on, "on")
        if not TIME_OF_DAY.fullmatch(at or ""):
            raise RuleViolationError("at", "a time of day as HH:MM (00:00 to 23:59)")
        if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int) or not (
                MIN_CHECKIN_MINUTES <= duration_minutes <= MAX_CHECKIN_MINUTES):
            raise RuleViolationError("duration_minutes", f"whole minutes from {MIN_CHECKIN_MINUTES} to "
                                                         f"{MAX_CHECKIN_MINUTES}")
        _require(bool(location.strip()), "location", "say where: a room, an address or a meeting link")
        return {"on": on, "at": at, "duration_minutes": duration_minutes, "location": location.strip()}

    def _checkin(self, checkin_id: str, *statuses: str) -> dict[str, Any]:
        checkin = self.checkins.get(checkin_id)
        if checkin is None:
            raise NotFoundInPlanError("checkin_id", f"no check-in {checkin_id} in this plan")
        if checkin["status"] not in statuses:
            raise InvalidStateError("checkin_id", f"the check-in is {checkin['status']}; "
                                                  f"this needs it {' or '.join(statuses)}")
        return checkin

    def mark_erased(self, ctx: Context) -> None:
        """Retention of a closed plan: only ever after closing, only once."""
        if self.status != "closed":
            raise InvalidStateError("status", "only a closed plan is erased by retention")
        if not getattr(self, "erased", False):
            self._trigger(ev.PlanErased, ctx)

    # -- carry-forward into the next period's plan ----------------------------------------------------
    def carry_forward_from(self, ctx: Context, source: DevelopmentPlan) -> dict[str, list[str]]:
        """Copy SOURCE's open goals and its planned or started actions into this new plan, one event each naming
        where it came from. Dates outside this plan's period move inside it (a goal's deadline to the period's
        end; an action into the period). SOURCE is then closed with `close_carried_forward`."""
        self._check_open(ctx, "owner", *DECIDERS)
        if source.id == self.id or source.employee_id != self.employee_id:
            raise RuleViolationError("from_plan_id", "only the same person's other plan carries forward")
        if source.status == "closed":
            raise InvalidStateError("from_plan_id", "the previous plan is closed; nothing carries forward")
        if self.goals or self.actions:
            raise InvalidStateError("plan", "only a new plan, without goals or actions, takes over another's")
        goals = [g for g in source.goals.values() if g["status"] == "open"]
        actions = [a for a in source.actions.values() if a["status"] in {"planned", "started"}]
        for goal in goals:
            deadline = goal["deadline"]
            moved = deadline if self.period_start <= deadline <= self.period_end else self.period_end
            self._trigger(ev.GoalCarriedForward, ctx, goal_id=goal["goal_id"], from_plan_id=str(source.id),
                          from_goal_id=goal["goal_id"], title=goal["title"], skills=deepcopy(goal["skills"]),
                          measure=goal["measure"], hours_needed=goal["hours_needed"],
                          budget_needed=goal["budget_needed"], relevance=goal["relevance"], deadline=moved,
                          original_deadline=deadline, progress=goal.get("progress") or 0)
        carried_goals = {g["goal_id"] for g in goals}
        for action in actions:
            start = min(max(action["planned_start"], self.period_start), self.period_end)
            end = min(max(action["planned_end"], start), self.period_end)
            self._trigger(ev.ActionCarriedForward, ctx, action_id=action["action_id"], from_plan_id=str(source.id),
                          from_action_id=action["action_id"],
                          goal_ids=[g for g in action["goal_ids"] if g in carried_goals], means=action["means"],
                          title=action["title"], offer_id=action["offer_id"], provider=action["provider"],
                          planned_start=start, planned_end=end, hours=action["hours"], cost=action["cost"],
                          certificate=action["certificate"], recommendation_id=action["recommendation_id"],
                          status=action["status"], started_on=action["started_on"],
                          funding=deepcopy(action.get("funding")))
        return {"goals": [g["goal_id"] for g in goals], "actions": [a["action_id"] for a in actions]}

    def close_carried_forward(self, ctx: Context, to_plan_id: UUID, period_start: date, period_end: date) -> None:
        """Close this plan because the plan TO_PLAN_ID for the next period took over what was open in it."""
        self._check_open(ctx, "owner", *DECIDERS)
        self._trigger(ev.PlanClosed, ctx, reason=f"{CARRIED_FORWARD}: plan {to_plan_id} "
                                                 f"({period_start.isoformat()} to {period_end.isoformat()})")

    def close(self, ctx: Context, reason: str = "") -> None:
        self._check_open(ctx, "owner", *DECIDERS)
        self._trigger(ev.PlanClosed, ctx, reason=reason.strip() or None)

    # -- shared checks ------------------------------------------------------------------------
    def _trigger(self, event_class: type[ev.PlanEvent], ctx: Context, reason: str | None = None,
                 **data: Any) -> None:
        self.trigger_event(event_class, actor=ctx.actor(), reason=reason, request=ctx.request, **data)

    def _check_open(self, ctx: Context, *roles: str) -> None:
        if ctx.role not in roles and not (ctx.role == "admin" and "hr" in roles):
            raise NotAllowedError("plan", f"as {ctx.role} you may not do this on this plan")
        if self.status == "closed":
            raise InvalidStateError("status", "the plan is closed and takes no changes")
        _count(self.version + 1, limits.MAX_EVENTS, "plan", "changes to one plan; close it and start a new one")

    def _count_notes(self) -> None:
        _count(len(self.feedback) + len(self.progress) + 1, limits.MAX_NOTES, "plan",
               "feedback and progress notes in one plan")

    def _check_editable(self, ctx: Context, *roles: str) -> None:
        self._check_open(ctx, *roles)
        if self.status not in EDITABLE:
            raise InvalidStateError("status", "the plan is waiting for review; "
                                              "its goals and actions change after the review")

    def _not_own_plan(self, ctx: Context, reason: str) -> None:
        if ctx.subject == self.employee_id:
            raise NotAllowedError("plan", reason)

    def _in_period(self, day: date, name: str) -> None:
        if not self.period_start <= day <= self.period_end:
            raise RuleViolationError(name, f"must lie inside the plan period {self.period_start.isoformat()} "
                                           f"to {self.period_end.isoformat()}")


def action_overdue(action: dict[str, Any], today: date) -> bool:
    """Planned or started, and its planned end has passed. (The views count the same in SQL: queries.OVERDUE.)"""
    return action["status"] in {"planned", "started"} and action["planned_end"] < today


def _text(value: str | None, name: str, maximum: int) -> None:
    if value is not None and len(value) > maximum:
        raise RuleViolationError(name, f"at most {maximum} characters")


def _count(count: int, maximum: int, name: str, what: str) -> None:
    if count > maximum:
        raise RuleViolationError(name, f"at most {maximum} {what}")


def _hours(value: float, name: str, maximum: float) -> None:
    if value is not None and value > maximum:
        raise RuleViolationError(name, f"at most {maximum:g} hours")


def _plausible(day: date, name: str) -> None:
    if not limits.EARLIEST <= day <= limits.LATEST:
        raise RuleViolationError(name, f"must lie between {limits.EARLIEST.isoformat()} "
                                       f"and {limits.LATEST.isoformat()}")


def _goal_texts(goal: dict[str, Any]) -> None:
    """The bounds of a goal's own fields (a new goal, or the fields a revision changes)."""
    for name, maximum in (("title", limits.SHORT_TEXT), ("measure", limits.LONG_TEXT),
                          ("relevance", limits.LONG_TEXT)):
        _text(goal.get(name), name, maximum)
    if goal.get("hours_needed") is not None:
        _hours(goal["hours_needed"], "hours_needed", limits.MAX_HOURS)
    if goal.get("skills") is not None:
        _count(len(goal["skills"]), limits.MAX_GOAL_SKILLS, "skills", "skills per goal")


def plan_id_for(employee_id: str, period_start: date, period_end: date) -> UUID:
    return uuid5(NAMESPACE_URL, f"groeipad:plan:{employee_id}:{period_start}:{period_end}")


def _require(condition: bool, name: str, reason: str) -> None:
    if not condition:
        raise RuleViolationError(name, reason)


def _one_of(value: str, allowed: Iterable[str], name: str) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise RuleViolationError(name, f"must be one of: {', '.join(allowed)}")


def _level(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_LEVEL <= value <= MAX_LEVEL:
        raise RuleViolationError(name, f"must be a whole number from {MIN_LEVEL} to {MAX_LEVEL}")


def _not_negative(value: float | Decimal, name: str) -> None:
    if value < 0:
        raise RuleViolationError(name, "must not be negative")


def _goal_skills(skills: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not skills:
        raise SmartGoalError(["S"], [{"field": "skills", "reason": "S: name at least one skill"}])
    out = []
    for index, item in enumerate(skills):
        name = str(item.get("skill", "")).strip()
        _require(bool(name), f"skills.{index}.skill", "must not be empty")
        _text(name, f"skills.{index}.skill", limits.SHORT_TEXT)
        _level(item.get("target_level"), f"skills.{index}.target_level")
        out.append({"skill": name, "target_level": item["target_level"]})
    return out


def _result(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A completion's result as kept: passed or failed, and a scaled score from -1 to 1 when there is one."""
    if not result or result.get("success") is None:
        return None
    success, score = result["success"], result.get("score")
    _require(isinstance(success, bool), "success", "must be true or false")
    if score is not None:
        _require(not isinstance(score, bool) and isinstance(score, int | float) and -1 <= score <= 1, "score",
                 "must be a number from -1 to 1")
    return {"success": success, "score": float(score) if score is not None else None}
