"""The directory's provisioning rules on the aggregates: a Person takes an identity provider's word in one change
(or none), a DirectoryGroup keeps its members once each and refuses changes once deleted."""

from __future__ import annotations

import pytest

from services.plan.domain.errors import InvalidStateError, RuleViolationError
from services.plan.domain.group import DirectoryGroup
from services.plan.domain.person import Person

ACTOR = {"subject": "entra", "role": "scim"}
FIELDS = {"name": "Nadia Bos", "email": "nadia@example.org", "manager_id": "marieke", "department": "TD",
          "job_title": "Monteur"}


def registered() -> Person:
    person = Person.register("nadia", ACTOR, **FIELDS)
    person.collect_events()
    return person


def test_a_person_registered_before_provisioning_is_active_and_has_no_document():
    person = registered()
    assert person.active is True and person.deprovisioned is False and person.scim is None


def test_provisioning_is_one_change_or_none():
    person = registered()
    assert person.provision(ACTOR, {**FIELDS, "department": "HR"}, user_name="nadia@example.org", active=False,
                            scim={"title": "Monteur"})
    [event] = person.collect_events()
    assert event.changes == {"department": "HR", "user_name": "nadia@example.org", "active": False,
                             "scim": {"title": "Monteur"}}
    assert person.active is False and person.department == "HR"
    assert not person.provision(ACTOR, {**FIELDS, "department": "HR"}, user_name="nadia@example.org", active=False,
                                scim={"title": "Monteur"})
    assert person.collect_events() == []


def test_provisioning_keeps_the_directory_rules():
    person = registered()
    with pytest.raises(RuleViolationError) as raised:
        person.provision(ACTOR, {**FIELDS, "manager_id": "nadia"})
    assert raised.value.field == "manager_id"
    with pytest.raises(RuleViolationError):
        person.provision(ACTOR, FIELDS, user_name="x" * 201)
    with pytest.raises(ValueError):
        person.provision(ACTOR, FIELDS, password="secret")
    assert person.collect_events() == []


def test_a_group_keeps_each_member_once_and_needs_a_name():
    group = DirectoryGroup.create("g1", ACTOR, display_name=" Monteurs ", external_id=None,
                                  members=["karim", "karim", "jeroen"])
    assert group.display_name == "Monteurs" and group.members == ["karim", "jeroen"]
    with pytest.raises(RuleViolationError):
        DirectoryGroup.create("g2", ACTOR, display_name=" ", external_id=None, members=[])
    assert group.change(ACTOR, display_name="Monteurs", external_id=None, members=["jeroen"])
    assert not group.change(ACTOR, display_name="Monteurs", external_id=None, members=["jeroen"])


def test_a_deleted_group_takes_no_changes():
    group = DirectoryGroup.create("g1", ACTOR, display_name="Monteurs", external_id=None, members=[])
    group.delete(ACTOR)
    with pytest.raises(InvalidStateError):
        group.change(ACTOR, display_name="Other", external_id=None, members=[])
    with pytest.raises(InvalidStateError):
        group.delete(ACTOR)
