"""Learning actions and check-ins as calendar invitations (iCalendar, RFC 5546 iTIP) that mail clients put in
the calendar.

One action keeps one UID for life; every change is sent with a higher SEQUENCE (a reschedule as a new
REQUEST, a cancellation as CANCEL), so Outlook and Gmail update the event instead of adding another.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText


def action_uid(action_id: str) -> str:
    return f"action-{action_id}@groeipad"


def invitation(*, action_id: str, title: str, start: str, end: str, sequence: int, method: str,
               organizer: str, attendee: str, stamp: datetime, description: str = "", url: str = "") -> bytes:
    """An all-day event span from START to END (inclusive ISO dates) as a METHOD (REQUEST or CANCEL) calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Groeipad//Notifier//NL")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", action_uid(action_id))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", date.fromisoformat(start))
    event.add("dtend", date.fromisoformat(end) + timedelta(days=1))  # exclusive for all-day events
    event.add("summary", title)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a learning action over weeks should not block the whole calendar
    who = vCalAddress(f"mailto:{organizer}")
    who.params["cn"] = vText("Groeipad")
    event["organizer"] = who
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params.update({"role": vText("REQ-PARTICIPANT"), "partstat": vText("ACCEPTED"), "rsvp": vText("FALSE")})
    event.add("attendee", guest)
    calendar.add_component(event)
    return calendar.to_ical()


def checkin_uid(plan_id: str, checkin_id: str) -> str:
    return f"checkin-{plan_id}-{checkin_id}@groeipad"


def checkin_invitation(*, plan_id: str, checkin_id: str, summary: str, on: str, at: str, duration_minutes: int,
                       location: str, sequence: int, method: str, organizer: str, attendees: list[tuple[str, str]],
                       stamp: datetime, zone: str, description: str = "", url: str = "") -> bytes:
    """A check-in at ON AT (local time in ZONE, sent as UTC) for DURATION_MINUTES, with both people as attendees
    (name, address); a change is a REQUEST with a higher SEQUENCE, a cancellation a CANCEL."""
    start = datetime.fromisoformat(f"{on}T{at}").replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Groeipad//Notifier//NL")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", checkin_uid(plan_id, checkin_id))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=duration_minutes))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    who = vCalAddress(f"mailto:{organizer}")
    who.params["cn"] = vText("Groeipad")
    event["organizer"] = who
    for name, address in attendees:
        guest = vCalAddress(f"mailto:{address}")
        guest.params.update({"cn": vText(name or address), "role": vText("REQ-PARTICIPANT"),
                             "partstat": vText("NEEDS-ACTION"), "rsvp": vText("FALSE")})
        event.add("attendee", guest)
    calendar.add_component(event)
    return calendar.to_ical()
