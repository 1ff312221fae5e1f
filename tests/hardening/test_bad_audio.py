"""No server errors on bad input: broken, fake, hostile or extreme audio, and garbage in every multipart
field, each ends in a 4xx with the API's error shape and a stable code, or in a `failed` declaration
with its error_code and French message once the pipeline ran (`process_declaration`, in-process).

Every file is generated here, small and fast: the 2-hour silence is one silent AAC frame repeated
(620 KB), and must stop at the duration cap without decoding the rest. Files that are real audio (other
sample rates, stereo, a truncated but playable m4a) decode fine; a stand-in engine then "hears" a
sentence, so no speech model is loaded.
"""

from __future__ import annotations

import io
import os
import re
import struct
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from declarations.models import Beneficiary, Declaration
from declarations.pipeline import process_declaration
from speech import errors as speech_errors
from speech.engines import Transcript
from tests.api.conftest import ApiFor

URL = "/api/v1/declarations/"
RECORDED_AT = "2026-01-07T18:30:00+01:00"
HEARD = "Lundi j'ai envoyé un CV chez Carrefour pour un poste d'employé de rayon."
FRENCH_MESSAGES = {
    cls.code: cls.message
    for cls in vars(speech_errors).values()
    if isinstance(cls, type) and issubclass(cls, speech_errors.SpeechError)
}
# Processing any of these files, the 2-hour silence included, must stay well under this (2 shared cores).
MAX_PROCESSING_S = 20.0


# --- Files ------------------------------------------------------------------------------------------


def tone(rate: int, seconds: float, channels: int = 1) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    if channels == 2:
        samples = np.stack([samples, samples], axis=1).reshape(-1)
    return samples.tobytes()


def wav_header(rate: int, channels: int, data_size: int, riff_size: int | None = None) -> bytes:
    block = channels * 2
    return (
        b"RIFF" + struct.pack("<I", 36 + data_size if riff_size is None else riff_size) + b"WAVE"
        + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, 16)
        + b"data" + struct.pack("<I", data_size)
    )


def wav(rate: int, seconds: float, channels: int = 1) -> bytes:
    data = tone(rate, seconds, channels)
    return wav_header(rate, channels, len(data)) + data


@cache
def m4a(faststart: bool) -> bytes:
    """2 s of AAC in MP4; the index (moov) at the end as phones write it, or first (faststart)."""
    fd, path = tempfile.mkstemp(suffix=".m4a")
    os.close(fd)
    try:
        with av.open(path, "w", format="mp4", options={"movflags": "faststart"} if faststart else {}) as out:
            stream = out.add_stream("aac", rate=16000, layout="mono")
            t = np.arange(32000) / 16000
            frame = av.AudioFrame.from_ndarray(
                (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :], format="fltp", layout="mono"
            )
            frame.sample_rate = 16000
            for packet in [*stream.encode(frame), *stream.encode(None)]:
                out.mux(packet)
        return Path(path).read_bytes()
    finally:
        os.unlink(path)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(
        b"IEND", b""
    )


