"""The feed follower: polls the plan service's /api/v1/feed and applies each page to the read model.

At-least-once delivery from the feed, exactly-once effect in the read model: the page and its
position are written in one transaction, and we always ask for what follows the stored position.
When the plan service is down or answers nonsense we back off and try again; the API keeps serving
from what the read model has.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import requests
from prometheus_client import Counter, Gauge

from recommender.readmodel import ReadModel
from shared.auth import TokenSettings, issue_token
from shared.contracts import InvalidEventError, parse_page

log = logging.getLogger(__name__)

FOLLOWER_SUBJECT = "recommender-follower"
TOKEN_TTL = 3600

POSITION = Gauge("groeipad_follower_position", "Last plan-feed position applied to the read model")
LAG_EVENTS = Gauge("groeipad_follower_lag_events", "Feed positions the read model is behind the plan service")
LAG_SECONDS = Gauge("groeipad_follower_lag_seconds", "Age of the oldest event not yet applied (0 when caught up)")
APPLIED = Counter("groeipad_follower_events_applied_total", "Feed events applied to the read model")
FAILURES = Counter("groeipad_follower_failures_total", "Feed pages that could not be fetched or applied")
REJECTED = Counter("groeipad_follower_rejected_events_total",
                   "Feed events that broke the contract; the follower waits at each one (never skips it)")


class InvalidFeedEventError(Exception):
    """An event broke the contract: everything before it was applied, and the follower stops at it."""


class FeedUnavailableError(Exception):
    """The plan service did not answer with a feed page."""


class FeedClient:
    """GET /api/v1/feed with a service token it issues itself from the shared secret."""

    def __init__(self, base_url: str, tokens: TokenSettings | None = None,
                 session: requests.Session | None = None, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.session = session or requests.Session()
        self.timeout = timeout
        self._token, self._token_expires = "", 0.0

    def _authorization(self) -> str:
        if time.time() > self._token_expires - 300:
            settings = self.tokens or TokenSettings.from_env()
            self._token = issue_token(settings, FOLLOWER_SUBJECT, ["service"], TOKEN_TTL)
            self._token_expires = time.time() + TOKEN_TTL
        return f"Bearer {self._token}"

    def page(self, after: int, limit: int) -> dict:
        try:
            response = self.session.get(f"{self.base_url}/api/v1/feed",
                                        params={"after": after, "limit": limit},
                                        headers={"Authorization": self._authorization(),
                                                 "X-Request-ID": f"follower-{uuid.uuid4().hex}"},
                                        timeout=self.timeout)
        except requests.RequestException as error:
            raise FeedUnavailableError(f"plan service unreachable: {error}") from None
        if response.status_code != 200:
            raise FeedUnavailableError(f"feed answered {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError as error:
            raise FeedUnavailableError(f"feed page not understood: {error}") from None
        try:
            page = parse_page(body)  # every event upgraded to the current contract and checked by its schema
        except InvalidEventError:
            raise  # the follower applies what precedes the bad event and stops there
        except ValueError as error:
            raise FeedUnavailableError(f"feed page not understood: {error}") from None
        page["events"].sort(key=lambda e: e["position"])
        return page


class Follower:
    """Applies feed pages to READMODEL; `run` loops with back-off until STOP is set."""

    def __init__(self, readmodel: ReadModel, client: FeedClient, limit: int = 500,
                 idle_seconds: float = 1.0, max_backoff: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.readmodel, self.client = readmodel, client
        self.limit, self.idle_seconds, self.max_backoff = limit, idle_seconds, max_backoff
        self.sleep = sleep
        self.failures = 0
        self.last_request_ids: list[str] = []

    def run_once(self) -> tuple[int, bool]:
        """Fetch and apply one page: (new events applied, whether more are waiting).

        An event that breaks the contract is never skipped (skipping would leave the read model wrong for
        good): the valid events before it are applied with their position, and InvalidFeedEventError stops
        the page there. `run` logs it, counts it and retries with back-off, so the follower resumes as soon
        as the plan service publishes the event correctly (or this consumer learns its newer version).
        """
        after = self.readmodel.position()
        try:
            page = self.client.page(after, self.limit)
        except InvalidEventError as error:
            self._apply_before(after, error)
            REJECTED.inc()
            raise InvalidFeedEventError(f"feed event rejected, waiting at it: {error}") from None
        events = [e for e in page["events"] if e["position"] > after]
        position = max([page["next_after"], *(e["position"] for e in events)])
        applied = self.readmodel.apply_page(events, position) if position > after else 0
        # The requests (portal -> plan API) that caused these events, for tracing one change end to end.
        self.last_request_ids = sorted({e["request_id"] for e in events if e.get("request_id")})[:50]
        self._observe(page, events, position, applied)
        return applied, page["head"] > position

    def _apply_before(self, after: int, error: InvalidEventError) -> None:
        """Apply the valid events of a page that precede its invalid one (all of them, in position order)."""
        if error.position is None:
            return  # cannot tell where the bad event sits: apply nothing of this page
        before = sorted((e for e in error.valid if after < e["position"] < error.position),
                        key=lambda e: e["position"])
        if before:
            APPLIED.inc(self.readmodel.apply_page(before, before[-1]["position"]))

    def _observe(self, page: dict, events: list[dict], position: int, applied: int) -> None:
        POSITION.set(position)
        APPLIED.inc(applied)
        LAG_EVENTS.set(max(0, page["head"] - position))
        if page["head"] > position and events:
            occurred = datetime.fromisoformat(events[-1]["occurred_at"])
            LAG_SECONDS.set(max(0.0, (datetime.now(UTC) - occurred).total_seconds()))
        else:
            LAG_SECONDS.set(0)

    def backoff(self) -> float:
        """Seconds to wait after the n-th failure in a row: doubling, capped, with jitter."""
        base = min(self.max_backoff, self.idle_seconds * 2 ** min(self.failures, 10))
        return base * (0.5 + random.random() / 2)

    def run(self, stop: threading.Event | None = None, max_iterations: int | None = None) -> None:
        stop = stop or threading.Event()
        iterations = 0
        while not stop.is_set() and (max_iterations is None or iterations < max_iterations):
            iterations += 1
            try:
                applied, more = self.run_once()
            except (FeedUnavailableError, InvalidFeedEventError) as error:
                FAILURES.inc()
                self.failures += 1
                wait = self.backoff()
                log.warning("%s; retrying in %.1fs", error, wait)
                self.sleep(wait)
                continue
            except Exception:  # a database hiccup: the transaction rolled back, try again later
                FAILURES.inc()
                self.failures += 1
                log.exception("applying a feed page failed; retrying")
                self.sleep(self.backoff())
                continue
            if self.failures:
                log.info("feed reachable again")
            self.failures = 0
            if applied:
                log.info("applied %s event(s), now at %s", applied, self.readmodel.position(),
                         extra={"caused_by": self.last_request_ids})
            if not more:
                self.sleep(self.idle_seconds)
