"""Audio in, text out: the one speech service the declaration pipeline calls."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from speech.audio import decode_audio, is_silent
from speech.engines import SpeechEngine, Word, get_engine
from speech.errors import NoSpeech


@dataclass(frozen=True)
class TranscriptionResult:
    text: str
    words: list[Word] = field(default_factory=list)
    duration_s: float = 0.0
    decode_seconds: float = 0.0
    transcribe_seconds: float = 0.0
    engine: str = ""
    model: str = ""

    @property
    def seconds(self) -> float:
        return self.decode_seconds + self.transcribe_seconds


def transcribe_audio(
    source: str | Path | BinaryIO, *, engine: SpeechEngine | None = None
) -> TranscriptionResult:
    """Decode `source` within the settings' limits and transcribe it.

    Raises the SpeechError subclasses of speech.errors; NoSpeech for silence (checked before the engine
    runs, so silence costs no recognition) or when the engine hears no word.
    """
    started = time.perf_counter()
    audio = decode_audio(
        source,
        max_duration_s=settings.SPEECH_MAX_DURATION_S,
        max_bytes=settings.SPEECH_MAX_UPLOAD_BYTES,
        min_duration_s=settings.SPEECH_MIN_DURATION_S,
    )
    decoded = time.perf_counter()
    if is_silent(audio.samples):
        raise NoSpeech(detail=f"{audio.duration_s:.1f} s of silence")

    engine = engine or get_engine()
    transcript = engine.transcribe(audio.samples)
    finished = time.perf_counter()
    text = transcript.text.strip()
    if not text:
        raise NoSpeech(detail=f"{engine.name} recognised no word in {audio.duration_s:.1f} s of audio")
    return TranscriptionResult(
        text=text,
        words=list(transcript.words),
        duration_s=audio.duration_s,
        decode_seconds=decoded - started,
        transcribe_seconds=finished - decoded,
        engine=engine.name,
        model=Path(engine.model_path).name,
    )
