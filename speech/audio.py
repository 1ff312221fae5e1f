"""Decode whatever a phone sends (AAC, AMR-NB, Opus, MP3, WAV, FLAC…) into 16 kHz mono float32 PCM."""

from __future__ import annotations

import logging
import os
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


@dataclass(frozen=True)
class DecodedAudio:
    samples: npt.NDArray[np.float32]
    duration_s: float
    format_name: str


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
        seekable = getattr(self._raw, "seekable", None)
        return hasattr(self._raw, "seek") and (seekable is None or bool(seekable()))

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


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
    """Decode `source` to 16 kHz mono float32 in [-1, 1].

    Raises AudioTooLarge before decoding when the size is known to exceed `max_bytes`, AudioTooLong as
    soon as the decoded audio passes `max_duration_s` (the rest is never decoded), AudioUnreadable when
    nothing audio can be read, AudioEmpty for a zero-byte input or audio shorter than
    `min_duration_s` (default: settings.SPEECH_MIN_DURATION_S). A truncated file yields what it holds.
    """
    if min_duration_s is None:
        min_duration_s = float(settings.SPEECH_MIN_DURATION_S)
    if isinstance(source, str | Path):
        try:
            with open(source, "rb") as stream:
                return _decode_stream(stream, max_duration_s, max_bytes, min_duration_s)
        except OSError as exc:
            raise AudioUnreadable(detail=f"cannot open {source}: {exc}") from exc
    return _decode_stream(source, max_duration_s, max_bytes, min_duration_s)


def _decode_stream(
    stream: BinaryIO, max_duration_s: float | None, max_bytes: int | None, min_duration_s: float
) -> DecodedAudio:
    size = _size_of(stream)
    if size == 0:
        raise AudioEmpty(detail="zero-byte input")
    if max_bytes is not None and size is not None and size > max_bytes:
        raise AudioTooLarge(detail=f"{size} bytes > limit {max_bytes}")

    reader = _ContentOnlyReader(stream, max_bytes)
    max_samples = None if max_duration_s is None else int(max_duration_s * SAMPLE_RATE)
    chunks: list[npt.NDArray[np.float32]] = []
    decoded = 0
    try:
        container = av.open(reader, mode="r", metadata_errors="ignore")
    except (av.FFmpegError, ValueError, EOFError, UnicodeDecodeError) as exc:
        if reader.exceeded:
            raise AudioTooLarge(detail=f"more than {max_bytes} bytes") from exc
        raise AudioUnreadable(detail=f"not a readable media file: {exc}") from exc

    with container:
        format_name = container.format.name
        if not container.streams.audio:
            raise AudioUnreadable(detail=f"no audio stream in {format_name} input")
        audio_stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(audio_stream):
                for resampled in resampler.resample(frame):
                    chunks.append(_mono_float32(resampled))
                    decoded += chunks[-1].size
                if max_samples is not None and decoded > max_samples:
                    raise AudioTooLong(detail=f"more than {max_duration_s} s of audio")
        except (av.FFmpegError, ValueError, EOFError) as exc:
            if reader.exceeded:
                raise AudioTooLarge(detail=f"more than {max_bytes} bytes") from exc
            if not chunks:
                raise AudioUnreadable(detail=f"{format_name} stream could not be decoded: {exc}") from exc
            # A phone that lost the network mid-upload leaves a truncated file: keep what was decoded.
            logger.warning("Audio decoding stopped early (%s), keeping %.2f s", exc, decoded / SAMPLE_RATE)
        for resampled in resampler.resample(None):
            chunks.append(_mono_float32(resampled))
            decoded += chunks[-1].size

    if reader.exceeded:
        raise AudioTooLarge(detail=f"more than {max_bytes} bytes")
    if max_samples is not None and decoded > max_samples:
        raise AudioTooLong(detail=f"more than {max_duration_s} s of audio")
    samples = np.concatenate(chunks).astype(np.float32, copy=False) if chunks else np.zeros(0, np.float32)
    np.clip(samples, -1.0, 1.0, out=samples)
    duration_s = samples.size / SAMPLE_RATE
    if samples.size == 0 or duration_s < min_duration_s:
        raise AudioEmpty(detail=f"{duration_s:.3f} s of audio decoded (minimum {min_duration_s} s)")
    return DecodedAudio(samples=samples, duration_s=duration_s, format_name=format_name)


def _mono_float32(frame: av.AudioFrame) -> npt.NDArray[np.float32]:
    # The resampler's output is packed "flt" mono: one row of float32 samples.
    return frame.to_ndarray().reshape(-1).astype(np.float32, copy=False)


def is_silent(samples: npt.NDArray[np.float32]) -> bool:
    """True when the audio is (nearly) digital silence: no engine could hear a word in it."""
    if samples.size == 0:
        return True
    peak = float(np.max(np.abs(samples)))
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return rms < SILENCE_RMS and peak < SILENCE_PEAK
