"""Completions read back from the LRS: statements about a catalogue offer complete the matching planned action.

The LRS is asked for statements with the verb `completed` or `passed`. One counts when its actor is a person
we know (our pseudonymous account, or an account of an LMS listed in XAPI_LMS_HOMEPAGES whose name is the
directory id) and its activity is an offer of the catalogue. The match is certain when the activity id is the
offer's Groeipad activity id or exactly its URL, and exactly one open action of the person is about that
offer: the plan service then records the completion (source "xapi"). When the URL only matches loosely
(scheme, `www.`, trailing slash, case) or several open actions are about the offer, the employee is asked
instead: a completion proposal on the plan that they accept or reject. Our own statements are skipped. Each
statement is handled once (its id is kept with the outcome); the plan service's Idempotency-Key (derived from
the statement id) makes a call repeated after a crash harmless.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from services.notifier.directory import ServiceToken
from services.xapi import statements as xs
from services.xapi.catalogue import Catalogue, offer_activity_id
from services.xapi.lrs import Lrs
from services.xapi.store import XapiStore

COMPLETING = {xs.VERBS["completed"], xs.VERBS["passed"]}
OVERLAP = timedelta(seconds=2)  # statements stored in the same instant as the last one read are read again
SINCE = "xapi_lrs_stored"  # the newest `stored` of a fully handled answer, in microseconds since 1970


class PlanUnavailableError(Exception):
    """The plan service did not answer; the statement is handled again later."""


class PlanClient:
    """The two calls the read-back makes on the plan service, with a service token."""

    def __init__(self, base_url: str, token: ServiceToken | None = None, session: requests.Session | None = None,
                 timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token or ServiceToken(subject="xapi")
        self.session = session or requests.Session()
        self.timeout = timeout

    def post(self, path: str, body: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        try:
            response = self.session.post(f"{self.base_url}/api/v1{path}", json=body, timeout=self.timeout,
                                         headers={"Authorization": self.token.header(), "Idempotency-Key": key,
                                                  "Prefer": "return=minimal",
                                                  "X-Request-ID": f"xapi-{uuid.uuid4().hex}"})
        except requests.RequestException as error:
            raise PlanUnavailableError(f"plan service unreachable: {error}") from None
        if response.status_code >= 500 or response.status_code in (401, 429):
            raise PlanUnavailableError(f"plan service answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return response.status_code, answer if isinstance(answer, dict) else {}

    def record_completion(self, plan_id: str, action_id: str, body: dict[str, Any], key: str):
        return self.post(f"/plans/{quote(plan_id, safe='')}/actions/{quote(action_id, safe='')}/record-completion",
                         body, key)

    def propose(self, plan_id: str, body: dict[str, Any], key: str):
        return self.post(f"/plans/{quote(plan_id, safe='')}/completion-proposals", body, key)


def loose(url: str) -> str:
    """URL compared loosely: no scheme, no `www.`, host in lower case, no trailing slash or fragment."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


