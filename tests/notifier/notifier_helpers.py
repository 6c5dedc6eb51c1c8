"""Feed events as the plan service publishes them, a directory of our own test people, and an SMTP server.

The SMTP server is aiosmtpd, a real implementation of the protocol running in the test process; what it
receives is parsed with the standard library and the calendar parts with `icalendar`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from icalendar import Calendar

PEOPLE = {
    "karim": {"id": "karim", "name": "Karim Bouzid", "email": "karim@example.org", "manager_id": "marieke"},
    "sophie": {"id": "sophie", "name": "Sophie Jansen", "email": "sophie@example.org", "manager_id": "petra"},
    "marieke": {"id": "marieke", "name": "Marieke de Vries", "email": "marieke@example.org", "manager_id": None},
    "petra": {"id": "petra", "name": "Petra Smit", "email": "petra@example.org", "manager_id": None},
}


class Directory:
    """The directory as the notifier sees it (its PlanDirectory answers the same from the plan service)."""

    def __init__(self, people: dict | None = None) -> None:
        self.people = {pid: dict(p) for pid, p in (people or PEOPLE).items()}

    def person(self, person_id: str, at_least: int = 0):
        return self.people.get(person_id)


class OverdueAnswers:
    """What the plan service's GET /actions/overdue answers per day, as a test states it. The rule itself is the
    plan service's (tests/api/test_overdue_actions_api.py); the notifier's client against the real service is in
    tests/notifier/test_notifier_overdue_source.py."""

    def __init__(self) -> None:
        self.by_day: dict = {}

    def overdue(self, day):
        return iter(self.by_day.get(day, []))

    def late(self, day, *, end: str, days: int, employee: str = "karim", manager: str | None = "marieke",
             plan_id: str = "plan-1", action_id: str = "a1", start: str = "2027-02-01") -> None:
        self.by_day.setdefault(day, []).append(
            {"plan_id": plan_id, "action_id": action_id, "employee_id": employee, "manager_id": manager,
             "status": "planned", "means": "mooc", "planned_start": start, "planned_end": end, "days_overdue": days})


class Events:
    """Builds consecutive feed events for one plan."""

    def __init__(self, employee: str = "karim", plan_id: str = "plan-1", start: int = 0) -> None:
        self.employee, self.plan_id, self.position, self.version = employee, plan_id, start, 0

    def __call__(self, type_: str, actor: str | None = None, role: str = "employee", **payload) -> dict:
        self.position += 1
        self.version += 1
        return {"type": type_, "schema_version": 1, "position": self.position, "plan_id": self.plan_id,
                "employee_id": self.employee, "plan_version": self.version,
                "occurred_at": f"2027-01-04T09:00:{self.position % 60:02d}+00:00",
                "actor": {"subject": actor or self.employee, "role": role}, "reason": None,
                "payload": payload, "request_id": None}

    def erased(self, person: str) -> dict:
        self.position += 1
        return {"type": "PersonErased", "schema_version": 1, "position": self.position, "plan_id": "",
                "employee_id": person, "plan_version": 1, "occurred_at": "2027-01-04T10:00:00+00:00",
                "actor": {"subject": "hanna", "role": "hr"}, "reason": None, "payload": {}, "request_id": None}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()

    def calendars(self) -> list[Calendar]:
        """Every text/calendar part and .ics attachment, parsed."""
        found = []
        for part in self.message.walk():
            if part.get_content_type() in {"text/calendar", "application/ics"}:
                found.append(Calendar.from_ical(part.get_payload(decode=True)))
        return found


@dataclass
class SmtpRecorder:
    """aiosmtpd handler that keeps what it accepted; FAIL_NEXT answers the next DATA commands with a code."""

    received: list[Received] = field(default_factory=list)
    fail_next: list[str] = field(default_factory=list)
    block_after: int | None = None  # from this many accepted messages on, DATA waits for GATE (kill a client mid-send)
    gate: threading.Event = field(default_factory=threading.Event)
    waiting: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.block_after is not None and len(self.received) >= self.block_after and not self.gate.is_set():
            self.waiting.set()
            await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
            return "451 try again later"  # the client is gone; this message was never accepted
        if self.fail_next:
            return self.fail_next.pop(0)
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.envelope_to]


def start_smtp(recorder: SmtpRecorder, **kwargs) -> Controller:
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller
