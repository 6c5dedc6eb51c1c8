"""The quick contract check never accepts what the marshmallow schemas refuse, and lets through what they accept.

shared.contracts compiles each schema into a quick check for speed (a follower reads thousands of events a
second); marshmallow decides whenever the quick check doubts. This holds the two to agreement on every stored
event and on each event broken in every way we can think of.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from shared.contracts import _ENVELOPE, _QUICK, _QUICK_ENVELOPE, PAYLOAD_SCHEMAS, upgrade

FIXTURES = Path(__file__).parents[1] / "fixtures"
STORED = [upgrade(e) for path in sorted(FIXTURES.glob("feed_page_v*.json"))
          for e in json.loads(path.read_text())["events"]]
BAD_VALUES = [None, True, 0, -1, 1.5, float("nan"), float("inf"), "", "x", "2026-13-45", "20260101",
              "2026-01-01T10:00:00", "2026-01-01T10:00:00+00:00", [], [{}], {}, {"skill": 1}, "9" * 300]


def marshmallow_accepts(event: dict) -> bool:
    if _ENVELOPE.validate(event):
        return False
    return not PAYLOAD_SCHEMAS[event["type"]].validate(event["payload"])


def quick_accepts(event: dict) -> bool:
    return _QUICK_ENVELOPE(event) and _QUICK[event["type"]](event["payload"])


def variants(event: dict):
    """EVENT with each field (of the envelope and of the payload, nested ones too) removed or replaced."""
    def paths(value, prefix=()):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield (*prefix, key)
                yield from paths(inner, (*prefix, key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                yield from paths(inner, (*prefix, index))

    for path in paths(event):
        if path[0] == "type":
            continue
        for replacement in [*BAD_VALUES, "<removed>"]:
            broken = copy.deepcopy(event)
            holder = broken
            for step in path[:-1]:
                holder = holder[step]
            if replacement == "<removed>":
                if isinstance(holder, dict):
                    del holder[path[-1]]
            else:
                holder[path[-1]] = replacement
            yield broken
    yield {**copy.deepcopy(event), "surprise": 1}
    yield {**copy.deepcopy(event), "actor": {**event["actor"], "surprise": 1}}


def test_every_stored_event_is_accepted_by_both():
    assert STORED
    for event in STORED:
        assert marshmallow_accepts(event) and quick_accepts(event), event


@pytest.mark.parametrize("event", STORED, ids=lambda e: f"{e['type']}@{e['position']}")
def test_the_quick_check_accepts_nothing_the_schemas_refuse(event):
    doubted = 0
    for broken in variants(event):
        if quick_accepts(broken):
            assert marshmallow_accepts(broken), broken
        else:
            doubted += 1
    assert doubted, "the variants should include events the quick check doubts"


def test_the_producer_publishes_exactly_what_each_schema_dumps():
    from services.plan.domain.events import event_data
    from shared.contracts import payload_of
    from tests.unit.plan_builders import OWNER, add_action, add_goal, new_plan

    plan = new_plan(target_role="Teamleider")
    plan.assess_skill(OWNER, skill="Excel", category="technical", level=2, note="mijn eigen woorden")
    add_action(plan, goal_ids=[add_goal(plan)])
    events = plan.collect_events()
    assert len(events) >= 3
    for event in events:
        kind = type(event).TOPIC.split(":", 1)[1]
        data = event_data(event)
        assert payload_of(kind, data) == PAYLOAD_SCHEMAS[kind].dump(data), kind
        assert "mijn eigen woorden" not in json.dumps(payload_of(kind, data))
