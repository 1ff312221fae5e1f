"""Decoding what phones send, on files encoded here with PyAV and on the real audio-dev notes."""

from __future__ import annotations

import io
import os
import wave
from pathlib import Path

import numpy as np
import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from speech.audio import decode_audio, is_silent
from speech.engines.base import SAMPLE_RATE
from speech.errors import AudioEmpty, AudioTooLarge, AudioTooLong, AudioUnreadable, NoSpeech
from speech.services import transcribe_audio
from tests.speech.conftest import AUDIO_DEV, SPEECH_DEV, UnseekableStream, audio_dev_manifest, encode, tone

# (file name, container, encoder, sample rate): what phones and messaging apps produce.
PHONE_FORMATS = [
    ("note.m4a", "ipod", "aac", 44_100),
    ("note.ogg", "ogg", "libopus", 48_000),
    ("note.webm", "webm", "libopus", 48_000),
    ("note.mp3", "mp3", "libmp3lame", 44_100),
    ("note.wav", "wav", "pcm_s16le", 44_100),
    ("note.flac", "flac", "flac", 44_100),
    # This PyAV build ships the libopencore_amrnb encoder, so AMR-NB is encoded here too.
    ("note.3gp", "3gp", "libopencore_amrnb", 8_000),
]


def assert_pcm_16k_mono(samples: np.ndarray) -> None:
    assert samples.dtype == np.float32
    assert samples.ndim == 1
    assert float(np.max(np.abs(samples))) <= 1.0


@pytest.mark.parametrize(("name", "container_format", "codec", "rate"), PHONE_FORMATS)
def test_it_decodes_each_phone_format_to_16k_mono(
    tmp_path: Path, name: str, container_format: str, codec: str, rate: int
) -> None:
    path = encode(tmp_path / name, tone(2.5, rate), rate=rate, container_format=container_format, codec=codec)

    audio = decode_audio(path)

    assert_pcm_16k_mono(audio.samples)
    assert audio.duration_s == pytest.approx(2.5, abs=0.1)
    assert audio.samples.size == pytest.approx(2.5 * SAMPLE_RATE, abs=0.1 * SAMPLE_RATE)
    assert not is_silent(audio.samples)


def test_it_detects_the_format_from_content_not_the_name(tmp_path: Path) -> None:
    path = encode(
        tmp_path / "really-opus.m4a", tone(1.0, 48_000), rate=48_000, container_format="ogg", codec="libopus"
    )

    audio = decode_audio(path)

    assert audio.format_name == "ogg"
    assert audio.duration_s == pytest.approx(1.0, abs=0.1)


def test_it_decodes_a_file_object(tmp_path: Path) -> None:
    path = encode(tmp_path / "n.m4a", tone(1.5, 44_100), rate=44_100, container_format="ipod", codec="aac")

    audio = decode_audio(io.BytesIO(path.read_bytes()))

    assert audio.duration_s == pytest.approx(1.5, abs=0.1)


REAL_FILES = {
    ext: next(f for f in sorted(audio_dev_manifest()) if f.endswith(ext))
    for ext in (".m4a", ".3gp", ".ogg", ".webm", ".mp3", ".wav")
}


@pytest.mark.parametrize("file_name", sorted(REAL_FILES.values()))
def test_it_decodes_the_real_audio_dev_notes(file_name: str) -> None:
    expected = float(audio_dev_manifest()[file_name]["duration_s"])  # type: ignore[arg-type]

    audio = decode_audio(AUDIO_DEV / file_name)

    assert_pcm_16k_mono(audio.samples)
    assert audio.duration_s == pytest.approx(expected, abs=0.1)


def test_it_refuses_a_text_file_named_m4a(tmp_path: Path) -> None:
    path = tmp_path / "note.m4a"
    path.write_text("Bonjour, ceci n'est pas un enregistrement.\n" * 50)

    with pytest.raises(AudioUnreadable):
        decode_audio(path)


def test_it_reports_an_empty_file_as_empty_audio(tmp_path: Path) -> None:
    """A zero-byte upload is AudioEmpty ("vide ou trop courte"), the message that helps the person most:
    phones send those when recording failed, not when they send the wrong kind of file."""
    path = tmp_path / "note.m4a"
    path.write_bytes(b"")

    with pytest.raises(AudioEmpty):
        decode_audio(path)


def test_it_refuses_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "note.ogg"
    path.write_bytes(np.random.default_rng(7).bytes(64_000))

    with pytest.raises(AudioUnreadable):
        decode_audio(path)


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioUnreadable):
        decode_audio(tmp_path / "nowhere.m4a")


