"""faster-whisper (CTranslate2) engine: French-capable, MIT weights, runs on CPU."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from speech.engines.base import SAMPLE_RATE, Transcript, Word
from speech.errors import SpeechModelUnavailable

# faster-whisper computes the spectrogram of its whole input at once (about 1 MB per second of audio
# in its STFT): long notes go through in windows so a worker's memory stays flat whatever the length.
WINDOW_S = 60
# A window ends at the quietest 50 ms of its last seconds, so no word is cut in two.
CUT_SEARCH_S = 8
CUT_FRAME_S = 0.05


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
        texts: list[str] = []
        words: list[Word] = []
        language: str | None = self.language
        for start, end in _windows(samples):
            window = self._transcribe_window(samples[start:end], offset_s=start / SAMPLE_RATE)
            if window.text:
                texts.append(window.text)
            words.extend(window.words)
            language = window.language or language
        return Transcript(text=" ".join(texts), words=words, language=language)

    def _transcribe_window(self, samples: npt.NDArray[np.float32], *, offset_s: float) -> Transcript:
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
                    word=token,
                    start=round(offset_s + float(word.start), 3),
                    end=round(offset_s + float(word.end), 3),
                    conf=float(word.probability),
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


def _windows(samples: npt.NDArray[np.float32]) -> list[tuple[int, int]]:
    """Sample ranges of at most WINDOW_S seconds covering `samples`, cut in quiet places."""
    window, search, frame = (int(x * SAMPLE_RATE) for x in (WINDOW_S, CUT_SEARCH_S, CUT_FRAME_S))
    bounds: list[tuple[int, int]] = []
    start = 0
    while samples.size - start > window:
        zone = samples[start + window - search : start + window]
        energy = np.square(zone[: zone.size // frame * frame].reshape(-1, frame)).mean(axis=1)
        cut = start + window - search + int(np.argmin(energy)) * frame + frame // 2
        bounds.append((start, cut))
        start = cut
    bounds.append((start, samples.size))
    return bounds
