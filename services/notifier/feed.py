"""The plan feed as the notifier reads it: GET /api/v1/feed with a service token, checked against the contract."""

from __future__ import annotations

import uuid

import requests

from services.notifier.directory import ServiceToken
from shared.contracts import parse_page, upgrade


class FeedUnavailableError(Exception):
    """The plan service did not answer with a feed page."""


class FeedClient:
    def __init__(self, base_url: str, token: ServiceToken | None = None, session: requests.Session | None = None,
                 timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token or ServiceToken()
        self.session = session or requests.Session()
        self.timeout = timeout

    def page(self, after: int, limit: int) -> dict:
        try:
            response = self.session.get(f"{self.base_url}/api/v1/feed", params={"after": after, "limit": limit},
                                        headers={"Authorization": self.token.header(),
                                                 "X-Request-ID": f"notifier-{uuid.uuid4().hex}"},
                                        timeout=self.timeout)
        except requests.RequestException as error:
            raise FeedUnavailableError(f"plan service unreachable: {error}") from None
        if response.status_code != 200:
            raise FeedUnavailableError(f"feed answered {response.status_code}: {response.text[:200]}")
        try:
            page = parse_page(response.json())
        except ValueError as error:
            raise FeedUnavailableError(f"feed page not understood: {error}") from None
        page["events"] = sorted((upgrade(e) for e in page["events"]), key=lambda e: e["position"])
        return page
