"""faster-whisper (CTranslate2) engine: French-capable, MIT weights, runs on CPU."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from speech.engines.base import SAMPLE_RATE, Transcript, Word
from speech.errors import SpeechModelUnavailable

# Long notes go through Whisper in windows, decoded audio arriving as it is decoded
# (`transcribe_stream`), so a worker holds about one window of samples whatever the note's length.
WINDOW_S = 60
# A window ends at the quietest 50 ms of its last seconds, so no word is cut in two.
CUT_SEARCH_S = 8
CUT_FRAME_S = 0.05
# faster-whisper's spectrogram holds about 1 MB per second of its input at once (STFT frames and
# spectrum); ours computes the same log-Mel features this many frames (10 ms each) at a time.
FEATURE_BLOCK_FRAMES = 250


class WhisperEngine:
    name = "whisper"

    def __init__(
        self,
        model_path: str | Path,
        *,
        compute_type: str = "int8",
        device: str = "cpu",
        beam_size: int = 1,
        vad_filter: bool = False,
        cpu_threads: int = 0,
        language: str | None = "fr",
        initial_prompt: str | None = None,
        hotwords: str | None = None,
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
        self.hotwords = hotwords or None
        # Decoding choices measured by benchmarks/bench_prompt.py (README): kept at these values.
        self.condition_on_previous_text = False
        self.temperature: float | tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
        # local_files_only: a worker must never reach the network; a missing file is an error, not a download.
        self._model = WhisperModel(
            str(path),
            device=device,
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
        self._model.feature_extractor = BlockwiseFeatureExtractor(self._model.feature_extractor)

    def transcribe(self, samples: npt.NDArray[np.float32]) -> Transcript:
        return self._transcribe_windows((start, samples[start:end]) for start, end in _windows(samples))

    def transcribe_stream(self, chunks: Iterable[npt.NDArray[np.float32]]) -> Transcript:
        """Transcribe a note arriving in blocks, window by window as they arrive (same windows as
        `transcribe` on the whole note): at most one window and one block of samples are held."""
        return self._transcribe_windows(_stream_windows(chunks))

    def _transcribe_windows(self, windows: Iterable[tuple[int, npt.NDArray[np.float32]]]) -> Transcript:
        texts: list[str] = []
        words: list[Word] = []
        language: str | None = self.language
        for start, samples in windows:
            window = self._transcribe_window(samples, offset_s=start / SAMPLE_RATE)
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
            hotwords=self.hotwords,
            word_timestamps=True,
            # Each note is short; conditioning on earlier text only spreads a hallucination further.
            condition_on_previous_text=self.condition_on_previous_text,
            temperature=self.temperature,
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
        kept = _without_echo(words, [h for h in (self.initial_prompt, self.hotwords) if h])
        if len(kept) != len(words):
            words, text = kept, " ".join(w.word for w in kept)
        return Transcript(text=text, words=words, language=info.language)


# On audio it cannot read, Whisper may write out its prompt instead ("Mission Locale, France Travail,
# CV, candidature…"): seen in 7 of 120 hard synthetic notes. A transcript echoing the prompt would
# give the extractor steps nobody declared, so a run of words that copies a hint is removed.
ECHO_SIMILARITY = 85.0


def _without_echo(words: list[Word], hints: list[str]) -> list[Word]:
    from rapidfuzz import fuzz

    from speech.evaluation import normalize_for_wer

    for hint in hints:
        target = normalize_for_wer(hint)
        size = len(target.split())
        if size < 3:
            continue
        while True:  # the best-matching run first, one word more or less than the hint, until none is left
            best: tuple[float, int, int] | None = None
            for length in (size + 1, size, size - 1):
                for i in range(len(words) - length + 1):
                    ratio = fuzz.ratio(
                        normalize_for_wer(" ".join(w.word for w in words[i : i + length])), target
                    )
                    if ratio >= ECHO_SIMILARITY and (best is None or ratio > best[0]):
                        best = (ratio, i, length)
            if best is None:
                break
            _, i, length = best
            words = words[:i] + words[i + length :]
    return words


def _joined(first: Word, second: Word) -> Word:
    confs = [c for c in (first.conf, second.conf) if c is not None]
    return Word(
        word=first.word + second.word,
        start=first.start,
        end=max(first.end, second.end),
        # A word is as uncertain as its least certain piece.
        conf=min(confs) if confs else None,
    )


def _sizes() -> tuple[int, int, int]:
    window, search, frame = (int(x * SAMPLE_RATE) for x in (WINDOW_S, CUT_SEARCH_S, CUT_FRAME_S))
    return window, search, frame


def _cut(samples: npt.NDArray[np.float32], start: int) -> int:
    """Where the window starting at `start` ends: mid-way through the quietest frame of its last seconds."""
    window, search, frame = _sizes()
    zone = samples[start + window - search : start + window]
    energy = np.square(zone[: zone.size // frame * frame].reshape(-1, frame)).mean(axis=1)
    return start + window - search + int(np.argmin(energy)) * frame + frame // 2


def _windows(samples: npt.NDArray[np.float32]) -> list[tuple[int, int]]:
    """Sample ranges of at most WINDOW_S seconds covering `samples`, cut in quiet places."""
    window, _, _ = _sizes()
    bounds: list[tuple[int, int]] = []
    start = 0
    while samples.size - start > window:
        cut = _cut(samples, start)
        bounds.append((start, cut))
        start = cut
    bounds.append((start, samples.size))
    return bounds


def _stream_windows(
    chunks: Iterable[npt.NDArray[np.float32]],
) -> Iterator[tuple[int, npt.NDArray[np.float32]]]:
    """(first sample's index in the note, samples) of the windows `_windows` gives for the whole note,
    made from its blocks as they arrive; a window is cut once more than WINDOW_S seconds are held."""
    window, _, _ = _sizes()
    held: list[npt.NDArray[np.float32]] = []
    held_size = 0
    offset = 0  # index in the note of the first held sample
    for chunk in chunks:
        held.append(chunk)
        held_size += chunk.size
        if held_size <= window:
            continue
        buffer = np.concatenate(held)
        held.clear()
        start = 0
        while buffer.size - start > window:
            cut = _cut(buffer, start)
            yield offset + start, buffer[start:cut]
            start = cut
        offset += start
        # A copy, so the buffer (one window and one block) goes as soon as its last window is done.
        held = [buffer[start:].copy()]
        held_size = held[0].size
        del buffer
    if held_size or offset == 0:
        yield offset, np.concatenate(held) if held else np.zeros(0, np.float32)


class BlockwiseFeatureExtractor:
    """faster-whisper's log-Mel spectrogram, computed FEATURE_BLOCK_FRAMES frames at a time.

    faster-whisper's FeatureExtractor builds the STFT of its whole input at once (frames, spectrum and
    magnitudes: about 1 MB per second of audio, 60 MB for a 60-second window). The frames are
    independent, so computing them in blocks gives the same features with a few MB whatever the input
    length. Everything else (attributes faster-whisper reads, the mel filters) is the wrapped one's.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __call__(
        self, waveform: npt.NDArray[np.float32], padding: int = 160, chunk_length: int | None = None
    ) -> npt.NDArray[np.float32]:
        inner = self._inner
        if chunk_length is not None:
            inner.n_samples = chunk_length * inner.sampling_rate
            inner.nb_max_frames = inner.n_samples // inner.hop_length
        n_fft, hop = inner.n_fft, inner.hop_length
        padded = _centred(np.asarray(waveform, dtype=np.float32), padding, n_fft // 2)
        n_frames = 1 + (padded.size - n_fft) // hop
        frames = np.lib.stride_tricks.as_strided(
            padded, (n_frames, n_fft), (hop * padded.strides[0], padded.strides[0]), writeable=False
        )
        window = np.hanning(n_fft + 1)[:-1].astype("float32")
        # Power spectrum, block by block; like the wrapped extractor, the last frame is left out. It is
        # laid out as the wrapped one's, frame by frame, so the one product below is the very same
        # computation and the features are identical to the bit (a product per block is not).
        magnitudes = np.empty((n_frames - 1, n_fft // 2 + 1), dtype=np.float32)
        for first in range(0, n_frames - 1, FEATURE_BLOCK_FRAMES):
            last = min(first + FEATURE_BLOCK_FRAMES, n_frames - 1)
            spectrum = np.fft.rfft(frames[first:last] * window, n=n_fft, axis=-1).astype("complex64")
            np.square(np.abs(spectrum), out=magnitudes[first:last])
        del padded, frames
        log_spec = inner.mel_filters @ magnitudes.T
        del magnitudes
        np.clip(log_spec, 1e-10, None, out=log_spec)
        np.log10(log_spec, out=log_spec)
        np.maximum(log_spec, log_spec.max() - 8.0, out=log_spec)
        log_spec += 4.0
        log_spec /= 4.0
        return log_spec


def _centred(waveform: npt.NDArray[np.float32], padding: int, half: int) -> npt.NDArray[np.float32]:
    """`waveform`, `padding` zeros, then `half` samples reflected at each end (np.pad's "reflect"),
    in one new array: the wrapped extractor makes two whole copies on the way."""
    length = waveform.size + padding
    if length <= half:  # np.pad reflects a short input several times over
        return np.pad(np.pad(waveform, (0, padding)), (half, half), mode="reflect")
    padded = np.zeros(length + 2 * half, dtype=np.float32)
    padded[half : half + waveform.size] = waveform
    padded[:half] = padded[half + 1 : 2 * half + 1][::-1]
    padded[half + length :] = padded[length - 1 : half + length - 1][::-1]
    return padded