def empty_container(container: str, codec: str) -> bytes:
    """A container that declares an audio stream and holds not one packet."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        out.add_stream(codec, rate=48000, layout="mono")
        out.start_encoding()  # writes the header, then no packet
    data = buffer.getvalue()
    assert data
    return data


def silence_aac(seconds: float) -> bytes:
    """Hours of silence in kilobytes: one silent 8 kHz ADTS AAC frame (1024 samples), repeated."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="adts") as out:
        stream = out.add_stream("aac", rate=8000, layout="mono")
        stream.bit_rate = 8000
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 24000), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    data, frames, i = buffer.getvalue(), [], 0
    while i < len(data):
        length = ((data[i + 3] & 3) << 11) | (data[i + 4] << 3) | (data[i + 5] >> 5)
        frames.append(data[i : i + length])
        i += length
    return frames[len(frames) // 2] * (int(seconds * 8000 / 1024) + 1)


# (case, file, upload status, final status, error code). Upload 202 means the pipeline then runs.
AUDIO_CASES: list[tuple[str, Callable[[], bytes], int, str | None, str]] = [
    ("empty file", lambda: b"", 400, None, "audio_empty"),
    ("26 MB file, over the upload cap", lambda: bytes(26 * 1024 * 1024), 413, None, "audio_too_large"),
    ("m4a truncated at half (index at the end, lost)", lambda: m4a(False)[: len(m4a(False)) // 2], 202, "failed", "audio_unreadable"),
    ("m4a truncated to its first kilobyte", lambda: m4a(False)[:1024], 202, "failed", "audio_unreadable"),
    ("m4a truncated at 2/3 (index first): the rest plays", lambda: m4a(True)[: len(m4a(True)) * 2 // 3], 202, "to_confirm", ""),
    ("text file renamed .m4a", lambda: b"Bonjour, ceci n'est pas un son.\n" * 20, 202, "failed", "audio_unreadable"),
    ("PNG image renamed .m4a", png, 202, "failed", "audio_unreadable"),
    ("64 KB of random bytes", lambda: np.random.default_rng(6).bytes(65536), 202, "failed", "audio_unreadable"),
    ("WAV header claiming 4 GB, 2 ms of data", lambda: wav_header(16000, 1, 0xFFFFFFF0, 0xFFFFFFFF) + tone(16000, 0.002), 202, "failed", "audio_empty"),
    ("4 KB WAV at 1 Hz: 33 min once resampled (bomb)", lambda: wav_header(1, 1, 4000) + b"\x10\x20" * 2000, 413, None, "audio_too_long"),
    ("WAV with a 0-byte data chunk", lambda: wav_header(16000, 1, 0), 202, "failed", "audio_empty"),
    ("Ogg Opus stream with no packet", lambda: empty_container("ogg", "libopus"), 202, "failed", "audio_unreadable"),
    ("Matroska AAC stream with no packet", lambda: empty_container("matroska", "aac"), 202, "failed", "audio_unreadable"),
    ("MP4 AAC stream with no sample", lambda: empty_container("mp4", "aac"), 202, "failed", "audio_unreadable"),
    ("8 kHz mono WAV", lambda: wav(8000, 1.0), 202, "to_confirm", ""),
    ("48 kHz mono WAV", lambda: wav(48000, 1.0), 202, "to_confirm", ""),
    ("44.1 kHz stereo WAV", lambda: wav(44100, 1.0, channels=2), 202, "to_confirm", ""),
    # the container says how long it is: refused at once, nothing stored, the phone knows now
    ("2 h of silence, AAC 8 kbit/s (620 KB)", lambda: silence_aac(2 * 3600), 413, None, "audio_too_long"),
]

OUTCOMES: list[str] = []


class HearsASentence:
    """Stands in for the speech engine: whatever it is given, it hears one sentence."""

    name = "stand-in"
    model_path = "/nowhere/stand-in"

    def transcribe(self, samples: Any) -> Transcript:
        return Transcript(text=HEARD)


@pytest.fixture
def stand_in_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("speech.services.get_engine", lambda: HearsASentence())


def assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) <= {"code", "message", "details"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    return body


@pytest.mark.parametrize(
    ("case", "make", "upload_status", "final_status", "code"), AUDIO_CASES, ids=[case[0] for case in AUDIO_CASES]
)
def test_bad_audio(
    case: str,
    make: Callable[[], bytes],
    upload_status: int,
    final_status: str | None,
    code: str,
    jeune: Beneficiary,
    api_for: ApiFor,
    media_root: Path,
    stand_in_engine: None,
) -> None:
    client = api_for(jeune)
    audio = SimpleUploadedFile("note.m4a", make(), content_type="audio/mp4")
    response = client.post(
        URL, {"audio": audio, "client_id": str(uuid.uuid4()), "recorded_at": RECORDED_AT}, format="multipart"
    )

    if upload_status != 202:
        assert_error_shape(response, upload_status, code)
        assert not Declaration.objects.exists()
        OUTCOMES.append(f"{case}: {upload_status} {code}")
        return
    assert response.status_code == 202, response.content[:500]
    declaration_id = response.json()["id"]

    started = time.perf_counter()
    process_declaration(declaration_id)
    elapsed = time.perf_counter() - started

    assert elapsed < MAX_PROCESSING_S, f"{case}: {elapsed:.1f} s"
    body = client.get(f"{URL}{declaration_id}/").json()
    assert body["status"] == final_status, body
    assert body["error_code"] == code, body
    if final_status == "failed":
        assert body["error"] == FRENCH_MESSAGES[code]
        assert body["steps"] == []
    else:
        assert body["transcript"] == HEARD and body["steps"], body
    OUTCOMES.append(f"{case}: 202 then {final_status}{' ' + code if code else ''} ({elapsed:.2f} s)")


def _valid_fields() -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "recorded_at": RECORDED_AT, "audio": wav(8000, 1.0)}


# (case, changes to a valid upload (None removes the field), status, code, field named in details)
FIELD_CASES: list[tuple[str, dict[str, Any], int, str, str | None]] = [
    ("client_id not a UUID", {"client_id": "pas-un-uuid"}, 400, "invalid", "client_id"),
    ("client_id missing", {"client_id": None}, 400, "invalid", "client_id"),
    ("client_id empty", {"client_id": ""}, 400, "invalid", "client_id"),
    ("client_id with a NUL byte", {"client_id": "\x00" + str(uuid.uuid4())}, 400, "invalid", "client_id"),
    ("client_id of 10 000 characters", {"client_id": "a" * 10_000}, 400, "invalid", "client_id"),
    ("recorded_at not a date", {"recorded_at": "hier soir"}, 400, "invalid", "recorded_at"),
    ("recorded_at missing", {"recorded_at": None}, 400, "invalid", "recorded_at"),
    ("recorded_at in year 278", {"recorded_at": "0278-08-17T22:00:26-05:15"}, 400, "invalid", "recorded_at"),
    ("recorded_at at the end of time", {"recorded_at": "9999-12-31T23:59:59-12:00"}, 400, "invalid", "recorded_at"),
    ("recorded_at 30 February", {"recorded_at": "2026-02-30T10:00:00+01:00"}, 400, "invalid", "recorded_at"),
    ("audio as a text field", {"audio": "ceci est un champ texte"}, 400, "invalid", "audio"),
    ("neither audio nor text", {"audio": None}, 400, "invalid", "non_field_errors"),
    ("audio and text together", {"text": "Lundi j'ai fait mon CV."}, 400, "invalid", "non_field_errors"),
    ("text only, of 20 001 characters", {"audio": None, "text": "a" * 20_001}, 400, "invalid", "text"),
    ("text only, with a NUL byte", {"audio": None, "text": "CV\x00"}, 400, "invalid", "text"),
]


def multipart(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        key: SimpleUploadedFile("note.wav", value, content_type="audio/wav") if isinstance(value, bytes) else value
        for key, value in fields.items()
        if value is not None
    }


@pytest.mark.parametrize(
    ("case", "changes", "status", "code", "field"), FIELD_CASES, ids=[case[0] for case in FIELD_CASES]
)
def test_garbage_in_a_multipart_field(
    case: str,
    changes: dict[str, Any],
    status: int,
    code: str,
    field: str | None,
    jeune: Beneficiary,
    api_for: ApiFor,
    media_root: Path,
) -> None:
    response = api_for(jeune).post(URL, multipart({**_valid_fields(), **changes}), format="multipart")
    body = assert_error_shape(response, status, code)
    if field:
        assert field in body["details"], body
    assert not Declaration.objects.exists()
    OUTCOMES.append(f"{case}: {status} {code} ({field})")


def test_extra_fields_are_ignored_and_the_storage_key_ignores_the_file_name(
    jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor, media_root: Path
) -> None:
    fields = {
        **_valid_fields(),
        "audio": SimpleUploadedFile("../../../etc/passwd", wav(8000, 1.0), content_type="text/html"),
        "status": "reviewed",
        "beneficiary": str(other_jeune.pk),
        "id": "1",
        "transcript": "J'ai travaillé 300 heures.",
        "error_code": "none",
        "steps": '[{"category": "EMPLOI"}]',
        "": "champ sans nom",
    }
    response = api_for(jeune).post(URL, fields, format="multipart")

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["transcript"], body["steps"], body["error_code"]) == ("received", "", [], "")
    declaration = Declaration.objects.get()
    assert declaration.beneficiary == jeune
    assert re.fullmatch(r"audio/\d{4}/\d{2}/[0-9a-f]{32}", declaration.audio.name), declaration.audio.name
    assert (media_root / declaration.audio.name).is_file()
    OUTCOMES.append("extra fields, hostile file name and content type: 202, all ignored, key audio/YYYY/MM/<uuid>")


def test_a_malformed_multipart_body_or_an_unknown_content_type(jeune: Beneficiary, api_for: ApiFor) -> None:
    client: APIClient = api_for(jeune)
    broken = client.generic(
        "POST", URL, b"--xyz\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\n",
        content_type="multipart/form-data",  # no boundary
    )
    assert_error_shape(broken, 400, "parse_error")
    truncated = client.generic(
        "POST", URL, b"--xyz\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a\"\r\n\r\nRIFF",
        content_type="multipart/form-data; boundary=xyz",
    )
    assert truncated.status_code == 400 and truncated.json()["code"] in ("parse_error", "invalid"), truncated.content
    unknown = client.generic("POST", URL, b"client_id=1", content_type="text/plain")
    assert_error_shape(unknown, 415, "unsupported_media_type")
    assert not Declaration.objects.exists()
    OUTCOMES.append("multipart without boundary: 400 parse_error; truncated body: 400; text/plain: 415")


@pytest.fixture(scope="module", autouse=True)
def report_outcomes() -> Any:
    yield
    from tests.hardening.conftest import SUMMARY

    for index, line in enumerate(OUTCOMES):
        SUMMARY[f"bad input {index + 1:02d}"] = line


def test_one_person_cannot_send_more_recorded_minutes_a_day_than_the_limit(
    jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor, media_root: Path, settings: Any
) -> None:
    settings.SPEECH_DAILY_MINUTES = 2
    minute_and_a_half = silence_aac(90)

    def send(person: Beneficiary) -> Any:
        audio = SimpleUploadedFile("note.m4a", minute_and_a_half, content_type="audio/mp4")
        fields = {"audio": audio, "client_id": str(uuid.uuid4()), "recorded_at": RECORDED_AT}
        return api_for(person).post(URL, fields, format="multipart")

    first = send(jeune)
    assert first.status_code == 202
    stored = Declaration.objects.get(pk=first.json()["id"])
    assert stored.audio_duration_s is not None and 89 <= stored.audio_duration_s <= 91  # known at upload

    second = send(jeune)
    assert_error_shape(second, 429, "daily_audio_limit")
    assert "limite est de 2 min par jour" in second.json()["message"]
    assert Declaration.objects.filter(beneficiary=jeune).count() == 1

    # a typed note is still welcome, and another young person has their own allowance
    typed = api_for(jeune).post(
        URL, {"text": "Lundi j'ai fait mon CV.", "client_id": str(uuid.uuid4()), "recorded_at": RECORDED_AT}, format="json"
    )
    assert typed.status_code == 202
    assert send(other_jeune).status_code == 202
