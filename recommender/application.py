"""Recommender: the event-sourced application behind the catalogue, taxonomy, roles and settings.

Every worker keeps a replica of all aggregates, caught up from the notification log, so queries
and the matcher's index never load aggregates one by one. Writes work on copies and save; the
replica then learns the result from the log, like every other worker.
"""

from __future__ import annotations

import copy
import json
import threading
import zlib
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from recommender.domainmodel import (
    SETTINGS_ID,
    LearningOffer,
    MatcherSettings,
    RoleProfile,
    Skill,
    offer_id,
    role_uuid,
    skill_uuid,
)

SAVE_CHUNK = 500
WRITE_ATTEMPTS = 3


class OfferNotFoundError(Exception):
    """No offer with that id."""


class RoleNotFoundError(Exception):
    """No role profile with that id."""


class InvalidRequestError(Exception):
    """A request the domain refuses, naming the field and the reason."""

    def __init__(self, field: str, reason: str, status: int = 400):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.status = field, reason, status


class PreconditionFailedError(Exception):
    """If-Match named a version that is no longer the offer's."""


class OfferRecord:
    """A learning offer as the replica keeps it: the fields a listing filters on in the open, the
    rest as compressed JSON. A whole aggregate per offer (about 4 KB each) would make the replica of
    100,000 offers the largest thing a worker holds; a record is about a quarter of that."""

    __slots__ = ("id", "version", "created_on", "modified_on", "external_id", "retired", "title",
                 "means", "language", "provider", "blob")

    def __init__(self, offer: LearningOffer):
        self.id, self.version = offer.id, offer.version
        self.created_on, self.modified_on = offer.created_on, offer.modified_on
        self.external_id, self.retired = offer.external_id, offer.retired
        fields = offer.fields
        self.title, self.means = fields.get("title"), fields.get("means")
        self.language, self.provider = fields.get("language"), fields.get("provider")
        self.blob = zlib.compress(json.dumps(fields, separators=(",", ":")).encode(), 1)

    def fields(self) -> dict:
        return json.loads(zlib.decompress(self.blob))

    def thaw(self) -> LearningOffer:
        """A fresh aggregate with this record's state (a copy: changing it changes no record)."""
        offer = object.__new__(LearningOffer)
        offer.__dict__.update(_id=self.id, _version=self.version, _created_on=self.created_on,
                              _modified_on=self.modified_on, _pending_events=[],
                              external_id=self.external_id, fields=self.fields(),
                              retired=self.retired)
        return offer

    def as_dict(self) -> dict[str, Any]:
        return {"offer_id": str(self.id), "external_id": self.external_id, **self.fields(),
                "status": "retired" if self.retired else "published", "version": self.version,
                "modified_on": self.modified_on.isoformat()}

    def listing(self) -> dict[str, Any]:
        """The fields a list filters and sorts on, without decompressing the rest."""
        return {"offer_id": str(self.id), "external_id": self.external_id, "title": self.title,
                "means": self.means, "language": self.language, "provider": self.provider,
                "status": "retired" if self.retired else "published", "version": self.version}


class Replica:
    """All aggregates of this application in memory, brought up to date from the notification log.

    Learning offers are kept as compact `OfferRecord`s; `get` hands out a fresh aggregate.
    """

    def __init__(self, app: Application):
        self.app = app
        self.aggregates: dict[UUID, Aggregate | OfferRecord] = {}
        self.position = 0
        self.lock = threading.Lock()

    def catch_up(self) -> int:
        """Apply every notification after our position; returns the new position."""
        with self.lock:
            while True:
                page = self.app.notification_log.select(
                    self.position, self.app.log_section_size, inclusive_of_start=False)
                if not page:
                    return self.position
                touched: dict[UUID, LearningOffer] = {}
                try:
                    for notification in page:
                        event = self.app.mapper.to_domain_event(notification)
                        key = event.originator_id
                        current = touched.get(key) or self.aggregates.get(key)
                        if isinstance(current, OfferRecord):
                            current = current.thaw()
                        mutated = event.mutate(current)
                        if isinstance(mutated, LearningOffer):
                            touched[key] = mutated  # frozen once per page, not once per event
                        else:
                            self.aggregates[key] = mutated
                        self.position = notification.id
                finally:
                    for key, offer in touched.items():
                        self.aggregates[key] = OfferRecord(offer)

    def reset(self) -> None:
        with self.lock:
            self.aggregates, self.position = {}, 0

    def dicts(self, cls: type, active_only: bool = False) -> list[dict]:
        """Plain copies of the aggregates of CLS, taken while no catch-up mutates them."""
        if cls is LearningOffer:
            with self.lock:
                records = [a for a in self.aggregates.values() if isinstance(a, OfferRecord)
                           and not (active_only and a.retired)]
            return [r.as_dict() for r in records]
        with self.lock:
            return [a.as_dict() for a in self.aggregates.values()
                    if isinstance(a, cls) and not (active_only and getattr(a, "retired", False))]

    def offer_records(self) -> list[OfferRecord]:
        with self.lock:
            return [a for a in self.aggregates.values() if isinstance(a, OfferRecord)]

    def of_type(self, cls: type) -> list[Any]:
        return [a for a in list(self.aggregates.values()) if isinstance(a, cls)]

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        found = self.aggregates.get(aggregate_id)
        return found.thaw() if isinstance(found, OfferRecord) else found

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.aggregates


