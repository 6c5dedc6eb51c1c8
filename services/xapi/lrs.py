"""A learning record store over HTTP (xAPI 1.0.3 Statement Resource), with basic authentication.

Statements are PUT with their id: a statement the LRS already holds with that id is kept once (204 again, or
409 when an LRS holds something else under it), so sending again after a crash or a timeout is safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import requests

from services.xapi.statements import VERSION


class LrsUnavailableError(Exception):
    """The LRS did not answer, or answered with a server error: try again later."""


class StatementRefusedError(Exception):
    """The LRS refused this statement (4xx): sending it again will not help."""


class Lrs:
    def __init__(self, url: str, username: str = "", password: str = "", session: requests.Session | None = None,
                 timeout: float = 10.0) -> None:
        self.url = url.rstrip("/") + "/"
        self.session = session or requests.Session()
        self.auth = (username, password) if username else None
        self.timeout = timeout
        self.headers = {"X-Experience-API-Version": VERSION}

    def _call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(method, url, auth=self.auth, headers=self.headers, timeout=self.timeout,
                                            **kwargs)
        except requests.RequestException as error:
            raise LrsUnavailableError(f"LRS unreachable: {error}") from None
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            raise LrsUnavailableError(f"LRS answered {response.status_code}: {response.text[:200]}")
        return response

    def put(self, statement: dict[str, Any]) -> None:
        """Store STATEMENT under its id (idempotent)."""
        response = self._call("PUT", urljoin(self.url, "statements"), params={"statementId": statement["id"]},
                              json=statement)
        if response.status_code in (200, 204, 409):  # 409: the LRS already holds this id
            return
        raise StatementRefusedError(f"LRS refused statement {statement['id']}: {response.status_code} "
                                    f"{response.text[:300]}")

    def statements(self, since: str | None = None, limit: int = 100, **filters: str) -> Iterator[dict[str, Any]]:
        """Statements stored after SINCE (oldest first where the LRS honours `ascending`), following `more`."""
        params: dict[str, Any] = {"limit": limit, "ascending": "true", **filters}
        if since:
            params["since"] = since
        url: str | None = urljoin(self.url, "statements")
        while url:
            response = self._call("GET", url, params=params)
            if response.status_code != 200:
                raise LrsUnavailableError(f"LRS answered {response.status_code} to a query: {response.text[:200]}")
            page = response.json()
            yield from page.get("statements", [])
            more = page.get("more")
            url, params = (urljoin(self.url, more), {}) if more else (None, {})

    def get(self, statement_id: str) -> dict[str, Any] | None:
        response = self._call("GET", urljoin(self.url, "statements"), params={"statementId": statement_id})
        return response.json() if response.status_code == 200 else None
