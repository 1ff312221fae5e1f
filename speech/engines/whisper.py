"""faster-whisper (CTranslate2) engine: French-capable, MIT weights, runs on CPU."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from speech.engines.base import Transcript, Word
from speech.errors import SpeechModelUnavailable


class WhisperEngine:
    name = "whisper"

    def __init__(
        self,
        model_path: str | Path,
        *,
        compute_type: str = "int8",
        beam_size: int = 1,
        vad_filter: bool = False,
        cpu_threads: int = 0,
        language: str | None = "fr",
        initial_prompt: str | None = None,
    ) -> None:
        path = Path(model_path)
        if not (path / "model.bin").is_file():
            raise SpeechModelUnavailable(
                detail=f"no model.bin in {path}: not a faster-whisper model directory"
            )
        from faster_whisper import WhisperModel

        self.model_path = str(path)
        self.language = language
        self.beam_size = beam_size
        self.vad_filter = vad_filter
        self.initial_prompt = initial_prompt or None
        # local_files_only: a worker must never reach the network; a missing file is an error, not a download.
        self._model = WhisperModel(
            str(path),
            device="cpu",
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )

    def transcribe(self, samples: npt.NDArray[np.float32]) -> Transcript:
        segments, info = self._model.transcribe(
            samples,
            language=self.language,
            beam_size=self.beam_size,
            vad_filter=self.vad_filter,
            initial_prompt=self.initial_prompt,
            word_timestamps=True,
            # Each note is short; conditioning on earlier text only spreads a hallucination further.
            condition_on_previous_text=False,
        )
        texts: list[str] = []
        words: list[Word] = []
        for segment in segments:
            texts.append(segment.text.strip())
            for word in segment.words or []:
                token = word.word.strip()
                if not token:
                    continue
                piece = Word(
                    word=token, start=float(word.start), end=float(word.end), conf=float(word.probability)
                )
                # Whisper splits elisions ("C" + "'est"): a piece without a leading space continues the last word.
                if words and not word.word[:1].isspace():
                    piece = _joined(words.pop(), piece)
                words.append(piece)
        text = " ".join(t for t in texts if t)
        return Transcript(text=text, words=words, language=info.language)


def _joined(first: Word, second: Word) -> Word:
    confs = [c for c in (first.conf, second.conf) if c is not None]
    return Word(
        word=first.word + second.word,
        start=first.start,
        end=max(first.end, second.end),
        # A word is as uncertain as its least certain piece.
        conf=min(confs) if confs else None,
    )
