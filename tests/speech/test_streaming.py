"""Long notes are decoded and transcribed as a stream: what a worker holds does not grow with the length."""

from __future__ import annotations

import wave
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from faster_whisper.feature_extractor import FeatureExtractor

from speech.audio import CHUNK_SAMPLES, AudioStats, decode_audio, decode_chunks, is_silent
from speech.engines import StreamingSpeechEngine, Transcript
from speech.engines.base import SAMPLE_RATE
from speech.engines.vosk import _pcm_pieces
from speech.engines.whisper import (
    WINDOW_S,
    BlockwiseFeatureExtractor,
    WhisperEngine,
    _stream_windows,
    _windows,
)
from speech.errors import AudioTooLong, NoSpeech
from speech.services import WHOLE_NOTE_S, transcribe_audio
from tests.speech.conftest import AUDIO_DEV, UnseekableStream, tone


@pytest.fixture(autouse=True)
def tones_stand_for_speech(settings: Any) -> None:
    """These tests follow a note's blocks through decoding and streaming, with tones for audio; the
    voice activity check would refuse a tone (tests/speech/test_vad.py checks it on real speech)."""
    settings.SPEECH_MIN_SPEECH_RATIO = 0

def write_wav(path: Path, pcm: np.ndarray, rate: int) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.astype("<i2").tobytes())
    return path


def long_note(path: Path, minutes: float) -> Path:
    """`minutes` of a 1-second tone repeated, as 8 kHz WAV (small to write, resampled when decoded)."""
    return write_wav(path, np.tile(tone(1.0, 8_000), int(minutes * 60)), 8_000)


class Recorder:
    """A streaming engine that keeps only the sizes of what it is given."""

    name = "recorder"
    model_path = "/nowhere/recorder"

    def __init__(self) -> None:
        self.whole: list[int] = []
        self.blocks: list[int] = []

    def transcribe(self, samples: np.ndarray) -> Transcript:
        self.whole.append(samples.size)
        return Transcript(text="bonjour")

    def transcribe_stream(self, chunks: Iterable[np.ndarray]) -> Transcript:
        for chunk in chunks:
            assert chunk.dtype == np.float32 and chunk.ndim == 1
            self.blocks.append(chunk.size)
        return Transcript(text="bonjour")


