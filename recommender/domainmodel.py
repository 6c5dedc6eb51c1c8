"""Aggregates of the recommender: learning offers, skills, role profiles and the matcher settings.

Topics are pinned (`groeipad.recommender:<Name>`) so that moving this module never breaks stored
events. Field values are plain JSON (strings, numbers, lists, dicts), so no custom transcoding.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.utils import TopicError, register_topic

NAMESPACE = uuid5(NAMESPACE_URL, "https://groeipad.example/recommender")

MEANS = ("internal_training", "external_course", "mooc", "workshop", "seminar", "conference",
         "mentoring", "coaching", "on_the_job")
FORMATS = ("online", "classroom", "blended")
LEVELS = ("beginner", "intermediate", "advanced")
SKILL_TYPES = ("technical", "behavioural")


def topic(name: str) -> str:
    return f"groeipad.recommender:{name}"


def offer_id(external_id: str) -> UUID:
    """Offers are keyed by their external id, so an import of the same file upserts."""
    return uuid5(NAMESPACE, f"offer:{external_id}")


def skill_uuid(skill_id: str) -> UUID:
    return uuid5(NAMESPACE, f"skill:{skill_id}")


def role_uuid(role_id: str) -> UUID:
    return uuid5(NAMESPACE, f"role:{role_id}")


SETTINGS_ID = uuid5(NAMESPACE, "settings:matcher")


class RecommenderEvent(Aggregate.Event):
    TOPIC = topic("RecommenderEvent")
    actor: dict


# -- learning offers ----------------------------------------------------------------------------
class OfferPublished(RecommenderEvent, Aggregate.Created):
    TOPIC = topic("OfferPublished")
    external_id: str
    fields: dict

    def apply(self, offer) -> None:
        offer.external_id = self.external_id
        offer.fields = deepcopy(self.fields)
        offer.retired = False


class OfferRevised(RecommenderEvent):
    TOPIC = topic("OfferRevised")
    changes: dict

    def apply(self, offer) -> None:
        for name, value in deepcopy(self.changes).items():
            if value is None:
                offer.fields.pop(name, None)
            else:
                offer.fields[name] = value


class OfferRetired(RecommenderEvent):
    TOPIC = topic("OfferRetired")
    reason: str | None

    def apply(self, offer) -> None:
        offer.retired = True


class OfferReinstated(RecommenderEvent):
    TOPIC = topic("OfferReinstated")

    def apply(self, offer) -> None:
        offer.retired = False


class LearningOffer(Aggregate):
    """One offer in the catalogue; L&D publishes, revises and retires it."""

    TOPIC = topic("LearningOffer")
    Event = RecommenderEvent
    Created = OfferPublished

    def __init__(self, external_id: str, fields: dict, actor: dict) -> None:
        """OfferPublished's fields, so that calling the class records it; OfferPublished.apply sets the state."""

    @staticmethod
    def create_id(external_id: str, **_: Any) -> UUID:  # type: ignore[override]
        return offer_id(external_id)

    @classmethod
    def publish(cls, external_id: str, fields: dict, actor: dict) -> LearningOffer:
        return cls(external_id=external_id, fields=_without_none(fields), actor=actor)

    def changes_for(self, fields: dict, replace: bool) -> dict:
        """The field changes that FIELDS bring; REPLACE drops fields that FIELDS leave out."""
        changes = {k: v for k, v in fields.items()
                   if v is not None and self.fields.get(k) != v}
        changes.update({k: None for k, v in fields.items() if v is None and k in self.fields})
        if replace:
            changes.update({k: None for k in self.fields if k not in fields})
        return changes

    def revise(self, changes: dict, actor: dict) -> None:
        if changes:
            self.trigger_event(OfferRevised, changes=changes, actor=actor)

    def retire(self, actor: dict, reason: str | None = None) -> None:
        if not self.retired:
            self.trigger_event(OfferRetired, reason=reason, actor=actor)

    def reinstate(self, actor: dict) -> None:
        if self.retired:
            self.trigger_event(OfferReinstated, actor=actor)

    def as_dict(self) -> dict[str, Any]:
        return {"offer_id": str(self.id), "external_id": self.external_id, **self.fields,
                "status": "retired" if self.retired else "published", "version": self.version,
                "modified_on": self.modified_on.isoformat()}


