"""Notifications: written to the outbox when a note is ready or failed and when a step is decided,
read by the app with `since`, handed to a push gateway (a real HTTP server on 127.0.0.1 here), and
never carrying what a locked phone's screen should not show."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from declarations import notifications, pipeline, privacy, services
from declarations.categories import Category, Kind
from declarations.hours import local_date
from declarations.models import Beneficiary, Counsellor, Declaration, Notification, Step
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory


def test_a_processed_note_tells_its_owner_it_is_ready(jeune: Beneficiary) -> None:
    note = DeclarationFactory(
        beneficiary=jeune, status=Declaration.Status.RECEIVED, transcript="Hier j'ai postulé chez Lidl."
    )

    assert pipeline.process_declaration(note.pk) == Declaration.Status.TO_CONFIRM

    sent = Notification.objects.get()
    assert (sent.user, sent.kind, sent.declaration) == (jeune.user, "ready", note)
    day = local_date(note.recorded_at).strftime("%d/%m/%Y")
    assert (sent.title, sent.body) == (
        "Votre note est prête",
        f"Vérifiez ce qui a été compris dans votre note du {day}, puis envoyez-la.",
    )


def test_a_failed_note_tells_its_owner(jeune: Beneficiary, tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    note = DeclarationFactory(beneficiary=jeune, source=Declaration.Source.AUDIO, transcript="", status="received")
    note.audio.save("note", ContentFile(b"pas du son\n" * 50), save=True)

    assert pipeline.process_declaration(note.pk) == Declaration.Status.FAILED

    assert list(Notification.objects.values_list("kind", "declaration_id")) == [("failed", note.pk)]


def test_decisions_are_notified_without_saying_what_the_step_was(jeune: Beneficiary, conseiller: Counsellor) -> None:
    note = DeclarationFactory(beneficiary=jeune, status=Declaration.Status.SUBMITTED)
    health = StepFactory(
        declaration=note, category=Category.SANTE, kind=Kind.RENDEZ_VOUS_MEDICAL, organization="CMP Lyon 3",
        evidence="rendez-vous au CMP pour mon traitement",
    )
    job = StepFactory(declaration=note, position=1, organization="Decathlon")

    services.review_step(step=health, reviewer=conseiller.user, decision=Step.Decision.VALIDATED)
    services.review_step(step=job, reviewer=conseiller.user, decision=Step.Decision.REJECTED, comment="Pas de preuve, désolée")

    told = list(Notification.objects.filter(user=jeune.user).values_list("kind", "step_id", "title", "body"))
    assert [(kind, step) for kind, step, _, _ in told] == [("step_validated", health.pk), ("step_rejected", job.pk)]
    text = json.dumps(told, ensure_ascii=False)
    for private in ("CMP", "traitement", "santé", "Santé", "Decathlon", "preuve", "conseiller@"):
        assert private not in text
    assert "commentaire" in told[1][3]


def test_the_app_reads_its_own_notifications_since_a_moment(
    jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor
) -> None:
    mine = DeclarationFactory(beneficiary=jeune)
    old = notifications.notify(user=jeune.user, kind="ready", declaration=mine)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    new = notifications.notify(user=jeune.user, kind="failed", declaration=mine)
    notifications.notify(user=other_jeune.user, kind="ready", declaration=DeclarationFactory(beneficiary=other_jeune))

    everything = api_for(jeune).get("/api/v1/notifications/")
    assert everything.status_code == 200
    assert [n["id"] for n in everything.json()] == [old.pk, new.pk]
    since = api_for(jeune).get("/api/v1/notifications/", {"since": (timezone.now() - timedelta(hours=1)).isoformat()})
    assert [n["id"] for n in since.json()] == [new.pk]
    assert since.json()[0]["declaration_id"] == mine.pk

    bad = api_for(jeune).get("/api/v1/notifications/", {"since": "hier"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert APIClient().get("/api/v1/notifications/").status_code == 401


class _Gateway(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, Any]]] = []
    answer = 200

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.headers["Authorization"], body))
        self.send_response(type(self).answer)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[tuple[str, type[_Gateway]]]:
    handler = type("Gateway", (_Gateway,), {"received": [], "answer": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/push", handler
    server.shutdown()
    server.server_close()


def test_the_push_gateway_gets_each_notification_once_and_a_refusal_is_tried_again(
    jeune: Beneficiary, gateway: tuple[str, type[_Gateway]]
) -> None:
    url, handler = gateway
    note = DeclarationFactory(beneficiary=jeune)
    first = notifications.notify(user=jeune.user, kind="ready", declaration=note)
    push = notifications.HttpPushGateway(url=url, token="jeton")

    handler.answer = 503
    assert notifications.deliver_pending(push) == 0
    first.refresh_from_db()
    assert first.delivered_at is None

    handler.answer = 200
    assert notifications.deliver_pending(push) == 1
    assert notifications.deliver_pending(push) == 0  # delivered ones are not sent again
    first.refresh_from_db()
    assert first.delivered_at is not None
    authorizations = {auth for auth, _ in handler.received}
    assert authorizations == {"Bearer jeton"}
    assert handler.received[-1][1] == {
        "id": first.pk, "user": jeune.user.pk, "kind": "ready", "title": first.title, "body": first.body,
        "declaration": note.pk,
    }


def test_with_no_push_configured_the_outbox_is_only_read(jeune: Beneficiary) -> None:
    notifications.notify(user=jeune.user, kind="ready", declaration=DeclarationFactory(beneficiary=jeune))
    assert isinstance(notifications.adapter(), notifications.OutboxOnly)
    assert notifications.deliver_pending() == 0
    assert Notification.objects.get().delivered_at is None


def test_erasure_takes_the_notifications_away(jeune: Beneficiary) -> None:
    notifications.notify(user=jeune.user, kind="ready", declaration=DeclarationFactory(beneficiary=jeune))
    privacy.erase_beneficiary(beneficiary=jeune, requested_by=None)
    assert not Notification.objects.exists()


def test_the_young_persons_export_holds_their_notifications(jeune: Beneficiary, other_jeune: Beneficiary) -> None:
    mine = notifications.notify(user=jeune.user, kind="ready", declaration=DeclarationFactory(beneficiary=jeune))
    notifications.notify(user=other_jeune.user, kind="failed", declaration=DeclarationFactory(beneficiary=other_jeune))

    exported = privacy.export_beneficiary_data(jeune)["notifications"]

    assert [(n["kind"], n["body"], n["declaration"]) for n in exported] == [("ready", mine.body, mine.declaration_id)]
