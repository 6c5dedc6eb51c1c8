"""Delivery to a real SMTP server (aiosmtpd): the mails as they arrive, parsed, with their calendar parts."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from datetime import UTC, datetime

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.notifier import kinds as k
from services.notifier.delivery import Delivery, DeliverySettings, Unsubscribe
from services.notifier.mailer import SmtpSender, SmtpSettings
from tests.conftest import TEST_SECRET
from tests.notifier.conftest import Clock, make_delivery, make_sweep
from tests.notifier.notifier_helpers import Events, SmtpRecorder, start_smtp

NOW = datetime(2027, 1, 4, 10, tzinfo=UTC)


def feed(store, rules, events):
    store.apply_page(events, events[-1]["position"], rules.decide)


def story(e):
    return [e("PlanStarted"), e("PlanSubmittedForReview", note="Graag <b>voor</b> vrijdag"),
            e("PlanReviewed", "marieke", "manager", outcome="approved", comment="")]


def test_a_review_request_reaches_the_manager_as_text_and_html_in_dutch(store, rules, directory, smtp):
    feed(store, rules, story(Events()))
    assert make_delivery(store, directory, smtp.url, Clock(NOW)).run_once() == 2
    [mail] = smtp.to("marieke@example.org")
    assert mail.message["Subject"] == "Karim Bouzid vraagt je het ontwikkelplan te beoordelen"
    assert mail.message["Content-Language"] == "nl"
    assert "Graag <b>voor</b> vrijdag" in mail.text
    assert "Graag &lt;b&gt;voor&lt;/b&gt; vrijdag" in mail.html  # escaped, never markup
    assert "https://groeipad.example.org/team/plans/plan-1" in mail.text
    assert 'href="https://groeipad.example.org/team/plans/plan-1"' in mail.html
    assert "List-Unsubscribe" not in mail.message  # a review request cannot be unsubscribed
    [approved] = smtp.to("karim@example.org")
    assert approved.message["Subject"] == "Je ontwikkelplan is goedgekeurd"


def test_the_recipients_language_and_an_unsubscribe_link_that_works(store, rules, directory, smtp):
    store.choose("karim", {"language": "en"})
    e = Events()
    feed(store, rules, [e("PlanStarted"), e("FeedbackReceived", "marieke", "manager", source="manager", text="x")])
    make_delivery(store, directory, smtp.url, Clock(NOW)).run_once()
    [mail] = smtp.to("karim@example.org")
    assert mail.message["Subject"] == "New feedback on your development plan"
    assert "You received feedback (manager)." in mail.text
    link = mail.message["List-Unsubscribe"].strip("<>")
    assert link in mail.text and link in mail.html
    assert "List-Unsubscribe-Post" not in mail.message  # the portal confirms first: no one-click promise
    token = link.rsplit("/", 1)[1]
    assert Unsubscribe(TEST_SECRET).read(token) == ("karim", k.FEEDBACK_RECEIVED)
    assert Unsubscribe("another-secret-of-another-deployment").read(token) is None


def test_invitations_are_real_calendar_requests_updates_and_cancellations(store, rules, directory, smtp):
    e = Events()
    feed(store, rules, [e("PlanStarted"),
                        e("LearningActionPlanned", action_id="a1", title="Excel voor gevorderden",
                          planned_start="2027-02-01", planned_end="2027-02-05"),
                        e("LearningActionRescheduled", action_id="a1", planned_start="2027-02-08",
                          planned_end="2027-02-12"),
                        e("LearningActionCancelled", action_id="a1")])
    make_delivery(store, directory, smtp.url, Clock(NOW)).run_once()
    mails = smtp.to("karim@example.org")
    assert len(mails) == 3
    seen = []
    for mail in mails:
        calendar_part, attachment = mail.calendars()
        assert calendar_part.to_ical() == attachment.to_ical()
        [event] = calendar_part.walk("VEVENT")
        assert event["ORGANIZER"] == "mailto:groeipad@example.org"
        assert str(event["ATTENDEE"]) == "mailto:karim@example.org"
        [inline] = [p for p in mail.message.walk() if p.get_content_type() == "text/calendar"]
        assert inline.get_param("method") == str(calendar_part["METHOD"])  # what Outlook and Gmail look at
        seen.append((str(calendar_part["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]),
                     event.decoded("DTSTART"), event.decoded("DTEND"), str(event["STATUS"])))
    seen.sort(key=lambda s: s[2])
    uid = seen[0][1]
    assert seen == [("REQUEST", uid, 0, dt.date(2027, 2, 1), dt.date(2027, 2, 6), "CONFIRMED"),
                    ("REQUEST", uid, 1, dt.date(2027, 2, 8), dt.date(2027, 2, 13), "CONFIRMED"),
                    ("CANCEL", uid, 2, dt.date(2027, 2, 8), dt.date(2027, 2, 13), "CANCELLED")]


def test_each_person_chooses_immediately_digest_or_portal_only(store, rules, directory, smtp):
    store.choose("karim", {k.PLAN_REVIEWED: k.PORTAL, k.FEEDBACK_RECEIVED: k.DIGEST})
    e = Events()
    feed(store, rules, [*story(e), e("FeedbackReceived", "marieke", "manager", source="manager", text="x")])
    delivery = make_delivery(store, directory, smtp.url, Clock(NOW))
    delivery.run_once()
    assert smtp.to("karim@example.org") == []
    states = {n.kind: n.state for n in store.inbox("karim", unread_only=False, limit=10, offset=0)[0]}
    assert states == {k.PLAN_REVIEWED: "portal", k.FEEDBACK_RECEIVED: "digest"}
    assert store.unread("karim") == 2  # both are in the notification centre
    make_sweep(store, directory, Clock(datetime(2027, 1, 5, 8, tzinfo=UTC))).run()
    delivery.clock = Clock(datetime(2027, 1, 5, 8, tzinfo=UTC))
    delivery.run_once()
    [digest] = smtp.to("karim@example.org")
    assert digest.message["Subject"] == "Je Groeipad-overzicht van 2027-01-05"
    assert "Nieuwe feedback op je ontwikkelplan" in digest.text
    assert "List-Unsubscribe" in digest.message


def test_temporary_failures_are_retried_with_back_off_and_sent_once(store, rules, directory, smtp):
    smtp.fail_next = ["451 4.3.0 try later", "421 4.7.0 busy"]
    feed(store, rules, [Events()("PlanStarted"), *story(Events(start=1))[1:2]])
    clock = Clock(NOW)
    delivery = make_delivery(store, directory, smtp.url, clock, backoff_seconds=60)
    assert delivery.run_once() == 0
    [waiting] = store.inbox("marieke", unread_only=False, limit=10, offset=0)[0]
    assert waiting.state == "pending" and store.due(clock.now, 10) == []
    clock.now = datetime(2027, 1, 4, 10, 1, tzinfo=UTC)
    assert delivery.run_once() == 0  # the second failure: now two minutes
    clock.now = datetime(2027, 1, 4, 10, 2, 30, tzinfo=UTC)
    assert delivery.run_once() == 0
    clock.now = datetime(2027, 1, 4, 10, 3, 1, tzinfo=UTC)
    assert delivery.run_once() == 1
    assert delivery.run_once() == 0
    assert len(smtp.to("marieke@example.org")) == 1


def test_a_permanent_refusal_is_recorded_and_not_retried(store, rules, directory, smtp):
    smtp.fail_next = ["554 5.7.1 rejected"]
    feed(store, rules, story(Events())[:2])
    delivery = make_delivery(store, directory, smtp.url, Clock(NOW))
    delivery.run_once()
    [failed] = store.inbox("marieke", unread_only=False, limit=10, offset=0)[0]
    assert failed.state == "failed" and smtp.received == []


def test_an_unreachable_server_pauses_delivery_and_uses_up_no_attempt(store, rules, directory, smtp):
    e = Events()
    feed(store, rules, [e("PlanStarted"), e("PlanSubmittedForReview", note=""),
                        e("PlanReviewed", "marieke", "manager", outcome="approved", comment="")])
    delivery = make_delivery(store, directory, "smtp://127.0.0.1:9", Clock(NOW))
    assert delivery.run_once() == 0
    pending = store.due(NOW, 10)
    assert len(pending) == 2 and all(n.attempts == 0 for n in pending), "one failed connection, not one per mail"
    delivery.sender = SmtpSender(SmtpSettings.from_url(smtp.url))
    assert delivery.run_once() == 0 and smtp.received == []  # paused: no hammering of a server that is away
    after_the_pause = make_delivery(store, directory, smtp.url, Clock(NOW))
    assert after_the_pause.run_once() == 2 and len(smtp.received) == 2


def test_deactivated_or_unknown_people_get_nothing(store, rules, directory, smtp):
    directory.people["marieke"]["active"] = False
    directory.people["marieke"] = None  # the directory answers as PlanDirectory does for an inactive person
    feed(store, rules, story(Events()))
    make_delivery(store, directory, smtp.url, Clock(NOW)).run_once()
    assert smtp.to("marieke@example.org") == []
    assert len(smtp.to("karim@example.org")) == 1


def test_an_erased_person_gets_nothing_even_what_was_already_queued(store, rules, directory, smtp):
    e = Events()
    feed(store, rules, story(e))
    feed(store, rules, [e.erased("karim")])
    make_delivery(store, directory, smtp.url, Clock(NOW)).run_once()
    assert smtp.received == []  # the request about karim to marieke is gone as well


def make_certificate(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "smtp.crt", tmp_path / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Accounts:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"groeipad", b"s3cr:t")
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself


@pytest.mark.parametrize("password", ["s3cr%3At", "wrong"])
def test_starttls_and_authentication(store, rules, directory, tmp_path, password):
    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = SmtpRecorder()
    controller = start_smtp(recorder, tls_context=context, require_starttls=True, authenticator=Accounts(),
                            auth_required=True, auth_require_tls=True)
    try:
        feed(store, rules, story(Events())[:2])
        url = f"smtp://groeipad:{password}@127.0.0.1:{controller.port}?starttls=require"
        delivery = Delivery(store, directory, SmtpSender(SmtpSettings.from_url(url, ca_file=str(cert))),
                            Unsubscribe(TEST_SECRET), DeliverySettings(sender="groeipad@example.org"), Clock(NOW))
        settled = delivery.run_once()
    finally:
        controller.stop()
    if password == "wrong":
        assert settled == 0 and recorder.received == []
        [waiting] = store.inbox("marieke", unread_only=False, limit=10, offset=0)[0]
        assert waiting.state == "pending" and waiting.attempts == 0  # delivery pauses: the password may be fixed
    else:
        assert settled == 1 and len(recorder.to("marieke@example.org")) == 1
