"""Every field of every event is declared personal or not, next to the field; personal ones are sealed.

A new string field that nobody declared would be stored in clear and outlive an erasure: this fails first.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from services.plan.application import PlanService
from services.plan.domain.access import PlanAccess
from services.plan.domain.cycle import CYCLE_EVENTS, DevelopmentCycle
from services.plan.domain.events import EVENT_CLASSES, PlanEvent
from services.plan.domain.group import DirectoryGroup
from services.plan.domain.person import Person
from services.plan.domain.requirement import REQUIREMENT_EVENTS, LearningRequirement
from services.plan.domain.template import TEMPLATE_EVENTS, PlanTemplate
from services.portal.accounts import Account
from shared.sealing import LIBRARY_FIELDS, SEAL, clear_fields, personal_fields
from tests.unit.plan_builders import add_action, new_plan

EVENTS = [PlanEvent, *EVENT_CLASSES.values(), Person.Registered, Person.Updated, Person.Erased,
          PlanAccess.Recorded, Account.Created, Account.ProfileChanged, PlanTemplate.Event, *TEMPLATE_EVENTS,
          DevelopmentCycle.Event, *CYCLE_EVENTS, DirectoryGroup.Event, DirectoryGroup.Created,
          DirectoryGroup.Changed, DirectoryGroup.Deleted, LearningRequirement.Event, *REQUIREMENT_EVENTS]


def annotated_fields(cls) -> dict[str, typing.Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints.get(f.name) for f in dataclasses.fields(cls) if f.name not in LIBRARY_FIELDS}


def holds_text(annotation) -> bool:
    """str, str | None, or a container of str: anything a person's words could sit in."""
    if annotation is str:
        return True
    return any(holds_text(arg) for arg in typing.get_args(annotation))


@pytest.mark.parametrize("cls", EVENTS, ids=lambda c: c.__qualname__)
def test_every_string_field_is_declared_personal_or_not(cls):
    fields = annotated_fields(cls)
    undeclared = {name for name, annotation in fields.items() if holds_text(annotation)} - set(
        personal_fields(cls)) - clear_fields(cls)
    assert not undeclared, (f"{cls.__qualname__}: declare {sorted(undeclared)} in PERSONAL_TEXT / PERSONAL_DATA "
                            "(sealed) or NOT_PERSONAL (stored in clear)")


@pytest.mark.parametrize("cls", EVENTS, ids=lambda c: c.__qualname__)
def test_declarations_name_real_fields_and_never_both(cls):
    fields = set(annotated_fields(cls))
    personal, clear = set(personal_fields(cls)), clear_fields(cls) - LIBRARY_FIELDS
    assert personal <= fields and clear <= fields, f"{cls.__qualname__} declares fields it does not have"
    assert not personal & clear


def test_the_check_would_catch_a_new_undeclared_field():
    @dataclasses.dataclass(frozen=True)
    class Sneaky(PlanEvent):
        whisper: str

    undeclared = {n for n, a in annotated_fields(Sneaky).items() if holds_text(a)} - set(
        personal_fields(Sneaky)) - clear_fields(Sneaky)
    assert undeclared == {"whisper"}


def test_the_provider_and_the_access_note_are_sealed_in_the_store():
    service = PlanService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    plan = new_plan()
    add_action(plan, provider="Opleidingscentrum De Vonk")
    recordings = service.save(plan)
    stored = recordings[-1].notification
    assert b"De Vonk" not in stored.state and SEAL.encode() in stored.state
    assert service.repository.get(plan.id).actions["a1"]["provider"] == "Opleidingscentrum De Vonk"
    access = PlanAccess.record(plan.id, "karim", "plan", "investigation", "klacht van een collega",
                               {"subject": "hanna", "role": "hr"})
    state = service.save(access)[-1].notification.state
    assert b"klacht" not in state and b"investigation" in state
    assert service.repository.get(access.id).note == "klacht van een collega"
    service.keys.erase_subject("karim")  # the note is sealed with the plan's key: forgotten with the person
    assert service.mapper.to_domain_event(service.recorder.select_events(access.id)[0]).note == "[erased]"
