"""Which statements a page of plan feed events makes: the rules of the xAPI sync, and nothing else.

registered when an action is planned; attended (met in person) or launched (courses, MOOCs) when it starts;
completed with the ISO duration from start to completion, and passed or failed as well when the completion
carries a result. A completion read back from the LRS (source "xapi") is not sent again: the LRS has it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.xapi import statements as xs
from services.xapi.catalogue import Catalogue, action_activity_id, offer_activity_id
from services.xapi.pseudonyms import Pseudonyms
from services.xapi.store import Changes, XapiStore

MEANS_NAMES = {"internal_training": "Internal training", "external_course": "External course", "mooc": "MOOC",
               "workshop": "Workshop", "seminar": "Seminar", "conference": "Conference", "mentoring": "Mentoring",
               "coaching": "Coaching", "on_the_job": "Learning on the job"}


class Outbound:
    def __init__(self, store: XapiStore, catalogue: Catalogue, pseudonyms: Pseudonyms, home_page: str) -> None:
        self.store, self.catalogue, self.pseudonyms = store, catalogue, pseudonyms
        self.home_page = home_page.rstrip("/")

    def decide(self, events: list[dict[str, Any]]) -> Changes:
        changes = Changes()
        for event in events:
            kind = event["type"]
            person = event["employee_id"]
            if kind in ("PersonRegistered", "PersonUpdated", "PlanStarted"):
                changes.people[self.pseudonyms.of(person)] = person
            elif kind == "PersonErased":
                changes.forget.append(person)
                changes.actions = {k: v for k, v in changes.actions.items() if v["employee_id"] != person}
                changes.statements = [s for s in changes.statements if s[1] != person]
            elif kind == "PlanErased":
                changes.drop_plans.append(event["plan_id"])
                changes.actions = {k: v for k, v in changes.actions.items() if k[0] != event["plan_id"]}
            elif kind.startswith("LearningAction") or kind == "ActionCarriedForward":
                self._action_event(changes, event)
        return changes

    def _action_event(self, changes: Changes, event: dict[str, Any]) -> None:
        kind, payload, plan_id = event["type"], event["payload"], event["plan_id"]
        key = (plan_id, payload["action_id"])
        if kind == "LearningActionPlanned":
            action = {"employee_id": event["employee_id"], "offer_id": payload.get("offer_id"),
                      "means": payload["means"], "status": "planned", "planned_start": payload.get("planned_start"),
                      "started_on": None}
            changes.actions[key] = action
            self._emit(changes, event, action, "registered", date.fromisoformat(event["occurred_at"][:10]))
            return
        if kind == "ActionCarriedForward":  # registered (and launched) in the LRS under the previous plan already
            changes.actions[key] = {"employee_id": event["employee_id"], "offer_id": payload.get("offer_id"),
                                    "means": payload["means"], "status": payload["status"],
                                    "planned_start": payload.get("planned_start"),
                                    "started_on": payload.get("started_on")}
            return
        action = changes.actions.get(key) or self.store.action(*key)
        if action is None:  # an action this store never saw planned (e.g. its plan was erased): nothing to say
            return
        action = dict(action)
        changes.actions[key] = action
        if kind == "LearningActionRescheduled":
            action["planned_start"] = payload.get("planned_start")
        elif kind == "LearningActionCancelled":
            action["status"] = "cancelled"
        elif kind == "LearningActionStarted":
            action.update(status="started", started_on=payload["on"])
            verb = "attended" if action["means"] in xs.ATTENDED_MEANS else "launched"
            self._emit(changes, event, action, verb, date.fromisoformat(payload["on"]))
        elif kind == "LearningActionCompleted":
            action["status"] = "completed"
            if payload.get("source") == "xapi":
                return
            on = date.fromisoformat(payload["on"])
            started = date.fromisoformat(action["started_on"]) if action.get("started_on") else None
            self._emit(changes, event, action, "completed", on,
                       {"completion": True, "duration": xs.days_duration(started, on)})
            outcome = payload.get("result") or {}
            if isinstance(outcome.get("success"), bool):
                result: dict[str, Any] = {"success": outcome["success"], "completion": True}
                if outcome.get("score") is not None:
                    result["score"] = {"scaled": outcome["score"]}
                self._emit(changes, event, action, "passed" if outcome["success"] else "failed", on, result)

    def _emit(self, changes: Changes, event: dict[str, Any], action: dict[str, Any], verb: str, on: date,
              result: dict[str, Any] | None = None) -> None:
        person, plan_id, action_id = action["employee_id"], event["plan_id"], event["payload"]["action_id"]
        statement_id = xs.statement_id(self.home_page, plan_id, str(event["plan_version"]), verb)
        body = xs.statement(id=statement_id, actor=xs.agent(self.home_page, self.pseudonyms.of(person)),
                            verb_name=verb, obj=self._activity(action, action_id), when=xs.timestamp(
                                on, event["occurred_at"]), plan_id=plan_id, action_id=action_id, result=result)
        changes.statements.append((statement_id, person, event["position"], body))

    def _activity(self, action: dict[str, Any], action_id: str) -> dict[str, Any]:
        offer = self.catalogue.offer(action["offer_id"]) if action.get("offer_id") else None
        if offer is None:
            return xs.activity(action_activity_id(self.home_page, action_id),
                               MEANS_NAMES.get(action["means"], "Learning action"), action["means"])
        return xs.activity(offer.get("url") or offer_activity_id(self.home_page, offer["offer_id"]),
                           offer.get("title") or "Course", action["means"])
