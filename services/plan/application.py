"""PlanService: the event-sourced application behind the plan API (commands, queries, the feed).

One path for every write: resolve the caller's relation to the plan from the org directory, take the plan
(the cached aggregate itself, lent under its lock, when it is current), replay a retried request, honour
If-Match, run the command, save; retry from a fresh load when another worker saved first and the caller did
not pin a version.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Transcoding

from services.plan.cache import Lease, WriteThroughRepository
from services.plan.domain.access import PlanAccess
from services.plan.domain.errors import DomainError, InvalidStateError, RuleViolationError
from services.plan.domain.events import EVENT_CLASSES, PlanEvent, event_data
from services.plan.domain.person import Person, person_uuid
from services.plan.domain.plan import Context, DevelopmentPlan
from services.plan.index import PlanIndex
from services.plan.keystore import keystore_for
from services.plan.metrics import EVENTS_APPENDED, PLAN_LOAD_SECONDS, WRITE_RETRIES
from services.plan.personal_data import PersonalDataMapper, PersonErasedError
from shared.auth import Principal
from shared.config import read_secret
from shared.observability import request_id

log = logging.getLogger(__name__)
SNAPSHOT_EVERY = 100
FEED_TOPICS = {cls.TOPIC for cls in EVENT_CLASSES.values()} | {Person.Erased.TOPIC}
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


class ForbiddenError(Exception):
    """The caller's roles never allow this, whatever the plan."""


# What a write raises before its command changes anything: a plan lent from the cache stays cached.
REFUSALS = (DomainError, PreconditionFailedError, PersonErasedError)


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
    purpose: str | None = None


@dataclass(frozen=True)
class PlanHead:
    """What a minimal write answer says of a plan: enough without copying the plan's whole history."""

    id: UUID
    version: int
    employee_id: str
    status: str

    @classmethod
    def of(cls, plan: DevelopmentPlan) -> PlanHead:
        return cls(plan.id, plan.version, plan.employee_id, plan.status)


@dataclass
class WriteOutcome:
    plan: DevelopmentPlan | PlanHead
    result: dict[str, Any]
    replayed: bool = False
    created: bool = False


