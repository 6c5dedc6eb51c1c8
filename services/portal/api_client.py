"""Calls to the plan service and the recommender with a short-lived token for the signed-in person.

The transport is pluggable so tests can route calls to in-process Flask apps; production uses
`requests`. Every failure becomes one of two exceptions the views know how to show.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from shared.observability import outgoing_headers


class ApiError(Exception):
    """The service answered with an error: status, message and per-field errors."""

    def __init__(self, status: int, message: str, errors: list[dict[str, str]] | None = None):
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors or []

    def field_errors(self) -> dict[str, list[str]]:
        """Reasons per form field; nested API fields (skills.0.skill) land on their first part."""
        out: dict[str, list[str]] = {}
        for item in self.errors:
            name = str(item.get("field") or "body").split(".")[0]
            out.setdefault(name, []).append(str(item.get("reason") or ""))
        if not out:
            out["body"] = [self.message]
        return out


class ServiceUnavailableError(Exception):
    """The service could not be reached or answered nonsense; the page shows a clear message."""

    def __init__(self, service: str, detail: str = ""):
        super().__init__(f"{service} unavailable: {detail}")
        self.service = service
        self.detail = detail


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        return jsonlib.loads(self.content.decode("utf-8") or "null")


class Transport(Protocol):
    def request(self, method: str, url: str, *, headers: dict[str, str], params: dict[str, Any] | None,
                body: bytes | None, timeout: float) -> Reply: ...


@dataclass
class RequestsTransport:
    """HTTP through a pooled requests session (one per worker)."""

    session: requests.Session = field(default_factory=requests.Session)

    def request(self, method, url, *, headers, params, body, timeout) -> Reply:
        response = self.session.request(method, url, headers=headers, params=params, data=body, timeout=timeout)
        return Reply(response.status_code, dict(response.headers), response.content)


class ApiClient:
    """One service's API as the signed-in person sees it."""

    def __init__(self, service: str, base_url: str, token: Callable[[], str], transport: Transport,
                 timeout: float = 10.0, extra_headers: Callable[[], dict[str, str]] | None = None):
        self.service, self.base_url, self.token = service, base_url.rstrip("/"), token
        self.transport, self.timeout = transport, timeout
        self.extra_headers = extra_headers or dict

    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None, json: Any = None,
             data: bytes | None = None, content_type: str | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        """The raw reply of a successful call; ApiError for 4xx, ServiceUnavailableError otherwise."""
        all_headers = {"Authorization": f"Bearer {self.token()}", "Accept": "application/json",
                       **outgoing_headers(), **self.extra_headers(), **(headers or {})}
        body = data
        if json is not None:
            body = jsonlib.dumps(json, default=str).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        elif content_type:
            all_headers["Content-Type"] = content_type
        clean_params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            reply = self.transport.request(method, f"{self.base_url}/api/v1{path}", headers=all_headers,
                                           params=clean_params or None, body=body, timeout=self.timeout)
        except requests.RequestException as error:
            raise ServiceUnavailableError(self.service, type(error).__name__) from None
        if reply.status >= 500 or reply.status in (502, 503, 504):
            raise ServiceUnavailableError(self.service, f"HTTP {reply.status}")
        if reply.status >= 400:
            try:
                payload = reply.json()
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                raise ApiError(reply.status, "error")
            errors = payload.get("errors") if isinstance(payload.get("errors"), list) else []
            raise ApiError(reply.status, str(payload.get("message") or "error"), errors)
        return reply

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        reply = self.call(method, path, **kwargs)
        try:
            return reply.json()
        except ValueError:
            raise ServiceUnavailableError(self.service, "answer is not JSON") from None

    def get(self, path: str, **params: Any) -> Any:
        return self._json("GET", path, params=params)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self._json("POST", path, json=body if body is not None else {}, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> Any:
        return self._json("PATCH", path, json=body, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any) -> Any:
        return self._json("PUT", path, json=body, **kwargs)
