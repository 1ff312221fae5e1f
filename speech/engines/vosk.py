"""Vosk (Kaldi) engine: small, fast, streaming-capable; the French model is installed by a command."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import vosk as vosk_api

from speech.engines.base import SAMPLE_RATE, Transcript, Word
from speech.errors import SpeechModelUnavailable

# Kaldi logs every model load to stderr; workers log through Python logging instead.
vosk_api.SetLogLevel(-1)

CHUNK_FRAMES = 4000
RENEW_AFTER_S = 15.0  # audio heard before a fresh recogniser takes over, at the next pause


class VoskEngine:
    name = "vosk"

    def __init__(self, model_path: str | Path, *, sample_rate: int = SAMPLE_RATE) -> None:
        path = Path(model_path)
        self.model_path = str(path)
        self.sample_rate = sample_rate
        try:
            self._model = vosk_api.Model(str(path))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise SpeechModelUnavailable(detail=f"Vosk could not load the model in {path}: {exc}") from exc

    def transcribe(self, samples: npt.NDArray[np.float32]) -> Transcript:
        return self.transcribe_stream([samples])

    def transcribe_stream(self, chunks: Iterable[npt.NDArray[np.float32]]) -> Transcript:
        """Feed the recogniser CHUNK_FRAMES samples at a time as the blocks arrive; nothing is kept but
        the recognised words.

        Kaldi's recogniser keeps per-utterance state that grows with the audio it has heard (about 1-2 MB
        a second), so after RENEW_AFTER_S of audio, at the next utterance end (a pause), the next words go
        to a fresh recogniser, their times shifted by what came before: memory stays flat whatever the
        note's length, and the cut falls in silence, never inside a word.
        """
        renew_after = int(RENEW_AFTER_S * self.sample_rate)
        recognizer = self._recognizer()
        offset_s = 0.0
        fed = 0  # samples given to the current recogniser
        texts: list[str] = []
        words: list[Word] = []

        def collect(result: dict[str, Any]) -> None:
            text = result.get("text", "").strip()
            if text:
                texts.append(text)
            for item in result.get("result", []):
                words.append(
                    Word(
                        word=str(item["word"]),
                        start=float(item["start"]) + offset_s,
                        end=float(item["end"]) + offset_s,
                        conf=float(item["conf"]) if "conf" in item else None,
                    )
                )

        for pcm in _pcm_pieces(chunks, CHUNK_FRAMES):
            fed += len(pcm) // 2
            if recognizer.AcceptWaveform(pcm):
                collect(json.loads(recognizer.Result()))
                if fed >= renew_after:
                    offset_s += fed / self.sample_rate
                    fed = 0
                    recognizer = self._recognizer()
        collect(json.loads(recognizer.FinalResult()))
        return Transcript(text=" ".join(texts), words=words)

    def _recognizer(self) -> Any:
        recognizer = vosk_api.KaldiRecognizer(self._model, self.sample_rate)
        recognizer.SetWords(True)
        recognizer.SetPartialWords(False)
        return recognizer


def _pcm_pieces(chunks: Iterable[npt.NDArray[np.float32]], frames: int) -> Iterator[bytes]:
    """16-bit little-endian PCM in pieces of `frames` samples (the last one shorter), whatever the
    sizes of the blocks given: the recogniser sees the same pieces for a whole note or a stream."""
    piece_bytes = frames * 2
    pending = b""
    for chunk in chunks:
        pcm = pending + (np.clip(chunk, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        whole = len(pcm) - len(pcm) % piece_bytes
        for offset in range(0, whole, piece_bytes):
            yield pcm[offset : offset + piece_bytes]
        pending = pcm[whole:]
    if pending:
        yield pending