class PlanService(Application[UUID]):
    name = "plan"
    log_section_size = 1000
    # A bounded cache that fast-forwards from the store stays correct across workers and replicas.
    env = {"IS_SNAPSHOTTING_ENABLED": "y", "AGGREGATE_CACHE_MAXSIZE": "1000", "AGGREGATE_CACHE_FASTFORWARD": "y"}

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.index = PlanIndex()
        super().__init__(env)

    def construct_repository(self) -> WriteThroughRepository:
        """The library's repository, as the environment configures it, with a cache that takes our own writes."""
        return WriteThroughRepository.configured_like(super().construct_repository())

    def register_transcodings(self, transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_mapper(self):
        """Seal personal fields with per-aggregate keys, so one person can be forgotten (crypto-shredding)."""
        self.keys = keystore_for(self.env, read_secret("GROEIPAD_MASTER_KEY"))
        return PersonalDataMapper(transcoder=self.construct_transcoder(), keys=self.keys,
                                  subject_of=self.index.subject_of)

    def close(self) -> None:
        super().close()
        self.keys.close()

    # -- relations ------------------------------------------------------------------------------
    def relation(self, principal: Principal, employee_id: str) -> str | None:
        """The caller's role towards EMPLOYEE_ID's plans, or None when they are not theirs to see."""
        if principal.subject == employee_id:
            return "owner"
        if principal.has("manager") and principal.subject in self.index.managers_of(employee_id):
            return "manager"
        if principal.has("hr"):
            return "hr"
        if principal.has("admin"):
            return "admin"
        return None

    def _visible_plan(self, plan_id: UUID, principal: Principal, version: int | None = None,
                      audit: Access | None = None) -> tuple[DevelopmentPlan, str]:
        role = self._authorize(plan_id, principal, audit)
        try:
            with PLAN_LOAD_SECONDS.time():
                if self.index.is_erased(str(plan_id)):
                    plan = self._replay_without_caches(plan_id, version)
                else:
                    plan = self._load(plan_id, version)
        except AggregateNotFoundError:
            raise PlanNotFoundError(plan_id) from None
        return plan, role

    def _load(self, plan_id: UUID, version: int | None) -> DevelopmentPlan:
        """The plan at VERSION, or as committed now. The index caught up just before (_authorize), so when
        the cached aggregate is at the version the index knows, the store has nothing newer to read."""
        summary = self.index.plans.get(str(plan_id))
        if version is None and summary is not None:
            plan = self.repository.copy_if_at(plan_id, summary.version)
            if plan is not None:
                return plan
        return self.repository.get(plan_id, version=version)

    def _authorize(self, plan_id: UUID, principal: Principal, audit: Access | None = None) -> str:
        """The caller's role towards the plan, from the index alone (no load); records AUDIT for non-owners."""
        self.index.catch_up(self)
        summary = self.index.plans.get(str(plan_id))
        if summary is None:
            raise PlanNotFoundError(plan_id)
        role = self.relation(principal, summary.employee_id)
        if role is None:
            if principal.has("ld") and not principal.has("employee", "manager"):
                raise ForbiddenError("L&D sees the catalogue and aggregates, not individual plans")
            raise PlanNotFoundError(plan_id)
        if audit is not None and role != "owner":
            self._record_access(plan_id, summary.employee_id, principal, role, audit)
        return role

    def _record_access(self, plan_id: UUID, employee_id: str, principal: Principal, role: str,
                       audit: Access) -> None:
        """Who looked at whose plan, when and why; HR and admins say why when it is not their report's."""
        purpose = (audit.purpose or "").strip() or None
        if role in {"hr", "admin"} and purpose is None:
            raise RuleViolationError("X-Access-Reason", "say why you open this plan: it is not one of your reports'")
        self.save(PlanAccess.record(plan_id, employee_id, audit.what, purpose,
                                    {"subject": principal.subject, "role": role}))

    def access_log(self, principal: Principal, *, plan_id: UUID | None = None,
                   employee_id: str | None = None) -> list[dict[str, Any]]:
        """Looks at plans: a plan's owner sees who looked at it; HR and admins see everything."""
        self.index.catch_up(self)
        if plan_id is not None:
            summary = self.index.plans.get(str(plan_id))
            if summary is None or self.relation(principal, summary.employee_id) not in {"owner", "hr", "admin"}:
                raise PlanNotFoundError(plan_id)
            return [a for a in self.index.accesses if a["plan_id"] == str(plan_id)]
        if not principal.has("hr", "admin"):
            raise ForbiddenError("the access log is for HR and admins; the owner sees it on the plan")
        return [a for a in self.index.accesses if employee_id in (None, a["employee_id"])]

    def export_person(self, principal: Principal, person_id: str) -> dict[str, Any]:
        """Everything the plan service holds about a person (GDPR access request): the person or HR."""
        self.index.catch_up(self)
        if person_id not in self.index.people:
            raise PlanNotFoundError(person_id)
        role = "owner" if principal.subject == person_id else "hr" if principal.has("hr", "admin") else None
        if role is None:
            raise ForbiddenError("only the person themselves and HR export a person's data")
        plans = []
        for summary in self.index.plans.values():
            if summary.employee_id != person_id:
                continue
            plan, _ = self._visible_plan(UUID(summary.id), principal, audit=Access("export", "GDPR export"))
            plans.append({"plan": plan, "history": list(self.events.get(plan.id))})
        return {"person": dict(self.index.people[person_id]), "plans": plans,
                "access_log": [a for a in self.index.accesses if a["employee_id"] == person_id],
                "erased": person_id in self.index.erased_people}

    def _replay_without_caches(self, plan_id: UUID, version: int | None) -> DevelopmentPlan:
        """An erased plan is rebuilt from its events alone: caches and snapshots may predate the erasure."""
        plan = None
        for event in self.events.get(plan_id, lte=version):
            plan = event.mutate(plan)
        if plan is None:
            raise AggregateNotFoundError(plan_id)
        return plan

    # -- writes -----------------------------------------------------------------------------------
    def start_plan(self, principal: Principal, request: IdempotentRequest | None,
                   **fields: Any) -> WriteOutcome:
        self.index.catch_up(self)
        employee_id = fields["employee_id"]
        if employee_id not in self.index.people:
            raise RuleViolationError("employee_id", f"no person {employee_id!r} in the directory")
        if employee_id in self.index.erased_people:
            raise PersonErasedError(employee_id)  # a forgotten person gets no new data
        role = self.relation(principal, employee_id)
        if role is None:
            raise ForbiddenError("you may start a plan only for yourself (or as HR, or as their manager)")
        plan_id = uuid5(NAMESPACE_URL, f"groeipad:plan:{employee_id}:{fields['period_start']}:"
                                       f"{fields['period_end']}")
        if request is not None and request.key in self.index.start_requests:
            started_id, fingerprint = self.index.start_requests[request.key]
            if fingerprint != request.fingerprint:
                raise RuleViolationError("Idempotency-Key", "this key was already used for a different request")
            return WriteOutcome(self.repository.get(UUID(started_id), version=1), {}, replayed=True, created=True)
        ctx = Context(principal.subject, role, _request_mark(request, {}))
        for other in self.index.plans.values():
            if (other.employee_id == employee_id and other.status != "closed"
                    and other.id != str(plan_id)
                    and other.period_start <= fields["period_end"].isoformat()
                    and fields["period_start"].isoformat() <= other.period_end):
                raise InvalidStateError("period_start", f"plan {other.id} already covers part of this "
                                                        "period; close it first")
        plan = DevelopmentPlan.start(plan_id, ctx, **fields)
        try:
            _count(self.save(plan))
        except IntegrityError:
            existing = self.repository.get(plan_id)
            replay = _replay(existing, request)
            if replay is not None:
                return WriteOutcome(self.repository.get(plan_id, version=replay["version"]),
                                    {}, replayed=True, created=True)
            raise InvalidStateError("period_start", f"plan {plan_id} already exists for this employee "
                                                    "and period") from None
        return WriteOutcome(plan, {}, created=True)

    def change_plan(self, plan_id: UUID, principal: Principal,
                    command: Callable[[DevelopmentPlan, Context], None], *,
                    result: dict[str, Any] | None = None, if_match: int | None = None,
                    request: IdempotentRequest | None = None, whole_plan: bool = True) -> WriteOutcome:
        """Run COMMAND on the plan as PRINCIPAL, once, whatever the retries and races. Without WHOLE_PLAN the
        outcome holds only the plan's head (a minimal answer), which saves copying the plan."""
        result = result or {}
        for _ in range(WRITE_ATTEMPTS):
            role = self._authorize(plan_id, principal)
            taken = self._plan_to_change(plan_id)
            try:
                with taken as plan:
                    replay = _replay(plan, request)
                    if replay is not None:
                        return WriteOutcome(self.repository.get(plan_id, version=replay["version"]),
                                            replay["result"], replayed=True)
                    if if_match is not None and plan.version != if_match:
                        raise PreconditionFailedError(plan.version)
                    if self.index.is_erased(str(plan_id)):
                        raise PersonErasedError(plan_id)
                    before = plan.version
                    command(plan, Context(principal.subject, role, _request_mark(request, result)))
                    recordings = self.save(plan)
                    outcome = WriteOutcome(_answerable(plan, whole_plan, lent=isinstance(taken, Lease)), result)
            except IntegrityError:
                if if_match is not None:
                    raise PreconditionFailedError(self.repository.get(plan_id).version) from None
                WRITE_RETRIES.inc()
                continue
            _count(recordings)
            self.repository.advance(plan_id, before, [r.domain_event for r in recordings])
            if before // SNAPSHOT_EVERY < outcome.plan.version // SNAPSHOT_EVERY:
                self._snapshot(plan_id)
            return outcome
        raise WriteConflictError(plan_id)

    def _plan_to_change(self, plan_id: UUID) -> ContextManager[DevelopmentPlan]:
        """The cached plan itself, lent to this write, when it is at the version the index knows (caught up by
        _authorize just before); else a copy loaded from the store, which advance() later applies to the cache."""
        with PLAN_LOAD_SECONDS.time():
            try:
                if self.index.is_erased(str(plan_id)):
                    return nullcontext(self._replay_without_caches(plan_id, None))
                committed = self.index.plans[str(plan_id)].version  # the index never forgets a plan it knows
                lease = self.repository.lend(plan_id, committed, refusals=REFUSALS)
                return lease or nullcontext(self.repository.get(plan_id))
            except AggregateNotFoundError:
                raise PlanNotFoundError(plan_id) from None

    def _snapshot(self, plan_id: UUID) -> None:
        """Snapshot after, not inside, save(): the events are committed whatever happens here."""
        try:
            self.take_snapshot(plan_id)
        except (IntegrityError, PersonErasedError):
            pass  # another worker snapshotted this version first, or the plan was just erased
        except Exception:  # a snapshot only speeds up loading; a write answered 5xx might be retried and counted twice
            log.exception("could not snapshot plan %s; its events are stored", plan_id)

    # -- forgetting (GDPR erasure and retention) ------------------------------------------------------
    def erase_person(self, actor: dict[str, str], person_id: str) -> dict[str, Any]:
        """Destroy every key of the person: their events stay, versions and positions intact, but unreadable."""
        self.index.catch_up(self)
        if person_id not in self.index.people:
            raise RuleViolationError("person_id", f"no person {person_id!r} in the directory")
        person = self.repository.get(person_uuid(person_id))
        person.erase(actor)
        self.save(person)
        destroyed = self.keys.erase_subject(person_id)
        plan_ids = [UUID(p.id) for p in self.index.plans.values() if p.employee_id == person_id]
        for aggregate_id in [*plan_ids, person_uuid(person_id)]:
            self._delete_snapshots(aggregate_id)
        self.index.catch_up(self)
        return {"person_id": person_id, "plans": len(plan_ids), "keys_destroyed": destroyed}

    def erase_closed_plans(self, actor: dict[str, str], closed_before: date) -> list[str]:
        """Retention: plans closed and ended before CLOSED_BEFORE lose their key."""
        self.index.catch_up(self)
        erased = []
        for summary in list(self.index.plans.values()):
            if summary.status != "closed" or summary.erased or summary.period_end >= closed_before.isoformat():
                continue
            plan = self.repository.get(UUID(summary.id))
            plan.mark_erased(Context(actor["subject"], "admin"))
            self.save(plan)
            self.keys.erase_key(summary.id)
            self._delete_snapshots(UUID(summary.id))
            erased.append(summary.id)
        self.index.catch_up(self)
        return erased

    def forget_cached(self, person_id: str | None, plan_ids: Iterable[str]) -> None:
        """Drop keys and cached aggregates this worker holds for erased data (called by the index)."""
        if person_id:
            self.keys.evict_subject(person_id)
        for plan_id in plan_ids:
            self.keys.evict(plan_id)
            self.repository.drop(UUID(plan_id))

    def _delete_snapshots(self, aggregate_id: UUID) -> None:
        recorder = self.snapshots.recorder if self.snapshots else None
        table = getattr(recorder, "events_table_name", None)
        if table is None:
            return  # the in-memory store: erased plans are rebuilt from events alone anyway
        if self.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            from psycopg import sql

            statement = sql.SQL("DELETE FROM {} WHERE originator_id = %s").format(
                sql.Identifier(recorder.datastore.schema, table))
            with recorder.datastore.transaction(commit=True) as cursor:
                cursor.execute(statement, (aggregate_id,))
        else:
            with recorder.datastore.transaction(commit=True) as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE originator_id = ?", (aggregate_id.hex,))

    # -- reads ------------------------------------------------------------------------------------
    def get_plan(self, plan_id: UUID, principal: Principal, *, version: int | None = None,
                 as_of: datetime | None = None, audit: Access | None = None) -> DevelopmentPlan:
        if as_of is not None:
            version = self._version_at(plan_id, principal, as_of)
        plan, _ = self._visible_plan(plan_id, principal, version=version, audit=audit)
        return plan

    def _version_at(self, plan_id: UUID, principal: Principal, as_of: datetime) -> int:
        self._authorize(plan_id, principal)
        version = None
        for stored in self.events.get(plan_id):
            if stored.timestamp > as_of:
                break
            version = stored.originator_version
        if version is None:
            raise RuleViolationError("as_of", "the plan did not exist yet at that time")
        return version

    def history(self, plan_id: UUID, principal: Principal, audit: Access | None = None) -> list[PlanEvent]:
        self._authorize(plan_id, principal, audit)
        return list(self.events.get(plan_id))

    def list_plans(self, principal: Principal, *, employee_id: str | None = None,
                   department: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        self.index.catch_up(self)
        rows = []
        for summary in self.index.plans.values():
            if employee_id and summary.employee_id != employee_id:
                continue
            if status and summary.status != status:
                continue
            person = self.index.people.get(summary.employee_id, {})
            if department and person.get("department") != department:
                continue
            if self.relation(principal, summary.employee_id) is None:
                continue
            rows.append({**summary.__dict__, "pending_funding": len(summary.pending_funding),
                         "employee_name": person.get("name"), "department": person.get("department")})
        rows.sort(key=lambda r: (r["employee_id"], r["period_start"]))
        return rows

    # -- org directory ------------------------------------------------------------------------------
    def upsert_people(self, actor: dict[str, str], rows: Iterable[dict[str, Any]]) -> dict[str, int]:
        """Create or update people in one save; unchanged rows cost nothing."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        changed = []
        self.index.catch_up(self)
        for row in rows:
            person_id = row["id"].strip()
            if person_id in self.index.erased_people:
                raise PersonErasedError(person_id)  # re-importing a forgotten person would bring them back
            try:
                person = self.repository.get(person_uuid(person_id))
            except AggregateNotFoundError:
                changed.append(Person.register(person_id, actor, **row))
                counts["created"] += 1
                continue
            if person.update(actor, **row):
                changed.append(person)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        if changed:
            self.save(*changed)
        return counts

    def people(self) -> dict[str, dict[str, Any]]:
        self.index.catch_up(self)
        return self.index.people

    # -- the feed ---------------------------------------------------------------------------------
    def feed(self, after: int, limit: int) -> tuple[list[tuple[Any, PlanEvent]], int, int]:
        """Plan events after AFTER, with their positions; also where to continue and the log head."""
        self.index.catch_up(self)
        notifications = self.notification_log.select(after, limit, inclusive_of_start=False)
        page = [(n, self.mapper.to_domain_event(n)) for n in notifications if n.topic in FEED_TOPICS]
        next_after = notifications[-1].id if notifications else after
        return page, next_after, self.index.position


def _answerable(plan: DevelopmentPlan, whole_plan: bool, lent: bool) -> DevelopmentPlan | PlanHead:
    """What the answer may keep of the plan just saved: a lent plan is the cache's own and moves on with the next
    write, so the answer gets a copy; a plan loaded for this write is the answer's already."""
    if not whole_plan:
        return PlanHead.of(plan)
    return deepcopy(plan) if lent else plan


def _count(recordings) -> None:
    for recording in recordings:
        EVENTS_APPENDED.labels(type(recording.domain_event).__name__).inc()


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
