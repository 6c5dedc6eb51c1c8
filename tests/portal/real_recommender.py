"""The real recommender in-process for portal tests: its demo catalogue and role profiles, the plan service's
answers over an in-process session (gaps, levels), and its follower fed from the plan service's own feed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Flask

from recommender.follower import FeedClient, Follower
from recommender.plan_gaps import PlanGapsClient
from recommender.runtime import Runtime
from shared.auth import TokenSettings


@dataclass
class InProcessReply:
    """What the recommender's clients read of a requests.Response."""

    status_code: int
    text: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.text)


class InProcessSession:
    """A requests-like session whose GETs go to an in-process Flask app (the recommender's plan-service clients
    only ever GET)."""

    def __init__(self, app: Flask, base_url: str):
        self.client, self.base_url = app.test_client(), base_url.rstrip("/")

    def get(self, url: str, params: dict | None = None, headers: dict | None = None, timeout: float | None = None):
        answer = self.client.get(url[len(self.base_url):], query_string=params, headers=headers or {})
        return InProcessReply(answer.status_code, answer.get_data(as_text=True), dict(answer.headers))

    def close(self) -> None:
        pass


def plan_client(plan_app: Flask, base_url: str, secret: str) -> PlanGapsClient:
    return PlanGapsClient(base_url, TokenSettings(secret, "groeipad"), session=InProcessSession(plan_app, base_url))


def follow_feed(runtime: Runtime, plan_app: Flask, base_url: str, secret: str) -> int:
    """Bring the recommender's read model up to the plan service's feed head, as `groeipad follow` does."""
    client = FeedClient(base_url, TokenSettings(secret, "groeipad"), InProcessSession(plan_app, base_url))
    follower = Follower(runtime.readmodel, client, limit=1000, sleep=lambda _seconds: None)
    applied, more = follower.run_once()
    while more:
        step, more = follower.run_once()
        applied += step
    return applied
