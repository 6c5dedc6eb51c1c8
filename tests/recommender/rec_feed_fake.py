"""A fake plan-service feed (a tiny Flask app behind a requests adapter) and event builders."""

from __future__ import annotations

import requests
from flask import Flask, jsonify, request
from requests.adapters import BaseAdapter

from shared.auth import TokenSettings, verify_token

SECRET = "test-secret-that-is-long-enough-for-hs256-signing"


class FakeFeed:
    """Serves EVENTS like /api/v1/feed; can be down, or re-deliver DUPLICATES old events."""

    def __init__(self, events: list[dict] | None = None):
        self.events = list(events or [])
        self.down = 0  # answer this many requests with a connection error
        self.status = 200
        self.duplicates = 0  # also send this many events at or before `after`
        self.requests = 0
        self.app = Flask("fake-plan")

        @self.app.get("/api/v1/feed")
        def feed():
            principal = verify_token(TokenSettings(SECRET, "groeipad"),
                                     request.headers["Authorization"].split(" ", 1)[1])
            assert principal.has("service")
            after = int(request.args["after"])
            limit = int(request.args["limit"])
            if self.status != 200:
                return jsonify(message="boom"), self.status
            page = [e for e in self.events if e["position"] > after][:limit]
            old = [e for e in self.events if e["position"] <= after][-self.duplicates:] \
                if self.duplicates else []
            head = self.events[-1]["position"] if self.events else 0
            next_after = page[-1]["position"] if page else after
            return jsonify(events=old + page, next_after=next_after, head=head)

    def session(self) -> requests.Session:
        session = requests.Session()
        session.mount("http://plan.test", _Adapter(self))
        return session


class _Adapter(BaseAdapter):
    def __init__(self, feed: FakeFeed):
        super().__init__()
        self.feed = feed
        self.client = feed.app.test_client()

    def send(self, prepared, **kwargs):
        self.feed.requests += 1
        if self.feed.down > 0:
            self.feed.down -= 1
            raise requests.ConnectionError("connection refused")
        path = prepared.url.split("http://plan.test", 1)[1]
        answer = self.client.get(path, headers=dict(prepared.headers))
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.data
        response.headers.update(answer.headers)
        response.url = prepared.url
        response.request = prepared
        return response

    def close(self):
        pass


# What the contract requires of these types, for tests that do not care about it.
DEFAULTS = {"PlanStarted": {"period_start": "2026-01-01", "period_end": "2026-12-31", "trigger": "appraisal"},
            "GoalSet": {"deadline": "2026-12-01"}}


class PlanEvents:
    """Builds integration events for one employee's plan, numbering positions globally."""

    position = 0

    def __init__(self, employee: str, plan_id: str | None = None, manager: str = "mgr"):
        self.employee, self.plan_id = employee, plan_id or f"plan-{employee}"
        self.manager, self.version = manager, 0

    def __call__(self, kind: str, reason: str | None = None, by: str = "owner", **payload) -> dict:
        PlanEvents.position += 1
        self.version += 1
        payload = {**DEFAULTS.get(kind, {}), **payload}
        if kind == "PlanStarted":
            payload.setdefault("employee_id", self.employee)
        subject = self.manager if by == "manager" else self.employee
        return {"type": kind, "schema_version": 1, "position": PlanEvents.position,
                "plan_id": self.plan_id, "employee_id": self.employee, "plan_version": self.version,
                "occurred_at": "2026-05-01T10:00:00+00:00",
                "actor": {"subject": subject, "role": by}, "reason": reason, "payload": payload}


def person(person_id: str, manager_id: str | None = None, kind: str = "PersonRegistered", **fields) -> dict:
    """A directory event of contract version 2 (registered, or updated with the FIELDS that changed)."""
    PlanEvents.position += 1
    payload = {"person_id": person_id, **fields}
    if kind == "PersonRegistered":
        payload.update(manager_id=manager_id, department=fields.get("department", "Sales"),
                       job_title=fields.get("job_title", "Advisor"), active=True)
    elif manager_id is not None:
        payload["manager_id"] = manager_id
    return {"type": kind, "schema_version": 2, "position": PlanEvents.position, "plan_id": "",
            "employee_id": person_id, "plan_version": 1, "occurred_at": "2026-05-01T09:00:00+00:00",
            "actor": {"subject": "hanna", "role": "hr"}, "payload": payload, "request_id": None}


def story(employee: str, offer_id: str, rating: int = 4, manager: str = "mgr") -> list[dict]:
    """Start a plan, assess Excel at 1, aim for 3, follow a course and complete it at 2."""
    e = PlanEvents(employee, manager=manager)
    return [
        e("PlanStarted", employee_id=employee, period_start="2026-01-01", period_end="2026-12-31",
          trigger="appraisal", career_project="", target_role=None, available_hours=40,
          available_budget=500),
        e("SkillAssessed", skill_key="excel", skill="Excel", category="technical", level=1,
          assessor="self", note="", status="to_improve", transferable_to=[]),
        e("GoalSet", by="manager", goal_id="g1", title="Excel", skills=[{"skill": "Excel", "target_level": 3}],
          measure="dashboards", hours_needed=20, budget_needed=300, relevance="job", deadline="2026-12-01"),
        e("GoalSet", goal_id="g2", title="Teams", skills=[{"skill": "samenwerkingstools", "target_level": 2}],
          measure="uses Teams", hours_needed=4, budget_needed=0, relevance="job", deadline="2026-12-01"),
        e("LearningActionPlanned", action_id="a1", goal_ids=["g1"], means="mooc", title="Excel",
          offer_id=offer_id, provider="x", planned_start="2026-02-01", planned_end="2026-03-01",
          hours=10, cost=0, certificate=False, recommendation_id="r1"),
        e("RecommendationAccepted", recommendation_id="r1", offer_id=offer_id, action_id="a1"),
        e("LearningActionStarted", action_id="a1", on="2026-02-01"),
        e("LearningActionCompleted", action_id="a1", on="2026-03-01", evaluation=rating,
          reflection="good", skill_levels=[{"skill": "Excel", "level": 2}]),
    ]
