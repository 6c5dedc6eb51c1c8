"""Stored events of every shape ever written must still load; a shape change needs class_version + upcaster."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from services.plan.application import PlanService
from services.plan.domain.events import EVENT_CLASSES
from services.plan.domain.person import Person

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures").glob("plan_events_v*.jsonl"))
STANDARD = {"originator_id", "originator_version", "timestamp", "originator_topic", "class_version"}
CURRENT_CLASSES = {**{cls.TOPIC: cls for cls in EVENT_CLASSES.values()},
                   **{cls.TOPIC: cls for cls in (Person.Registered, Person.Updated, Person.Erased)}}


def fixture_rows() -> list[tuple[str, dict]]:
    rows = []
    for path in FIXTURES:
        for line in path.read_text().splitlines():
            rows.append((path.name, json.loads(line)))
    return rows


def fields_of(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)} - STANDARD


def test_every_current_event_type_has_a_stored_fixture():
    stored_topics = {row["topic"] for _, row in fixture_rows()}
    missing = set(CURRENT_CLASSES) - stored_topics
    assert not missing, f"add these event types to tests/reliability/event_story.py and a fixture file: {missing}"


def row_id(value) -> str:
    return value.get("topic", "?") if isinstance(value, dict) else str(value)


@pytest.mark.parametrize(("source", "row"), fixture_rows(), ids=row_id)
def test_each_stored_shape_still_loads_into_the_current_class(source, row):
    service = PlanService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
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
    event = service.mapper.to_domain_event(stored)
    assert type(event) is cls
    assert set(vars(event)) - STANDARD == fields_of(cls)
    assert isinstance(event.originator_id, UUID)


def test_the_old_story_replays_into_a_plan():
    service = PlanService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    plan = None
    plan_id = uuid4()
    for _, row in fixture_rows():
        if not row["topic"].startswith("groeipad.plan:Person"):
            stored = StoredEvent(originator_id=plan_id, originator_version=row["originator_version"],
                                 topic=row["topic"], state=json.dumps(row["state"]).encode())
            plan = service.mapper.to_domain_event(stored).mutate(plan)
    assert plan.status == "closed" and set(plan.goals) == {"g1", "g2"} and plan.actions["a1"]["status"] == "completed"
    assert plan.erased
