"""Stored events of every shape ever written must still load; a shape change needs class_version + upcaster.

Covers both event-sourced services (plan and recommender) and the feed's integration events.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from recommender.application import Recommender
from recommender.domainmodel import RecommenderEvent
from recommender.runtime import Runtime
from services.plan.application import PlanService
from services.plan.domain.access import PlanAccess
from services.plan.domain.cycle import CYCLE_EVENTS
from services.plan.domain.events import EVENT_CLASSES
from services.plan.domain.person import Person
from services.plan.domain.requirement import REQUIREMENT_EVENTS
from services.plan.domain.template import TEMPLATE_EVENTS
from shared.contracts import PAYLOAD_SCHEMAS, SCHEMA_VERSION, IntegrationEventSchema, parse_page, upgrade

FIXTURES = Path(__file__).parents[1] / "fixtures"
STANDARD = {"originator_id", "originator_version", "timestamp", "originator_topic", "class_version"}
SERVICES = {
    "plan": ("plan_events_v*.jsonl", lambda: PlanService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}),
             {**{cls.TOPIC: cls for cls in EVENT_CLASSES.values()},
              **{cls.TOPIC: cls for cls in (Person.Registered, Person.Updated, Person.Erased, PlanAccess.Recorded,
                                                *TEMPLATE_EVENTS, *CYCLE_EVENTS, *REQUIREMENT_EVENTS)}}),
    "recommender": ("recommender_events_v*.jsonl",
                    lambda: Recommender(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}),
                    {cls.TOPIC: cls for cls in RecommenderEvent.__subclasses__()}),
}


def fixture_rows(service: str, pattern: str | None = None) -> list[dict]:
    return [json.loads(line) for path in sorted(FIXTURES.glob(pattern or SERVICES[service][0]))
            for line in path.read_text().splitlines()]


def fields_of(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)} - STANDARD


def all_rows() -> list[tuple[str, dict]]:
    return [(service, row) for service in SERVICES for row in fixture_rows(service)]


def row_id(value) -> str:
    return value.get("topic", "?") if isinstance(value, dict) else str(value)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_current_event_type_has_a_stored_fixture(service):
    stored_topics = {row["topic"] for row in fixture_rows(service)}
    missing = set(SERVICES[service][2]) - stored_topics
    assert not missing, f"add these {service} event types to its event story and a fixture file: {missing}"


@pytest.mark.parametrize(("service", "row"), all_rows(), ids=row_id)
def test_each_stored_shape_still_loads_into_the_current_class(service, row):
    app = SERVICES[service][1]()
    cls = resolve_topic(row["topic"])
    stored_version = row["state"].get("class_version", 1)
    stored_fields = set(row["state"]) - STANDARD
    current_version = getattr(cls, "class_version", 1)
    if stored_fields != fields_of(cls):
        assert current_version > stored_version, (
            f"{cls.__name__} changed shape ({sorted(stored_fields ^ fields_of(cls))}) without raising "
            f"class_version above {stored_version} and adding upcast_v{stored_version}_v{stored_version + 1}")
    stored = StoredEvent(originator_id=uuid4(), originator_version=row["originator_version"], topic=row["topic"],
                         state=json.dumps(row["state"]).encode())
    event = app.mapper.to_domain_event(stored)
    assert type(event) is cls
    assert set(vars(event)) - STANDARD == fields_of(cls)
    assert isinstance(event.originator_id, UUID)


@pytest.mark.parametrize("story", sorted(path.name for path in FIXTURES.glob("plan_events_v*.jsonl")
                                          if path.stem.removeprefix("plan_events_v").isdigit()))
def test_each_stored_plan_story_replays_into_a_plan(story):
    service = SERVICES["plan"][1]()
    plan, plan_id, started = None, uuid4(), 0
    for row in fixture_rows("plan", story):
        started += row["topic"] == "groeipad.plan:PlanStarted"
        if started > 1:  # from v4 on the story has a following plan as well: this checks the first one
            break
        if not row["topic"].startswith(("groeipad.plan:Person", "groeipad.plan:PlanAccess",
                                        "groeipad.plan:PlanTemplate", "groeipad.plan:Cycle",
                                        "groeipad.plan:DevelopmentCycle", "groeipad.plan:LearningRequirement")):
            stored = StoredEvent(originator_id=plan_id, originator_version=row["originator_version"],
                                 topic=row["topic"], state=json.dumps(row["state"]).encode())
            plan = service.mapper.to_domain_event(stored).mutate(plan)
    assert plan.status == "closed" and set(plan.goals) == {"g1", "g2"} and plan.actions["a1"]["status"] == "completed"
    assert plan.erased
    if story == "plan_events_v1.jsonl":  # from before templates and check-ins: upcast to none of either
        assert plan.template is None and plan.checkins == {}
    else:
        assert plan.template["version"] == 1 and plan.checkins["c1"]["agreements"][0]["goal_id"] == "g1"


def test_stored_free_text_access_purposes_become_a_code_and_a_note():
    service = SERVICES["plan"][1]()
    rows = [row for row in fixture_rows("plan") if row["topic"] == PlanAccess.Recorded.TOPIC]
    read = [service.mapper.to_domain_event(StoredEvent(originator_id=uuid4(), originator_version=1, topic=row["topic"],
                                                       state=json.dumps(row["state"]).encode())) for row in rows]
    assert [(e.purpose, e.note) for e in read] == [("other", "Audit or compliance check: yearly sample"),
                                                  ("gdpr_request", None), (None, None)]


def test_the_feed_contract_reads_every_stored_page_version():
    pages = sorted(FIXTURES.glob("feed_page_v*.json"))
    assert {path.name for path in pages} >= {f"feed_page_v{v}.json" for v in range(1, SCHEMA_VERSION + 1)}, (
        "keep one stored feed page per integration-event schema version")
    for path in pages:
        page = parse_page(json.loads(path.read_text()))  # upgrades and validates each event by its type's schema
        for event in page["events"]:
            assert event["schema_version"] == SCHEMA_VERSION
            assert not IntegrationEventSchema().validate(event), path.name
            assert not PAYLOAD_SCHEMAS[event["type"]].validate(event["payload"]), (path.name, event)
            assert "reason" not in event


def test_a_version_1_page_loses_its_free_text_on_the_way_up():
    raw = json.loads((FIXTURES / "feed_page_v1.json").read_text())
    assert any(e.get("reason") for e in raw["events"]) or any(
        "career_project" in e["payload"] for e in raw["events"]), "the v1 fixture should hold free text"
    text = json.dumps(parse_page(raw))
    # Published on purpose, for the notifier's mails and invitations: an action's title, a review request's note.
    needed = {("LearningActionPlanned", "title"), ("PlanSubmittedForReview", "note")}
    for event in raw["events"]:
        for name in ("career_project", "title", "measure", "relevance", "note", "reflection", "text",
                     "comment", "justification", "provider"):
            if (event["type"], name) in needed:
                continue
            value = event["payload"].get(name)
            if isinstance(value, str) and len(value) > 3:
                assert value not in text, f"{name} of {event['type']} survived the upgrade"


def test_every_event_type_of_the_contract_has_a_stored_v2_event():
    stored = {e["type"] for e in json.loads((FIXTURES / "feed_page_v2.json").read_text())["events"]}
    assert {"PersonRegistered", "PersonUpdated", "PlanStarted", "GoalSet"} <= stored


def test_the_follower_applies_every_stored_page_version(tmp_path):
    runtime = Runtime.build(f"sqlite:///{tmp_path / 'recommender.sqlite'}")
    try:
        for path in sorted(FIXTURES.glob("feed_page_v*.json")):
            page = parse_page(json.loads(path.read_text()))
            assert runtime.readmodel.apply_page(page["events"], page["next_after"]) == len(page["events"])
        assert runtime.readmodel.current_plan("karim")["goals"], "the stored v1 page taught nothing"
        assert runtime.readmodel.current_plan("lotte")["goals"], "the stored v2 page taught nothing"
        assert runtime.readmodel.manages("petra", "lotte")
        assert runtime.readmodel.person("lotte")["department"] == "Logistics"
    finally:
        runtime.close()


def test_a_newer_schema_version_is_refused_not_misread():
    event = json.loads((FIXTURES / "feed_page_v1.json").read_text())["events"][0]
    with pytest.raises(ValueError, match="newer"):
        upgrade({**event, "schema_version": SCHEMA_VERSION + 1})


def test_the_stored_carry_forward_story_replays_into_the_following_plan():
    service = SERVICES["plan"][1]()
    plan, plan_id = None, uuid4()
    for row in fixture_rows("plan", "plan_events_v4_carry.jsonl"):
        stored = StoredEvent(originator_id=plan_id, originator_version=row["originator_version"], topic=row["topic"],
                             state=json.dumps(row["state"]).encode())
        plan = service.mapper.to_domain_event(stored).mutate(plan)
    assert set(plan.goals) == {"g1", "g2"} and all(g["carried_from"]["goal_id"] for g in plan.goals.values())
    assert plan.actions["a3"]["status"] == "planned" and plan.actions["a3"]["carried_from"]["action_id"] == "a3"