class Recommender(Application[UUID]):
    """Catalogue, taxonomy, role profiles and matcher settings, each change an event."""

    name = "recommender"
    log_section_size = 1000

    def __init__(self, env: dict[str, str] | None = None):
        super().__init__(env)
        self.store_env = dict(env or {})  # what a child process needs to open the same store
        self.replica = Replica(self)
        self.write_lock = threading.Lock()

    # -- catalogue ------------------------------------------------------------------------------
    def catalogue_version(self) -> int:
        """The newest notification id: it moves whenever anything in this store changes."""
        return self.recorder.max_notification_id() or 0

    def publish_offer(self, fields: dict, actor: dict) -> dict:
        """Publish a new offer; an existing external id is a conflict, not an overwrite."""
        with self.write_lock:
            self.replica.catch_up()
            external_id = fields["external_id"]
            if self.replica.exists(offer_id(external_id)):
                raise InvalidRequestError("external_id", "an offer with this external_id exists; "
                                          "use PATCH or the import to change it", status=409)
            data = {k: v for k, v in fields.items() if k != "external_id"}
            offer = LearningOffer.publish(external_id, data, actor)
            try:
                self.save(offer)
            except IntegrityError:
                raise InvalidRequestError("external_id", "an offer with this external_id exists",
                                          status=409) from None
            return self._fresh_offer(offer.id)

    def revise_offer(self, offer_uuid: UUID, changes: dict, actor: dict,
                     if_match: int | None = None) -> dict:
        """Change some fields of an offer (null clears a field)."""
        if "external_id" in changes:
            raise InvalidRequestError("external_id", "cannot be changed; publish a new offer")
        return self._change_offer(offer_uuid, if_match,
                                  lambda o: o.revise(o.changes_for(changes, False), actor))

    def retire_offer(self, offer_uuid: UUID, actor: dict, reason: str | None = None,
                     if_match: int | None = None) -> dict:
        """Take an offer out of the recommendations; its history stays."""
        return self._change_offer(offer_uuid, if_match, lambda o: o.retire(actor, reason))

    def _change_offer(self, offer_uuid: UUID, if_match: int | None, command) -> dict:
        for _ in range(WRITE_ATTEMPTS):
            with self.write_lock:
                self.replica.catch_up()
                current = self.replica.get(offer_uuid)
                if not isinstance(current, LearningOffer):
                    raise OfferNotFoundError(str(offer_uuid))
                if if_match is not None and if_match != current.version:
                    raise PreconditionFailedError(str(current.version))
                offer = copy.deepcopy(current)
                command(offer)
                try:
                    self.save(offer)
                except IntegrityError:
                    continue  # another worker saved first: retry from its state
                return self._fresh_offer(offer_uuid)
        raise InvalidRequestError("offer", "other changes kept winning; try again", status=409)

    def _fresh_offer(self, offer_uuid: UUID) -> dict:
        self.replica.catch_up()
        return self.replica.get(offer_uuid).as_dict()

    def import_offers(self, rows: list[tuple[int, dict]], actor: dict) -> dict[str, int]:
        """Upsert validated rows by external_id, many aggregates per save.

        A field the row leaves out stays as it was; a retired offer that is imported again returns.
        """
        counts = {"imported": 0, "updated": 0, "unchanged": 0}
        for start in range(0, len(rows), SAVE_CHUNK):
            chunk = rows[start:start + SAVE_CHUNK]
            for attempt in range(WRITE_ATTEMPTS):
                with self.write_lock:
                    self.replica.catch_up()
                    changed, chunk_counts = self._apply_import_chunk(chunk, actor)
                    try:
                        if changed:
                            self.save(*changed)
                    except IntegrityError:
                        if attempt == WRITE_ATTEMPTS - 1:
                            raise
                        continue
                for key, value in chunk_counts.items():
                    counts[key] += value
                break
        self.replica.catch_up()
        return counts

    def _apply_import_chunk(self, chunk: Iterable[tuple[int, dict]], actor: dict):
        pending: dict[UUID, LearningOffer] = {}
        counts = {"imported": 0, "updated": 0, "unchanged": 0}
        for _line, fields in chunk:
            external_id = fields["external_id"]
            data = {k: v for k, v in fields.items() if k != "external_id"}
            key = offer_id(external_id)
            offer = pending.get(key)
            if offer is None:
                offer = self.replica.get(key)  # a fresh copy, or None
            if offer is None:
                pending[key] = LearningOffer.publish(external_id, data, actor)
                counts["imported"] += 1
                continue
            events_before = len(offer.pending_events)
            offer.reinstate(actor)
            offer.revise(offer.changes_for(data, False), actor)
            changed = len(offer.pending_events) > events_before
            if changed:
                pending[key] = offer
            counts["updated" if changed else "unchanged"] += 1
        return [o for o in pending.values() if o.pending_events], counts

    def get_offer(self, offer_uuid: UUID) -> dict:
        self.replica.catch_up()
        offer = self.replica.get(offer_uuid)
        if not isinstance(offer, LearningOffer):
            raise OfferNotFoundError(str(offer_uuid))
        return offer.as_dict()

    def offers(self, active_only: bool = False) -> list[dict]:
        """Every offer (or only the published ones) as the replica knows them now."""
        self.replica.catch_up()
        return self.replica.dicts(LearningOffer, active_only)

    def offer_listing(self, status: str = "published") -> list[dict]:
        """Id, external id, title, means, language, provider, status and version of every offer
        (STATUS published, retired or all), without decompressing descriptions: for lists that
        filter and page, then fetch the page with `offer_page`."""
        self.replica.catch_up()
        return [r.listing() for r in self.replica.offer_records()
                if status == "all" or (r.retired == (status == "retired"))]

    def offer_page(self, offer_ids: Iterable[str]) -> list[dict]:
        """Full offers for OFFER_IDS (from `offer_listing`), in that order."""
        out = []
        for key in offer_ids:
            found = self.replica.get(UUID(key))
            if isinstance(found, LearningOffer):
                out.append(found.as_dict())
        return out

    def offer_titles(self) -> dict[str, str | None]:
        """Offer id -> title, cheaply (reports)."""
        self.replica.catch_up()
        return {str(r.id): r.title for r in self.replica.offer_records()}

    def offer_history(self, offer_uuid: UUID) -> list[dict]:
        """Every event of an offer: what changed, who did it, when."""
        if not isinstance(self.replica.get(offer_uuid), LearningOffer):
            self.get_offer(offer_uuid)
        history = []
        for event in self.events.get(offer_uuid):
            data = {k: v for k, v in event.__dict__.items()
                    if k not in {"originator_id", "originator_version", "timestamp",
                                 "originator_topic", "actor"}}
            history.append({"version": event.originator_version,
                            "type": type(event).TOPIC.rsplit(":", 1)[1],
                            "occurred_at": event.timestamp.isoformat(), "actor": event.actor,
                            "data": data})
        return history

    # -- taxonomy -------------------------------------------------------------------------------
    def define_skills(self, skills: list[dict], actor: dict) -> dict[str, int]:
        """Add or replace imported skills (keyed by id), many per save."""
        counts = {"imported": 0, "updated": 0, "unchanged": 0}
        with self.write_lock:
            self.replica.catch_up()
            changed = []
            for skill in skills:
                current = self.replica.get(skill_uuid(skill["id"]))
                if current is None:
                    changed.append(Skill.define(skill, actor))
                    counts["imported"] += 1
                    continue
                agg = copy.deepcopy(current)
                if agg.redefine(skill, actor):
                    changed.append(agg)
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
            for start in range(0, len(changed), SAVE_CHUNK):
                self.save(*changed[start:start + SAVE_CHUNK])
        self.replica.catch_up()
        return counts

    def imported_skills(self) -> list[dict]:
        with self.replica.lock:
            return [copy.deepcopy(a.skill) for a in self.replica.of_type(Skill)]

    # -- role profiles --------------------------------------------------------------------------
    def define_role_profile(self, role_id: str, profile: dict, actor: dict) -> dict:
        """Create or replace the profile of a target role."""
        with self.write_lock:
            self.replica.catch_up()
            current = self.replica.get(role_uuid(role_id))
            if current is None:
                agg = RoleProfile.define(role_id, profile, actor)
            else:
                agg = copy.deepcopy(current)
                agg.revise(profile, actor)
            self.save(agg)
        return self.role_profile(role_id)

    def role_profile(self, role_id: str) -> dict:
        self.replica.catch_up()
        agg = self.replica.get(role_uuid(role_id))
        if agg is None:
            raise RoleNotFoundError(role_id)
        return {"role_id": agg.role_id, **agg.profile, "version": agg.version}

    def role_profiles(self) -> list[dict]:
        self.replica.catch_up()
        return [{"role_id": a.role_id, **a.profile, "version": a.version}
                for a in self.replica.of_type(RoleProfile)]

    # -- matcher settings -----------------------------------------------------------------------
    def settings(self) -> dict | None:
        agg = self.replica.get(SETTINGS_ID)
        return None if agg is None else agg.settings

    def change_settings(self, settings: dict, actor: dict, reason: str | None) -> int:
        """Store new matcher settings; returns the new settings version."""
        with self.write_lock:
            self.replica.catch_up()
            current = self.replica.get(SETTINGS_ID)
            if current is None:
                agg = MatcherSettings.create(settings, actor, reason)
            else:
                agg = copy.deepcopy(current)
                agg.change(settings, actor, reason)
            self.save(agg)
        self.replica.catch_up()
        return self.replica.aggregates[SETTINGS_ID].version

    def settings_history(self) -> list[dict]:
        if SETTINGS_ID not in self.repository:
            return []
        return [{"version": e.originator_version, "occurred_at": e.timestamp.isoformat(),
                 "actor": e.actor, "reason": getattr(e, "reason", None), "settings": e.settings}
                for e in self.events.get(SETTINGS_ID)]