def test_decoding_a_ten_minute_note_yields_bounded_blocks(tmp_path: Path) -> None:
    path = long_note(tmp_path / "ten-minutes.wav", 10)
    stats = AudioStats()

    sizes = [block.size for block in decode_chunks(path, stats=stats)]

    assert max(sizes) <= CHUNK_SAMPLES
    assert len(sizes) >= 600
    assert sum(sizes) == stats.samples == pytest.approx(600 * SAMPLE_RATE, abs=SAMPLE_RATE // 10)
    assert stats.complete and stats.format_name == "wav"
    assert not stats.silent


def test_the_running_measures_give_the_whole_note_verdict_on_silence() -> None:
    rng = np.random.default_rng(3)
    dither = (rng.standard_normal(5 * SAMPLE_RATE) * 0.0001).astype(np.float32)
    click = dither.copy()
    click[4 * SAMPLE_RATE] = 0.01  # one audible sample at the end of a quiet note

    for samples, silent in ((dither, True), (click, False), (np.zeros(SAMPLE_RATE, np.float32), True)):
        stats = AudioStats()
        for start in range(0, samples.size, 7_000):
            stats.add(samples[start : start + 7_000])
        assert stats.silent is silent is is_silent(samples)


def test_the_blocks_are_the_whole_note_decoded_at_once(tmp_path: Path) -> None:
    path = long_note(tmp_path / "two-minutes.wav", 2)

    whole = decode_audio(path)
    streamed = np.concatenate(list(decode_chunks(path)))

    assert np.array_equal(whole.samples, streamed)


def test_a_long_note_reaches_a_streaming_engine_block_by_block(tmp_path: Path) -> None:
    path = long_note(tmp_path / "ten-minutes.wav", 10)
    engine = Recorder()
    assert isinstance(engine, StreamingSpeechEngine)

    result = transcribe_audio(path, engine=engine)

    assert engine.whole == []
    assert max(engine.blocks) <= CHUNK_SAMPLES
    assert sum(engine.blocks) == pytest.approx(600 * SAMPLE_RATE, abs=SAMPLE_RATE // 10)
    assert result.duration_s == pytest.approx(600, abs=0.1)


def test_a_long_note_from_a_stream_read_once_is_streamed_too(tmp_path: Path) -> None:
    path = long_note(tmp_path / "two-minutes.wav", 2)
    engine = Recorder()

    result = transcribe_audio(UnseekableStream(path.read_bytes()), engine=engine)  # type: ignore[arg-type]

    assert sum(engine.blocks) == pytest.approx(120 * SAMPLE_RATE, abs=SAMPLE_RATE // 10)
    assert result.duration_s == pytest.approx(120, abs=0.1)


def test_a_short_note_reaches_the_engine_whole(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "short.wav", tone(WHOLE_NOTE_S - 5, 16_000), 16_000)
    engine = Recorder()

    transcribe_audio(path, engine=engine)

    assert engine.whole == [(WHOLE_NOTE_S - 5) * SAMPLE_RATE] and engine.blocks == []


def test_long_silence_and_overlong_notes_are_refused_before_any_recognition(tmp_path: Path, settings) -> None:
    # No model is configured: the checks must come before the engine is loaded.
    settings.SPEECH_MODEL_PATH = tmp_path / "no-model-here"
    silence = write_wav(tmp_path / "silence.wav", np.zeros(3 * 60 * 8_000, np.int16), 8_000)
    with pytest.raises(NoSpeech):
        transcribe_audio(silence)

    settings.SPEECH_MAX_DURATION_S = 90.0
    with pytest.raises(AudioTooLong):
        transcribe_audio(long_note(tmp_path / "two-minutes.wav", 2))


def test_streamed_windows_are_the_windows_of_the_whole_note() -> None:
    samples = np.random.default_rng(5).uniform(-0.5, 0.5, 250 * SAMPLE_RATE).astype(np.float32)
    samples[70 * SAMPLE_RATE : 71 * SAMPLE_RATE] *= 0.01
    sizes = np.random.default_rng(6).integers(1, 3 * SAMPLE_RATE, 400)
    cuts = np.minimum(np.cumsum(sizes), samples.size)
    chunks = np.split(samples, cuts)

    streamed = [(start, window.size) for start, window in _stream_windows(chunks)]

    assert streamed == [(start, end - start) for start, end in _windows(samples)]
    assert all(size <= WINDOW_S * SAMPLE_RATE for _, size in streamed)


def test_blockwise_features_are_faster_whispers_features() -> None:
    reference = FeatureExtractor(feature_size=80)
    blockwise = BlockwiseFeatureExtractor(FeatureExtractor(feature_size=80))
    rng = np.random.default_rng(4)
    for seconds in (0.01, 1.3, 61.7):
        audio = rng.uniform(-0.5, 0.5, int(seconds * SAMPLE_RATE)).astype(np.float32)
        expected, got = reference(audio, chunk_length=30), blockwise(audio, chunk_length=30)
        assert got.shape == expected.shape and got.dtype == expected.dtype
        # To the bit: a difference of 1e-7 is enough to change a word of some transcripts.
        np.testing.assert_array_equal(got, expected)
    assert blockwise.nb_max_frames == reference.nb_max_frames


def test_vosk_gets_the_same_pcm_pieces_from_a_stream_as_from_a_whole_note() -> None:
    samples = np.random.default_rng(8).uniform(-1.2, 1.2, 30_001).astype(np.float32)
    blocks = np.split(samples, [5, 4_000, 4_001, 13_000, 29_999])

    assert list(_pcm_pieces(blocks, 4_000)) == list(_pcm_pieces([samples], 4_000))
    assert b"".join(_pcm_pieces(blocks, 4_000)) == (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


@pytest.mark.slow
def test_whisper_times_words_from_the_start_of_the_note_across_windows(
    whisper_engine: WhisperEngine, tmp_path: Path
) -> None:
    notes = [decode_audio(AUDIO_DEV / name).samples for name in ("v002.m4a", "v003.3gp", "v005.m4a")]
    pieces, total = [], 0
    while total < (WINDOW_S + 15) * SAMPLE_RATE:
        piece = notes[len(pieces) % len(notes)]
        pieces.append(piece)
        total += piece.size
    path = write_wav(tmp_path / "long.wav", np.concatenate(pieces) * 32767, SAMPLE_RATE)

    result = transcribe_audio(path, engine=whisper_engine)

    starts = [word.start for word in result.words]
    assert starts == sorted(starts)
    assert all(0 <= word.start <= word.end <= result.duration_s + 0.5 for word in result.words)
    # The last window's words are placed after the first window, up to the end of the note.
    assert any(word.start > WINDOW_S for word in result.words)
    assert result.words[-1].end > result.duration_s - 3
