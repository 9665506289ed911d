"""A real SMTP server (aiosmtpd) in the test process, and helpers to read what it received."""

from __future__ import annotations

import re
import socket
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


class Inbox:
    """Collects every message the server accepts."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list = []
        self.fail_next = 0      # answer 451 (a transient failure) to this many DATA commands
        self.refuse = False     # answer 550 to every DATA command

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 5.7.1 refused by the test"
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 try again later"
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"expected {count} message(s), got {len(self.messages)}"
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message: EmailMessage, base: str = "") -> str:
    """Return the path of the first link in the message's plain-text body."""
    link = LINK.search(text_of(message)).group(0)
    return link[len(base):] if base and link.startswith(base) else re.sub(r"^https?://[^/]+", "", link)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(inbox: Inbox, **kwargs) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@pytest.fixture
def smtp_server():
    """Start aiosmtpd on a free loopback port; yield (inbox, url)."""
    inbox = Inbox()
    controller, port = start_server(inbox)
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()