class Readback:
    def __init__(self, store: XapiStore, lrs: Lrs, catalogue: Catalogue, plans: PlanClient, home_page: str,
                 lms_home_pages: list[str] | None = None, filtered: bool = True) -> None:
        """FILTERED: ask the LRS only for completions (`verb`) stored since the last answer (`since`), as the
        standard defines them. Off for an LRS whose filters do not: Ralph's file backend compares `since` with the
        statement's own timestamp (a completion an LMS reports late, dated the day it happened, would be missed) and
        matches no `verb`; every statement is then read each round and the ones read before are skipped."""
        self.store, self.lrs, self.catalogue, self.plans = store, lrs, catalogue, plans
        self.filtered = filtered
        self.home_page = home_page.rstrip("/")
        self.lms = {h.rstrip("/") for h in lms_home_pages or []}

    def run_once(self) -> int:
        """Handle the statements stored since the last one read; the number handled."""
        checkpoint = self.store.position(SINCE)
        if self.filtered:
            since = (datetime.fromtimestamp(checkpoint / 1e6, UTC) - OVERLAP).isoformat() if checkpoint else None
            answers = [self.lrs.statements(since=since, verb=verb) for verb in sorted(COMPLETING)]
        else:
            answers = [self.lrs.statements()]
        handled, newest = 0, checkpoint
        for raw in (statement for answer in answers for statement in answer):
            statement_id = str(raw.get("id", ""))
            stored = _micros(raw.get("stored"))
            newest = max(newest, stored or 0)
            if not statement_id or self.store.was_read(statement_id):
                continue
            outcome = self.handle(raw)
            self.store.mark_read(statement_id, str(raw.get("stored") or ""), outcome)
            handled += 1
        if newest > checkpoint:  # only after the whole answer was handled: an LRS need not answer oldest first
            self.store.move_position(SINCE, checkpoint, newest)
        return handled

    def handle(self, raw: dict[str, Any]) -> str:
        """What became of one statement: completed, proposed, or why it was left alone."""
        try:
            statement = xs.check(raw)
        except ValueError:
            return "not_understood"
        if statement["verb"]["id"] not in COMPLETING:
            return "not_a_completion"
        ours = (statement.get("context") or {}).get("platform") == xs.PLATFORM
        if ours or self.store.is_ours([str(statement["id"])]):
            return "ours"
        person = self.person(statement["actor"])
        if person is None:
            return "unknown_person"
        offers, certain = self.offers(statement["object"]["id"])
        if not offers:
            return "not_in_catalogue"
        candidates = [a for a in self.store.open_actions(person) if a["offer_id"] in offers]
        if not candidates:
            return "no_planned_action"
        body = self.completion(statement)
        key = f"xapi-{statement['id']}"
        if certain and len(candidates) == 1:
            action = candidates[0]
            status, answer = self.plans.record_completion(action["plan_id"], action["action_id"], body, key)
            return "completed" if status < 300 else f"refused:{status}:{_reason(answer)}"
        plan_id = candidates[0]["plan_id"]
        body.update(action_ids=[a["action_id"] for a in candidates if a["plan_id"] == plan_id],
                    match="activity" if certain else "url")
        status, answer = self.plans.propose(plan_id, body, key)
        return "proposed" if status < 300 else f"refused:{status}:{_reason(answer)}"

    def person(self, actor: dict[str, Any]) -> str | None:
        account = actor.get("account")
        if not account:
            return None
        home = account["homePage"].rstrip("/")
        if home == self.home_page:
            return self.store.person_of(account["name"])
        if home in self.lms:
            return account["name"]
        return None

    def offers(self, activity_id: str) -> tuple[set[str], bool]:
        """The catalogue offers ACTIVITY_ID names, and whether that is certain."""
        exact, near = set(), set()
        for offer in self.catalogue.offers():
            url = offer.get("url") or ""
            if activity_id in (offer_activity_id(self.home_page, offer["offer_id"]), url):
                exact.add(offer["offer_id"])
            elif url and loose(url) == loose(activity_id):
                near.add(offer["offer_id"])
        return (exact, True) if exact else (near, False)

    @staticmethod
    def completion(statement: dict[str, Any]) -> dict[str, Any]:
        when = statement.get("timestamp") or statement.get("stored") or datetime.now().astimezone().isoformat()
        body: dict[str, Any] = {"on": when[:10], "source": "xapi", "statement_id": str(statement["id"])}
        result = statement.get("result") or {}
        if statement["verb"]["id"] == xs.VERBS["passed"]:
            body["success"] = True
        elif isinstance(result.get("success"), bool):
            body["success"] = result["success"]
        if (result.get("score") or {}).get("scaled") is not None:
            body["score"] = result["score"]["scaled"]
        return body


def _micros(stored: Any) -> int | None:
    try:
        return int(datetime.fromisoformat(str(stored)).timestamp() * 1e6)
    except ValueError:
        return None


def _reason(answer: dict[str, Any]) -> str:
    errors = answer.get("errors") or []
    if errors and isinstance(errors[0], dict):
        return f"{errors[0].get('field')}: {errors[0].get('reason')}"[:200]
    return str(answer.get("message", ""))[:200]