# -- skills taxonomy ----------------------------------------------------------------------------
class SkillDefined(RecommenderEvent, Aggregate.Created):
    TOPIC = topic("SkillDefined")
    skill: dict

    def apply(self, agg) -> None:
        agg.skill = deepcopy(self.skill)


class SkillRedefined(RecommenderEvent):
    TOPIC = topic("SkillRedefined")
    skill: dict

    def apply(self, agg) -> None:
        agg.skill = deepcopy(self.skill)


class Skill(Aggregate):
    """A skill added to the taxonomy by an import (the starter taxonomy ships as a file)."""

    TOPIC = topic("Skill")
    Event = RecommenderEvent
    Created = SkillDefined

    def __init__(self, skill: dict, actor: dict) -> None:
        """SkillDefined's fields, so that calling the class records it; SkillDefined.apply sets the state."""

    @staticmethod
    def create_id(skill: dict) -> UUID:
        return skill_uuid(skill["id"])

    @classmethod
    def define(cls, skill: dict, actor: dict) -> Skill:
        return cls(skill=skill, actor=actor)

    def redefine(self, skill: dict, actor: dict) -> bool:
        if skill == self.skill:
            return False
        self.trigger_event(SkillRedefined, skill=skill, actor=actor)
        return True


# -- role profiles ------------------------------------------------------------------------------
class RoleProfileDefined(RecommenderEvent, Aggregate.Created):
    TOPIC = topic("RoleProfileDefined")
    role_id: str
    profile: dict

    def apply(self, agg) -> None:
        agg.role_id = self.role_id
        agg.profile = deepcopy(self.profile)


class RoleProfileRevised(RecommenderEvent):
    TOPIC = topic("RoleProfileRevised")
    profile: dict

    def apply(self, agg) -> None:
        agg.profile = deepcopy(self.profile)


class RoleProfile(Aggregate):
    """A target role with the skills and levels it needs; HR and L&D maintain it."""

    TOPIC = topic("RoleProfile")
    Event = RecommenderEvent
    Created = RoleProfileDefined

    def __init__(self, role_id: str, profile: dict, actor: dict) -> None:
        """RoleProfileDefined's fields, so that calling the class records it; its apply sets the state."""

    @staticmethod
    def create_id(role_id: str) -> UUID:
        return role_uuid(role_id)

    @classmethod
    def define(cls, role_id: str, profile: dict, actor: dict) -> RoleProfile:
        return cls(role_id=role_id, profile=profile, actor=actor)

    def revise(self, profile: dict, actor: dict) -> None:
        if profile != self.profile:
            self.trigger_event(RoleProfileRevised, profile=profile, actor=actor)


# -- matcher settings ---------------------------------------------------------------------------
class SettingsCreated(RecommenderEvent, Aggregate.Created):
    TOPIC = topic("SettingsCreated")
    settings: dict
    reason: str | None

    def apply(self, agg) -> None:
        agg.settings = deepcopy(self.settings)
        agg.reason = self.reason


class SettingsChanged(RecommenderEvent):
    TOPIC = topic("SettingsChanged")
    settings: dict
    reason: str | None

    def apply(self, agg) -> None:
        agg.settings = deepcopy(self.settings)
        agg.reason = self.reason


class MatcherSettings(Aggregate):
    """Ranking weights and extra synonyms L&D tune; every change is kept with who and why."""

    TOPIC = topic("MatcherSettings")
    Event = RecommenderEvent
    Created = SettingsCreated

    def __init__(self, settings: dict, actor: dict, reason: str | None) -> None:
        """SettingsCreated's fields, so that calling the class records it; its apply sets the state."""

    @staticmethod
    def create_id() -> UUID:
        return SETTINGS_ID  # one set of settings per catalogue

    @classmethod
    def create(cls, settings: dict, actor: dict, reason: str | None) -> MatcherSettings:
        return cls(settings=settings, actor=actor, reason=reason)

    def change(self, settings: dict, actor: dict, reason: str | None) -> None:
        if settings != self.settings:
            self.trigger_event(SettingsChanged, settings=settings, actor=actor, reason=reason)


def _without_none(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if v is not None}


def _register_event_topics() -> None:
    """Events defined outside their aggregate are registered by hand under their pinned topic."""
    for event_class in RecommenderEvent.__subclasses__():
        try:
            register_topic(event_class.TOPIC, event_class)
        except TopicError:
            pass  # registered already, by the aggregate class that names it as Created


_register_event_topics()
