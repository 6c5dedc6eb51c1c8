"""Delivery: pending notifications out by e-mail, into a digest, or only into the portal, as each person chose.

Each notification is settled in its own transaction right after the SMTP server's answer, and carries
its id as Message-ID: a crash, restart or SMTP failure before the server accepted a mail leaves it pending
and it is sent once later; after the server accepted it, it is marked sent before the next one goes. The
one window left is a crash between the server's "250 OK" and that commit (milliseconds); the mail then
goes again with the same Message-ID, which receiving systems use to recognise the repeat.
Temporary failures of one mail are retried with exponential back-off up to a limit; permanent ones are
recorded. When the server itself is away (refused connection, failed login), delivery pauses as a whole,
with doubling pauses, and no mail's attempts are used up by the outage.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from services.notifier import kinds as k
from services.notifier.directory import DirectoryUnavailableError
from services.notifier.invites import checkin_invitation, invitation
from services.notifier.mailer import DeliveryError, SmtpSender, compose
from services.notifier.messages import render
from services.notifier.rules import Directory
from services.notifier.store import Notification, NotifierStore
from services.notifier.sweep import Clock, utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliverySettings:
    sender: str = "groeipad@localhost"
    portal_url: str = "http://127.0.0.1:8000"
    default_language: str = "nl"
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    max_backoff_seconds: float = 6 * 3600.0
    timezone: str = "Europe/Amsterdam"  # check-in times are local times of the organisation


class Unsubscribe:
    """Signed unsubscribe tokens: the link in a mail is the permission to switch that kind off for that person."""

    def __init__(self, secret: str) -> None:
        self.serializer = URLSafeSerializer(secret, salt="groeipad-notifier-unsubscribe")

    def token(self, person_id: str, kind: str) -> str:
        return self.serializer.dumps({"p": person_id, "k": kind})

    def read(self, token: str) -> tuple[str, str] | None:
        try:
            data = self.serializer.loads(token)
        except BadSignature:
            return None
        if not isinstance(data, dict) or data.get("k") not in k.UNSUBSCRIBABLE or not isinstance(data.get("p"), str):
            return None
        return data["p"], data["k"]


class Delivery:
    def __init__(self, store: NotifierStore, directory: Directory, sender: SmtpSender, unsubscribe: Unsubscribe,
                 settings: DeliverySettings | None = None, clock: Clock = utc_now) -> None:
        self.store, self.directory, self.sender = store, directory, sender
        self.unsubscribe = unsubscribe
        self.settings = settings or DeliverySettings()
        self.clock = clock
        self.server_failures, self.paused_until = 0, 0.0

    def run_once(self, limit: int = 100) -> int:
        """Settle up to LIMIT due notifications; how many were settled (sent, digested, kept or dropped)."""
        settled = 0
        if time.monotonic() < self.paused_until:
            return 0
        try:
            for notification in self.store.due(self.clock(), limit):
                if self.deliver(notification):
                    settled += 1
                elif self.paused_until:
                    break
        except DirectoryUnavailableError as error:  # nothing was settled for this one: it stays pending
            log.warning("directory unavailable, delivery waits: %s", error)
        return settled

    def deliver(self, n: Notification) -> bool:
        if self.store.is_forgotten(n.recipient):
            self.store.settle(n.id, "dropped", error="person erased")
            return True
        person = self.directory.person(n.recipient)
        if person is None:
            self.store.settle(n.id, "dropped", error="not in the directory or not active")
            return True
        choices = self.store.choices(n.recipient)
        mode = k.IMMEDIATELY if n.kind == k.DAILY_DIGEST else choices.get(n.kind, k.IMMEDIATELY)
        if mode == k.PORTAL:
            self.store.settle(n.id, "portal")
            return True
        if mode == k.DIGEST:
            self.store.settle(n.id, "digest")
            return True
        address = person.get("email") or ""
        if not address:
            self.store.settle(n.id, "portal", error="no e-mail address in the directory")
            return True
        message = self._message(n, person, address, choices)
        try:
            self.sender.send(message)
        except DeliveryError as error:
            if error.server:
                self._pause(error)
            else:
                self._failed(n, error)
            return False
        self.server_failures, self.paused_until = 0, 0.0
        self.store.settle(n.id, "sent", sent_at=self.clock().isoformat(), attempts=n.attempts + 1)
        return True

    def _pause(self, error: DeliveryError) -> None:
        self.server_failures += 1
        wait = min(self.settings.max_backoff_seconds, 2.0 ** min(self.server_failures - 1, 20))
        self.paused_until = time.monotonic() + wait
        log.warning("SMTP server unavailable (%s); delivery pauses %.0fs", error, wait)

    def _failed(self, n: Notification, error: DeliveryError) -> None:
        attempts = n.attempts + 1
        if not error.temporary or attempts >= self.settings.max_attempts:
            log.error("notification %s failed for good after %s attempt(s): %s", n.id, attempts, error)
            self.store.settle(n.id, "failed", attempts=attempts, error=str(error)[:500])
            return
        wait = min(self.settings.max_backoff_seconds, self.settings.backoff_seconds * 2 ** (attempts - 1))
        retry = self.clock() + timedelta(seconds=wait)
        log.warning("notification %s not delivered (%s); retry %s at %s", n.id, error, attempts, retry.isoformat())
        self.store.settle(n.id, "pending", attempts=attempts, next_attempt=retry.isoformat(), error=str(error)[:500])

    def _message(self, n: Notification, person: dict, address: str, choices: dict[str, str]):
        lang = choices.get("language") or person.get("language") or self.settings.default_language
        portal = self.settings.portal_url.rstrip("/")
        unsubscribe = (f"{portal}/notifications/unsubscribe/{self.unsubscribe.token(n.recipient, n.kind)}"
                       if n.kind in k.UNSUBSCRIBABLE else None)
        items = self.store.in_digest(n.id) if n.kind == k.DAILY_DIGEST else None
        rendered = render(n, lang, self._name_of, portal, unsubscribe=unsubscribe, items=items)
        now = self.clock()
        calendar = None
        if n.kind == k.ACTION_INVITE:
            calendar = invitation(action_id=n.data["action_id"], title=n.data.get("title") or "",
                                  start=n.data["start"], end=n.data["end"], sequence=n.data.get("sequence", 0),
                                  method=n.data.get("method", "REQUEST"), organizer=self.settings.sender,
                                  attendee=address, stamp=_parse(n.created_at) or now, url=rendered.link)
        if n.kind == k.CHECKIN_INVITE:
            calendar = checkin_invitation(
                plan_id=n.data["plan_id"], checkin_id=n.data["checkin_id"], summary=rendered.subject,
                on=n.data["on"], at=n.data["at"], duration_minutes=n.data["duration_minutes"],
                location=n.data.get("location") or "", sequence=n.data.get("sequence", 0),
                method=n.data.get("method", "REQUEST"), organizer=self.settings.sender,
                attendees=self._attendees(n.data.get("attendees") or [n.recipient], n.recipient, person, address),
                stamp=_parse(n.created_at) or now, zone=self.settings.timezone, url=rendered.link)
        return compose(notification_id=n.id, sender=self.settings.sender, recipient=address,
                       recipient_name=person.get("name") or "", lang=lang, subject=rendered.subject,
                       text=rendered.text, html=rendered.html, sent_on=now, unsubscribe=unsubscribe,
                       calendar=calendar, method=n.data.get("method", "REQUEST"))

    def _attendees(self, ids: list[str], recipient: str, person: dict, address: str) -> list[tuple[str, str]]:
        """Both people of a check-in as (name, address); one without an address (or gone) is left out."""
        found = []
        for person_id in ids:
            entry = person if person_id == recipient else (
                None if self.store.is_forgotten(person_id) else self.directory.person(person_id))
            mail = address if person_id == recipient else (entry or {}).get("email")
            if entry and mail:
                found.append((entry.get("name") or "", mail))
        return found

    def _name_of(self, person_id: str) -> str:
        return (self.directory.person(person_id) or {}).get("name") or person_id


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
