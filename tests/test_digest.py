"""The counsellors' morning email: how many notes wait, once a day, nothing about any young person."""

from __future__ import annotations

import socket
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django import Settings

from declarations import tasks
from declarations.models import Beneficiary, Counsellor, Declaration
from tests.factories import DeclarationFactory

MONDAY = timezone.make_aware(datetime(2026, 11, 30, 17, 0))


def _notes(jeune: Beneficiary) -> None:
    DeclarationFactory(
        beneficiary=jeune,
        status=Declaration.Status.SUBMITTED,
        submitted_at=MONDAY,
        transcript="Lundi j'ai vu le médecin pour mon asthme.",
    )
    DeclarationFactory(
        beneficiary=jeune, status=Declaration.Status.SUBMITTED, submitted_at=MONDAY + timedelta(days=1)
    )
    DeclarationFactory(beneficiary=jeune, status=Declaration.Status.TO_CONFIRM)  # not sent: not theirs yet
    DeclarationFactory(beneficiary=jeune, status=Declaration.Status.REVIEWED)


def test_a_counsellor_with_notes_waiting_gets_one_email_a_day_saying_how_many(
    jeune: Beneficiary, conseiller: Counsellor, conseiller_other_structure: Counsellor, settings: Settings
) -> None:
    settings.SITE_URL = "https://cej.example.fr"
    _notes(jeune)

    assert tasks.send_counsellor_digests() == 1

    (email,) = mail.outbox
    assert email.to == [conseiller.user.email]
    assert email.subject == "CEJ : 2 notes à traiter"
    assert "Bonjour Claire Martin," in email.body
    assert (
        "2 notes envoyées par vos jeunes attendent votre validation (la plus ancienne depuis le lundi 30 novembre)"
        in email.body
    )
    assert "https://cej.example.fr/conseiller/" in email.body
    # nothing about the young person: no name, no content
    for private in (jeune.user.first_name, jeune.user.last_name, jeune.user.username, "asthme", "médecin"):
        assert private not in email.body and private not in email.subject
    # once a day, however often beat runs it
    assert tasks.send_counsellor_digests() == 0
    assert len(mail.outbox) == 1


def test_nobody_without_notes_waiting_or_without_an_address_is_written_to(
    jeune: Beneficiary, conseiller: Counsellor
) -> None:
    DeclarationFactory(beneficiary=jeune, status=Declaration.Status.REVIEWED)
    assert tasks.send_counsellor_digests() == 0

    _notes(jeune)
    conseiller.user.email = ""
    conseiller.user.save()
    assert tasks.send_counsellor_digests() == 0
    assert mail.outbox == []


def test_the_next_day_brings_the_next_email(jeune: Beneficiary, conseiller: Counsellor) -> None:
    from declarations.digest import send_digests

    _notes(jeune)
    assert send_digests(today=date(2026, 12, 1)) == 1
    assert send_digests(today=date(2026, 12, 1)) == 0
    assert send_digests(today=date(2026, 12, 2)) == 1


@pytest.mark.integration
def test_the_email_goes_out_through_a_real_smtp_server(
    jeune: Beneficiary, conseiller: Counsellor, settings: Settings
) -> None:
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self) -> None:
            self.messages: list[Any] = []

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        _notes(jeune)

        assert tasks.send_counsellor_digests() == 1
    finally:
        controller.stop()

    (envelope,) = handler.messages
    assert envelope.rcpt_tos == [conseiller.user.email]
    received = message_from_bytes(envelope.content)
    assert str(make_header(decode_header(received["Subject"]))) == "CEJ : 2 notes à traiter"
    assert "attendent votre validation" in received.get_payload(decode=True).decode("utf-8")
