"""Which plan events call for a notification, to whom, and what the sweep needs to remember.

Pure decisions over a feed page: the store reads current state through a StoreReader in the page's
transaction, and the result (a Changes) is written with the feed position. The manager is looked up
in the plan service's directory when the event is applied; a failing lookup fails the page, which is
retried, so nothing is skipped.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import NAMESPACE_URL, uuid5

from services.notifier import kinds as k
from services.notifier.store import CHECKIN_COLUMNS, Changes, Notification, StoreReader

OPEN_ACTION = ("planned", "started")


class Directory(Protocol):
    def person(self, person_id: str, at_least: int = 0) -> dict[str, Any] | None: ...


def stable_id(*parts: object) -> str:
    """The id of a notification, derived from what caused it: the same cause gives the same id."""
    return str(uuid5(NAMESPACE_URL, "groeipad:notifier:" + ":".join(str(p) for p in parts)))


class FeedRules:
    """Turns integration events into notifications and the sweep's plan and action state."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def decide(self, reader: StoreReader, events: list[dict]) -> Changes:
        changes = Changes()
        plans: dict[str, dict] = {}
        for event in events:
            if event["type"] == "PersonErased":
                self._forget(changes, plans, event["employee_id"])
                continue
            if event["type"] == "PersonUpdated" and event["payload"].get("active") is False:
                # Deactivated (SCIM): nothing waiting for them goes out; later mail finds them inactive in the
                # directory (looked up as of each event's position) and is dropped there.
                person = event["employee_id"]
                changes.deactivated.append(person)
                changes.notifications = [n for n in changes.notifications if n.recipient != person]
                continue
            employee = event["employee_id"]
            if employee in changes.forget or reader.forgotten(employee):
                continue
            plan = plans.get(event["plan_id"]) or reader.plan(event["plan_id"]) or {
                "employee_id": employee, "status": "draft", "pending_funding": 0}
            plans[event["plan_id"]] = plan
            handler = getattr(self, f"on_{event['type']}", None)
            if handler is not None:
                handler(reader, changes, event, plan)
        changes.plans.update(plans)
        return changes

    @staticmethod
    def _forget(changes: Changes, plans: dict[str, dict], person: str) -> None:
        changes.forget.append(person)
        changes.notifications = [n for n in changes.notifications if person not in (n.recipient, n.about)]
        changes.actions = {key: a for key, a in changes.actions.items() if not a or a["employee_id"] != person}
        changes.checkins = {key: c for key, c in changes.checkins.items() if c["employee_id"] != person}
        for checkin in changes.checkins.values():
            if checkin["manager_id"] == person:
                checkin["manager_id"] = None
        for plan_id in [p for p, plan in plans.items() if plan["employee_id"] == person]:
            del plans[plan_id]

    # -- plan workflow ----------------------------------------------------------------------------
    def on_PlanSubmittedForReview(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        plan["status"] = "submitted"
        employee = self.directory.person(event["employee_id"], at_least=event["position"]) or {}
        manager = employee.get("manager_id")
        if manager:
            self._notify(changes, event, k.REVIEW_REQUESTED, manager,
                         {"plan_id": event["plan_id"], "note": (event["payload"].get("note") or "")[:2000]})

    def on_PlanReviewed(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        outcome = event["payload"].get("outcome") or "approved"
        plan["status"] = "active" if outcome == "approved" else "changes_requested"
        self._notify(changes, event, k.PLAN_REVIEWED, event["employee_id"],
                     {"plan_id": event["plan_id"], "outcome": outcome})

    def on_PlanClosed(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        plan["status"] = "closed"
        self._drop_actions(reader, changes, event)

    def on_PlanErased(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        plan.update(status="closed", pending_funding=0)
        self._drop_actions(reader, changes, event)
        changes.certificates.append(("DELETE FROM {t} WHERE plan_id = ?", (event["plan_id"],)))

    def on_FeedbackReceived(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        self._notify(changes, event, k.FEEDBACK_RECEIVED, event["employee_id"],
                     {"plan_id": event["plan_id"], "source": event["payload"].get("source") or "manager"})

    def on_FundingRequested(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        plan["pending_funding"] += 1

    def on_FundingApproved(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        self._funding(reader, changes, event, plan, "approved")

    def on_FundingDeclined(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        self._funding(reader, changes, event, plan, "declined")

    def _funding(self, reader, changes: Changes, event: dict, plan: dict, decision: str) -> None:
        plan["pending_funding"] = max(0, plan["pending_funding"] - 1)
        action = self._action(reader, changes, event) or {}
        self._notify(changes, event, k.FUNDING_DECIDED, event["employee_id"],
                     {"plan_id": event["plan_id"], "action_id": event["payload"].get("action_id"),
                      "title": action.get("title", ""), "decision": decision})

    # -- learning actions: calendar invitations and what the sweep watches -------------------------
    def on_LearningActionPlanned(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        p = event["payload"]
        action = {"employee_id": event["employee_id"], "title": p.get("title") or "", "status": "planned",
                  "start_on": str(p.get("planned_start")), "end_on": str(p.get("planned_end")), "sequence": 0}
        changes.actions[(event["plan_id"], p["action_id"])] = action
        self._invite(changes, event, action, "REQUEST")

    def on_ActionCarriedForward(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        """The action moved on to the next period's plan: one calendar event still (same UID); only when its dates
        moved does the invitation go again, with a higher SEQUENCE."""
        p = event["payload"]
        before = self._action(reader, changes, {"plan_id": p["from_plan_id"],
                                                "payload": {"action_id": p["from_action_id"]}})
        action = {"employee_id": event["employee_id"], "title": p.get("title") or "", "status": p["status"],
                  "start_on": str(p.get("planned_start")), "end_on": str(p.get("planned_end")),
                  "sequence": before["sequence"] if before else 0}
        changes.actions[(event["plan_id"], p["action_id"])] = action
        if before is None or (before["start_on"], before["end_on"]) != (action["start_on"], action["end_on"]):
            action["sequence"] += 1 if before else 0
            self._invite(changes, event, action, "REQUEST")

    def on_LearningActionRescheduled(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        action = self._action(reader, changes, event)
        if action is None:
            return
        p = event["payload"]
        action.update(start_on=str(p.get("planned_start")), end_on=str(p.get("planned_end")),
                      sequence=action["sequence"] + 1)
        self._invite(changes, event, action, "REQUEST")

    def on_LearningActionCancelled(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        action = self._action(reader, changes, event)
        if action is None:
            return
        action.update(status="cancelled", sequence=action["sequence"] + 1)
        self._invite(changes, event, action, "CANCEL")

    def on_LearningActionStarted(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        action = self._action(reader, changes, event)
        if action is not None:
            action["status"] = "started"

    def on_LearningActionCompleted(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        action = self._action(reader, changes, event)
        if action is not None:
            action["status"] = "completed"

    # -- check-ins: a calendar invitation to the employee and their manager, updated with a rising SEQUENCE --------
    def on_CheckInScheduled(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        p = event["payload"]
        employee = self.directory.person(event["employee_id"], at_least=event["position"]) or {}
        checkin = {"employee_id": event["employee_id"], "manager_id": employee.get("manager_id"),
                   "on_date": str(p["on"]), "at": p["at"], "duration_minutes": p["duration_minutes"],
                   "location": p.get("location") or "", "status": "scheduled", "sequence": 0}
        changes.checkins[(event["plan_id"], p["checkin_id"])] = checkin
        self._checkin_invite(changes, event, checkin, "REQUEST")

    def on_CheckInRescheduled(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        checkin = self._checkin(reader, changes, event)
        if checkin is None:
            return
        p = event["payload"]
        checkin.update(on_date=str(p["on"]), at=p["at"], duration_minutes=p["duration_minutes"],
                       location=p.get("location") or checkin["location"], sequence=checkin["sequence"] + 1)
        self._checkin_invite(changes, event, checkin, "REQUEST")

    def on_CheckInCancelled(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        checkin = self._checkin(reader, changes, event)
        if checkin is None:
            return
        checkin.update(status="cancelled", sequence=checkin["sequence"] + 1)
        self._checkin_invite(changes, event, checkin, "CANCEL")

    def on_CheckInRecorded(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        checkin = self._checkin(reader, changes, event)
        if checkin is not None:
            checkin["status"] = "held"

    def _checkin(self, reader, changes: Changes, event: dict) -> dict | None:
        key = (event["plan_id"], event["payload"]["checkin_id"])
        if key not in changes.checkins:
            found = reader.checkin(*key)
            if found is None:
                return None
            changes.checkins[key] = {name: found[name] for name in CHECKIN_COLUMNS}
        return changes.checkins[key]

    def _checkin_invite(self, changes: Changes, event: dict, checkin: dict, method: str) -> None:
        attendees = [p for p in (checkin["employee_id"], checkin["manager_id"]) if p]
        data = {"plan_id": event["plan_id"], "checkin_id": event["payload"]["checkin_id"], "on": checkin["on_date"],
                "at": checkin["at"], "duration_minutes": checkin["duration_minutes"],
                "location": checkin["location"], "method": method, "sequence": checkin["sequence"],
                "attendees": attendees}
        for recipient in attendees:
            self._notify(changes, event, k.CHECKIN_INVITE, recipient, dict(data), mine_too=True)

    # -- certificates: what the sweep reminds of before they expire --------------------------------
    def on_CertificateAdded(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        p = event["payload"]
        renewal = f"{event['plan_id']}:{p['action_id']}"
        # A certificate earned by a recertification action replaces the one it renews; a newer certificate of the
        # same action replaces the older ones.
        changes.certificates.append(("UPDATE {t} SET status = 'renewed' WHERE renewed_by = ? OR (plan_id = ? AND "
                                     "action_id = ?)", (renewal, event["plan_id"], p["action_id"])))
        if not p.get("expires_on"):
            return
        action = self._action(reader, changes, event) or {}
        changes.certificates.append((
            "INSERT INTO {t} (plan_id, certificate_id, action_id, employee_id, title, expires_on, status) "
            "VALUES (?, ?, ?, ?, ?, ?, 'current') ON CONFLICT (plan_id, certificate_id) DO NOTHING",
            (event["plan_id"], p["certificate_id"], p["action_id"], event["employee_id"], action.get("title", ""),
             str(p["expires_on"]))))

    def on_RecertificationOpened(self, reader, changes: Changes, event: dict, plan: dict) -> None:
        p = event["payload"]
        changes.certificates.append(("UPDATE {t} SET renewed_by = ? WHERE plan_id = ? AND certificate_id = ?",
                                     (f"{event['plan_id']}:{p['action_id']}", p["renews_plan_id"],
                                      p["renews_certificate_id"])))

    def _action(self, reader, changes: Changes, event: dict) -> dict | None:
        key = (event["plan_id"], event["payload"].get("action_id"))
        if key not in changes.actions:
            found = reader.action(*key)
            changes.actions[key] = found and {f: found[f] for f in
                                              ("employee_id", "title", "start_on", "end_on", "status", "sequence")}
        return changes.actions[key]

    def _drop_actions(self, reader, changes: Changes, event: dict) -> None:
        for key, action in list(changes.actions.items()):
            if key[0] == event["plan_id"] and action and action["status"] in OPEN_ACTION:
                action["status"] = "closed"
        reader.cursor.execute(reader.store._sql(
            f"SELECT action_id FROM {reader.store.table('actions')} WHERE plan_id = ?"), (event["plan_id"],))
        for row in reader.cursor.fetchall():
            action = self._action(reader, changes, {"plan_id": event["plan_id"],
                                                    "payload": {"action_id": row["action_id"]}})
            if action and action["status"] in OPEN_ACTION:
                action["status"] = "closed"

    def _invite(self, changes: Changes, event: dict, action: dict, method: str) -> None:
        action_id = event["payload"]["action_id"]
        self._notify(changes, event, k.ACTION_INVITE, event["employee_id"],
                     {"plan_id": event["plan_id"], "action_id": action_id, "title": action["title"],
                      "start": action["start_on"], "end": action["end_on"], "method": method,
                      "sequence": action["sequence"]}, mine_too=True)

    @staticmethod
    def _notify(changes: Changes, event: dict, kind: str, recipient: str, data: dict, mine_too: bool = False) -> None:
        """Tell RECIPIENT, unless they did it themselves (an invitation to one's own action still goes out)."""
        if not mine_too and event["actor"].get("subject") == recipient:
            return
        changes.notify(Notification(id=stable_id("feed", event["position"], kind, recipient), recipient=recipient,
                                    about=event["employee_id"], kind=kind, created_at=event["occurred_at"],
                                    data=data))