@pytest.mark.parametrize(
    ("name", "container_format", "codec", "rate", "options"),
    [
        ("note.ogg", "ogg", "libopus", 48_000, None),
        ("note.webm", "webm", "libopus", 48_000, None),
        ("note.m4a", "ipod", "aac", 44_100, {"movflags": "+faststart"}),
    ],
)
def test_it_decodes_what_a_truncated_file_holds(
    tmp_path: Path, name: str, container_format: str, codec: str, rate: int, options: dict[str, str] | None
) -> None:
    path = encode(
        tmp_path / name,
        tone(4.0, rate),
        rate=rate,
        container_format=container_format,
        codec=codec,
        options=options,
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    audio = decode_audio(path)

    assert audio.duration_s == pytest.approx(2.0, abs=0.4)


def test_it_refuses_a_truncated_m4a_whose_index_was_at_the_end(tmp_path: Path) -> None:
    """Without `faststart` the mp4 index (moov) is written last: cut in half, nothing locates the audio."""
    path = encode(tmp_path / "note.m4a", tone(4.0, 44_100), rate=44_100, container_format="ipod", codec="aac")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(AudioUnreadable):
        decode_audio(path)


def test_it_refuses_audio_shorter_than_the_minimum(tmp_path: Path, settings) -> None:
    settings.SPEECH_MIN_DURATION_S = 0.5
    path = encode(
        tmp_path / "n.wav", tone(0.2, 16_000), rate=16_000, container_format="wav", codec="pcm_s16le"
    )

    with pytest.raises(AudioEmpty):
        decode_audio(path)


def test_it_stops_decoding_as_soon_as_the_note_is_too_long(tmp_path: Path) -> None:
    path = encode(tmp_path / "n.ogg", tone(6.0, 48_000), rate=48_000, container_format="ogg", codec="libopus")

    with pytest.raises(AudioTooLong):
        decode_audio(path, max_duration_s=1.0)


def test_it_reads_only_the_start_of_a_very_long_note(tmp_path: Path) -> None:
    path = tmp_path / "ten-minutes.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8_000)
        out.writeframes(np.tile(tone(1.0, 8_000), 600).tobytes())

    class CountingStream(io.BytesIO):
        bytes_read = 0

        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            self.bytes_read += len(data)
            return data

    stream = CountingStream(path.read_bytes())

    with pytest.raises(AudioTooLong):
        decode_audio(stream, max_duration_s=5.0)

    assert stream.bytes_read < path.stat().st_size / 20


def test_it_refuses_a_note_longer_than_the_settings_allow(tmp_path: Path, settings) -> None:
    settings.SPEECH_MAX_DURATION_S = 2.0
    path = encode(tmp_path / "n.m4a", tone(5.0, 44_100), rate=44_100, container_format="ipod", codec="aac")

    with pytest.raises(AudioTooLong):
        transcribe_audio(path)


def test_it_refuses_a_file_over_the_byte_limit_before_decoding(tmp_path: Path) -> None:
    path = encode(
        tmp_path / "n.wav", tone(2.0, 44_100), rate=44_100, container_format="wav", codec="pcm_s16le"
    )

    with pytest.raises(AudioTooLarge):
        decode_audio(path, max_bytes=os.path.getsize(path) - 1)


def test_it_decodes_django_uploaded_and_stored_files(tmp_path: Path) -> None:
    path = encode(tmp_path / "n.m4a", tone(1.5, 44_100), rate=44_100, container_format="ipod", codec="aac")
    uploaded = SimpleUploadedFile("note.m4a", path.read_bytes(), content_type="audio/mp4")

    with open(path, "rb") as raw:
        stored = decode_audio(File(raw))  # type: ignore[arg-type]
    in_memory = decode_audio(uploaded)  # type: ignore[arg-type]

    assert stored.duration_s == pytest.approx(1.5, abs=0.1)
    assert in_memory.duration_s == pytest.approx(1.5, abs=0.1)


def test_it_refuses_an_upload_over_the_byte_limit(tmp_path: Path) -> None:
    path = encode(tmp_path / "n.m4a", tone(1.5, 44_100), rate=44_100, container_format="ipod", codec="aac")
    uploaded = SimpleUploadedFile("note.m4a", path.read_bytes(), content_type="audio/mp4")

    with pytest.raises(AudioTooLarge):
        decode_audio(uploaded, max_bytes=1_000)  # type: ignore[arg-type]


def test_it_decodes_an_unseekable_stream(tmp_path: Path) -> None:
    path = encode(tmp_path / "n.ogg", tone(2.0, 48_000), rate=48_000, container_format="ogg", codec="libopus")

    audio = decode_audio(UnseekableStream(path.read_bytes()))  # type: ignore[arg-type]

    assert audio.duration_s == pytest.approx(2.0, abs=0.1)


def test_it_enforces_the_byte_limit_on_a_stream_of_unknown_size(tmp_path: Path) -> None:
    path = encode(
        tmp_path / "n.wav", tone(2.0, 44_100), rate=44_100, container_format="wav", codec="pcm_s16le"
    )

    with pytest.raises(AudioTooLarge):
        decode_audio(UnseekableStream(path.read_bytes()), max_bytes=50_000)  # type: ignore[arg-type]


def test_it_raises_no_speech_for_silence_before_any_recognition(tmp_path: Path, settings) -> None:
    # No model is configured: the silence check must come first for this to pass.
    settings.SPEECH_MODEL_PATH = tmp_path / "no-model-here"
    silence = np.zeros(3 * 44_100, dtype=np.int16)
    path = encode(tmp_path / "silence.m4a", silence, rate=44_100, container_format="ipod", codec="aac")

    with pytest.raises(NoSpeech):
        transcribe_audio(path)


def test_it_tells_silence_from_quiet_sound() -> None:
    rng = np.random.default_rng(3)
    dither = (rng.standard_normal(SAMPLE_RATE) * 0.0001).astype(np.float32)
    quiet_tone = (tone(1.0, SAMPLE_RATE, amplitude=0.01) / 32767).astype(np.float32)

    assert is_silent(np.zeros(SAMPLE_RATE, np.float32))
    assert is_silent(dither)
    assert not is_silent(quiet_tone)


def test_it_does_not_take_very_quiet_real_speech_for_silence() -> None:
    """speech-dev r001 (FLEURS) peaks at -48 dBFS, yet Whisper transcribes it word for word."""
    audio = decode_audio(SPEECH_DEV / "r001.wav")

    assert float(np.max(np.abs(audio.samples))) < 0.01
    assert not is_silent(audio.samples)
