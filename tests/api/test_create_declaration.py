"""POST /api/v1/declarations/: a note (audio or text) is stored once, whatever the phone retries.

These tests run inside pytest-django's usual per-test transaction, which is never committed: the
`transaction.on_commit` hook that enqueues the pipeline task therefore never fires here, so no task
runs and no broker is needed. One test captures the hook to check it is registered exactly once.
"""

from __future__ import annotations

import io
import math
import struct
import uuid
import wave
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from declarations.models import Beneficiary, Counsellor, Declaration, Manager
from tests.api.conftest import ApiFor

URL = "/api/v1/declarations/"
RECORDED_AT = "2026-01-07T18:30:00+01:00"
TEXT = "Mercredi j'ai envoyé deux candidatures chez Carrefour pour un poste d'employé de rayon."
CLIENT_FILE_NAME = "note-de-lea-dubois.wav"


def tone_wav(*, seconds: float = 1.0, rate: int = 16_000, frequency: float = 440.0) -> bytes:
    frames = b"".join(
        struct.pack("<h", int(0.5 * 32767 * math.sin(2 * math.pi * frequency * i / rate)))
        for i in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return buffer.getvalue()


def audio_payload(client_id: uuid.UUID, audio: bytes) -> dict[str, object]:
    return {
        "audio": SimpleUploadedFile(CLIENT_FILE_NAME, audio, content_type="audio/wav"),
        "client_id": str(client_id),
        "recorded_at": RECORDED_AT,
    }


def text_payload(client_id: uuid.UUID | str) -> dict[str, str]:
    return {"text": TEXT, "client_id": str(client_id), "recorded_at": RECORDED_AT}


def stored_files(root: Path) -> list[Path]:
    return sorted(path.relative_to(root) for path in root.rglob("*") if path.is_file())


# --- idempotency -------------------------------------------------------------------------------------


def test_it_creates_a_text_declaration_once_per_client_id(jeune: Beneficiary, api_for: ApiFor) -> None:
    client_id = uuid.uuid4()
    client = api_for(jeune)

    first = client.post(URL, text_payload(client_id), format="json")
    assert first.status_code == 202
    body = first.json()
    assert body["client_id"] == str(client_id)
    assert body["status"] == "received"
    assert body["source"] == "text"
    assert body["transcript"] == TEXT
    assert body["steps"] == []

    second = client.post(URL, text_payload(client_id), format="json")
    assert second.status_code == 200
    assert second.json()["id"] == body["id"]

    assert Declaration.objects.count() == 1
    declaration = Declaration.objects.get()
    assert declaration.pk == body["id"]
    assert declaration.beneficiary == jeune


def test_it_keeps_client_ids_per_jeune(jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor) -> None:
    client_id = uuid.uuid4()

    mine = api_for(jeune).post(URL, text_payload(client_id), format="json")
    theirs = api_for(other_jeune).post(URL, text_payload(client_id), format="json")

    assert mine.status_code == 202
    assert theirs.status_code == 202
    assert mine.json()["id"] != theirs.json()["id"]
    assert Declaration.objects.filter(client_id=client_id).count() == 2
    assert set(Declaration.objects.values_list("beneficiary", flat=True)) == {jeune.pk, other_jeune.pk}


def test_it_stores_a_retried_audio_upload_once(jeune: Beneficiary, api_for: ApiFor, media_root: Path) -> None:
    client_id = uuid.uuid4()
    audio = tone_wav()
    client = api_for(jeune)

    first = client.post(URL, audio_payload(client_id, audio), format="multipart")
    assert first.status_code == 202
    assert first.json()["source"] == "audio"

    second = client.post(URL, audio_payload(client_id, audio), format="multipart")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]

    declaration = Declaration.objects.get()
    assert declaration.audio_size == len(audio)
    files = stored_files(media_root)
    assert files == [Path(declaration.audio.name)]
    assert (media_root / files[0]).read_bytes() == audio
    # The storage key never carries what the client chose to call its file.
    assert "note-de-lea" not in declaration.audio.name
    assert not declaration.audio.name.endswith(".wav")
    assert declaration.audio.name.startswith("audio/2026/01/")


def test_it_enqueues_processing_once_on_commit(
    jeune: Beneficiary, api_for: ApiFor, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    client_id = uuid.uuid4()
    client = api_for(jeune)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, text_payload(client_id), format="json")
    assert response.status_code == 202
    assert len(callbacks) == 1
    # what the callback does once the message is on the broker (tests/test_outbox.py runs it for real)
    Declaration.objects.update(queued_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, text_payload(client_id), format="json")
    assert response.status_code == 200
    assert callbacks == []  # a retry of a note already queued sends nothing


# --- validation --------------------------------------------------------------------------------------


def test_it_requires_a_client_id(jeune: Beneficiary, api_for: ApiFor) -> None:
    response = api_for(jeune).post(URL, {"text": TEXT, "recorded_at": RECORDED_AT}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "Certaines données envoyées ne sont pas valides."
    assert body["details"] == {"client_id": ["Ce champ est obligatoire."]}
    assert not Declaration.objects.exists()


def test_it_rejects_a_client_id_that_is_not_a_uuid(jeune: Beneficiary, api_for: ApiFor) -> None:
    response = api_for(jeune).post(URL, text_payload("note-1"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "client_id" in body["details"]
    assert not Declaration.objects.exists()


def test_it_refuses_both_audio_and_text(jeune: Beneficiary, api_for: ApiFor, media_root: Path) -> None:
    payload = {**audio_payload(uuid.uuid4(), tone_wav(seconds=0.1)), "text": TEXT}
    response = api_for(jeune).post(URL, payload, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["details"]
    assert not Declaration.objects.exists()
    assert stored_files(media_root) == []


def test_it_refuses_neither_audio_nor_text(jeune: Beneficiary, api_for: ApiFor) -> None:
    payload = {"client_id": str(uuid.uuid4()), "recorded_at": RECORDED_AT}
    response = api_for(jeune).post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["details"]
    assert not Declaration.objects.exists()


def test_it_refuses_an_empty_audio(jeune: Beneficiary, api_for: ApiFor, media_root: Path) -> None:
    response = api_for(jeune).post(URL, audio_payload(uuid.uuid4(), b""), format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "audio_empty"
    assert body["message"] == "La note vocale est vide. Enregistrez-la à nouveau."
    assert not Declaration.objects.exists()
    assert stored_files(media_root) == []


def test_it_refuses_an_audio_over_the_size_limit(
    jeune: Beneficiary, api_for: ApiFor, media_root: Path, settings: Settings
) -> None:
    settings.SPEECH_MAX_UPLOAD_BYTES = 1024
    response = api_for(jeune).post(URL, audio_payload(uuid.uuid4(), tone_wav()), format="multipart")
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "audio_too_large"
    assert "taille maximale" in body["message"]
    assert not Declaration.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("persona", ["conseiller", "manager"])
def test_it_forbids_staff_to_post_a_declaration(
    persona: str, request: pytest.FixtureRequest, jeune: Beneficiary, api_for: ApiFor
) -> None:
    staff: Counsellor | Manager = request.getfixturevalue(persona)
    response = api_for(staff).post(URL, text_payload(uuid.uuid4()), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Declaration.objects.exists()

    assert api_for(jeune).post(URL, text_payload(uuid.uuid4()), format="json").status_code == 202
