"""Two uploads of the same note racing each other still make one declaration, one file, one task.

PostgreSQL only: the race needs a second connection blocked on the unique index, which SQLite's
single-writer lock cannot show.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from rest_framework.response import Response

from declarations import services
from declarations.hours import PARIS
from declarations.models import Beneficiary, Declaration
from tests.api.conftest import ApiFor
from tests.api.test_create_declaration import URL, audio_payload, stored_files, tone_wav

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def wait_for_a_blocked_connection(timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second upload never waited on the first one's row")


def test_it_keeps_one_declaration_when_a_retry_races_the_first_upload(
    jeune: Beneficiary, api_for: ApiFor, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Committed transactions run on_commit hooks for real: record them instead of touching a broker.
    enqueued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", enqueued.append)
    client_id = uuid.uuid4()
    audio = tone_wav()
    client = api_for(jeune)
    retry: dict[str, Response] = {}

    def upload_again() -> None:
        try:
            retry["response"] = client.post(URL, audio_payload(client_id, audio), format="multipart")
        finally:
            connections.close_all()

    with transaction.atomic():
        first = services.create_declaration(
            beneficiary=jeune,
            client_id=client_id,
            recorded_at=datetime(2026, 1, 7, 18, 30, tzinfo=PARIS),
            audio=SimpleUploadedFile("note.wav", audio, content_type="audio/wav"),
        )
        racer = threading.Thread(target=upload_again)
        racer.start()
        # The retry did not see the uncommitted row and now waits on the unique index.
        wait_for_a_blocked_connection()
    racer.join(timeout=30)

    assert first.created
    response = retry["response"]
    assert response.status_code == 200
    assert response.json()["id"] == first.declaration.pk

    assert Declaration.objects.count() == 1
    assert stored_files(media_root) == [Path(first.declaration.audio.name)]
    assert enqueued == [first.declaration.pk]
