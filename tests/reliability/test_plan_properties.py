"""Property-based tests: random command sequences never break an invariant; replays agree."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.plan.application import PlanService
from services.plan.domain.errors import DomainError
from services.plan.domain.plan import Context, DevelopmentPlan
from services.plan.domain.vocabulary import ACTION_STATUSES, GOAL_STATUSES, MAX_LEVEL, PLAN_STATUSES

START, END = date(2026, 1, 1), date(2027, 12, 31)
ROLES = ["owner"] * 6 + ["manager", "manager", "hr"]
SKILLS = ["excel", "teamwork", "python", "planning"]

# Mostly valid values, sometimes not: sequences must get far enough to reach interesting states.
days = st.one_of(st.integers(0, 729), st.integers(0, 729), st.integers(-30, 760)).map(
    lambda n: START + timedelta(days=n))
spans = st.tuples(days, st.integers(-5, 120)).map(lambda p: (p[0], p[0] + timedelta(days=p[1])))
levels = st.sampled_from([0, 1, 2, 3, 4, 5, 5, 4, 3, -1, MAX_LEVEL + 1])
texts = st.sampled_from(["because", "because", "ok", "", "  "])


def pick(ids: list[str], index: int) -> str:
    return ids[index % len(ids)] if ids else "missing"


goal = st.tuples(st.just("goal"), st.sampled_from(SKILLS), levels, st.integers(0, 60), days, texts)
action = st.tuples(st.just("action"), st.integers(0, 5), spans, st.integers(0, 900))
start = st.tuples(st.just("start"), st.integers(0, 5), days)
complete = st.tuples(st.just("complete"), st.integers(0, 5), days, st.sampled_from([1, 3, 4, 5, 0, 6]))
command = st.one_of(
    st.tuples(st.just("assess"), st.sampled_from(SKILLS), levels, st.sampled_from(["self", "self", "manager", "peer"])),
    goal, goal, action, action, start, start, complete, complete,
    st.tuples(st.just("revise"), st.integers(0, 5), days, texts),
    st.tuples(st.just("achieve"), st.integers(0, 5)),
    st.tuples(st.just("abandon"), st.integers(0, 5), texts),
    st.tuples(st.just("cancel"), st.integers(0, 5), texts),
    st.tuples(st.just("reschedule"), st.integers(0, 5), spans, texts),
    st.tuples(st.just("fund"), st.integers(0, 5), st.integers(0, 1000)),
    st.tuples(st.just("decide"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("feedback"), st.sampled_from(["manager", "self", "mentor"])),
    st.tuples(st.just("submit"),),
    st.tuples(st.just("review"), st.booleans()),
    st.tuples(st.just("review"), st.booleans()),
)


def run(plan: DevelopmentPlan, step: tuple, role: str) -> None:
    ctx = Context("emp" if role == "owner" else f"{role}-1", role)
    goals, actions = list(plan.goals), list(plan.actions)
    kind, *args = step
    if kind == "assess":
        plan.assess_skill(ctx, skill=args[0], category="technical", level=args[1], assessor=args[2])
    elif kind == "goal":
        plan.set_goal(ctx, goal_id=str(uuid4()), title="goal", skills=[{"skill": args[0], "target_level": args[1]}],
                      measure="m", hours_needed=args[2], budget_needed=Decimal(args[2] * 10), relevance=args[4] or "r",
                      deadline=args[3])
    elif kind == "revise":
        plan.revise_goal(ctx, pick(goals, args[0]), reason=args[2], deadline=args[1])
    elif kind == "achieve":
        plan.achieve_goal(ctx, pick(goals, args[0]))
    elif kind == "abandon":
        plan.abandon_goal(ctx, pick(goals, args[0]), args[1])
    elif kind == "action":
        plan.plan_action(ctx, action_id=str(uuid4()), goal_ids=goals[:1], means="mooc", title="a",
                         planned_start=args[1][0], planned_end=args[1][1], cost=Decimal(args[2]))
    elif kind == "start":
        plan.start_action(ctx, pick(actions, args[0]), args[1])
    elif kind == "complete":
        plan.complete_action(ctx, pick(actions, args[0]), on=args[1], evaluation=args[2])
    elif kind == "cancel":
        plan.cancel_action(ctx, pick(actions, args[0]), args[1])
    elif kind == "reschedule":
        plan.reschedule_action(ctx, pick(actions, args[0]), planned_start=args[1][0], planned_end=args[1][1],
                               reason=args[2])
    elif kind == "fund":
        plan.request_funding(ctx, pick(actions, args[0]), amount=Decimal(args[1]), justification="helps the team")
    elif kind == "decide":
        if args[1]:
            plan.approve_funding(ctx, pick(actions, args[0]))
        else:
            plan.decline_funding(ctx, pick(actions, args[0]), reason="no budget")
    elif kind == "feedback":
        plan.receive_feedback(ctx, feedback_id=str(uuid4()), source=args[0], text="well done")
    elif kind == "submit":
        plan.submit_for_review(ctx)
    elif kind == "review":
        plan.review(ctx, outcome="approved" if args[0] else "changes_requested", comment="see notes")
    elif kind == "close":
        plan.close(ctx)


def check_invariants(plan: DevelopmentPlan) -> None:
    assert plan.status in PLAN_STATUSES
    assert all(g["status"] in GOAL_STATUSES for g in plan.goals.values())
    for action in plan.actions.values():
        assert action["status"] in ACTION_STATUSES
        assert START <= action["planned_start"] <= action["planned_end"] <= END
        if action["status"] == "completed":
            assert action["started_on"] <= action["completed_on"] and 1 <= action["evaluation"] <= 5
        if action["funding"] and action["funding"]["status"] == "approved":
            assert action["funding"]["decided_by"]["subject"] != plan.employee_id
    for entry in plan.skills.values():
        assert 0 <= entry["level"] <= MAX_LEVEL
    open_goals = [g for g in plan.goals.values() if g["status"] == "open"]
    for goal in open_goals:
        assert START <= goal["deadline"] <= END


def new_plan() -> DevelopmentPlan:
    """A plan with two goals and three actions (one started), so random steps meet every state early."""
    plan = DevelopmentPlan.start(Context("emp", "owner"), employee_id="emp", period_start=START,
                                 period_end=END, trigger="career_project", career_project="grow",
                                 available_hours=100, available_budget=Decimal(2000))
    for skill in ("excel", "teamwork"):
        run(plan, ("goal", skill, 3, 20, date(2026, 12, 1), "because"), "owner")
    for offset in (10, 40, 200):
        run(plan, ("action", 0, (START + timedelta(days=offset), START + timedelta(days=offset + 30)), 300), "owner")
    run(plan, ("start", 0, START + timedelta(days=12)), "owner")
    return plan


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(command, st.sampled_from(ROLES)), max_size=60),
       st.lists(st.tuples(command, st.sampled_from(ROLES)), max_size=10))
def test_random_commands_keep_invariants_and_replay_to_the_same_state(steps, after_closing):
    plan = new_plan()
    for step, role in steps:
        before = plan.version
        try:
            run(plan, step, role)
        except DomainError:
            assert plan.version == before, "a refused command must not record anything"
        check_invariants(plan)
    plan.close(Context("emp", "owner"))
    closed_at = plan.version
    for step, role in after_closing:
        try:
            run(plan, step, role)
        except DomainError:
            pass
    assert plan.version == closed_at, "a closed plan took a change"
    events = plan.collect_events()
    assert len(events) == plan.version
    replayed = None
    for event in events:
        replayed = event.mutate(replayed)
    assert replayed.__dict__ == plan.__dict__


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(command, st.sampled_from(ROLES)), min_size=5, max_size=40), st.integers(1, 40))
def test_snapshot_plus_tail_equals_full_replay(steps, cut):
    service = PlanService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    plan = new_plan()
    service.save(plan)
    for index, (step, role) in enumerate(steps):
        try:
            run(plan, step, role)
        except DomainError:
            pass
        if index == cut:
            service.save(plan)
            service.take_snapshot(plan.id)
    service.save(plan)
    from_snapshot = service.repository.get(plan.id)
    full = None
    for event in service.events.get(plan.id):
        full = event.mutate(full)
    assert from_snapshot.__dict__ == full.__dict__ == plan.__dict__
