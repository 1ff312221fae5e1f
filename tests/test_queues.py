"""Notes are queued for their engine, maintenance on the default queue; a plain worker takes both.

Real Redis and a real `celery worker` process: a site adds transcription hosts by starting workers on
`speech-<engine>` only, so the note's message must be on that queue, and nowhere else."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from declarations.models import Declaration
from tests.factories import BeneficiaryFactory
from tests.workers import require_real_services, start_worker


@pytest.mark.integration
def test_a_note_waits_on_its_engines_queue_and_a_plain_worker_takes_it(
    transactional_db: None, queue: str, settings: Any, tmp_path: Path, whisper_model_path: Path
) -> None:
    require_real_services()
    speech_queue = f"{queue}-speech-whisper"
    settings.PIPELINE_QUEUE = speech_queue
    settings.MEDIA_ROOT = str(tmp_path / "media")
    beneficiary = BeneficiaryFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(beneficiary.user).access_token}")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    response = client.post(
        "/api/v1/declarations/",
        {
            "text": "Hier j'ai passé un entretien chez Decathlon.",
            "client_id": str(uuid.uuid4()),
            "recorded_at": "2026-11-20T18:00:00+01:00",
        },
        format="multipart",
    )

    assert response.status_code == 202
    assert broker.llen(speech_queue) == 1
    assert broker.llen(queue) == 0
    worker = start_worker(
        queue=queue,
        media_root=tmp_path / "media",
        var_dir=tmp_path / "var",
        model_path=whisper_model_path,
        log_path=tmp_path / "worker.log",
        extra_env={"PIPELINE_QUEUE": speech_queue},
    )
    try:
        deadline = time.monotonic() + 60
        while Declaration.objects.get().status != Declaration.Status.TO_CONFIRM:
            assert time.monotonic() < deadline, worker.log()[-2000:]
            time.sleep(0.2)
    finally:
        worker.stop()
    assert broker.llen(speech_queue) == 0
