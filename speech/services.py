"""Audio in, text out: the one speech service the declaration pipeline calls."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

import numpy as np
import numpy.typing as npt
from django.conf import settings

from speech.audio import AudioStats, decode_audio, decode_chunks, is_seekable
from speech.engines import SAMPLE_RATE, SpeechEngine, StreamingSpeechEngine, Transcript, Word, get_engine
from speech.errors import NoSpeech

# A note up to this long is decoded once and kept whole for the engine (a few MB). A longer one is
# decoded twice, never held whole: a first pass keeps only running measures (length, level) so the
# limits and silence are checked before any recognition, then the engine takes it block by block as
# it is decoded again. Decoding costs a few per cent of recognition, and only long notes pay it twice.
WHOLE_NOTE_S = 60

Source = str | Path | BinaryIO


@dataclass(frozen=True)
class TranscriptionResult:
    text: str
    words: list[Word] = field(default_factory=list)
    duration_s: float = 0.0
    # Decoding and checking before recognition; a long note's second, streamed decoding runs with
    # recognition and counts in transcribe_seconds.
    decode_seconds: float = 0.0
    transcribe_seconds: float = 0.0
    engine: str = ""
    model: str = ""

    @property
    def seconds(self) -> float:
        return self.decode_seconds + self.transcribe_seconds


def transcribe_audio(source: Source, *, engine: SpeechEngine | None = None) -> TranscriptionResult:
    """Decode `source` within the settings' limits and transcribe it.

    Raises the SpeechError subclasses of speech.errors; NoSpeech for silence (checked before the engine
    runs, so silence costs no recognition) or when the engine hears no word. Memory does not grow with
    the note's length: see WHOLE_NOTE_S.
    """
    limits = {
        "max_duration_s": settings.SPEECH_MAX_DURATION_S,
        "max_bytes": settings.SPEECH_MAX_UPLOAD_BYTES,
        "min_duration_s": settings.SPEECH_MIN_DURATION_S,
    }
    started = time.perf_counter()
    with _replayable(source) as replay:
        stats = AudioStats()
        # the note's first WHOLE_NOTE_S: the whole note when it is short, what the VAD reads otherwise
        head: list[npt.NDArray[np.float32]] = []
        whole = True
        kept = 0
        for block in decode_chunks(replay(), stats=stats, **limits):
            if kept + block.size <= WHOLE_NOTE_S * SAMPLE_RATE:
                head.append(block)
                kept += block.size
            else:
                whole = False
        decoded = time.perf_counter()
        if stats.silent:
            raise NoSpeech(detail=f"{stats.duration_s:.1f} s of silence")
        if head:
            _require_speech(np.concatenate(head))
        if not whole:
            head.clear()

        engine = engine or get_engine()
        transcript: Transcript
        if whole:
            samples = np.concatenate(head)
            head.clear()
            transcript = engine.transcribe(samples)
            del samples
        elif isinstance(engine, StreamingSpeechEngine):
            with closing(decode_chunks(replay(), **limits)) as blocks:
                transcript = engine.transcribe_stream(blocks)
        else:  # an engine that only takes whole notes
            transcript = engine.transcribe(decode_audio(replay(), **limits).samples)
    finished = time.perf_counter()
    text = transcript.text.strip()
    if not text:
        raise NoSpeech(detail=f"{engine.name} recognised no word in {stats.duration_s:.1f} s of audio")
    return TranscriptionResult(
        text=text,
        words=list(transcript.words),
        duration_s=stats.duration_s,
        decode_seconds=decoded - started,
        transcribe_seconds=finished - decoded,
        engine=engine.name,
        model=Path(engine.model_path).name,
    )


def speech_ratio(samples: npt.NDArray[np.float32]) -> float:
    """Share of `samples` (16 kHz) a voice activity detector hears as speech: Silero VAD, the model
    faster-whisper ships in its package (nothing downloaded)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if samples.size == 0:
        return 0.0
    spans = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=300))
    return sum(span["end"] - span["start"] for span in spans) / samples.size


def _require_speech(head: npt.NDArray[np.float32]) -> None:
    """Noise, music or a held tone is refused before any recognition: a recording that keeps a worker
    busy for minutes must at least hold some speech (SPEECH_MIN_SPEECH_RATIO of its first minute)."""
    minimum = settings.SPEECH_MIN_SPEECH_RATIO
    if minimum <= 0 or head.size < 2 * SAMPLE_RATE:
        return
    ratio = speech_ratio(head)
    if ratio < minimum:
        raise NoSpeech(detail=f"speech in {ratio:.0%} of the first {head.size / SAMPLE_RATE:.0f} s")


@contextmanager
def _replayable(source: Source) -> Iterator[Callable[[], Source]]:
    """A function giving `source` from its start each time it is called: a path as it is, a seekable
    file back at its starting position, and a stream that reads only once (a network body) through a
    temporary file on disk, filled as it is first read (compressed bytes, within the upload cap)."""
    if isinstance(source, str | Path):
        yield lambda: source
        return
    start: int | None = None
    if is_seekable(source):
        try:
            start = source.tell()
        except (AttributeError, OSError, ValueError):
            start = None
    if start is not None:
        position = start

        def rewound() -> Source:
            source.seek(position)
            return source

        yield rewound
        return
    with tempfile.TemporaryFile() as spool:
        calls = 0

        def replay() -> Source:
            nonlocal calls
            calls += 1
            if calls == 1:
                return _Tee(source, spool)  # type: ignore[return-value]
            spool.seek(0)
            return spool  # type: ignore[return-value]

        yield replay


class _Tee:
    """Reads a once-only stream and keeps a copy of every byte read in `copy`. Unseekable, like it."""

    def __init__(self, raw: BinaryIO, copy: IO[bytes]) -> None:
        self._raw = raw
        self._copy = copy

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if data:
            self._copy.write(data)
        return data
