"""The embedded mail sink of `make run`: every message it accepts becomes one .eml file, whole."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage

from services.notifier.mailsink import start_sink
from tests.notifier.notifier_helpers import free_port


def test_every_accepted_message_is_one_eml_file(tmp_path):
    folder = tmp_path / "mail"
    port = free_port()
    controller = start_sink("127.0.0.1", port, folder)
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for number in range(3):
                message = EmailMessage()
                message["From"], message["To"] = "groeipad@localhost", "karim@example.org"
                message["Subject"], message["Message-ID"] = f"Bericht {number}", f"<m{number}@groeipad>"
                message.set_content(f"Inhoud {number} \u2013 met een streepje")
                smtp.send_message(message)
    finally:
        controller.stop()
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 3 and not list(folder.glob(".*"))  # no half-written leftovers
    parsed = sorted(str(message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"]) for f in files)
    assert parsed == ["Bericht 0", "Bericht 1", "Bericht 2"]
    body = message_from_bytes(files[0].read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    assert "met een streepje" in body
