"""The plan's learning actions as an iCalendar file, one all-day event span per action."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from icalendar import Calendar, Event

from services.portal.i18n import as_date, number
from services.portal.vocabulary import label


def plan_calendar(plan: dict[str, Any], host: str) -> bytes:
    """Every planned or started action (and completed ones, for the record); cancelled ones are left out."""
    calendar = Calendar()
    calendar.add("prodid", "-//Groeipad//Portal//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Learning actions of %(name)s",
                                   name=plan.get("employee_name") or plan.get("employee_id")))
    stamp = datetime.now(UTC)
    for action in plan.get("actions") or []:
        if action.get("status") == "cancelled":
            continue
        start, end = as_date(action.get("planned_start")), as_date(action.get("planned_end"))
        if not start or not end:
            continue
        event = Event()
        event.add("uid", f"{action['action_id']}@{host.split(':')[0] or 'groeipad'}")
        event.add("dtstamp", stamp)
        event.add("summary", action.get("title", ""))
        event.add("dtstart", start)
        event.add("dtend", end + timedelta(days=1))  # DTEND of an all-day event is exclusive
        details = [label("means", action.get("means")), action.get("provider") or "",
                   _("%(hours)s hours", hours=number(action.get("hours"))),
                   label("action_status", action.get("status"))]
        event.add("description", " · ".join(str(d) for d in details if d))
        event.add("categories", [str(label("means", action.get("means")))])
        calendar.add_component(event)
    return calendar.to_ical()
