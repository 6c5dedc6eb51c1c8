"""A story that records every plan and person event type once; the stored-shape fixtures come from it.

Regenerate the fixture file only when adding an event type or a new class_version:
`python -m tests.reliability.event_story > tests/fixtures/plan_events_vN.jsonl` writes the *current* shapes,
so never overwrite an old version's file: add a new one beside it (v2: check-ins, PlanStarted's template;
v3: completions reported by a learning record store, LearningActionCompleted v2; v4_carry: the following
plan of the story, which carries the first one forward; v4_editing: PlanDetailsChanged and SkillAssessmentWithdrawn
only; v4: certificates, recertification and mandatory learning requirements).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal

from eventsourcing.persistence import Mapper

from services.plan.application import PlanService
from services.plan.domain.cycle import DevelopmentCycle
from services.plan.domain.person import Person
from services.plan.domain.plan import Context, DevelopmentPlan
from services.plan.domain.requirement import LearningRequirement
from services.plan.domain.template import PlanTemplate


def record_story(service: PlanService) -> list:
    owner, manager = Context("karim", "owner"), Context("marieke", "manager")
    person = Person.register("karim", {"subject": "hr", "role": "hr"}, name="Karim", manager_id="marieke")
    person.update({"subject": "hr", "role": "hr"}, name="Karim El Amrani", manager_id="marieke")
    plan = DevelopmentPlan.start(
        owner, employee_id="karim",
        period_start=date(2026, 1, 1), period_end=date(2027, 12, 31), trigger="career_project",
        career_project="teamleider", target_role="teamleider", available_hours=120,
        available_budget=Decimal(3000), template={"template_id": "00000000-0000-4000-8000-0000000000aa", "version": 1})
    plan.assess_skill(owner, skill="Teammanagement", category="behavioural", level=1, status="to_improve",
                      transferable_to=["logistiek"])
    plan.change_details(owner, reason="clearer", career_project="teamleider logistiek", available_budget=Decimal(3500))
    plan.assess_skill(owner, skill="Excel", category="technical", level=2)
    plan.withdraw_assessment(owner, skill="excel", reason="not part of the plan")
    plan.set_goal(owner, goal_id="g1", title="Team leiden", skills=[{"skill": "teammanagement", "target_level": 3}],
                  measure="360", hours_needed=60, budget_needed=Decimal(1500), relevance="teamleider",
                  deadline=date(2027, 6, 30))
    plan.revise_goal(owner, "g1", reason="feedback", deadline=date(2027, 9, 30))
    plan.set_goal(owner, goal_id="g2", title="Plannen", skills=[{"skill": "planning", "target_level": 2}],
                  measure="m", hours_needed=10, budget_needed=Decimal(0), relevance="r", deadline=date(2026, 12, 1))
    plan.plan_action(owner, action_id="a1", goal_ids=["g1"], means="external_course", title="Communicatie",
                     planned_start=date(2026, 2, 1), planned_end=date(2026, 6, 30), hours=16, cost=Decimal(800))
    plan.reschedule_action(owner, "a1", planned_start=date(2026, 3, 1), planned_end=date(2026, 7, 31), reason="later")
    plan.request_funding(owner, "a1", amount=Decimal(800), justification="helps the team")
    plan.submit_for_review(owner, "please")
    plan.review(manager, outcome="approved", comment="good")
    plan.approve_funding(manager, "a1", comment="ok")
    plan.start_action(owner, "a1", date(2026, 3, 2))
    plan.complete_action(owner, "a1", on=date(2026, 7, 1), evaluation=4, reflection="learnt",
                         skill_levels=[{"skill": "teammanagement", "level": 2}])
    plan.add_certificate(owner, "a1", certificate_id="cert1", number="VCA-123", issuer="SSVV",
                         issued_on=date(2026, 7, 1), expires_on=date(2026, 9, 1),
                         file={"file_id": "f1", "content_type": "application/pdf", "size": 9, "sha256": "ab",
                               "filename": "vca.pdf"})
    plan.open_recertification(owner, action_id="a4", template=plan.actions["a1"], planned_start=date(2026, 8, 1),
                              planned_end=date(2026, 8, 31), renews={"plan_id": str(plan.id), "action_id": "a1",
                                                                     "certificate_id": "cert1", "state": "expiring"})
    plan.plan_action(owner, action_id="a2", goal_ids=[], means="mooc", title="x", planned_start=date(2026, 8, 1),
                     planned_end=date(2026, 9, 1), cost=Decimal(100))
    plan.request_funding(owner, "a2", amount=Decimal(100), justification="helps")
    plan.decline_funding(manager, "a2", reason="no budget")
    plan.cancel_action(owner, "a2", "not needed")
    plan.review_progress(owner, note="halfway", goal_id="g1", progress=50)
    plan.receive_feedback(manager, feedback_id="f1", source="manager", text="well done", goal_id="g1")
    plan.accept_recommendation(owner, "r1", offer_id="o1", action_id="a3", goal_ids=["g1"], means="mooc",
                               title="PM", planned_start=date(2026, 9, 1), planned_end=date(2026, 10, 1))
    following = DevelopmentPlan.start(owner, employee_id="karim", period_start=date(2028, 1, 1),
                                      period_end=date(2028, 12, 31), trigger="appraisal_interview")
    following.carry_forward_from(Context("hanna", "hr"), plan)  # a planned action and open goals move on
    plan.dismiss_recommendation(owner, "r2", offer_id="o2", reason="too far")
    slot = {"on": date(2026, 5, 4), "at": "10:00", "duration_minutes": 45, "location": "Kamer 2.14"}
    plan.schedule_checkin(manager, checkin_id="c1", agenda=["doelen"], **slot)
    plan.add_agenda_point(owner, "c1", "budget")
    plan.reschedule_checkin(owner, "c1", reason="ziek", **{**slot, "on": date(2026, 5, 11)})
    plan.schedule_checkin(manager, checkin_id="c2", **slot)
    plan.cancel_checkin(manager, "c2", "dubbel")
    plan.record_checkin(manager, "c1", notes="goed gesprek", agreements=["deadline later"])
    plan.act_on_agreement(owner, "c1", "c1-1", goal_id="g1", revision={"deadline": date(2027, 10, 31)})
    lrs = Context("xapi", "service")  # completions a learning record store reported (services/xapi)
    reported = {"on": date(2026, 9, 15), "result": {"success": True, "score": 0.8}, "source": "xapi"}
    plan.propose_completion(lrs, "p1", action_ids=["a3"], reference="s1", match="url", **reported)
    plan.reject_completion_proposal(owner, "p1")
    plan.propose_completion(lrs, "p2", action_ids=["a3"], reference="s2", match="activity", **reported)
    plan.accept_completion_proposal(owner, "p2", "a3", evaluation=4)
    plan.achieve_goal(owner, "g2", "done")
    plan.abandon_goal(owner, "g1", "changed role")
    plan.close(owner, "done")
    plan.add_certificate(owner, "a3", certificate_id="cert2", number="PM-9", issuer="PMI",  # after the plan closed
                         issued_on=date(2026, 10, 1), expires_on=None)
    plan.mark_erased(Context("retention", "admin"))
    person.erase({"subject": "hr", "role": "hr"})
    template = PlanTemplate.create(__import__("uuid").UUID("00000000-0000-4000-8000-0000000000aa"),
                                   {"subject": "hanna", "role": "hr"}, name="Monteur",
                                   milestones=[{"kind": "conversation", "offset_days": 28}])
    template.revise({"subject": "hanna", "role": "hr"}, "later", name="Monteur",
                    milestones=[{"kind": "conversation", "offset_days": 42}])
    template.retire({"subject": "hanna", "role": "hr"}, "replaced")
    cycle = DevelopmentCycle.create(
        __import__("uuid").UUID("00000000-0000-4000-8000-0000000000cc"), {"subject": "hanna", "role": "hr"},
        name="Functioneringsgesprekken 2027", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31),
        scope={"kind": "departments", "departments": ["TD"]}, templates={"default": str(template.id)},
        milestones=[{"kind": "conversation", "due": date(2027, 3, 1)}])
    cycle.record_batch({"subject": "hanna", "role": "hr"}, [
        {"person_id": "karim", "department": "TD", "plan_id": str(plan.id), "outcome": "carried_forward",
         "reason": "current plan"}], total=1)
    cycle.remove({"subject": "hanna", "role": "hr"}, "karim", "left the directory")
    cycle.close({"subject": "hanna", "role": "hr"})
    hanna = {"subject": "hanna", "role": "hr"}
    requirement = LearningRequirement.define(
        __import__("uuid").UUID("00000000-0000-4000-8000-0000000000dd"), hanna, "wettelijk verplicht", name="VCA",
        departments=["TD"], roles=["Monteur"], recurrence_months=24, offer_ids=["o1"], certificate_required=True)
    requirement.revise(hanna, "jaarlijks", name="VCA", departments=["TD"], roles=["Monteur"], recurrence_months=12,
                       offer_ids=["o1"], certificate_required=True)
    requirement.retire(hanna, "vervangen")
    events = (list(person.collect_events()) + list(plan.collect_events()) + list(following.collect_events())
              + list(template.collect_events())
              + list(cycle.collect_events()) + list(requirement.collect_events()))
    plain = Mapper(transcoder=service.construct_transcoder())  # fixtures keep the plaintext (pre-sealing) form
    return [plain.to_stored_event(event) for event in events]


def main() -> None:
    service = PlanService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    for stored in record_story(service):
        sys.stdout.write(json.dumps({"topic": stored.topic, "originator_version": stored.originator_version,
                                     "state": json.loads(stored.state)}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
