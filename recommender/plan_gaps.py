"""Gaps as the plan service decides them, asked at each request: an employee's (`GET /people/{id}/skills`) and
everyone's per skill (`GET /reports/skill-gaps`).

The plan service owns the gap rule, the levels and the plan; the recommender only ranks. The follower's read model
lags the log, so it is never used to answer "what does this person need now" or "what do people need": when the
plan service does not answer, the caller gets a 503 rather than yesterday's guesses.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import quote

import requests

from shared.auth import TokenSettings, issue_token
from shared.config import env_str
from shared.ids import is_directory_id
from shared.observability import outgoing_headers

SUBJECT = "recommender"
TOKEN_TTL = 300
IN_PLAN = frozenset({"planned", "started", "completed"})  # a cancelled action frees its offer again


class PlanServiceUnavailableError(Exception):
    """The plan service did not give the person's gaps (down, too slow, or an answer we cannot read)."""


@dataclass(frozen=True)
class PlanGaps:
    """The open gaps of the person's current plan, the offers its learning actions take up, and the current level of
    every skill someone rated (a re-rating at an action's completion included)."""

    plan_id: str | None
    gaps: list[dict]
    offers_in_plan: frozenset[str] = field(default_factory=frozenset)
    levels: dict[str, int] = field(default_factory=dict)


class PlanGapsClient:
    """Calls the plan service with a short-lived service token it issues itself from the shared secret."""

    def __init__(self, base_url: str, tokens: TokenSettings | None = None, timeout: float = 5.0,
                 session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.timeout = timeout
        self.session = session or requests.Session()
        self._token, self._expires = "", 0.0

    @classmethod
    def from_env(cls) -> PlanGapsClient:
        return cls(env_str("PLAN_SERVICE_URL", "http://127.0.0.1:8001"))

    def _authorization(self) -> str:
        if time.time() > self._expires - 60:
            self._token = issue_token(self.tokens or TokenSettings.from_env(), SUBJECT, ["service"], TOKEN_TTL)
            self._expires = time.time() + TOKEN_TTL
        return f"Bearer {self._token}"

    def gaps_of(self, person_id: str, min_position: str | None = None) -> PlanGaps:
        """The person's gaps now; a person the plan service does not know has none. MIN_POSITION (a plan-service
        write's X-Position) makes the plan service answer from views that include that write."""
        if not is_directory_id(person_id):  # never put a value into another service's URL unchecked
            return PlanGaps(None, [])
        response = self._get(f"/people/{quote(person_id, safe='')}/skills", min_position)
        if response.status_code == 404:
            return PlanGaps(None, [])
        body = self._body(response)
        try:
            gaps = [{"skill": i["skill"], "current_level": i["current_level"], "target_level": i["target_level"],
                     "gap": i["gap"]} for i in body["items"] if i.get("gap") and i.get("skill")]
            offers = frozenset(str(o["offer_id"]) for o in body.get("offers") or [] if o.get("status") in IN_PLAN)
            levels = {i["skill"]: int(i["current_level"]) for i in body["items"]
                      if i.get("skill") and i.get("source") and i.get("current_level") is not None}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise PlanServiceUnavailableError("the plan service's answer was not understood") from None
        return PlanGaps(body.get("plan_id"), gaps, offers, levels)

    def gap_report(self, min_position: str | None = None) -> tuple[list[dict], int]:
        """Per skill, how many people have an open gap in it (groups the plan service hides left out), and the
        smallest group it shows."""
        body = self._body(self._get("/reports/skill-gaps", min_position))
        try:
            rows = [{"skill": str(r["skill"]), "people": int(r["people"]),
                     "mean_target_level": float(r["mean_target_level"])} for r in body["items"]]
            return rows, int(body["minimum_group"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise PlanServiceUnavailableError("the plan service's answer was not understood") from None

    def _get(self, path: str, min_position: str | None) -> requests.Response:
        wait = {"X-Min-Position": min_position} if min_position else {}
        try:
            return self.session.get(f"{self.base_url}/api/v1{path}", timeout=self.timeout, headers={
                "Authorization": self._authorization(), **wait, **outgoing_headers()})
        except requests.RequestException as error:
            raise PlanServiceUnavailableError(f"the plan service did not answer: {type(error).__name__}") from None

    @staticmethod
    def _body(response: requests.Response) -> dict:
        if response.status_code != 200:
            raise PlanServiceUnavailableError(f"the plan service answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise PlanServiceUnavailableError("the plan service's answer was not understood") from None
        if not isinstance(body, dict):
            raise PlanServiceUnavailableError("the plan service's answer was not understood")
        return body
