"""Learning actions as calendar invitations (iCalendar, RFC 5546 iTIP) that mail clients put in the calendar.

One action keeps one UID for life; every change is sent with a higher SEQUENCE (a reschedule as a new
REQUEST, a cancellation as CANCEL), so Outlook and Gmail update the event instead of adding another.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

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
