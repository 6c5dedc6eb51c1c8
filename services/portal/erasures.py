"""The portal follows the plan feed for `PersonErased` and for (de)activations: one rule, whichever door.

A person is erased by the plan service (the API, the portal's HR page, `groeipad erase-person`,
retention); the feed carries the fact to every service that holds something about them. Here it
closes the portal account for good and ends its sessions, as the recommender's follower drops the
person from its read model. A `PersonUpdated` with `active` false (SCIM deprovisioning or
deactivation) blocks the account's sign-in and ends its sessions; `active` true lets it sign in
again. The position is tracked in the portal store and saved after the page's erasures, so a crash
repeats a page at worst, and erasing or deactivating an account twice changes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from services.portal.accounts import PortalStore
from services.portal.api_client import ApiClient, ApiError, ServiceUnavailableError, Transport, api_path
from shared.auth import TokenSettings, issue_token
from shared.contracts import parse_page, upgrade

log = logging.getLogger(__name__)
SUBJECT = "portal-erasures"
POSITION_ID: UUID = uuid5(NAMESPACE_URL, "groeipad:portal:feed-position")


class FeedPosition(Aggregate):
    """How far the portal has read the plan feed."""

    @staticmethod
    def create_id() -> UUID:
        return POSITION_ID

    @event("Started")
    def __init__(self) -> None:
        self.position = 0

    @event("Advanced")
    def advance(self, position: int) -> None:
        self.position = position


class ErasureFollower:
    """Reads feed pages after the stored position and erases the portal account of each erased person."""

    def __init__(self, store: PortalStore, feed: Callable[[int, int], dict], limit: int = 500):
        self.store, self.feed, self.limit = store, feed, limit

    def position(self) -> int:
        return self._record().position

    def _record(self) -> FeedPosition:
        try:
            return self.store.repository.get(POSITION_ID)
        except AggregateNotFoundError:
            return FeedPosition()

    def run_once(self) -> tuple[int, bool]:
        """One page: (accounts erased, whether more pages wait)."""
        record = self._record()
        page = self.feed(record.position, self.limit)
        events = [upgrade(e) for e in page["events"] if e["position"] > record.position]
        erased = 0
        for item in events:
            if item["type"] == "PersonErased" and self.store.erase_account(item["employee_id"], actor="plan-feed"):
                erased += 1
            elif item["type"] == "PersonUpdated" and isinstance(item["payload"].get("active"), bool):
                self.store.set_deactivated(item["employee_id"], not item["payload"]["active"], actor="plan-feed")
        position = max([page["next_after"], *(e["position"] for e in events)])
        if position > record.position:
            record.advance(position)
            try:
                self.store.save(record)
            except IntegrityError:
                pass  # another worker saved the same page's position; its erasures are the same
        return erased, page["head"] > position

    def catch_up(self) -> int:
        erased, more = self.run_once()
        while more:
            done, more = self.run_once()
            erased += done
        return erased


def plan_feed(base_url: str, transport: Transport, tokens: TokenSettings,
              timeout: float = 10.0) -> Callable[[int, int], dict]:
    """The plan service's feed with a short-lived service token, through the portal's API client."""
    api = ApiClient("plan", base_url, lambda: issue_token(tokens, SUBJECT, ["service"], ttl_seconds=300),
                    transport, timeout)

    def page(after: int, limit: int) -> dict:
        return parse_page(api.get(api_path("/feed"), after=after, limit=limit))

    return page


def follow_in_background(follower: ErasureFollower, every_seconds: float) -> threading.Event:
    """Poll in a daemon thread of this worker until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_seconds):
            try:
                follower.catch_up()
            except (ServiceUnavailableError, ApiError, ValueError) as error:
                log.warning("plan feed not readable for erasures: %s", error)
            except Exception:  # a database hiccup: try again on the next round
                log.exception("following erasures failed")

    threading.Thread(target=loop, name="portal-erasures", daemon=True).start()
    return stop
