"""Notes without speech are refused before recognition (Silero VAD, bundled with faster-whisper).

A recording of noise or a held tone used to keep a worker busy for its whole length; now the first
minute must hold SPEECH_MIN_SPEECH_RATIO of speech. Real speech — the shared synthetic notes in every
phone codec and the real French recordings — passes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from speech.engines import Transcript
from speech.errors import NoSpeech
from speech.services import transcribe_audio
from tests.speech.conftest import tone
from tests.speech.test_streaming import write_wav


class Counts:
    """An engine that records being called and hears one word (no model is needed for this check)."""

    name = "counter"
    model_path = "/nowhere/counter"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, samples: npt.NDArray[np.float32]) -> Transcript:
        self.calls += 1
        return Transcript(text="bonjour", words=[])


def noise(seconds: float, rate: int = 16_000) -> np.ndarray:
    """Loud white noise, int16 mono (far above the silence check's level: the VAD must refuse it)."""
    return (np.random.default_rng(7).standard_normal(int(seconds * rate)) * 0.2 * 32767).clip(-32767, 32767).astype(np.int16)


@pytest.mark.parametrize("make", [lambda: noise(30), lambda: tone(30, 16_000)], ids=["noise", "tone"])
def test_a_note_without_speech_is_refused_before_the_engine_runs(tmp_path: Path, make: Any) -> None:
    path = write_wav(tmp_path / "note.wav", make(), 16_000)
    engine = Counts()

    with pytest.raises(NoSpeech):
        transcribe_audio(path, engine=engine)

    assert engine.calls == 0


def test_a_long_noise_is_refused_from_its_first_minute(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", noise(5 * 60), 16_000)
    engine = Counts()

    with pytest.raises(NoSpeech):
        transcribe_audio(path, engine=engine)
    assert engine.calls == 0


def test_real_speech_in_every_codec_passes(shared_dir: Path) -> None:
    files = sorted((shared_dir / "datasets" / "audio-dev").glob("v0[0-4]*.*"))[:30]
    files += sorted((shared_dir / "datasets" / "speech-dev").glob("*.wav"))
    assert {f.suffix for f in files} >= {".m4a", ".3gp", ".ogg", ".webm", ".mp3", ".wav"}
    engine = Counts()

    for path in files:
        assert transcribe_audio(path, engine=engine).text == "bonjour", path

    assert engine.calls == len(files)


def test_the_check_can_be_turned_off(tmp_path: Path, settings: Any) -> None:
    settings.SPEECH_MIN_SPEECH_RATIO = 0.0
    path = write_wav(tmp_path / "note.wav", noise(10), 16_000)

    assert transcribe_audio(path, engine=Counts()).text == "bonjour"
