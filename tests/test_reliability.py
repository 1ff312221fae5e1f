"""Nothing lost, nothing twice: a worker killed mid-transcription, the stuck sweep, reprocessing."""

from __future__ import annotations

import os
import signal
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from declarations import pipeline
from declarations.models import Declaration
from tests.factories import BeneficiaryFactory, DeclarationFactory
from tests.workers import require_real_services, start_worker

LONG_NOTE = "v020.m4a"  # about 23 s of speech: a wide window to kill the worker mid-transcription


def _wait_for(predicate: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def _status(declaration_id: int) -> str:
    return Declaration.objects.values_list("status", flat=True).get(pk=declaration_id)


@pytest.mark.integration
def test_it_processes_a_note_once_after_its_worker_was_killed(
    transactional_db: None,
    tmp_path: Path,
    settings: Any,
    whisper_model_path: Path,
    queue: str,
    shared_dir: Path,
) -> None:
    require_real_services()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    beneficiary = BeneficiaryFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(beneficiary.user).access_token}")
    # A short visibility timeout stands in for the production one (hours): the broker hands the
    # unacknowledged message of a dead worker to the next worker once it expires.
    broker_env = {
        "CELERY_VISIBILITY_TIMEOUT_S": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL_S": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    worker_args = dict(
        queue=queue,
        media_root=tmp_path / "media",
        var_dir=tmp_path / "var",
        model_path=whisper_model_path,
        log_path=tmp_path / "worker.log",
        extra_env=broker_env,
    )
    first = start_worker(**worker_args)
    with (shared_dir / "datasets" / "audio-dev" / LONG_NOTE).open("rb") as audio:
        response = client.post(
            "/api/v1/declarations/",
            {"audio": audio, "client_id": str(uuid.uuid4()), "recorded_at": "2026-09-21T18:00:00+02:00"},
            format="multipart",
        )
    assert response.status_code == 202
    declaration_id = response.json()["id"]

    _wait_for(
        lambda: _status(declaration_id) == "transcribing", 120, "the first worker to start transcribing"
    )
    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait()
    assert _status(declaration_id) == "transcribing"

    second = start_worker(**worker_args)
    try:
        _wait_for(
            lambda: _status(declaration_id) in ("to_confirm", "failed"), 240, "the note to be processed again"
        )
    finally:
        second.stop()

    declaration = Declaration.objects.get(pk=declaration_id)
    assert declaration.status == "to_confirm", (declaration.error_code, declaration.error)
    assert declaration.attempts == 2
    positions = list(declaration.steps.values_list("position", flat=True))
    assert positions and len(positions) == len(set(positions))
    assert Declaration.objects.filter(beneficiary=beneficiary).count() == 1


@pytest.mark.django_db
def test_it_sweeps_started_notes_whose_heartbeat_stopped_and_queued_notes_the_broker_lost() -> None:
    now = timezone.now()
    stuck = DeclarationFactory(status=Declaration.Status.TRANSCRIBING)
    beating = DeclarationFactory(status=Declaration.Status.EXTRACTING)
    waiting = DeclarationFactory(status=Declaration.Status.RECEIVED, queued_at=now - timedelta(hours=1))
    lost = DeclarationFactory(status=Declaration.Status.RECEIVED, queued_at=now - timedelta(hours=7))
    done = DeclarationFactory(status=Declaration.Status.TO_CONFIRM)
    Declaration.objects.filter(pk__in=[stuck.pk, done.pk]).update(updated_at=now - timedelta(minutes=10))

    # a queue an hour long is not filled with copies; a message lost for hours is sent again
    assert set(pipeline.requeue_stuck(older_than_s=5 * 60, queued_lost_after_s=6 * 3600)) == {stuck.pk, lost.pk}
    assert beating.pk not in pipeline.requeue_stuck(older_than_s=5 * 60)
    assert waiting.pk not in pipeline.requeue_stuck(older_than_s=0, queued_lost_after_s=6 * 3600)


@pytest.mark.django_db(transaction=True)
def test_a_note_being_processed_keeps_its_heartbeat_and_the_sweep_leaves_it(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in for a long recognition (no model is needed to test the heartbeat around it): it
    # asks the sweep what it would re-queue while the note is being processed, past the window.
    settings.PIPELINE_HEARTBEAT_S = 0.1
    declaration = DeclarationFactory(status=Declaration.Status.RECEIVED, source=Declaration.Source.TEXT)
    seen: dict[str, object] = {}

    class SlowExtractor:
        def extract(self, text: str, *, recorded_at: object) -> list[object]:
            time.sleep(0.5)
            seen["swept"] = pipeline.requeue_stuck(older_than_s=0.3)
            seen["status"] = Declaration.objects.get(pk=declaration.pk).status
            return []

    monkeypatch.setattr(pipeline, "get_extractor", lambda: SlowExtractor())

    assert pipeline.process_declaration(declaration.pk) == "to_confirm"
    assert seen == {"swept": [], "status": "extracting"}  # beating: not taken for lost
    # once the heartbeat stops (a killed worker), the same sweep finds the note
    Declaration.objects.filter(pk=declaration.pk).update(status=Declaration.Status.EXTRACTING)
    time.sleep(0.4)
    assert pipeline.requeue_stuck(older_than_s=0.3) == [declaration.pk]


@pytest.mark.django_db
def test_it_gives_up_on_a_note_that_keeps_killing_its_worker(settings: Any) -> None:
    settings.PIPELINE_MAX_ATTEMPTS = 3
    declaration = DeclarationFactory(status=Declaration.Status.TRANSCRIBING, attempts=3)

    assert pipeline.process_declaration(declaration.pk) is None

    declaration.refresh_from_db()
    assert (declaration.status, declaration.error_code) == ("failed", "processing_aborted")
    assert declaration.error.startswith("La note n'a pas pu être traitée")


@pytest.mark.django_db
def test_it_reprocesses_failed_notes_idempotently_and_leaves_confirmed_ones() -> None:
    failed = DeclarationFactory(
        status=Declaration.Status.FAILED,
        error_code="processing_error",
        transcript="Hier j'ai envoyé deux candidatures chez Auchan.",
    )
    submitted = DeclarationFactory(status=Declaration.Status.SUBMITTED)

    call_command("reprocess", failed.pk, submitted.pk, "--sync")
    call_command("reprocess", failed.pk, "--sync")

    failed.refresh_from_db()
    assert failed.status == "to_confirm" and failed.error_code == ""
    assert failed.steps.count() == 1
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


@pytest.mark.django_db
def test_it_does_not_reprocess_a_note_whose_recording_retention_deleted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    purged = DeclarationFactory(
        status=Declaration.Status.FAILED,
        source=Declaration.Source.AUDIO,
        audio="",
        audio_purged_at=timezone.now(),
        error_code="audio_unreadable",
    )

    call_command("reprocess", purged.pk, "--sync")

    assert "recording deleted, left as it is" in capsys.readouterr().err
    purged.refresh_from_db()
    assert (purged.status, purged.error_code) == ("failed", "audio_unreadable")
