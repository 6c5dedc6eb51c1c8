"""The projection: plan and directory events -> view rows, a page at a time, in one transaction with the position.

Each handler changes the child rows an event touches (a goal, an action, a skill, a person); a plan's summary
columns are then recomputed from its child rows once per page, so a count can never drift from the rows it
counts. The current skill level is computed by the domain's own rule (services/plan/domain/skills.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from math import fsum
from typing import Any

from services.plan.domain import skills as skill_rules
from services.plan.domain.events import EVENT_CLASSES
from services.plan.domain.vocabulary import skill_key
from services.plan.views.page_rows import PageRows
from services.plan.views.registrations import ManagerChain, Registrations
from shared.sealing import ERASED
from shared.views import ViewStore

PROVISIONED_COLUMNS = {"user_name": "user_name", "external_id": "external_id", "active": "active",
                       "deprovisioned": "deprovisioned", "scim": "document"}


class PlanProjection:
    """Applies decoded events to one set of view tables (the live set, or a rebuild's)."""

    def __init__(self, store: ViewStore, tables: dict[str, str]) -> None:
        self.store, self.tables = store, tables
        self.statements: dict[str, str] = {}  # SQL text -> the statement for these tables (see _sql)
        # The page's plan, goal, action and skill rows: read once, changed in memory, written once (see page_rows).
        self.goals = PageRows("goals", ("plan_id", "goal_id"), GOAL_COLUMNS)
        self.goal_skills = PageRows("goal_skills", ("plan_id", "goal_id", "skill_key"), GOAL_SKILL_COLUMNS)
        self.actions = PageRows("actions", ("plan_id", "action_id"), ACTION_COLUMNS)
        self.skills = PageRows("skills", ("plan_id", "skill_key"), SKILL_COLUMNS)
        self.plans = PageRows("plans", ("plan_id",), PLAN_COLUMNS)
        self.page_rows = (self.goals, self.goal_skills, self.actions, self.skills, self.plans)
        self.completions: list[tuple] = []  # written before an erasure reads them, else at the page's end
        self.page_ids: dict[Any, str] = {}  # aggregate UUID -> its text, for the page (see _id)
        self.registrations = Registrations()  # applied before the directory is read (see registrations)
        self.handlers: dict[str, Callable[[Any, Any, Any], None]] = {
            "PersonRegistered": self._person_registered, "PersonUpdated": self._person_updated,
            "PersonErased": self._person_erased, "DirectoryGroupCreated": self._group_created,
            "DirectoryGroupChanged": self._group_changed, "DirectoryGroupDeleted": self._group_deleted,
            "PlanAccessed": self._plan_accessed,
            "PlanStarted": self._plan_started, "SkillAssessed": self._skill_assessed, "GoalSet": self._goal_set,
            "SkillAssessmentWithdrawn": self._assessment_withdrawn, "PlanDetailsChanged": self._details_changed,
            "GoalRevised": self._goal_revised, "GoalAchieved": self._goal_achieved,
            "GoalAbandoned": self._goal_abandoned, "ProgressReviewed": self._progress_reviewed,
            "GoalCarriedForward": self._goal_carried, "ActionCarriedForward": self._action_carried,
            "LearningActionPlanned": self._action_planned, "LearningActionRescheduled": self._action_rescheduled,
            "LearningActionStarted": self._action_started, "LearningActionCompleted": self._action_completed,
            "LearningActionCancelled": self._action_cancelled, "FundingRequested": self._funding_requested,
            "FundingApproved": self._funding_approved, "FundingDeclined": self._funding_declined,
            "PlanSubmittedForReview": self._status("submitted"), "PlanClosed": self._status("closed"),
            "PlanReviewed": self._plan_reviewed, "PlanErased": self._plan_erased,
            "PlanTemplateCreated": self._template_version, "PlanTemplateRevised": self._template_version,
            "PlanTemplateRetired": self._template_retired,
            "CheckInScheduled": self._checkin_scheduled, "CheckInRescheduled": self._checkin_scheduled,
            "CheckInCancelled": self._checkin_status("cancelled"), "CheckInRecorded": self._checkin_status("held"),
            "CycleCreated": self._cycle_created, "CycleBatchProcessed": self._cycle_batch,
            "CycleParticipantRemoved": self._cycle_participant_removed, "CycleClosed": self._cycle_closed,
            "LearningRequirementCreated": self._requirement_version, "LearningRequirementRevised":
                self._requirement_version, "LearningRequirementRetired": self._requirement_version,
            "CertificateAdded": self._certificate_added,
        }

    def apply(self, cursor: Any, page: Sequence[tuple[Any, Any]]) -> set[str]:
        """Apply PAGE, pairs of (notification, decoded event), inside the caller's transaction; returns the
        plans whose summaries were refreshed."""
        touched: dict[str, tuple[int, str]] = {}
        versions = []
        self.page_ids = {}
        self.registrations = Registrations()  # nothing left of a page that failed
        self.completions = []
        self._load_rows(cursor, page)
        for notification, event in page:
            name = notification.topic.split(":", 1)[1]
            handler = self.handlers.get(name)
            if handler is not None:
                handler(cursor, notification, event)
            if name in EVENT_CLASSES:  # an event of a plan: its version, and its summary to refresh
                plan_id, at = self._id(notification), instant(event.timestamp)
                versions.append((plan_id, notification.originator_version, at, notification.id))
                touched[plan_id] = (notification.originator_version, at)
        self._apply_registrations(cursor)
        self._write_completions(cursor)
        if touched:
            self._summarise(touched)
        for rows in self.page_rows:
            rows.write(cursor, self.store, self._sql)
        if versions:  # one statement for the page: nothing in it reads the versions
            self.store.insert_many(cursor, self._sql("{versions}"), ("plan_id", "version", "at", "position"), versions,
                                   key=("plan_id", "version"))
        return set(touched)

    def _load_rows(self, cursor: Any, page: Sequence[tuple[Any, Any]]) -> None:
        """Hold the plan, goal, action and skill rows of the page's plans that existed before it."""
        plans, started = set(), set()
        for notification, _event in page:
            name = notification.topic.split(":", 1)[1]
            if name in EVENT_CLASSES:
                (started if name == "PlanStarted" else plans).add(self._id(notification))
        for rows in self.page_rows:
            rows.load(cursor, self._sql, plans - started)

    # -- helpers ----------------------------------------------------------------------------------
    def _id(self, notification: Any) -> str:
        """The event's aggregate id as text, formatted once a page: a plan has several events in a page, and
        formatting UUIDs was a tenth of the projection's own time."""
        text = self.page_ids.get(notification.originator_id)
        if text is None:
            text = self.page_ids[notification.originator_id] = str(notification.originator_id)
        return text

    def _sql(self, text: str) -> str:
        """TEXT for these tables, formatted once: a page runs a few statements per event, and formatting each
        one again cost the projector about a sixth of its time. Long texts (IN lists) are not kept."""
        statement = self.statements.get(text)
        if statement is None:
            statement = self.store.sql(text, self.tables)
            if len(text) <= STATEMENT_CACHE_TEXT and len(self.statements) < STATEMENT_CACHE_SIZE:
                self.statements[text] = statement
        return statement

    def _x(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> None:
        cursor.execute(self._sql(text), tuple(params))

    def _one(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> dict | None:
        self._x(cursor, text, params)
        row = cursor.fetchone()
        return dict(row) if row else None

    def _all(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> list[dict]:
        self._x(cursor, text, params)
        return [dict(row) for row in cursor.fetchall()]

    # -- the directory ----------------------------------------------------------------------------
    def _person_registered(self, cursor, notification, event) -> None:
        self.registrations.add((event.person_id, self._id(notification), event.name or "", event.email or "",
                                event.manager_id, event.department or "", event.job_title or "",
                                event.timestamp.isoformat()), notification.id, instant(event.timestamp))

    def _apply_registrations(self, cursor) -> None:
        """The registrations held so far."""
        if self.registrations.people:
            self._fenced(cursor, lambda: self.registrations.apply(cursor, self.store, self._sql))

    def _fenced(self, cursor, write: Callable[[], None]) -> None:
        """Run WRITE, directory reads followed by the run's writes, between pipeline syncs (ViewStore.sync): in
        psycopg's pipeline a read sent next to a long executemany could get the INSERT's status instead of its rows
        (the inserts are one statement each since, the manager chain's deletes are still an executemany)."""
        self.store.sync(cursor)
        write()
        self.store.sync(cursor)

    def _person_history(self, cursor, notification, person_id: str, timestamp: datetime) -> None:
        """Where the person worked from this event on (department and role), for compliance as of any date. Copied
        in SQL: reading the row back waited a round trip per person on PostgreSQL."""
        self._x(cursor, "INSERT INTO {person_history} (person_id, position, valid_from, department, job_title) "
                        "SELECT person_id, ?, ?, department, job_title FROM {people} WHERE person_id = ? "
                        "ON CONFLICT (person_id, position) DO NOTHING",
                (notification.id, instant(timestamp), person_id))

    def _person_updated(self, cursor, notification, event) -> None:
        self._apply_registrations(cursor)  # it reads the directory
        person = self._one(cursor, "SELECT person_id FROM {people} WHERE aggregate_id = ?",
                           (self._id(notification),))
        if person is None:
            return
        changes = {k: v for k, v in (event.changes or {}).items()
                   if k in {"name", "email", "department", "job_title", "manager_id"}}
        for column, value in changes.items():
            self._x(cursor, f"UPDATE {{people}} SET {column} = ?, changed_at = ? WHERE person_id = ?",
                    (value if column == "manager_id" else value or "", event.timestamp.isoformat(),
                     person["person_id"]))
        if "manager_id" in changes:
            self._relink(cursor, [(person["person_id"], changes["manager_id"])])
        if {"department", "job_title"} & set(changes):
            self._person_history(cursor, notification, person["person_id"], event.timestamp)
        provisioned = {k: v for k, v in (event.changes or {}).items() if k in PROVISIONED_COLUMNS}
        if provisioned:
            self._provisioned(cursor, person["person_id"], provisioned, event.timestamp.isoformat())

    def _provisioned(self, cursor, person_id: str, changes: dict, at: str) -> None:
        """Keep the identity provider's view of a person; (de)activation recomputes the manager chain: a
        deactivated manager is above nobody (their reports stay under the managers above them), a reactivated
        one gets their direct reports back."""
        self._x(cursor, "INSERT INTO {provisioned} (person_id, changed_at) VALUES (?, ?) "
                        "ON CONFLICT (person_id) DO NOTHING", (person_id, at))
        for key, value in changes.items():
            column = PROVISIONED_COLUMNS[key]
            if key == "scim":
                value = json.dumps(value, sort_keys=True) if value is not None else None
            elif key in {"active", "deprovisioned"}:
                value = 1 if value else 0
            self._x(cursor, f"UPDATE {{provisioned}} SET {column} = ?, changed_at = ? WHERE person_id = ?",
                    (value, at, person_id))
        if changes.get("active") is False:
            self._x(cursor, "DELETE FROM {managers} WHERE manager_id = ?", (person_id,))
        elif changes.get("active") is True:
            reports = self._all(cursor, "SELECT person_id FROM {people} WHERE manager_id = ?", (person_id,))
            self._relink(cursor, [(row["person_id"], person_id) for row in reports])

    def _relink(self, cursor, moves: list[tuple[str, str | None]]) -> None:
        """Give each moved person and everyone below them the chain above their new manager (None: no manager),
        with the same in-memory relink a run of registrations uses (registrations.ManagerChain)."""
        def write() -> None:
            chain = ManagerChain()
            chain.load(cursor, self._sql, [p for p, _m in moves], [m for _p, m in moves if m])
            for person, manager in moves:
                chain.relink(person, manager)
            chain.write(cursor, self.store, self._sql)
        self._fenced(cursor, write)

    def _person_erased(self, cursor, notification, event) -> None:
        self._apply_registrations(cursor)  # it reads the directory
        person = self._one(cursor, "SELECT person_id FROM {people} WHERE aggregate_id = ?",
                           (self._id(notification),))
        if person is None:
            return
        person_id = person["person_id"]
        self._x(cursor, "UPDATE {people} SET name = ?, email = ?, job_title = ?, erased = 1, changed_at = ? "
                        "WHERE person_id = ?", (ERASED, ERASED, ERASED, event.timestamp.isoformat(), person_id))
        self.skills.forget(lambda row: row["employee_id"] != person_id)
        self.goal_skills.forget(lambda row: self._owner(cursor, row["plan_id"]) != person_id)
        self._x(cursor, "DELETE FROM {skills} WHERE employee_id = ?", (person_id,))
        self._x(cursor, "DELETE FROM {goal_skills} WHERE plan_id IN (SELECT plan_id FROM {plans} "
                        "WHERE employee_id = ?)", (person_id,))
        self._x(cursor, "UPDATE {plans} SET erased = 1 WHERE employee_id = ?", (person_id,))
        for key, row in self.plans.rows.items():  # the held ones are written at the page's end
            if row["employee_id"] == person_id:
                self.plans.update(*key, erased=1)
        self._x(cursor, "UPDATE {accesses} SET note = NULL WHERE employee_id = ?", (person_id,))
        self._x(cursor, "UPDATE {person_history} SET job_title = ? WHERE person_id = ?", (ERASED, person_id))
        self._write_completions(cursor)
        self._x(cursor, "UPDATE {completions} SET skills = '[]' WHERE employee_id = ?", (person_id,))
        self._x(cursor, "UPDATE {provisioned} SET user_name = NULL, external_id = NULL, document = NULL "
                        "WHERE person_id = ?", (person_id,))

    # -- mandatory learning and certificates (compliance as of any date) -------------------------------
    def _requirement_version(self, cursor, notification, event) -> None:
        requirement_id = self._id(notification)
        last = self._one(cursor, "SELECT content FROM {requirement_versions} WHERE requirement_id = ? "
                                 "ORDER BY version DESC LIMIT 1", (requirement_id,))
        content = getattr(event, "content", None)
        retired = 1 if content is None else 0
        actor = event.actor or {}
        self._x(cursor, "INSERT INTO {requirement_versions} (requirement_id, version, valid_from, content, retired, "
                        "by_subject, by_role, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (requirement_id, version) DO NOTHING",
                (requirement_id, notification.originator_version, instant(event.timestamp),
                 json.dumps(content) if content is not None else (last or {}).get("content", "{}"), retired,
                 actor.get("subject", ""), actor.get("role", ""), event.reason or ""))

    def _certificate_added(self, cursor, notification, event) -> None:
        plan_id = self._id(notification)
        owner = self._owner(cursor, plan_id)
        if owner is None:
            return
        self._x(cursor, "INSERT INTO {certificates} (plan_id, certificate_id, action_id, employee_id, issued_on, "
                        "expires_on, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (plan_id, certificate_id) DO NOTHING",
                (plan_id, event.certificate_id, event.action_id, owner, event.issued_on.isoformat(),
                 event.expires_on.isoformat() if event.expires_on else None, instant(event.timestamp)))

    # -- directory groups (SCIM) --------------------------------------------------------------------
    def _group_created(self, cursor, notification, event) -> None:
        self._x(cursor, "INSERT INTO {directory_groups} (group_id, aggregate_id, display_name, external_id, "
                        "changed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id) DO NOTHING",
                (event.group_id, self._id(notification), event.display_name, event.external_id,
                 event.timestamp.isoformat()))
        self._members(cursor, event.group_id, event.members)

    def _group_changed(self, cursor, notification, event) -> None:
        group = self._group_of(cursor, notification)
        if group is None:
            return
        for key, column in (("display_name", "display_name"), ("external_id", "external_id")):
            if key in event.changes:
                self._x(cursor, f"UPDATE {{directory_groups}} SET {column} = ?, changed_at = ? WHERE group_id = ?",
                        (event.changes[key], event.timestamp.isoformat(), group))
        if "members" in event.changes:
            self._members(cursor, group, event.changes["members"])

    def _group_deleted(self, cursor, notification, event) -> None:
        group = self._group_of(cursor, notification)
        if group is not None:
            self._x(cursor, "UPDATE {directory_groups} SET deleted = 1, changed_at = ? WHERE group_id = ?",
                    (event.timestamp.isoformat(), group))
            self._x(cursor, "DELETE FROM {group_members} WHERE group_id = ?", (group,))

    def _group_of(self, cursor, notification) -> str | None:
        row = self._one(cursor, "SELECT group_id FROM {directory_groups} WHERE aggregate_id = ?",
                        (self._id(notification),))
        return row["group_id"] if row else None

    def _members(self, cursor, group_id: str, members: list) -> None:
        self._x(cursor, "DELETE FROM {group_members} WHERE group_id = ?", (group_id,))
        if members:
            self.store.insert_many(cursor, self._sql("{group_members}"), ("group_id", "person_id"),
                                   [(group_id, m) for m in members], key=("group_id", "person_id"))

    # -- check-ins (dates and states only) --------------------------------------------------------------
    def _checkin_scheduled(self, cursor, notification, event) -> None:
        self._x(cursor, "INSERT INTO {checkins} (plan_id, checkin_id, status, on_date) VALUES (?, ?, 'scheduled', ?) "
                        "ON CONFLICT (plan_id, checkin_id) DO UPDATE SET on_date = excluded.on_date",
                (self._id(notification), event.checkin_id, event.on.isoformat()))

    def _checkin_status(self, status: str) -> Callable[[Any, Any, Any], None]:
        def handle(cursor, notification, event) -> None:
            self._x(cursor, "UPDATE {checkins} SET status = ? WHERE plan_id = ? AND checkin_id = ?",
                    (status, self._id(notification), event.checkin_id))
        return handle

    # -- development cycles ---------------------------------------------------------------------------
    def _cycle_created(self, cursor, notification, event) -> None:
        self._x(cursor, "INSERT INTO {cycles} (cycle_id, name, status, period_start, period_end, milestones) "
                        "VALUES (?, ?, 'draft', ?, ?, ?) ON CONFLICT (cycle_id) DO NOTHING",
                (self._id(notification), event.name, event.period_start.isoformat(),
                 event.period_end.isoformat(), json.dumps(event.milestones)))

    def _cycle_batch(self, cursor, notification, event) -> None:
        cycle_id = self._id(notification)
        for item in event.participants:
            self._x(cursor, "INSERT INTO {cycle_participants} (cycle_id, person_id, department, plan_id, outcome) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (cycle_id, person_id) DO UPDATE SET "
                            "department = excluded.department, plan_id = excluded.plan_id, outcome = excluded.outcome",
                    (cycle_id, item["person_id"], item["department"], item["plan_id"], item["outcome"]))
        self._x(cursor, "UPDATE {cycles} SET status = 'launched' WHERE cycle_id = ? AND status = 'draft'",
                (cycle_id,))

    def _cycle_participant_removed(self, cursor, notification, event) -> None:
        self._x(cursor, "UPDATE {cycle_participants} SET outcome = 'removed' WHERE cycle_id = ? AND person_id = ?",
                (self._id(notification), event.person_id))

    def _cycle_closed(self, cursor, notification, event) -> None:
        self._x(cursor, "UPDATE {cycles} SET status = 'closed' WHERE cycle_id = ?", (self._id(notification),))

    # -- templates (no personal data) ---------------------------------------------------------------
    def _template_version(self, cursor, notification, event) -> None:
        content = event.content
        self._x(cursor, "INSERT INTO {templates} (template_id, name, version, retired, role_profiles, departments, "
                        "changed_at) VALUES (?, ?, ?, 0, ?, ?, ?) ON CONFLICT (template_id) DO UPDATE SET "
                        "name = excluded.name, version = excluded.version, role_profiles = excluded.role_profiles, "
                        "departments = excluded.departments, changed_at = excluded.changed_at",
                (self._id(notification), content["name"], self._template_versions(cursor, notification),
                 json.dumps(content["role_profiles"]), json.dumps(content["departments"]),
                 event.timestamp.isoformat()))

    def _template_versions(self, cursor, notification) -> int:
        """Content versions so far: the created one plus each revision (a retirement adds none)."""
        row = self._one(cursor, "SELECT version FROM {templates} WHERE template_id = ?",
                        (self._id(notification),))
        return 1 if row is None or notification.originator_version == 1 else row["version"] + 1

    def _template_retired(self, cursor, notification, event) -> None:
        self._x(cursor, "UPDATE {templates} SET retired = 1, changed_at = ? WHERE template_id = ?",
                (event.timestamp.isoformat(), self._id(notification)))

    def _plan_accessed(self, cursor, notification, event) -> None:
        actor = event.actor or {}
        self._x(cursor, "INSERT INTO {accesses} (position, at, plan_id, employee_id, what, purpose, note, by_subject, "
                        "by_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (position) DO NOTHING",
                (notification.id, event.timestamp.isoformat(), event.plan_id, event.employee_id, event.what,
                 event.purpose, event.note, actor.get("subject", ""), actor.get("role", "")))

    # -- plans ------------------------------------------------------------------------------------
    def _plan_started(self, cursor, notification, event) -> None:
        at = event.timestamp.isoformat()
        self.plans.add({"plan_id": self._id(notification), "employee_id": event.employee_id,
                        "period_start": event.period_start.isoformat(), "period_end": event.period_end.isoformat(),
                        "trigger_code": event.trigger, "status": "draft", "version": notification.originator_version,
                        "available_hours": float(event.available_hours or 0),
                        "available_budget": float(event.available_budget or 0), **summary([], []), "erased": 0,
                        "started_at": at, "changed_at": at})
        if event.request and "key" in event.request:
            self._x(cursor, "INSERT INTO {requests} (request_key, plan_id, fingerprint) VALUES (?, ?, ?) "
                            "ON CONFLICT (request_key) DO NOTHING",
                    (event.request["key"], self._id(notification), event.request["fingerprint"]))

    def _status(self, status: str) -> Callable[[Any, Any, Any], None]:
        def handle(cursor, notification, event) -> None:
            self.plans.update(self._id(notification), status=status)
        return handle

    def _plan_reviewed(self, cursor, notification, event) -> None:
        status = "active" if event.outcome == "approved" else "changes_requested"
        self._status(status)(cursor, notification, event)

    def _plan_erased(self, cursor, notification, event) -> None:
        plan_id = self._id(notification)
        self.plans.update(plan_id, erased=1)
        self._x(cursor, "UPDATE {accesses} SET note = NULL WHERE plan_id = ?", (plan_id,))  # sealed with its key
        self.skills.forget(lambda row: row["plan_id"] != plan_id)
        self.goal_skills.forget(lambda row: row["plan_id"] != plan_id)
        self._x(cursor, "DELETE FROM {skills} WHERE plan_id = ?", (plan_id,))
        self._x(cursor, "DELETE FROM {goal_skills} WHERE plan_id = ?", (plan_id,))
        self._write_completions(cursor)
        self._x(cursor, "UPDATE {completions} SET skills = '[]' WHERE plan_id = ?", (plan_id,))

    # -- skills -----------------------------------------------------------------------------------
    def _owner(self, cursor, plan_id: str) -> str | None:
        """The plan's employee: every plan with an event in the page is held."""
        row = self.plans.get(plan_id)
        return row["employee_id"] if row else None

    def _rate(self, cursor, plan_id: str, skill: str, source: str, level: int, on: str, **columns: Any) -> None:
        key = skill_key(skill)
        row = self.skills.get(plan_id, key)
        if row is None:
            owner = self._owner(cursor, plan_id)
            if owner is None:
                return
            row = {"plan_id": plan_id, "skill_key": key, "employee_id": owner, "skill": skill,
                   "category": None, "status": None}
        entry = {"levels": {s: row.get(f"{s}_level") for s in SOURCES if row.get(f"{s}_level") is not None}}
        skill_rules.rate(entry, source, level, on)
        self.skills.put({**row, **columns, "skill": skill, "level": entry["level"], "source": entry["source"],
                         "rated_at": entry["rated_on"], **{f"{s}_level": entry["levels"].get(s) for s in SOURCES}})

    def _skill_assessed(self, cursor, notification, event) -> None:
        if event.skill == ERASED or event.level is None:
            return
        columns = {"category": event.category}
        if event.status is not None:
            columns["status"] = event.status
        self._rate(cursor, self._id(notification), event.skill, event.assessor, event.level,
                   event.timestamp.date().isoformat(), **columns)

    def _assessment_withdrawn(self, cursor, notification, event) -> None:
        if event.skill_key == ERASED:
            return
        plan_id = self._id(notification)
        self.skills.delete(lambda row: (row["plan_id"], row["skill_key"]) != (plan_id, event.skill_key))

    def _details_changed(self, cursor, notification, event) -> None:
        changes = event.changes or {}  # None once the person's data was erased
        for column in ("period_start", "period_end", "available_hours", "available_budget"):
            if column in changes:
                value = changes[column]
                value = value.isoformat() if column.startswith("period") else float(value or 0)
                self.plans.update(self._id(notification), **{column: value})

    # -- goals ------------------------------------------------------------------------------------
    def _goal_set(self, cursor, notification, event) -> None:
        plan_id = self._id(notification)
        self.goals.add({"plan_id": plan_id, "goal_id": event.goal_id, "status": "open",
                        "deadline": event.deadline.isoformat(), "hours_needed": float(event.hours_needed or 0),
                        "budget_needed": float(event.budget_needed or 0), "progress": 0})
        self._goal_skills(plan_id, event.goal_id, event.skills, replace=False)  # a new goal has none

    def _goal_carried(self, cursor, notification, event) -> None:
        plan_id = self._id(notification)
        self.goals.add({"plan_id": plan_id, "goal_id": event.goal_id, "status": "open",
                        "deadline": event.deadline.isoformat(), "hours_needed": float(event.hours_needed or 0),
                        "budget_needed": float(event.budget_needed or 0), "progress": event.progress or 0})
        self._goal_skills(plan_id, event.goal_id, event.skills, replace=False)

    def _goal_skills(self, plan_id: str, goal_id: str, items: list | None, replace: bool = True) -> None:
        if replace:
            self.goal_skills.delete(lambda row: (row["plan_id"], row["goal_id"]) != (plan_id, goal_id))
        for item in items or ():  # None once the person's data was erased
            key = skill_key(item["skill"])
            if self.goal_skills.get(plan_id, goal_id, key) is None:
                self.goal_skills.put({"plan_id": plan_id, "goal_id": goal_id, "skill_key": key, "skill": item["skill"],
                                      "target_level": item["target_level"]})
            else:  # the same skill twice: the first one's name, the last one's level
                self.goal_skills.update(plan_id, goal_id, key, target_level=item["target_level"])

    def _goal_revised(self, cursor, notification, event) -> None:
        plan_id, changes = self._id(notification), event.changes or {}
        values = {column: changes[column].isoformat() if column == "deadline" else float(changes[column] or 0)
                  for column in ("deadline", "hours_needed", "budget_needed") if column in changes}
        self.goals.update(plan_id, event.goal_id, **values)
        if "skills" in changes:
            self._goal_skills(plan_id, event.goal_id, changes["skills"])

    def _goal_achieved(self, cursor, notification, event) -> None:
        self.goals.update(self._id(notification), event.goal_id, status="achieved", progress=100)

    def _goal_abandoned(self, cursor, notification, event) -> None:
        self.goals.update(self._id(notification), event.goal_id, status="abandoned")

    def _progress_reviewed(self, cursor, notification, event) -> None:
        if event.goal_id and event.progress is not None:
            self.goals.update(self._id(notification), event.goal_id, progress=event.progress)

    # -- learning actions and funding ---------------------------------------------------------------
    def _action_planned(self, cursor, notification, event) -> None:
        self.actions.add({"plan_id": self._id(notification), "action_id": event.action_id, "status": "planned",
                          "means": event.means, "offer_id": event.offer_id,
                          "planned_start": event.planned_start.isoformat(),
                          "planned_end": event.planned_end.isoformat(), "hours": float(event.hours or 0),
                          "cost": float(event.cost or 0)})

    def _action_carried(self, cursor, notification, event) -> None:
        funding = event.funding or {}
        status = funding.get("status")
        amount = float(funding.get("amount") or 0)
        self.actions.add({"plan_id": self._id(notification), "action_id": event.action_id, "status": event.status,
                          "means": event.means, "offer_id": event.offer_id,
                          "planned_start": event.planned_start.isoformat(),
                          "planned_end": event.planned_end.isoformat(), "hours": float(event.hours or 0),
                          "cost": float(event.cost or 0),
                          "started_on": event.started_on.isoformat() if event.started_on else None,
                          "funding_status": status, "funding_requested": amount if status else None,
                          "funding_approved": amount if status == "approved" else None})

    def _action(self, notification, event, **values: Any) -> None:
        self.actions.update(self._id(notification), event.action_id, **values)

    def _action_rescheduled(self, cursor, notification, event) -> None:
        self._action(notification, event, planned_start=event.planned_start.isoformat(),
                     planned_end=event.planned_end.isoformat())

    def _action_started(self, cursor, notification, event) -> None:
        self._action(notification, event, status="started", started_on=event.on.isoformat())

    def _action_completed(self, cursor, notification, event) -> None:
        self._action(notification, event, status="completed", completed_on=event.on.isoformat())
        plan_id = self._id(notification)
        owner = self._owner(cursor, plan_id)
        action = self.actions.get(plan_id, event.action_id)
        if owner is not None and action is not None:
            skills = sorted({skill_key(item["skill"]) for item in event.skill_levels or []})
            self.completions.append((plan_id, event.action_id, owner, action["offer_id"], event.on.isoformat(),
                                     instant(event.timestamp), json.dumps(skills)))
        for item in event.skill_levels or []:  # None once the person's data was erased
            self._rate(cursor, plan_id, item["skill"], skill_rules.RERATING, item["level"], event.on.isoformat())

    def _write_completions(self, cursor) -> None:
        if self.completions:
            self.store.insert_many(cursor, self._sql("{completions}"), COMPLETIONS, self.completions,
                                   key=("plan_id", "action_id"))
        self.completions = []

    def _action_cancelled(self, cursor, notification, event) -> None:
        self._action(notification, event, status="cancelled")

    def _funding_requested(self, cursor, notification, event) -> None:
        self._action(notification, event, funding_status="requested", funding_requested=float(event.amount),
                     funding_approved=None)

    def _funding_approved(self, cursor, notification, event) -> None:
        self._action(notification, event, funding_status="approved", funding_approved=float(event.amount))

    def _funding_declined(self, cursor, notification, event) -> None:
        self._action(notification, event, funding_status="declined")

    # -- summaries --------------------------------------------------------------------------------
    def _summarise(self, touched: dict[str, tuple[int, str]]) -> None:
        """The touched plans' version, counts, sums and dates, from their goal and action rows: the page holds all
        of them (those of plans started before the page were read at its start)."""
        goals: dict[str, list[dict]] = {plan_id: [] for plan_id in touched}
        actions: dict[str, list[dict]] = {plan_id: [] for plan_id in touched}
        for rows, by_plan in ((self.goals, goals), (self.actions, actions)):
            for row in rows.rows.values():
                if row["plan_id"] in by_plan:
                    by_plan[row["plan_id"]].append(row)
        for plan_id, (version, at) in touched.items():
            self.plans.update(plan_id, version=version, changed_at=at, **summary(goals[plan_id], actions[plan_id]))


STATEMENT_CACHE_TEXT = 8000
STATEMENT_CACHE_SIZE = 500
SOURCES = ("self", "manager", "peer", skill_rules.RERATING)
COMPLETIONS = ("plan_id", "action_id", "employee_id", "offer_id", "completed_on", "recorded_at", "skills")
GOAL_SKILL_COLUMNS = ("plan_id", "goal_id", "skill_key", "skill", "target_level")
GOAL_COLUMNS = ("plan_id", "goal_id", "status", "deadline", "hours_needed", "budget_needed", "progress")
ACTION_COLUMNS = ("plan_id", "action_id", "status", "means", "offer_id", "planned_start", "planned_end", "hours",
                  "cost", "funding_status", "funding_requested", "funding_approved", "started_on", "completed_on")
SKILL_COLUMNS = ("plan_id", "skill_key", "employee_id", "skill", "category", "status", "self_level", "manager_level",
                 "peer_level", "rerating_level", "level", "source", "rated_at")


def instant(moment: datetime) -> str:
    """A UTC time as text that sorts as time does (fixed width: always with microseconds)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def summary(goals: list[dict], actions: list[dict]) -> dict[str, Any]:
    """A plan's summary columns from its goal and action rows (sums with fsum: the same whatever the rows' order)."""
    def count(rows: list[dict], status: str) -> int:
        return sum(1 for row in rows if row["status"] == status)

    live = [a for a in actions if a["status"] != "cancelled"]
    open_actions = [a for a in actions if a["status"] in ("planned", "started")]
    funded = [a for a in actions if a["funding_status"] is not None]
    ends = [a["planned_end"] for a in open_actions if a["planned_end"] is not None]
    deadlines = [g["deadline"] for g in goals if g["status"] == "open" and g["deadline"] is not None] + ends
    return {
        "goals_open": count(goals, "open"), "goals_achieved": count(goals, "achieved"),
        "goals_abandoned": count(goals, "abandoned"), "actions_planned": count(actions, "planned"),
        "actions_started": count(actions, "started"), "actions_completed": count(actions, "completed"),
        "actions_cancelled": count(actions, "cancelled"),
        "planned_hours": fsum(a["hours"] for a in live), "planned_cost": fsum(a["cost"] for a in live),
        "completed_hours": fsum(a["hours"] for a in actions if a["status"] == "completed"),
        "funding_pending": sum(1 for a in live if a["funding_status"] == "requested"),
        "funding_requested": fsum(a["funding_requested"] or 0 for a in funded),
        "funding_approved": fsum(a["funding_approved"] or 0 for a in funded if a["funding_status"] == "approved"),
        "first_open_end": min(ends, default=None), "next_deadline": min(deadlines, default=None),
    }


PLAN_COLUMNS = ("plan_id", "employee_id", "period_start", "period_end", "trigger_code", "status", "version",
                "available_hours", "available_budget", *summary([], []), "erased", "started_at", "changed_at")
