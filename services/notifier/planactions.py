"""The plan service's overdue actions, asked page by page with a service token.

The overdue rule lives once, in the plan service (GET /api/v1/actions/overdue, from its views); the sweep asks it
for the sweep clock's day instead of judging dates itself. Pages are read by offset: an action that stops being
overdue between two pages may push another past a page boundary, which the next sweep (a minute later) finds;
notification ids are stable, so an action seen twice is notified once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any, Protocol

import requests

from services.notifier.directory import DirectoryUnavailableError, ServiceToken


class OverdueSource(Protocol):
    def overdue(self, day: date) -> Iterator[dict[str, Any]]: ...


class PlanClient:
    """GET on the plan service with the notifier's service token; an answer other than 200 is the plan service
    being unavailable to the sweep, which then tries again on its next round."""

    def __init__(self, base_url: str, token: ServiceToken | None = None, session: requests.Session | None = None,
                 timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token or ServiceToken()
        self.session = session or requests.Session()
        self.timeout = timeout

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        try:
            response = self.session.get(f"{self.base_url}{path}", params=params, timeout=self.timeout, headers={
                "Authorization": self.token.header(), "X-Request-ID": f"notifier-{uuid.uuid4().hex}"})
        except requests.RequestException as error:
            raise DirectoryUnavailableError(f"plan service unreachable: {error}") from None
        if response.status_code != 200:
            raise DirectoryUnavailableError(f"{path} answered {response.status_code}")
        return response.json()


class PlanActions(PlanClient):
    """GET /api/v1/actions/overdue?on=DAY, every page: {plan_id, action_id, employee_id, manager_id, status,
    planned_start, planned_end, days_overdue}."""

    def __init__(self, base_url: str, token: ServiceToken | None = None, session: requests.Session | None = None,
                 timeout: float = 10.0, page_size: int = 500) -> None:
        super().__init__(base_url, token, session, timeout)
        self.page_size = page_size

    def overdue(self, day: date) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self._page(day, offset)
            yield from page["items"]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return

    def _page(self, day: date, offset: int) -> dict[str, Any]:
        return self._get("/api/v1/actions/overdue", on=day.isoformat(), limit=self.page_size, offset=offset)


class CycleSource(Protocol):
    def running(self) -> list[dict[str, Any]]: ...

    def people_due(self, cycle_id: str, kind: str, day: date) -> list[dict[str, Any]]: ...

    def dashboard(self, cycle_id: str, day: date) -> dict[str, Any]: ...


class PlanCycles(PlanClient):
    """The plan service's development cycles as the sweep needs them: which run, who has a milestone still to do
    on a day, and the dashboard's totals per milestone (whose rules are the plan service's)."""

    def running(self) -> list[dict[str, Any]]:
        """Open cycles with their milestones and HR owner."""
        listed = self._get("/api/v1/cycles")["items"]
        return [self._get(f"/api/v1/cycles/{c['cycle_id']}") for c in listed if c["status"] != "closed"]

    def people_due(self, cycle_id: str, kind: str, day: date) -> list[dict[str, Any]]:
        return self._get(f"/api/v1/cycles/{cycle_id}/people", milestone=kind, state="due", on=day.isoformat())["items"]

    def dashboard(self, cycle_id: str, day: date) -> dict[str, Any]:
        return self._get(f"/api/v1/cycles/{cycle_id}/dashboard", on=day.isoformat())
