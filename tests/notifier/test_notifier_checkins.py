"""Check-ins as real calendar invitations to both the employee and their manager: scheduled (REQUEST, SEQUENCE 0),
moved (REQUEST with a higher SEQUENCE, same UID), cancelled (CANCEL); parsed with `icalendar` from a real SMTP
server (aiosmtpd), each in the recipient's language."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notifier import kinds as k
from tests.notifier.conftest import Clock, make_delivery
from tests.notifier.notifier_helpers import Events

NOW = datetime(2027, 1, 4, 10, tzinfo=UTC)
SLOT = {"checkin_id": "c1", "on": "2027-03-01", "at": "10:00", "duration_minutes": 45, "location": "Kamer 2.14"}


def test_scheduled_moved_and_cancelled_check_ins_reach_both_as_one_calendar_event(store, rules, directory, smtp):
    store.choose("marieke", {"language": "en"})
    e = Events()
    events = [e("PlanStarted"), e("CheckInScheduled", "marieke", "manager", agenda=[], **SLOT),
              e("CheckInRescheduled", "karim", **{**SLOT, "on": "2027-03-08", "at": "14:30"}),
              e("CheckInCancelled", "marieke", "manager", checkin_id="c1")]
    store.apply_page(events, events[-1]["position"], rules.decide)
    make_delivery(store, directory, smtp.url, Clock(NOW)).run_once()
    for address, lang in (("karim@example.org", "nl"), ("marieke@example.org", "en")):
        mails = smtp.to(address)
        assert len(mails) == 3, address
        seen = []
        for mail in mails:
            assert mail.message["Content-Language"] == lang
            calendar, attachment = mail.calendars()
            assert calendar.to_ical() == attachment.to_ical()
            [event] = calendar.walk("VEVENT")
            assert sorted(str(a) for a in event.get("ATTENDEE")) == ["mailto:karim@example.org",
                                                                     "mailto:marieke@example.org"]
            [inline] = [p for p in mail.message.walk() if p.get_content_type() == "text/calendar"]
            assert inline.get_param("method") == str(calendar["METHOD"])
            seen.append((int(event["SEQUENCE"]), str(calendar["METHOD"]), str(event["UID"]),
                         event.decoded("DTSTART"), event.decoded("DTEND"), str(event["LOCATION"]),
                         str(event["STATUS"]), str(mail.message["Subject"]).strip()))
        seen.sort()
        uid = seen[0][2]
        assert uid == "checkin-plan-1-c1@groeipad"
        # 10:00 and 14:30 in Amsterdam (winter time, UTC+1)
        assert [s[:7] for s in seen] == [
            (0, "REQUEST", uid, datetime(2027, 3, 1, 9, tzinfo=UTC), datetime(2027, 3, 1, 9, 45, tzinfo=UTC),
             "Kamer 2.14", "CONFIRMED"),
            (1, "REQUEST", uid, datetime(2027, 3, 8, 13, 30, tzinfo=UTC), datetime(2027, 3, 8, 14, 15, tzinfo=UTC),
             "Kamer 2.14", "CONFIRMED"),
            (2, "CANCEL", uid, datetime(2027, 3, 8, 13, 30, tzinfo=UTC), datetime(2027, 3, 8, 14, 15, tzinfo=UTC),
             "Kamer 2.14", "CANCELLED")]
        subjects = [s[7] for s in seen]
        if lang == "nl":
            assert subjects[0] == "Ontwikkelgesprek van Karim Bouzid: 1 maart 2027 om 10:00"
            assert subjects[1].startswith("Gewijzigd: Ontwikkelgesprek van Karim Bouzid: 8 maart 2027")
            assert subjects[2].startswith("Geannuleerd: het ontwikkelgesprek van Karim Bouzid")
        else:
            assert subjects[0] == "Development conversation of Karim Bouzid: March 1, 2027 at 10:00"
            assert subjects[1].startswith("Changed: ")
            assert subjects[2].startswith("Cancelled: ")
    karim = smtp.to("karim@example.org")[0]
    assert "https://groeipad.example.org/plans/plan-1/checkins/c1" in karim.text
    assert "https://groeipad.example.org/team/plans/plan-1/checkins/c1" in smtp.to("marieke@example.org")[0].text
    assert "List-Unsubscribe" not in karim.message  # an invitation is not unsubscribed from
    assert {n.kind for n in store.inbox("karim", unread_only=False, limit=10, offset=0)[0]} == {k.CHECKIN_INVITE}


def test_a_check_in_of_someone_forgotten_is_no_longer_followed(store, rules, directory):
    e = Events()
    events = [e("PlanStarted"), e("CheckInScheduled", "marieke", "manager", agenda=[], **SLOT), e.erased("karim"),
              e("CheckInRescheduled", "marieke", "manager", **{**SLOT, "on": "2027-03-08"})]
    store.apply_page(events, events[-1]["position"], rules.decide)
    assert store.inbox("marieke", unread_only=False, limit=10, offset=0)[0] == []
    assert store.person_data("karim")["notifications"] == []
