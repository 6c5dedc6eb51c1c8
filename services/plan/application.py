"""PlanService: the event-sourced application behind the plan API (commands, single-plan reads, the feed).

One path for every write: load the plan (the library's aggregate cache, fast-forwarded from the store),
resolve the caller's relation to it from the directory view, replay a retried request, honour If-Match, run
the command, save; retry from a fresh load when another worker saved first and the caller did not pin a
version. A single plan's reads come from the event store and are always current; lists, the directory and
reports come from the views (services/plan/views), which a projector process keeps and which may lag a moment.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application, LRUCache
from eventsourcing.persistence import IntegrityError, Transcoding
from eventsourcing.utils import strtobool

from services.plan.badges.store import CredentialStore
from services.plan.certificate_files import DEFAULT_MAX_BYTES, CertificateFiles
from services.plan.domain import certificates as certificate_rules
from services.plan.domain.access import PlanAccess
from services.plan.domain.errors import InvalidStateError, NotFoundInPlanError, RuleViolationError
from services.plan.domain.events import EVENT_CLASSES, PlanEvent, event_data
from services.plan.domain.person import Person, person_uuid
from services.plan.domain.plan import Context, DevelopmentPlan, plan_id_for
from services.plan.domain.requirement import LearningRequirement
from services.plan.domain.template import PlanTemplate
from services.plan.metrics import EVENTS_APPENDED, PLAN_LOAD_SECONDS, WRITE_RETRIES
from services.plan.views import tables as view_tables
from services.plan.views.projection import instant
from services.plan.views.queries import PlanFilter, PlanQueries, Viewer
from shared.auth import Principal
from shared.config import read_secret
from shared.keystore import keystore_for
from shared.observability import request_id
from shared.purposes import PurposeError, require_purpose
from shared.sealing import PersonalDataMapper, PersonErasedError
from shared.views import ViewStore

log = logging.getLogger(__name__)
FEED_TOPICS = {cls.TOPIC for cls in EVENT_CLASSES.values()} | {Person.Registered.TOPIC, Person.Updated.TOPIC,
                                                                Person.Erased.TOPIC}
ERASURE_TOPICS = (Person.Erased.TOPIC, EVENT_CLASSES["PlanErased"].TOPIC)
WRITE_ATTEMPTS = 5


class PlanNotFoundError(Exception):
    """No such plan, or none the caller may know of."""


class PreconditionFailedError(Exception):
    """If-Match named a version that is no longer the plan's."""

    def __init__(self, current: int):
        super().__init__(f"the plan is at version {current}")
        self.current = current


class WriteConflictError(Exception):
    """Other writers kept winning the race for this plan; the client may retry."""


class PersonDeactivatedError(Exception):
    """The person was deactivated (SCIM active=false): their plans are read-only until they are reactivated."""

    def __init__(self, person_id: str) -> None:
        super().__init__(person_id)
        self.person_id = person_id


class TemplateNotFoundError(Exception):
    """No such plan template."""


class RequirementNotFoundError(Exception):
    """No such learning requirement."""


class ForbiddenError(Exception):
    """The caller's roles never allow this, whatever the plan."""


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class IdempotentRequest:
    """A client's Idempotency-Key with a fingerprint of the request it was first used for."""

    key: str
    fingerprint: str

    @classmethod
    def of(cls, principal: Principal, key: str, method: str, path: str, body: Any) -> IdempotentRequest:
        digest = hashlib.sha256(json.dumps([method, path, body], sort_keys=True, default=str).encode())
        return cls(key=f"{principal.subject}:{key}", fingerprint=digest.hexdigest())


@dataclass(frozen=True)
class Access:
    """What a read is for the access log: which view, and the reader's stated purpose."""

    what: str
    purpose: str | None = None  # a code of shared.purposes
    note: str | None = None  # the reader's own words, sealed with the plan's key


@dataclass
class WriteOutcome:
    plan: DevelopmentPlan
    result: dict[str, Any]
    replayed: bool = False
    created: bool = False
    position: int | None = None  # the write's place in the log: read the views at least this far to see it


