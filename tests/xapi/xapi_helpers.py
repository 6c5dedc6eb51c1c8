"""Building a sync against the test servers, and the plan calls the stories make."""

from __future__ import annotations

from typing import Any

from services.notifier.directory import ServiceToken
from services.notifier.feed import FeedClient
from services.xapi.catalogue import Catalogue
from services.xapi.lrs import Lrs
from services.xapi.outbound import Outbound
from services.xapi.pseudonyms import Pseudonyms
from services.xapi.readback import PlanClient, Readback
from services.xapi.runtime import build_store
from services.xapi.sync import Sync, SyncSettings

API = "/api/v1"
KEY = "pseudonym-key-of-the-tests-long-enough-0123456789"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def make_sync(store_url: str, plan_url: str, recommender_url: str, lrs: Any, home: str,
              read_back: bool = False, lms: list[str] | None = None, clock: Clock | None = None,
              password: str | None = None):
    app, store = build_store(store_url, create_tables=True)
    token = ServiceToken(subject="xapi")
    catalogue = Catalogue(recommender_url, token, ttl=0)
    client = Lrs(lrs.url, lrs.username, lrs.password if password is None else password, timeout=5)
    # Ralph's file backend filters `since` on the statements' own timestamps and matches no `verb`: read all.
    readback = Readback(store, client, catalogue, PlanClient(plan_url, token), home, lms,
                        filtered=False) if read_back else None
    sync = Sync(store, FeedClient(plan_url, token), Outbound(store, catalogue, Pseudonyms(KEY), home), client,
                readback, SyncSettings(retry_seconds=10, max_attempts=3), sleep=lambda _: None,
                clock=clock or Clock())
    return app, store, sync


def ok(response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


def publish_offer(recommender, tokens, external_id: str, title: str, url: str | None = None,
                  means: str = "mooc") -> str:
    body = {"external_id": external_id, "title": title, "means": means, "language": "en", "hours": 12}
    if url:
        body["url"] = url
    return ok(recommender.app.test_client().post(f"{API}/offers", json=body, headers=tokens("daan", "ld")),
              201)["offer_id"]


def start_plan(plan, tokens, employee: str = "karim") -> str:
    body = {"employee_id": employee, "period_start": "2026-01-01", "period_end": "2027-12-31",
            "trigger": "career_project", "career_project": "Teamleider worden", "available_hours": 120,
            "available_budget": 3000}
    return ok(plan.app.test_client().post(f"{API}/plans", json=body, headers=tokens(employee)), 201)["id"]


def plan_action(plan, tokens, plan_id: str, employee: str = "karim", **fields: Any) -> str:
    body = {"means": "mooc", "title": "Leren communiceren", "provider": "Academie", "planned_start": "2026-02-01",
            "planned_end": "2026-06-30", "hours": 12, "cost": 0, **fields}
    return ok(plan.app.test_client().post(f"{API}/plans/{plan_id}/actions", json=body, headers=tokens(employee)),
              201)["action_id"]


def act(plan, tokens, plan_id: str, action_id: str, step: str, employee: str = "karim", **body: Any) -> dict:
    return ok(plan.app.test_client().post(f"{API}/plans/{plan_id}/actions/{action_id}/{step}", json=body,
                                          headers=tokens(employee)))
