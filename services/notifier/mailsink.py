"""The embedded mail server of `make run`: accepts every message over SMTP and writes it to var/mail/.

One .eml file per message (named by arrival time and a hash of its Message-ID), written atomically, so a
new user sees every mail without configuring anything and the portal's admin can browse them.
"""

from __future__ import annotations

import hashlib
import os
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class MailDirectoryHandler:
    """aiosmtpd handler: every accepted message becomes a file in DIRECTORY."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.original_content or envelope.content
        message_id = message_from_bytes(content, policy=policy.default).get("Message-ID", "") or repr(time.time_ns())
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-" \
               f"{hashlib.sha256(message_id.encode()).hexdigest()[:12]}.eml"
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(content)
        os.replace(temporary, self.directory / name)
        return "250 Message accepted for delivery"


def mail_directory() -> Path:
    from shared.config import data_dir

    return data_dir() / "mail"


def start_sink(host: str, port: int, directory: Path) -> Controller:
    controller = Controller(MailDirectoryHandler(directory), hostname=host, port=port)
    controller.start()
    return controller
