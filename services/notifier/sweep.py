"""The periodic sweep: what became due or overdue by the clock, and the digests.

The clock is a parameter, so tests (and `groeipad notify --now`) can move time. Every notification
the sweep makes has an id derived from what it is about and when (the action and its dates, the person
and the day or week), so running the sweep again at any time makes nothing twice.

What is overdue the plan service decides (GET /actions/overdue for the clock's day: its one overdue rule, from
its views); the sweep only adds the titles from its own feed-derived actions. "Starting soon" and the digests
read the notifier's own state (actions with their dates, plans with a pending review or funding request),
written with the feed position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.notifier import kinds as k
from services.notifier.planactions import CycleSource, OverdueSource
from services.notifier.rules import Directory, stable_id
from services.notifier.store import Changes, Notification, NotifierStore

Clock = Callable[[], datetime]
CERTIFICATE_REMINDER_DAYS = (90, 30, 7)  # reminders before a certificate expires, once each


def reminder_due(expires_on: date, today: date) -> int | None:
    """The reminder (90, 30 or 7 days before) whose day has come and whose next one has not: the sweep sends it
    once. None before the first reminder day and from the expiry date on. A sweep that missed a day sends the
    reminder of the step it is in, not every one it missed."""
    if today >= expires_on:
        return None
    left = (expires_on - today).days
    due = [days for days in CERTIFICATE_REMINDER_DAYS if left <= days]
    return min(due) if due else None


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SweepSettings:
    soon_days: int = 3  # "starting soon" this many days before the start
    escalate_after_days: int = 7  # an overdue action goes to the manager after this many days
    digest_hour: int = 7  # digests are made from this hour (UTC) on
    weekly_day: int = 0  # Monday
    milestone_notice_days: int = 7  # a cycle's milestone is announced this many days before its date


class Sweep:
    def __init__(self, store: NotifierStore, directory: Directory, actions: OverdueSource,
                 settings: SweepSettings | None = None, clock: Clock = utc_now, cycles: CycleSource | None = None
                 ) -> None:
        self.store, self.directory, self.actions, self.cycles = store, directory, actions, cycles
        self.settings = settings or SweepSettings()
        self.clock = clock

    def run(self) -> int:
        """One sweep at the clock's time; returns how many notifications it created (or re-derived)."""
        now = self.clock()
        changes = Changes()
        overdue = [self._with_title(a) for a in self.actions.overdue(now.date())]
        self._soon(changes, now)
        self._overdue(changes, now, overdue)
        self._certificates(changes, now)
        running = self.cycles.running() if self.cycles is not None else []
        self._milestones(changes, now, running)
        if now.hour >= self.settings.digest_hour:
            self._daily_digests(changes, now)
            if now.weekday() == self.settings.weekly_day:
                self._weekly_digests(changes, now, overdue)
                self._hr_cycle_digests(changes, now, running)
        self.store.apply(changes)
        return len(changes.notifications)

    def _soon(self, changes: Changes, now: datetime) -> None:
        today = now.date()
        horizon = today + timedelta(days=self.settings.soon_days)
        for a in self.store.actions_between("start_on", today.isoformat(), horizon.isoformat(), ("planned",)):
            changes.notify(_about_action(a, k.ACTION_STARTING_SOON, a["employee_id"], now,
                                         stable_id("soon", a["plan_id"], a["action_id"], a["start_on"])))

    def _with_title(self, row: dict[str, Any]) -> dict[str, Any]:
        """An overdue action as the plan service answered it, with the title the feed told this store."""
        known = self.store.action(row["plan_id"], row["action_id"]) or {}
        return {**row, "title": known.get("title") or "", "start_on": row["planned_start"],
                "end_on": row["planned_end"]}

    def _overdue(self, changes: Changes, now: datetime, overdue: list[dict[str, Any]]) -> None:
        for a in overdue:
            changes.notify(_about_action(a, k.ACTION_OVERDUE, a["employee_id"], now,
                                         stable_id("overdue", a["plan_id"], a["action_id"], a["end_on"])))
            if a["days_overdue"] >= self.settings.escalate_after_days and a.get("manager_id"):
                n = _about_action(a, k.ACTION_OVERDUE_ESCALATED, a["manager_id"], now,
                                  stable_id("escalated", a["plan_id"], a["action_id"], a["end_on"]))
                n.data["days_overdue"] = a["days_overdue"]
                changes.notify(n)

    def _certificates(self, changes: Changes, now: datetime) -> None:
        """Each current certificate's reminder whose day has come (90, 30, 7 days before it expires), once each."""
        today = now.date()
        horizon = today + timedelta(days=max(CERTIFICATE_REMINDER_DAYS))
        for c in self.store.certificates_expiring((today + timedelta(days=1)).isoformat(), horizon.isoformat()):
            days = reminder_due(date.fromisoformat(c["expires_on"]), today)
            if days is None:
                continue
            changes.notify(Notification(
                id=stable_id("certificate", c["plan_id"], c["certificate_id"], c["expires_on"], days),
                recipient=c["employee_id"], about=c["employee_id"], kind=k.CERTIFICATE_EXPIRING,
                created_at=now.isoformat(),
                data={"plan_id": c["plan_id"], "action_id": c["action_id"], "certificate_id": c["certificate_id"],
                      "title": c["title"], "expires_on": c["expires_on"], "days": days}))

    def _milestones(self, changes: Changes, now: datetime, running: list[dict[str, Any]]) -> None:
        """Each milestone of a running cycle, from NOTICE days before its date: to everyone in the cycle who has
        not done it (the plan service says who), once per person and milestone date."""
        today = now.date()
        horizon = (today + timedelta(days=self.settings.milestone_notice_days)).isoformat()
        for cycle in running:
            for milestone in cycle["milestones"]:
                if not today.isoformat() <= milestone["due"] <= horizon:
                    continue
                kind = k.SELF_EVALUATION_DUE if milestone["kind"] == "self_evaluation" else k.CYCLE_MILESTONE_DUE
                for person in self.cycles.people_due(cycle["cycle_id"], milestone["kind"], today):
                    changes.notify(Notification(
                        id=stable_id("milestone", cycle["cycle_id"], milestone["kind"], person["person_id"],
                                     milestone["due"]),
                        recipient=person["person_id"], about=person["person_id"], kind=kind,
                        created_at=now.isoformat(),
                        data={"cycle_id": cycle["cycle_id"], "cycle": cycle["name"], "milestone": milestone["kind"],
                              "due": milestone["due"], "plan_id": person.get("plan_id")}))

    def _hr_cycle_digests(self, changes: Changes, now: datetime, running: list[dict[str, Any]]) -> None:
        """Weekly, to the HR owner of each running cycle: per milestone how many are done, due and overdue."""
        year, week, _ = now.isocalendar()
        for cycle in running:
            if not cycle.get("owner"):
                continue
            board = self.cycles.dashboard(cycle["cycle_id"], now.date())
            milestones = [{"kind": m["kind"], "due": m["due"], "done": m["totals"]["done"],
                           "due_count": m["totals"]["due"], "overdue": m["totals"]["overdue"]}
                          for m in board["milestones"]]
            changes.notify(Notification(
                id=stable_id("hr_cycle", cycle["cycle_id"], cycle["owner"], year, week), recipient=cycle["owner"],
                about=cycle["owner"], kind=k.HR_CYCLE_DIGEST, created_at=now.isoformat(),
                data={"cycle_id": cycle["cycle_id"], "cycle": cycle["name"], "week": f"{year}-W{week:02d}",
                      "milestones": milestones}))

    def _daily_digests(self, changes: Changes, now: datetime) -> None:
        waiting: dict[str, list[Notification]] = {}
        for n in self.store.digest_waiting():
            waiting.setdefault(n.recipient, []).append(n)
        day = now.date().isoformat()
        for person, items in waiting.items():
            digest_id = stable_id("daily", person, day)
            if self.store.notification(digest_id) is not None:
                continue  # today's digest went out already: these wait for tomorrow's
            changes.notify(Notification(id=digest_id, recipient=person, about=person, kind=k.DAILY_DIGEST,
                                        created_at=now.isoformat(), data={"day": day, "count": len(items)}))
            changes.digested.extend((n.id, digest_id) for n in items)

    def _weekly_digests(self, changes: Changes, now: datetime, overdue: list[dict[str, Any]]) -> None:
        year, week, _ = now.isocalendar()
        teams: dict[str, dict[str, list[dict[str, Any]]]] = {}

        def team(employee: str) -> dict[str, list[dict[str, Any]]] | None:
            manager = (self.directory.person(employee) or {}).get("manager_id")
            if not manager:
                return None
            return teams.setdefault(manager, {"reviews": [], "funding": [], "overdue": []})

        for plan in self.store.pending_plans():
            entry = team(plan["employee_id"])
            if entry is None:
                continue
            if plan["status"] == "submitted":
                entry["reviews"].append({"employee_id": plan["employee_id"], "plan_id": plan["plan_id"]})
            if plan["pending_funding"]:
                entry["funding"].append({"employee_id": plan["employee_id"], "plan_id": plan["plan_id"],
                                         "count": plan["pending_funding"]})
        for a in overdue:
            entry = teams.setdefault(a["manager_id"], {"reviews": [], "funding": [], "overdue": []}) if a.get(
                "manager_id") else None
            if entry is not None:
                entry["overdue"].append({"employee_id": a["employee_id"], "plan_id": a["plan_id"],
                                         "title": a["title"], "end": a["end_on"]})
        for manager, entry in teams.items():
            changes.notify(Notification(id=stable_id("weekly", manager, year, week), recipient=manager,
                                        about=manager, kind=k.WEEKLY_DIGEST, created_at=now.isoformat(),
                                        data={"week": f"{year}-W{week:02d}", **entry}))


def _about_action(action: dict, kind: str, recipient: str, now: datetime, notification_id: str) -> Notification:
    return Notification(id=notification_id, recipient=recipient, about=action["employee_id"], kind=kind,
                        created_at=now.isoformat(),
                        data={"plan_id": action["plan_id"], "action_id": action["action_id"],
                              "title": action["title"], "start": action["start_on"], "end": action["end_on"]})
