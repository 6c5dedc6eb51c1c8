"""Calls to the plan service and the recommender with a short-lived token for the signed-in person.

The transport is pluggable so tests can route calls to in-process Flask apps; production uses
`requests`. Every failure becomes one of two exceptions the views know how to show.
"""

from __future__ import annotations

import json as jsonlib
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

import requests

from shared.ids import ID_KINDS
from shared.observability import outgoing_headers

LITERAL = re.compile(r"[a-z0-9/-]*")


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


class InvalidIdError(Exception):
    """A value meant as an id in an API path is not one; nothing was called (the page answers 404)."""

    def __init__(self, name: str, value: object):
        super().__init__(f"{name} is not a valid id: {str(value)[:60]!r}")
        self.name = name


class ApiPath(str):
    """A path below /api/v1 built by api_path: the only kind of path ApiClient.call sends."""


def api_path(template: str, **ids: object) -> ApiPath:
    """The path TEMPLATE (`/plans/{plan_id}/goals`) with each id checked against its kind and percent-encoded.

    Every id the portal forwards comes from the browser or from another service's answer, so each is
    checked by name against shared.ids.ID_KINDS; a value that is not the id it must be raises
    InvalidIdError before any call. Literal segments must be plain words, so a template cannot smuggle
    `..`, `?` or `#` either.
    """
    out: list[str] = []
    used: set[str] = set()
    if not template.startswith("/"):
        raise ValueError(f"api_path: {template!r} does not start with /")
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if not LITERAL.fullmatch(literal):
            raise ValueError(f"api_path: {literal!r} in {template!r} is not a plain path")
        out.append(literal)
        if name is None:
            continue
        check = ID_KINDS.get(name)
        if check is None or name not in ids:
            raise ValueError(f"api_path: {name!r} is not a known id or was not given")
        value = ids[name]
        if not check(value):
            raise InvalidIdError(name, value)
        out.append(quote(str(value), safe=""))
        used.add(name)
    if set(ids) - used:
        raise ValueError(f"api_path: {sorted(set(ids) - used)} not in {template!r}")
    return ApiPath("".join(out))


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

    def call(self, method: str, path: ApiPath, *, params: dict[str, Any] | None = None, json: Any = None,
             data: bytes | None = None, content_type: str | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        """The raw reply of a successful call; ApiError for 4xx, ServiceUnavailableError otherwise.

        PATH must come from api_path, so no value reaches a URL unchecked."""
        if not isinstance(path, ApiPath):
            raise TypeError("ApiClient.call takes a path built by api_path()")
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

    def _json(self, method: str, path: ApiPath, **kwargs: Any) -> Any:
        reply = self.call(method, path, **kwargs)
        try:
            return reply.json()
        except ValueError:
            raise ServiceUnavailableError(self.service, "answer is not JSON") from None

    def get(self, path: ApiPath, **params: Any) -> Any:
        return self._json("GET", path, params=params)

    def post(self, path: ApiPath, body: Any = None, **kwargs: Any) -> Any:
        return self._json("POST", path, json=body if body is not None else {}, **kwargs)

    def patch(self, path: ApiPath, body: Any, **kwargs: Any) -> Any:
        return self._json("PATCH", path, json=body, **kwargs)

    def put(self, path: ApiPath, body: Any, **kwargs: Any) -> Any:
        return self._json("PUT", path, json=body, **kwargs)
