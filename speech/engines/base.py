"""The one interface every speech engine implements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    conf: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {"word": self.word, "start": self.start, "end": self.end, "conf": self.conf}


@dataclass(frozen=True)
class Transcript:
    text: str
    words: list[Word] = field(default_factory=list)
    language: str | None = None


@runtime_checkable
class SpeechEngine(Protocol):
    """Turns 16 kHz mono float32 PCM into text. Implementations load their model in __init__."""

    name: str
    model_path: str

    def transcribe(self, samples: npt.NDArray[np.float32]) -> Transcript: ...


@runtime_checkable
class StreamingSpeechEngine(SpeechEngine, Protocol):
    """An engine that also takes a note block by block as it is decoded, so a long note is never held
    whole in memory. Word times are from the start of the note."""

    def transcribe_stream(self, chunks: Iterable[npt.NDArray[np.float32]]) -> Transcript: ...