class PlanService(Application[UUID]):
    name = "plan"
    log_section_size = 1000
    # The library's bounded cache, fast-forwarded from the store on every get, stays correct across workers.
    env = {"IS_SNAPSHOTTING_ENABLED": "y", "AGGREGATE_CACHE_MAXSIZE": "1000", "AGGREGATE_CACHE_FASTFORWARD": "y"}

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.view_store = ViewStore.of(self)
        self.views = PlanQueries(self.view_store)
        self.certificate_files = CertificateFiles(self.view_store, self.keys,
                                                  int(self.env.get("CERTIFICATE_MAX_BYTES") or DEFAULT_MAX_BYTES))
        self.credentials = CredentialStore(self.view_store, self.keys)  # Open Badges issued (services/plan/badges)
        if strtobool(self.env.get("CREATE_TABLE") or "y"):
            view_tables.create(self.view_store, view_tables.physical())
            self.certificate_files.create_table()
            self.credentials.create_table()
        self._erasures_seen = self.recorder.max_notification_id() or 0
        self._erasure_lock = threading.Lock()
        # Tests and single-process embedding only (PLAN_VIEWS_INLINE=1): every save brings the views up to date
        # before it returns. Deployments run the projector as its own process (`groeipad project`).
        self._inline = None
        if strtobool(self.env.get("VIEWS_INLINE") or "n"):
            from services.plan.views.projector import Projector

            self._inline = Projector(self)

    def save(self, *objs: Any, **kwargs: Any) -> list:
        recordings = super().save(*objs, **kwargs)
        if self._inline is not None:
            self._inline.catch_up()
        return recordings

    def register_transcodings(self, transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_mapper(self):
        """Seal personal fields with per-aggregate keys, so one person can be forgotten (crypto-shredding)."""
        self.keys = keystore_for(self.env, read_secret("GROEIPAD_MASTER_KEY"))
        return PersonalDataMapper(transcoder=self.construct_transcoder(), keys=self.keys,
                                  subject_of=self._subject_of)

    def _subject_of(self, key_id: str) -> str | None:
        """Whose plan or directory entry KEY_ID is (for data written before its key existed)."""
        owner = self.views.plan_owner(key_id)
        if owner is not None:
            return owner
        row = self.views.one("SELECT person_id FROM {people} WHERE aggregate_id = ?", (key_id,))
        return row["person_id"] if row else None

    def close(self) -> None:
        super().close()
        self.keys.close()

    # -- erasures seen by this worker -------------------------------------------------------------
    def forget_erased(self) -> None:
        """Drop this worker's cached keys and plans once anyone erased anything since it last looked: an erasure
        made by another worker or instance must not leave readable copies here. One cheap query when nothing
        changed (the log's head)."""
        head = self.recorder.max_notification_id() or 0
        if head <= self._erasures_seen:
            return
        with self._erasure_lock:
            seen = self._erasures_seen
            while seen < head:
                page = self.notification_log.select(seen, self.log_section_size, topics=ERASURE_TOPICS, stop=head,
                                                    inclusive_of_start=False)
                if page:
                    self.keys.forget_all()
                    if isinstance(self.repository.cache, LRUCache):  # a fresh one: LRUCache.clear() keeps entries
                        self.repository.cache = LRUCache(maxsize=self.repository.cache.maxsize)
                if len(page) < self.log_section_size:
                    break
                seen = page[-1].id
            self._erasures_seen = max(self._erasures_seen, head)

    # -- relations ------------------------------------------------------------------------------
    def viewer(self, principal: Principal) -> Viewer:
        return Viewer(principal.subject, principal.has("hr", "admin"), principal.has("manager"))

    def relation(self, principal: Principal, employee_id: str) -> str | None:
        """The caller's role towards EMPLOYEE_ID's plans, or None when they are not theirs to see."""
        if principal.subject == employee_id:
            return "owner"
        if principal.has("manager") and self.views.is_above(principal.subject, employee_id):
            return "manager"
        if principal.has("hr"):
            return "hr"
        if principal.has("admin"):
            return "admin"
        return None

    def owner_of(self, aggregate_id: UUID) -> str | None:
        """Whose plan or directory entry this is: from the views, or from its first event when the views have not
        seen it yet (an owner never changes, so the views are never wrong about it)."""
        owner = self._subject_of(str(aggregate_id))
        if owner is None:
            first = next(iter(self.events.get(aggregate_id, lte=1)), None)
            owner = getattr(first, "employee_id", None) or getattr(first, "person_id", None)
        return owner

    def _owner(self, plan_id: UUID) -> str:
        owner = self.owner_of(plan_id)
        if owner is None:
            raise PlanNotFoundError(plan_id)
        return owner

    def _authorize(self, plan_id: UUID, principal: Principal, audit: Access | None = None,
                   employee_id: str | None = None) -> str:
        """The caller's role towards the plan; records AUDIT for everyone but the owner."""
        self.forget_erased()
        employee_id = employee_id or self._owner(plan_id)
        role = self.relation(principal, employee_id)
        if role is None:
            if principal.has("ld") and not principal.has("employee", "manager"):
                raise ForbiddenError("L&D sees the catalogue and aggregates, not individual plans")
            raise PlanNotFoundError(plan_id)
        if audit is not None and role != "owner":
            self._record_access(plan_id, employee_id, principal, role, audit)
        return role

    def _record_access(self, plan_id: UUID, employee_id: str, principal: Principal, role: str,
                       audit: Access) -> None:
        """Who looked at whose plan, when and why; HR and admins say why when it is not their report's."""
        if role in {"hr", "admin"}:
            try:
                require_purpose(audit.purpose)
            except PurposeError as error:
                raise RuleViolationError(error.field, error.reason) from None
        actor = {"subject": principal.subject, "role": role}
        try:
            self.save(PlanAccess.record(plan_id, employee_id, audit.what, audit.purpose, audit.note, actor))
        except PersonErasedError:  # the plan's key is gone: the note could only be stored in clear, so it is not
            self.save(PlanAccess.record(plan_id, employee_id, audit.what, audit.purpose, None, actor))

    def access_log(self, principal: Principal, *, plan_id: UUID | None = None,
                   employee_id: str | None = None) -> list[dict[str, Any]]:
        """Looks at plans: a plan's owner sees who looked at it; HR and admins see everything."""
        if plan_id is not None:
            owner = self._owner(plan_id)
            if self.relation(principal, owner) not in {"owner", "hr", "admin"}:
                raise PlanNotFoundError(plan_id)
            return self.views.accesses(plan_id=str(plan_id))
        if not principal.has("hr", "admin"):
            raise ForbiddenError("the access log is for HR and admins; the owner sees it on the plan")
        return self.views.accesses(employee_id=employee_id, limit=1_000_000)

    def export_person(self, principal: Principal, person_id: str, audit: Access | None = None) -> dict[str, Any]:
        """Everything the plan service holds about a person (GDPR access request): the person, or HR stating why."""
        person = self.views.person(person_id)
        if person is None:
            raise PlanNotFoundError(person_id)
        role = "owner" if principal.subject == person_id else "hr" if principal.has("hr", "admin") else None
        if role is None:
            raise ForbiddenError("only the person themselves and HR export a person's data")
        audit = audit or Access("export")
        if role == "hr":  # as for any other read of someone else's data, even of a person without plans
            try:
                require_purpose(audit.purpose)
            except PurposeError as error:
                raise RuleViolationError(error.field, error.reason) from None
        plans = []
        for summary in self.views.plans_of(person_id):
            plan = self.get_plan(UUID(summary["id"]), principal, audit=audit, employee_id=person_id)
            plans.append({"plan": plan, "history": list(self.events.get(plan.id))})
        erased = bool(person.pop("erased"))
        return {"person": person, "plans": plans, "access_log": self.views.accesses(employee_id=person_id,
                                                                                    limit=1_000_000),
                "certificate_files": self._certificate_files_of(person_id),
                "credentials": self.credentials.of_person(person_id), "erased": erased}

    def _certificate_files_of(self, person_id: str) -> list[dict[str, Any]]:
        """The person's certificate files themselves (base64), for their export."""
        out = []
        for row in self.certificate_files.of_person(person_id):
            opened = self.certificate_files.get(row["file_id"])
            if opened is not None:
                out.append({**row, "content_base64": base64.b64encode(opened[1]).decode()})
        return out

    def person_is_active(self, person_id: str) -> bool:
        """Read from the person's entry in the event store (strongly consistent, like erasure): a deactivation
        holds from the moment it is saved, whatever the views have seen."""
        try:
            person = self.repository.get(person_uuid(person_id))
        except (AggregateNotFoundError, PersonErasedError):
            return True  # no entry (plans of people the directory never knew) or erased (refused as such)
        return getattr(person, "active", True)

    def check_active(self, person_id: str) -> None:
        if not self.person_is_active(person_id):
            raise PersonDeactivatedError(person_id)

    def person_is_erased(self, person_id: str) -> bool:
        """Forgotten people are known by their directory entry's destroyed key (strongly consistent)."""
        return self.keys.is_erased(str(person_uuid(person_id)))

    # -- writes -----------------------------------------------------------------------------------
    def start_plan(self, principal: Principal, request: IdempotentRequest | None,
                   **fields: Any) -> WriteOutcome:
        self.forget_erased()
        employee_id = fields["employee_id"]
        if self.views.person(employee_id) is None:
            raise RuleViolationError("employee_id", f"no person {employee_id!r} in the directory")
        if self.person_is_erased(employee_id):
            raise PersonErasedError(employee_id)  # a forgotten person gets no new data
        self.check_active(employee_id)
        role = self.relation(principal, employee_id)
        if role is None:
            raise ForbiddenError("you may start a plan only for yourself (or as HR, or as their manager)")
        plan_id = plan_id_for(employee_id, fields["period_start"], fields["period_end"])
        if request is not None:
            started = self.views.started_by(request.key)
            if started is not None:
                if started["fingerprint"] != request.fingerprint:
                    raise RuleViolationError("Idempotency-Key", "this key was already used for a different request")
                return WriteOutcome(self.repository.get(UUID(started["plan_id"]), version=1), {}, replayed=True,
                                    created=True)
        ctx = Context(principal.subject, role, _request_mark(request, {}))
        carry_forward = fields.pop("carry_forward", False)
        other = self.views.overlapping(employee_id, fields["period_start"], fields["period_end"], str(plan_id))
        if other is not None and not carry_forward:
            raise InvalidStateError("period_start", f"plan {other} already covers part of this period; close it "
                                                    "first, or carry it forward")
        previous = None
        if carry_forward:
            other = other or self.views.current_open_plan(employee_id, str(plan_id))
            previous = self._load(UUID(other), None) if other is not None else None
            if previous is None or previous.status == "closed":
                raise RuleViolationError("carry_forward", "the person has no open plan to carry forward")
        template_id = fields.pop("template_id", None)
        if template_id is not None:
            try:
                fields["template"] = self.template_reference(template_id, fields["period_start"])
            except TemplateNotFoundError:
                raise RuleViolationError("template_id", "no such plan template") from None
            norms = self.template(template_id).content()
            if not fields.get("available_hours"):
                fields["available_hours"] = norms["hours_norm"]
            if not fields.get("available_budget"):
                fields["available_budget"] = norms["budget_norm"]
        plan = DevelopmentPlan.start(ctx, **fields)
        handed_over = []
        if previous is not None:
            plan.carry_forward_from(ctx, previous)
            previous.close_carried_forward(ctx, plan.id, plan.period_start, plan.period_end)
            handed_over.append(previous)
        try:
            recordings = self.save(plan, *handed_over)
        except IntegrityError:
            existing = self.repository.get(plan_id)
            replay = _replay(existing, request)
            if replay is not None:
                return WriteOutcome(self.repository.get(plan_id, version=replay["version"]),
                                    {}, replayed=True, created=True)
            raise InvalidStateError("period_start", f"plan {plan_id} already exists for this employee "
                                                    "and period") from None
        return WriteOutcome(plan, {}, created=True, position=_count(recordings))

    def change_plan(self, plan_id: UUID, principal: Principal,
                    command: Callable[[DevelopmentPlan, Context], None], *,
                    result: dict[str, Any] | None = None, if_match: int | None = None,
                    request: IdempotentRequest | None = None, as_service: bool = False) -> WriteOutcome:
        """Run COMMAND on the plan as PRINCIPAL, once, whatever the retries and races. AS_SERVICE: a command
        only services run (role `service`, e.g. the xAPI sync recording a completion); others are refused."""
        result = result or {}
        self.forget_erased()
        if as_service and not principal.has("service"):
            raise ForbiddenError("only a service may do this")
        for _ in range(WRITE_ATTEMPTS):
            plan = self._load(plan_id, None)
            role = "service" if as_service else self._authorize(plan_id, principal, employee_id=plan.employee_id)
            replay = _replay(plan, request)
            if replay is not None:
                return WriteOutcome(self.repository.get(plan_id, version=replay["version"]),
                                    replay["result"], replayed=True)
            if if_match is not None and plan.version != if_match:
                raise PreconditionFailedError(plan.version)
            if getattr(plan, "erased", False) or self.person_is_erased(plan.employee_id):
                raise PersonErasedError(plan_id)
            self.check_active(plan.employee_id)
            command(plan, Context(principal.subject, role, _request_mark(request, result)))
            try:
                recordings = self.save(plan)
            except IntegrityError:
                if if_match is not None:
                    raise PreconditionFailedError(self.repository.get(plan_id).version) from None
                WRITE_RETRIES.inc()
                continue
            return WriteOutcome(plan, result, position=_count(recordings))
        raise WriteConflictError(plan_id)

    # -- certificates ---------------------------------------------------------------------------------
    def add_certificate(self, plan_id: UUID, principal: Principal, action_id: str, *, fields: dict[str, Any],
                        content: bytes | None = None, filename: str = "", if_match: int | None = None,
                        request: IdempotentRequest | None = None) -> WriteOutcome:
        """A certificate for a completed action, with its file (sniffed, sealed) stored first and dropped again
        when the plan refuses the certificate or the request was a retry."""
        self.forget_erased()
        employee_id = self._owner(plan_id)
        self._authorize(plan_id, principal, employee_id=employee_id)
        certificate_id = fields.pop("certificate_id", None) or str(uuid4())
        stored = None
        if content is not None:
            stored = self.certificate_files.put(str(plan_id), employee_id, uuid4().hex, content, filename)
        try:
            outcome = self.change_plan(
                plan_id, principal, lambda plan, ctx: plan.add_certificate(
                    ctx, action_id, certificate_id=certificate_id, file=stored.details() if stored else None,
                    **fields),
                result={"certificate_id": certificate_id}, if_match=if_match, request=request)
        except BaseException:
            if stored is not None:
                self.certificate_files.delete(stored.file_id)
            raise
        if outcome.replayed and stored is not None:
            self.certificate_files.delete(stored.file_id)
        return outcome

    def certificate_file(self, plan_id: UUID, principal: Principal, certificate_id: str,
                         audit: Access | None = None) -> tuple[str, bytes, str]:
        """(content type, content, file name) of a certificate's file, for whoever may read the plan (in the access
        log when it is not the owner)."""
        plan = self.get_plan(plan_id, principal, audit=audit or Access("certificate"))
        _, certificate = plan.certificate(certificate_id)
        details = certificate.get("file")
        opened = self.certificate_files.get(details["file_id"]) if details else None
        if opened is None:
            raise NotFoundInPlanError("certificate_id", "this certificate has no file (or it was erased)")
        return opened[0], opened[1], details.get("filename") or "certificate"

    def open_recertification(self, plan_id: UUID, principal: Principal, certificate_id: str, *,
                             planned_start: date, planned_end: date, action_id: str | None = None,
                             today: date | None = None, request: IdempotentRequest | None = None) -> WriteOutcome:
        """One step from an expiring or expired certificate to a planned action renewing it, in the same plan when
        it is still open, else in the person's plan that is open now."""
        old = self.get_plan(plan_id, principal)
        action, certificate = old.certificate(certificate_id)
        state = certificate_rules.state(certificate, today or date.today())
        target = plan_id
        if old.status == "closed":
            open_plans = [p for p in self.views.plans_of(old.employee_id) if p["status"] != "closed"]
            if not open_plans:
                raise InvalidStateError("plan", "the plan is closed and the person has no open plan to renew it in")
            target = UUID(open_plans[-1]["id"])
        new_id = action_id or str(uuid4())
        renews = {"plan_id": str(plan_id), "action_id": action["action_id"], "certificate_id": certificate_id,
                  "state": state}
        return self.change_plan(target, principal, lambda plan, ctx: plan.open_recertification(
            ctx, action_id=new_id, renews=renews, template=action, planned_start=planned_start,
            planned_end=planned_end), result={"action_id": new_id}, request=request)

    def change_plan_details(self, plan: DevelopmentPlan, ctx: Context, **changes: Any) -> None:
        """The plan's change_details, after the rule only the views can check: a new period overlaps no other
        plan of the same employee."""
        start, end = changes.get("period_start"), changes.get("period_end")
        if start is not None or end is not None:
            other = self.views.overlapping(plan.employee_id, start or plan.period_start, end or plan.period_end,
                                           str(plan.id))
            if other is not None:
                raise InvalidStateError("period_start" if start is not None else "period_end",
                                        f"plan {other} already covers part of this period")
        plan.change_details(ctx, **changes)

    def _load(self, plan_id: UUID, version: int | None) -> DevelopmentPlan:
        """The plan at VERSION or as committed now: the library's cache and newest snapshot, then the tail."""
        try:
            with PLAN_LOAD_SECONDS.time():
                plan = self.repository.get(plan_id, version=version)
        except AggregateNotFoundError:
            raise PlanNotFoundError(plan_id) from None
        if not isinstance(plan, DevelopmentPlan):
            raise PlanNotFoundError(plan_id)
        return plan

    # -- forgetting (GDPR erasure and retention) ------------------------------------------------------
    def erase_person(self, actor: dict[str, str], person_id: str) -> dict[str, Any]:
        """Destroy every key of the person: their events stay, versions and positions intact, but unreadable."""
        try:
            person = self.repository.get(person_uuid(person_id))
        except AggregateNotFoundError:
            raise RuleViolationError("person_id", f"no person {person_id!r} in the directory") from None
        person.erase(actor)
        recordings = self.save(person)
        destroyed = self.keys.erase_subject(person_id)
        self.certificate_files.delete_of_person(person_id)
        self.credentials.erase_person(person_id, actor["subject"])  # their badges are revoked, the copies dropped
        plan_ids = [UUID(p["id"]) for p in self.views.plans_of(person_id)]
        for aggregate_id in [*plan_ids, person_uuid(person_id)]:
            self.delete_snapshots(aggregate_id)
        self.forget_erased()
        return {"person_id": person_id, "plans": len(plan_ids), "keys_destroyed": destroyed,
                "position": _count(recordings)}

    def erase_closed_plans(self, actor: dict[str, str], closed_before: date) -> list[str]:
        """Retention: plans closed and ended before CLOSED_BEFORE lose their key."""
        erased = []
        for plan_id in self.views.closed_before(closed_before):
            plan = self.repository.get(UUID(plan_id))
            if plan.status != "closed" or getattr(plan, "erased", False):
                continue
            plan.mark_erased(Context(actor["subject"], "admin"))
            self.save(plan)
            self.keys.erase_key(plan_id)
            self.certificate_files.delete_of_plan(plan_id)
            self.credentials.erase_plan(plan_id, actor["subject"])
            self.delete_snapshots(UUID(plan_id))
            erased.append(plan_id)
        self.forget_erased()
        return erased

    def delete_snapshots(self, aggregate_id: UUID, keep_newest: bool = False) -> None:
        """Delete an aggregate's snapshots (all, or all but the newest): after an erasure they would still hold its
        decoded state; otherwise old ones only take space. The library has no call for it: plain SQL on its table."""
        recorder = self.snapshots.recorder if self.snapshots else None
        table = getattr(recorder, "events_table_name", None)
        if table is None:
            return  # the in-memory store: erased plans are rebuilt from events alone anyway
        keep = ""
        if self.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            from psycopg import sql

            if keep_newest:
                keep = " AND originator_version < (SELECT MAX(originator_version) FROM {} WHERE originator_id = %s)"
            name = sql.Identifier(recorder.datastore.schema, table)
            statement = sql.SQL("DELETE FROM {} WHERE originator_id = %s" + keep).format(name, name)
            params: tuple = (aggregate_id, aggregate_id) if keep_newest else (aggregate_id,)
            with recorder.datastore.transaction(commit=True) as cursor:
                cursor.execute(statement, params)
        else:
            if keep_newest:
                keep = (f" AND originator_version < (SELECT MAX(originator_version) FROM {table} "
                        "WHERE originator_id = ?)")
            params = (aggregate_id.hex, aggregate_id.hex) if keep_newest else (aggregate_id.hex,)
            with recorder.datastore.transaction(commit=True) as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE originator_id = ?{keep}", params)

    # -- single-plan reads (always from the event store) ----------------------------------------------
    def get_plan(self, plan_id: UUID, principal: Principal, *, version: int | None = None,
                 as_of: datetime | None = None, audit: Access | None = None,
                 employee_id: str | None = None) -> DevelopmentPlan:
        self._authorize(plan_id, principal, audit, employee_id)
        if as_of is not None:
            version = self.version_at(plan_id, as_of)
        return self._load(plan_id, version)

    def two_versions(self, plan_id: UUID, principal: Principal, first: int, second: int,
                     audit: Access | None = None) -> tuple[DevelopmentPlan, DevelopmentPlan]:
        """The plan at FIRST and at SECOND (FIRST <= SECOND): the second is the first with only the events
        between them applied, not a second load from the start."""
        self._authorize(plan_id, principal, audit)
        earlier = self._load(plan_id, first)
        later = copy.deepcopy(earlier)
        if earlier.version == first:
            for event in self.events.get(plan_id, gt=first, lte=second):
                later = event.mutate(later)
        return earlier, later

    def version_at(self, plan_id: UUID, as_of: datetime) -> int:
        """The plan's version at AS_OF: from the views' version times, and the store for what they have not seen.
        Only the events newer than the views are decoded."""
        known, last_known = self.views.version_at(str(plan_id), instant(as_of))
        if known is None or known == last_known:
            version = known
            for stored in self.events.get(plan_id, gt=last_known or None):
                if stored.timestamp > as_of:
                    break
                version = stored.originator_version
        else:
            version = known
        if version is None:
            raise RuleViolationError("as_of", "the plan did not exist yet at that time")
        return version

    def history(self, plan_id: UUID, principal: Principal, audit: Access | None = None, *,
                after_version: int = 0, limit: int | None = None) -> list[PlanEvent]:
        """The plan's events after AFTER_VERSION, at most LIMIT of them, oldest first."""
        self._authorize(plan_id, principal, audit)
        return list(self.events.get(plan_id, gt=after_version or None, limit=limit))

    def list_plans(self, principal: Principal, flt: PlanFilter | None = None, *, today: date | None = None,
                   sort: str = "employee_id", limit: int = 200, offset: int = 0) -> tuple[list[dict], int, int]:
        """A page of the plans PRINCIPAL may see, from the views, how many there are in all, and the views'
        position the page reflects."""
        return self.views.plans(self.viewer(principal), flt or PlanFilter(), today=today or date.today(), sort=sort,
                                limit=limit, offset=offset)

    # -- org directory ------------------------------------------------------------------------------
    def upsert_people(self, actor: dict[str, str], rows: Iterable[dict[str, Any]], batch: int = 500
                      ) -> dict[str, int]:
        """Create or update people, saved in batches (a batch's keys and events each in one transaction);
        unchanged rows cost nothing."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        position = None
        rows = list(rows)
        for at in range(0, len(rows), batch):
            chunk = [{**row, "id": row["id"].strip()} for row in rows[at:at + batch]]
            try:
                saved, done = self._upsert_batch(actor, chunk, load_all=False)
            except IntegrityError:  # one of them exists after all (saved meanwhile, or older than its key)
                saved, done = self._upsert_batch(actor, chunk, load_all=True)
            position = saved or position
            for name, count in done.items():
                counts[name] += count
        return {**counts, "position": position}

    def _upsert_batch(self, actor: dict[str, str], rows: list[dict[str, Any]], load_all: bool
                      ) -> tuple[int | None, dict[str, int]]:
        """Whether each person is known, or forgotten, is read for the whole batch from the key store (every
        saved person has a key): only known people are loaded, unless LOAD_ALL."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        ids = {row["id"]: person_uuid(row["id"]) for row in rows}
        known = self.keys.states([str(uuid) for uuid in ids.values()])
        changed: dict[str, Person] = {}
        for row in rows:
            person_id = row["id"]
            key_id = str(ids[person_id])
            if known.get(key_id):
                raise PersonErasedError(person_id)  # re-importing a forgotten person would bring them back
            person = changed.get(person_id)
            if person is None and (load_all or key_id in known):
                try:
                    person = self.repository.get(ids[person_id])
                except AggregateNotFoundError:
                    person = None
            if person is None:
                changed[person_id] = Person.register(person_id, actor, **row)
                counts["created"] += 1
            elif person.update(actor, **row):
                changed[person_id] = person
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        return (self._save_people(list(changed.values())) if changed else None), counts

    def _save_people(self, people: list[Person]) -> int | None:
        self.keys.create_many([(str(p.id), p.person_id) for p in people])
        return _count(self.save(*people))

    # -- plan templates (HR and L&D) ------------------------------------------------------------------
    def create_template(self, principal: Principal, **content: Any) -> PlanTemplate:
        _template_author(principal)
        template = PlanTemplate.create(uuid4(), actor_of(principal), **content)
        self.save(template)
        return template

    def revise_template(self, principal: Principal, template_id: UUID, change_note: str = "",
                        **content: Any) -> PlanTemplate:
        _template_author(principal)
        template = self.template(template_id)
        template.revise(actor_of(principal), change_note, **content)
        self.save(template)
        return template

    def retire_template(self, principal: Principal, template_id: UUID, change_note: str = "") -> PlanTemplate:
        _template_author(principal)
        template = self.template(template_id)
        template.retire(actor_of(principal), change_note)
        self.save(template)
        return template

    def template(self, template_id: UUID) -> PlanTemplate:
        """A template from the event store (always current); TemplateNotFoundError when there is none."""
        try:
            template = self.repository.get(template_id)
        except AggregateNotFoundError:
            raise TemplateNotFoundError(template_id) from None
        if not isinstance(template, PlanTemplate):
            raise TemplateNotFoundError(template_id)
        return template

    def template_reference(self, template_id: UUID, period_start: date) -> dict[str, Any]:
        """What a plan keeps of the template it starts from: id, version, and its milestones as dates (copied, so
        a later revision never changes the plan)."""
        template = self.template(template_id)
        template.usable()
        content = template.content()
        return {"template_id": str(template_id), "version": template.current_version,
                "milestones": [{"kind": m["kind"], "due": (period_start + timedelta(days=m["offset_days"])).isoformat()}
                               for m in content["milestones"]]}

    # -- mandatory learning (HR and L&D) and compliance ----------------------------------------------------
    def define_requirement(self, principal: Principal, reason: str = "", **content: Any) -> LearningRequirement:
        _requirement_author(principal)
        requirement = LearningRequirement.define(uuid4(), actor_of(principal), reason, **content)
        self.save(requirement)
        return requirement

    def revise_requirement(self, principal: Principal, requirement_id: UUID, reason: str,
                           **content: Any) -> LearningRequirement:
        _requirement_author(principal)
        requirement = self.requirement(requirement_id)
        requirement.revise(actor_of(principal), reason, **content)
        self.save(requirement)
        return requirement

    def retire_requirement(self, principal: Principal, requirement_id: UUID, reason: str) -> LearningRequirement:
        _requirement_author(principal)
        requirement = self.requirement(requirement_id)
        requirement.retire(actor_of(principal), reason)
        self.save(requirement)
        return requirement

    def requirement(self, requirement_id: UUID) -> LearningRequirement:
        try:
            requirement = self.repository.get(requirement_id)
        except AggregateNotFoundError:
            raise RequirementNotFoundError(requirement_id) from None
        if not isinstance(requirement, LearningRequirement):
            raise RequirementNotFoundError(requirement_id)
        return requirement

    def requirement_history(self, requirement_id: UUID) -> list[Any]:
        self.requirement(requirement_id)
        return list(self.events.get(requirement_id))

    def compliance_report(self, principal: Principal, as_of: date | datetime,
                          department: str | None = None) -> dict[str, Any]:
        """HR and admins see the people behind the numbers; L&D sees the numbers, small groups hidden."""
        if not principal.has("hr", "ld", "admin"):
            raise ForbiddenError("the compliance report is for HR and L&D")
        from services.plan.compliance import ComplianceReport

        return ComplianceReport(self.views).build(as_of, department, detail=principal.has("hr", "admin"))

    # -- the feed ---------------------------------------------------------------------------------
    def feed(self, after: int, limit: int) -> tuple[list[tuple[Any, PlanEvent]], int, int]:
        """Plan events after AFTER, with their positions; also where to continue and the log head."""
        notifications = self.notification_log.select(after, limit, inclusive_of_start=False)
        page = [(n, self.mapper.to_domain_event(n)) for n in notifications if n.topic in FEED_TOPICS]
        next_after = notifications[-1].id if notifications else after
        return page, next_after, self.recorder.max_notification_id() or 0


def actor_of(principal: Principal) -> dict[str, str]:
    role = next((r for r in ("admin", "hr", "ld") if principal.has(r)), "employee")
    return {"subject": principal.subject, "role": role}


def _requirement_author(principal: Principal) -> None:
    if not principal.has("hr", "ld", "admin"):
        raise ForbiddenError("mandatory learning is defined by HR and L&D")


def _template_author(principal: Principal) -> None:
    if not principal.has("hr", "ld", "admin"):
        raise ForbiddenError("plan templates are kept by HR and L&D")


def _count(recordings) -> int | None:
    """Count the saved events; the log position of the last one (None when nothing was saved)."""
    for recording in recordings:
        EVENTS_APPENDED.labels(type(recording.domain_event).__name__).inc()
    return recordings[-1].notification.id if recordings else None


def _request_mark(request: IdempotentRequest | None, result: dict[str, Any]) -> dict[str, Any] | None:
    """What each event keeps of its request: the request id (traced on through the feed) and, for a
    retry-safe request, its Idempotency-Key with a fingerprint and the first answer's ids."""
    current = request_id()
    mark: dict[str, Any] = {"id": current} if current else {}
    if request is not None:
        mark.update(key=request.key, fingerprint=request.fingerprint, result=result)
    return mark or None


def _replay(plan: DevelopmentPlan, request: IdempotentRequest | None) -> dict[str, Any] | None:
    """The first answer to this request, if the plan already holds it."""
    if request is None or request.key not in plan.requests:
        return None
    stored = plan.requests[request.key]
    if stored["fingerprint"] != request.fingerprint:
        raise RuleViolationError("Idempotency-Key", "this key was already used for a different request")
    return stored


def jsonable(value: Any) -> Any:
    """Event data made safe for JSON: dates as ISO text, money as numbers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID):
        return str(value)
    return value


def history_entry(event: PlanEvent) -> dict[str, Any]:
    return {"version": event.originator_version, "type": type(event).__name__,
            "timestamp": event.timestamp.isoformat(), "actor": event.actor,
            "reason": event.reason, "data": jsonable(event_data(event))}
