"""The recommender's catalogue as the xAPI sync sees it: each offer's activity id, its web address and title."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import quote

import requests

from services.notifier.directory import ServiceToken

PAGE = 500


class CatalogueUnavailableError(Exception):
    """The recommender did not answer; what needed it is retried later."""


def offer_activity_id(home_page: str, offer_id: str) -> str:
    """The activity id Groeipad gives a catalogue offer (an LMS may use the offer's own URL instead)."""
    return f"{home_page.rstrip('/')}/xapi/activities/offers/{offer_id}"


def action_activity_id(home_page: str, action_id: str) -> str:
    """The activity id of a learning action outside the catalogue."""
    return f"{home_page.rstrip('/')}/xapi/activities/actions/{action_id}"


class Catalogue:
    """GET /api/v1/offers with a service token, every offer cached for TTL seconds."""

    def __init__(self, base_url: str, token: ServiceToken | None = None, ttl: float = 300.0,
                 session: requests.Session | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token or ServiceToken()
        self.ttl, self.timeout = ttl, timeout
        self.session = session or requests.Session()
        self.cache: dict[str, tuple[float, dict[str, Any] | None]] = {}
        self.listed: tuple[float, list[dict[str, Any]]] | None = None

    def _get(self, path: str, params: dict | None = None) -> requests.Response:
        try:
            response = self.session.get(f"{self.base_url}/api/v1{path}", params=params, timeout=self.timeout,
                                        headers={"Authorization": self.token.header(),
                                                 "X-Request-ID": f"xapi-{uuid.uuid4().hex}"})
        except requests.RequestException as error:
            raise CatalogueUnavailableError(f"recommender unreachable: {error}") from None
        if response.status_code not in (200, 404):
            raise CatalogueUnavailableError(f"recommender answered {response.status_code}")
        return response

    def offer(self, offer_id: str) -> dict[str, Any] | None:
        """The offer, or None when the catalogue does not know it."""
        hit = self.cache.get(offer_id)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        response = self._get(f"/offers/{quote(offer_id, safe='')}")
        offer = response.json() if response.status_code == 200 else None
        self.cache[offer_id] = (time.monotonic(), offer)
        return offer

    def offers(self) -> list[dict[str, Any]]:
        """Every offer, published and retired (a completion may come in after an offer was retired)."""
        if self.listed and time.monotonic() - self.listed[0] < self.ttl:
            return self.listed[1]
        offers: list[dict[str, Any]] = []
        while True:
            page = self._get("/offers", {"status": "all", "limit": PAGE, "offset": len(offers)}).json()
            offers.extend(page["offers"])
            if not page["offers"] or len(offers) >= page["total"]:
                break
        self.listed = (time.monotonic(), offers)
        return offers

    def forget_cached(self) -> None:
        self.cache.clear()
        self.listed = None
