"""The queued pipeline, run in-process on real decoding and the real extractor.

Bad audio must end as a `failed` declaration with its stable code and French reason: never lost,
never a crash, never steps from nothing."""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from declarations import pipeline
from declarations.models import Declaration, Step
from tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db


def _wav(seconds: float, *, tone_hz: float | None) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        frames = int(seconds * 16_000)
        amplitude = 0 if tone_hz is None else 8000
        out.writeframes(
            b"".join(
                struct.pack("<h", int(amplitude * math.sin(2 * math.pi * (tone_hz or 0) * i / 16_000)))
                for i in range(frames)
            )
        )
    return buffer.getvalue()


def _audio_declaration(content: bytes, media: Path, settings: Any) -> Declaration:
    settings.MEDIA_ROOT = str(media)
    declaration = DeclarationFactory(
        source=Declaration.Source.AUDIO, transcript="", status=Declaration.Status.RECEIVED
    )
    declaration.audio.save("note", ContentFile(content), save=True)
    return declaration


def test_it_extracts_steps_from_a_typed_declaration() -> None:
    declaration = DeclarationFactory(
        status=Declaration.Status.RECEIVED,
        transcript="Hier j'ai envoyé trois candidatures chez Lidl pour être caissier.",
    )

    assert pipeline.process_declaration(declaration.pk) == Declaration.Status.TO_CONFIRM

    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.TO_CONFIRM
    step = declaration.steps.get()
    assert (step.category, step.kind, step.count) == ("EMPLOI", "candidature", 3)
    assert step.evidence in declaration.transcript
    assert declaration.transcript[step.evidence_start : step.evidence_end] == step.evidence
    assert step.hours > 0


def test_it_runs_once_however_often_the_task_is_delivered() -> None:
    declaration = DeclarationFactory(
        status=Declaration.Status.RECEIVED, transcript="Hier j'ai passé un entretien chez Decathlon."
    )

    pipeline.process_declaration(declaration.pk)
    assert pipeline.process_declaration(declaration.pk) is None

    assert Step.objects.filter(declaration=declaration).count() == 1
    declaration.refresh_from_db()
    assert declaration.attempts == 1


def test_it_fails_a_text_file_posing_as_audio_with_its_reason(tmp_path: Path, settings: Any) -> None:
    declaration = _audio_declaration(b"ceci n'est pas un son\n" * 50, tmp_path, settings)

    assert pipeline.process_declaration(declaration.pk) == Declaration.Status.FAILED

    declaration.refresh_from_db()
    assert declaration.error_code == "audio_unreadable"
    assert declaration.error == "Le fichier envoyé n'est pas un enregistrement audio lisible."
    assert declaration.audio.name and Path(declaration.audio.path).exists()
    assert not declaration.steps.exists()


def test_it_fails_silence_as_no_speech_without_running_the_engine(tmp_path: Path, settings: Any) -> None:
    declaration = _audio_declaration(_wav(3.0, tone_hz=None), tmp_path, settings)

    pipeline.process_declaration(declaration.pk)

    declaration.refresh_from_db()
    assert (declaration.status, declaration.error_code) == (Declaration.Status.FAILED, "no_speech")
    assert declaration.error == "Aucune parole n'a été reconnue dans la note vocale."


def test_it_fails_an_over_long_note(tmp_path: Path, settings: Any) -> None:
    settings.SPEECH_MAX_DURATION_S = 1.0
    declaration = _audio_declaration(_wav(2.0, tone_hz=440), tmp_path, settings)

    pipeline.process_declaration(declaration.pk)

    declaration.refresh_from_db()
    assert (declaration.status, declaration.error_code) == (Declaration.Status.FAILED, "audio_too_long")


def test_it_turns_an_unexpected_error_into_a_french_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fake on purpose: the real extractor never raises (property-tested); this checks the last resort.
    class BrokenExtractor:
        def extract(self, text: str, **_: Any) -> list[Any]:
            raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "get_extractor", lambda: BrokenExtractor())
    declaration = DeclarationFactory(status=Declaration.Status.RECEIVED)

    pipeline.process_declaration(declaration.pk)

    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.FAILED
    assert declaration.error_code == "processing_error"
    assert "boom" not in declaration.error
    assert declaration.error.startswith("Une erreur est survenue")


@pytest.mark.slow
@pytest.mark.parametrize(("threshold", "expect_flags"), [(1.01, True), (0.0, False)])
def test_a_transcribed_note_flags_steps_resting_on_doubtful_words(
    tmp_path: Path, settings: Any, whisper_model_path: Path, shared_dir: Path, threshold: float, expect_flags: bool
) -> None:
    """Real faster-whisper on a real note: with every word doubtful (thresholds above 1) each step is
    flagged in the API with the words it rests on; with none, nothing is."""
    from rest_framework.test import APIClient

    from speech.engines import reset_engine

    settings.SPEECH_ENGINE = "whisper"
    settings.SPEECH_MODEL_PATH = str(whisper_model_path)
    settings.SPEECH_DOUBTFUL_WORD_CONF = threshold
    settings.SPEECH_ATTENTION_BELOW = threshold
    reset_engine()
    try:
        declaration = _audio_declaration(
            (shared_dir / "datasets" / "audio-dev" / "v002.m4a").read_bytes(), tmp_path, settings
        )
        assert pipeline.process_declaration(declaration.pk) == Declaration.Status.TO_CONFIRM
    finally:
        reset_engine()

    client = APIClient()
    client.force_authenticate(declaration.beneficiary.user)
    steps = client.get(f"/api/v1/declarations/{declaration.pk}/").json()["steps"]
    assert steps
    for step in steps:
        assert step["needs_attention"] is expect_flags
        if expect_flags:
            assert step["attention"] and all(r["message"].startswith("mot incertain : ") for r in step["attention"])
            for reason in step["attention"]:
                word = reason["message"].removeprefix("mot incertain : ").removesuffix(" ?")
                assert word.lower() in step["evidence"].lower()
        else:
            assert step["attention"] == []
