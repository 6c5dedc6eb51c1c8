"""The plan service's org directory, asked with a service token: who manages whom, where to send a mail.

Addresses are fetched when needed and kept in memory for a short while only, never in the notifier's
store. A person the directory does not know (404) or marks inactive gets nothing.
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import quote

import requests

from shared.auth import TokenSettings, issue_token

SUBJECT = "notifier"
TOKEN_TTL = 3600


class DirectoryUnavailableError(Exception):
    """The plan service did not answer; whatever needed it is retried later."""


class ServiceToken:
    """A bearer token for role `service`, renewed before it expires."""

    def __init__(self, tokens: TokenSettings | None = None, subject: str = SUBJECT) -> None:
        self.tokens, self.subject = tokens, subject
        self.value, self.expires = "", 0.0

    def header(self) -> str:
        if time.time() > self.expires - 300:
            self.value = issue_token(self.tokens or TokenSettings.from_env(), self.subject, ["service"], TOKEN_TTL)
            self.expires = time.time() + TOKEN_TTL
        return f"Bearer {self.value}"


class PlanDirectory:
    """GET /api/v1/people/{id}, cached for TTL seconds.

    The plan service answers from views a projector keeps, which may lag the feed a moment: a look-up made
    for a feed event asks for views at least as far as that event (`X-Min-Position`), and an answer that
    could not catch up fails the page, which is then retried, so a lagging view never silently drops a mail.
    """

    def __init__(self, base_url: str, token: ServiceToken | None = None, ttl: float = 60.0,
                 session: requests.Session | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token or ServiceToken()
        self.ttl, self.timeout = ttl, timeout
        self.session = session or requests.Session()
        self.cache: dict[str, tuple[float, int, dict[str, Any] | None]] = {}

    def person(self, person_id: str, at_least: int = 0) -> dict[str, Any] | None:
        """The directory entry as of log position AT_LEAST or later; None when unknown or no longer active."""
        hit = self.cache.get(person_id)
        if hit and time.monotonic() - hit[0] < self.ttl and hit[1] >= at_least:
            return hit[2]
        headers = {"Authorization": self.token.header(), "X-Request-ID": f"notifier-{uuid.uuid4().hex}"}
        if at_least:
            headers["X-Min-Position"] = str(at_least)
        try:
            response = self.session.get(f"{self.base_url}/api/v1/people/{quote(person_id, safe='')}",
                                        headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise DirectoryUnavailableError(f"plan service unreachable: {error}") from None
        if response.headers.get("X-Views-Stale") == "true":
            raise DirectoryUnavailableError(f"the directory has not reached position {at_least} yet")
        if response.status_code == 404:
            person = None
        elif response.status_code == 200:
            person = response.json()
            if person.get("active") is False:
                person = None
        else:
            raise DirectoryUnavailableError(f"directory answered {response.status_code}")
        reached = response.headers.get("X-Views-Position", "")
        if len(self.cache) > 10_000:
            self.cache.clear()
        self.cache[person_id] = (time.monotonic(), int(reached) if reached.isdigit() else at_least, person)
        return person
