"""Decode whatever a phone sends (AAC, AMR-NB, Opus, MP3, WAV, FLAC…) into 16 kHz mono float32 PCM.

`decode_chunks` streams: it yields the note in blocks of at most CHUNK_SAMPLES while it decodes, and
keeps running measures (length, peak, energy) in an `AudioStats`, so a worker never needs the whole
note in memory. `decode_audio` gathers those blocks into one array for callers that want it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
import numpy.typing as npt
from django.conf import settings

from speech.engines.base import SAMPLE_RATE
from speech.errors import AudioEmpty, AudioTooLarge, AudioTooLong, AudioUnreadable

logger = logging.getLogger(__name__)

# Only near-digital silence: real speech can be very quiet (a FLEURS recording in speech-dev peaks at
# -48 dBFS and Whisper still transcribes it perfectly), so anything audible goes to the engine.
SILENCE_RMS = 0.0002  # -74 dBFS
SILENCE_PEAK = 0.001  # -60 dBFS

# Decoded frames are gathered into blocks of this many samples (1 s) before they are handed on.
CHUNK_SAMPLES = SAMPLE_RATE


@dataclass(frozen=True)
class DecodedAudio:
    samples: npt.NDArray[np.float32]
    duration_s: float
    format_name: str


@dataclass
class AudioStats:
    """Running measures of a decoded note, updated block by block: nothing here grows with its length."""

    format_name: str = ""
    samples: int = 0
    peak: float = 0.0
    sum_squares: float = 0.0
    complete: bool = False  # set once the whole input has been decoded and passed the checks

    def add(self, block: npt.NDArray[np.float32]) -> None:
        if block.size == 0:
            return
        self.samples += block.size
        self.peak = max(self.peak, float(np.max(np.abs(block))))
        # Not np.dot: BLAS is slow on the near-zero (denormal) samples silent AAC decodes to.
        self.sum_squares += float(np.square(block, dtype=np.float64).sum())

    @property
    def duration_s(self) -> float:
        return self.samples / SAMPLE_RATE

    @property
    def rms(self) -> float:
        return math.sqrt(self.sum_squares / self.samples) if self.samples else 0.0

    @property
    def silent(self) -> bool:
        """The same verdict as `is_silent` on the whole note, from the running measures."""
        return self.samples == 0 or (self.rms < SILENCE_RMS and self.peak < SILENCE_PEAK)


class _ContentOnlyReader:
    """A file object PyAV reads through, without a name.

    FFmpeg scores a file's extension when probing; hiding the name makes it pick the demuxer from the
    bytes alone, so a `.m4a` that is really Opus (or text) is treated as what it is. It also enforces
    the byte cap on streams whose size is unknown up front.
    """

    def __init__(self, raw: BinaryIO, max_bytes: int | None) -> None:
        self._raw = raw
        self._max_bytes = max_bytes
        self.bytes_read = 0
        self.exceeded = False

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.bytes_read += len(data)
        if self._max_bytes is not None and self.bytes_read > self._max_bytes:
            self.exceeded = True
            return b""
        return data

    def seekable(self) -> bool:
        return is_seekable(self._raw)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


def is_seekable(stream: BinaryIO) -> bool:
    seekable = getattr(stream, "seekable", None)
    try:
        return hasattr(stream, "seek") and (seekable is None or bool(seekable()))
    except (OSError, ValueError):
        return False


def _size_of(stream: BinaryIO) -> int | None:
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        pass
    try:
        if not stream.seekable():
            return None
        position = stream.tell()
        size = stream.seek(0, os.SEEK_END)
        stream.seek(position)
        return size - position
    except (AttributeError, OSError, ValueError):
        return None


def decode_audio(
    source: str | Path | BinaryIO,
    *,
    max_duration_s: float | None = None,
    max_bytes: int | None = None,
    min_duration_s: float | None = None,
) -> DecodedAudio:
    """Decode `source` to 16 kHz mono float32 in [-1, 1], the whole note in one array.

    Raises AudioTooLarge before decoding when the size is known to exceed `max_bytes`, AudioTooLong as
    soon as the decoded audio passes `max_duration_s` (the rest is never decoded), AudioUnreadable when
    nothing audio can be read, AudioEmpty for a zero-byte input or audio shorter than
    `min_duration_s` (default: settings.SPEECH_MIN_DURATION_S). A truncated file yields what it holds.
    Workers stream with `decode_chunks` instead; this is for short clips, tools and tests.
    """
    stats = AudioStats()
    blocks = list(
        decode_chunks(
            source,
            max_duration_s=max_duration_s,
            max_bytes=max_bytes,
            min_duration_s=min_duration_s,
            stats=stats,
        )
    )
    samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    return DecodedAudio(samples=samples, duration_s=stats.duration_s, format_name=stats.format_name)


def decode_chunks(
    source: str | Path | BinaryIO,
    *,
    max_duration_s: float | None = None,
    max_bytes: int | None = None,
    min_duration_s: float | None = None,
    stats: AudioStats | None = None,
    chunk_samples: int = CHUNK_SAMPLES,
) -> Iterator[npt.NDArray[np.float32]]:
    """Yield `source` as 16 kHz mono float32 blocks in [-1, 1] of at most `chunk_samples`, as it decodes.

    The checks and errors are those of `decode_audio`, raised from the iteration: the size and format
    ones before the first block, AudioTooLong as soon as the limit is passed, AudioEmpty (too short) at
    the end. `stats`, when given, holds the format and running measures of what was yielded; its
    `complete` is set when the whole input was decoded and passed every check.
    """
    if min_duration_s is None:
        min_duration_s = float(settings.SPEECH_MIN_DURATION_S)
    stats = stats if stats is not None else AudioStats()
    if isinstance(source, str | Path):
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed below, when the generator ends or is closed
        except OSError as exc:
            raise AudioUnreadable(detail=f"cannot open {source}: {exc}") from exc
        with stream:
            yield from _decode_stream(stream, max_duration_s, max_bytes, min_duration_s, stats, chunk_samples)
        return
    yield from _decode_stream(source, max_duration_s, max_bytes, min_duration_s, stats, chunk_samples)


def _decode_stream(
    stream: BinaryIO,
    max_duration_s: float | None,
    max_bytes: int | None,
    min_duration_s: float,
    stats: AudioStats,
    chunk_samples: int,
) -> Iterator[npt.NDArray[np.float32]]:
    size = _size_of(stream)
    if size == 0:
        raise AudioEmpty(detail="zero-byte input")
    if max_bytes is not None and size is not None and size > max_bytes:
        raise AudioTooLarge(detail=f"{size} bytes > limit {max_bytes}")

    reader = _ContentOnlyReader(stream, max_bytes)
    max_samples = None if max_duration_s is None else int(max_duration_s * SAMPLE_RATE)
    try:
        container = av.open(reader, mode="r", metadata_errors="ignore")
    except (av.FFmpegError, ValueError, EOFError, UnicodeDecodeError) as exc:
        if reader.exceeded:
            raise AudioTooLarge(detail=f"more than {max_bytes} bytes") from exc
        raise AudioUnreadable(detail=f"not a readable media file: {exc}") from exc

    # Resampled frames wait in `pending` until they make a block; nothing else is kept.
    pending: list[npt.NDArray[np.float32]] = []
    pending_samples = 0
    decoded = 0

    def take(frame: av.AudioFrame) -> Iterator[npt.NDArray[np.float32]]:
        nonlocal pending_samples, decoded
        samples = _mono_float32(frame)
        pending.append(samples)
        pending_samples += samples.size
        decoded += samples.size
        if pending_samples >= chunk_samples:
            yield from flush(final=False)

    def flush(*, final: bool) -> Iterator[npt.NDArray[np.float32]]:
        nonlocal pending_samples
        if not pending:
            return
        joined = np.concatenate(pending)  # a copy: the frames' own buffers are never written to
        pending.clear()
        end = joined.size if final else joined.size - joined.size % chunk_samples
        for start in range(0, end, chunk_samples):
            block = joined[start : start + chunk_samples]
            np.clip(block, -1.0, 1.0, out=block)
            stats.add(block)
            yield block
        rest = joined[end:]
        pending_samples = rest.size
        if rest.size:
            pending.append(rest.copy())

    with container:
        format_name = container.format.name
        stats.format_name = format_name
        if not container.streams.audio:
            raise AudioUnreadable(detail=f"no audio stream in {format_name} input")
        audio_stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(audio_stream):
                if max_samples is not None and frame.sample_rate:
                    # A tiny file can claim a sample rate of 1 Hz: refuse before resampling it to millions.
                    expected = decoded + frame.samples * SAMPLE_RATE // frame.sample_rate
                    if expected > max_samples + SAMPLE_RATE:
                        raise AudioTooLong(detail=f"more than {max_duration_s} s of audio")
                for resampled in resampler.resample(frame):
                    yield from take(resampled)
                if max_samples is not None and decoded > max_samples:
                    raise AudioTooLong(detail=f"more than {max_duration_s} s of audio")
        except (av.FFmpegError, ValueError, EOFError) as exc:
            if reader.exceeded:
                raise AudioTooLarge(detail=f"more than {max_bytes} bytes") from exc
            if not decoded:
                raise AudioUnreadable(detail=f"{format_name} stream could not be decoded: {exc}") from exc
            # A phone that lost the network mid-upload leaves a truncated file: keep what was decoded.
            logger.warning("Audio decoding stopped early (%s), keeping %.2f s", exc, decoded / SAMPLE_RATE)
        for resampled in resampler.resample(None):
            yield from take(resampled)

    if reader.exceeded:
        raise AudioTooLarge(detail=f"more than {max_bytes} bytes")
    if max_samples is not None and decoded > max_samples:
        raise AudioTooLong(detail=f"more than {max_duration_s} s of audio")
    duration_s = decoded / SAMPLE_RATE
    if decoded == 0 or duration_s < min_duration_s:
        raise AudioEmpty(detail=f"{duration_s:.3f} s of audio decoded (minimum {min_duration_s} s)")
    yield from flush(final=True)
    stats.complete = True


def _mono_float32(frame: av.AudioFrame) -> npt.NDArray[np.float32]:
    # The resampler's output is packed "flt" mono: one row of float32 samples.
    return frame.to_ndarray().reshape(-1).astype(np.float32, copy=False)


def is_silent(samples: npt.NDArray[np.float32]) -> bool:
    """True when the audio is (nearly) digital silence: no engine could hear a word in it."""
    stats = AudioStats()
    for start in range(0, samples.size, CHUNK_SAMPLES):
        stats.add(samples[start : start + CHUNK_SAMPLES])
    return stats.silent


def probe_duration(stream: BinaryIO) -> float | None:
    """The note's length as its container says (header only, nothing decoded), or None when the
    container does not tell or cannot be read — the decoding pass measures it then. The stream is left
    at its start."""
    if not is_seekable(stream):
        return None
    try:
        stream.seek(0)
        with av.open(_ContentOnlyReader(stream, None), mode="r", metadata_errors="ignore") as container:
            if container.duration:
                return float(container.duration) / 1_000_000
            audio = next((s for s in container.streams if s.type == "audio"), None)
            if audio is not None and audio.duration and audio.time_base:
                return float(audio.duration * audio.time_base)
            return None
    except (av.FFmpegError, OSError, ValueError, StopIteration):
        return None
    finally:
        with contextlib.suppress(OSError, ValueError):
            stream.seek(0)
