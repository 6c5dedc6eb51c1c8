"""An employee's gaps as the plan service decides them (`GET /people/{id}/skills`), asked at each request.

The plan service owns the gap rule and the plan; the recommender only ranks. The follower's read model lags
the log, so it is never used to answer "what does this person need now": when the plan service does not
answer, the caller gets a 503 rather than yesterday's guesses.
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
    """The open gaps of the person's current plan and the offers its learning actions take up."""

    plan_id: str | None
    gaps: list[dict]
    offers_in_plan: frozenset[str] = field(default_factory=frozenset)


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
        url = f"{self.base_url}/api/v1/people/{quote(person_id, safe='')}/skills"
        try:
            wait = {"X-Min-Position": min_position} if min_position else {}
            response = self.session.get(url, headers={"Authorization": self._authorization(), **wait,
                                                      **outgoing_headers()}, timeout=self.timeout)
        except requests.RequestException as error:
            raise PlanServiceUnavailableError(f"the plan service did not answer: {type(error).__name__}") from None
        if response.status_code == 404:
            return PlanGaps(None, [])

        if response.status_code != 200:
            raise PlanServiceUnavailableError(f"the plan service answered {response.status_code}")
        try:
            body = response.json()
            gaps = [{"skill": i["skill"], "current_level": i["current_level"], "target_level": i["target_level"],
                     "gap": i["gap"]} for i in body["items"] if i.get("gap") and i.get("skill")]
            offers = frozenset(str(o["offer_id"]) for o in body.get("offers") or [] if o.get("status") in IN_PLAN)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise PlanServiceUnavailableError("the plan service's answer was not understood") from None
        return PlanGaps(body.get("plan_id"), gaps, offers)
