"""The `transcribe` and `install_speech_model` management commands, end to end."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import socket
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.speech.conftest import AUDIO_DEV, WHISPER_MODEL

MODEL_NAME = "vosk-model-small-fr-0.22"


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_transcribe_json_prints_one_line_per_file_and_fails_on_a_bad_one(tmp_path: Path) -> None:
    good = AUDIO_DEV / "v002.m4a"
    bad = tmp_path / "note.m4a"
    bad.write_text("pas de l'audio")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "transcribe",
            str(good),
            str(bad),
            "--engine",
            "whisper",
            "--model",
            str(WHISPER_MODEL),
            "--json",
            stdout=out,
            stderr=err,
        )

    assert raised.value.returncode == 1
    first, second = [json.loads(line) for line in out.getvalue().splitlines()]
    assert set(first) == {"file", "text", "duration_s", "engine", "seconds", "words"}
    assert first["file"] == str(good)
    assert first["engine"] == "whisper"
    assert first["duration_s"] == pytest.approx(8.94, abs=0.1)
    assert 0 < first["seconds"] < 60
    assert "lettre de motivation" in first["text"].lower()
    assert first["words"] and set(first["words"][0]) == {"word", "start", "end", "conf"}
    assert second == {
        "file": str(bad),
        "error_code": "audio_unreadable",
        "error": "Le fichier envoyé n'est pas un enregistrement audio lisible.",
    }
    assert "[1/2]" in err.getvalue() and "[2/2]" in err.getvalue()


def test_transcribe_explains_a_missing_model(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        run("transcribe", str(AUDIO_DEV / "v002.m4a"), "--engine", "vosk", "--model", str(tmp_path / "none"))

    assert "SPEECH_MODEL_PATH" in str(raised.value)


def model_zip(tmp_path: Path) -> tuple[Path, str]:
    """A zip laid out like the official one: one top folder holding am/, conf/, graph/, ivector/."""
    path = tmp_path / "served" / f"{MODEL_NAME}.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as archive:
        for member in (
            "am/final.mdl",
            "conf/mfcc.conf",
            "conf/model.conf",
            "graph/HCLr.fst",
            "graph/Gr.fst",
            "ivector/final.ie",
        ):
            archive.writestr(f"{MODEL_NAME}/{member}", f"content of {member}\n")
    return path, hashlib.md5(path.read_bytes()).hexdigest()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    zip_path, md5 = model_zip(tmp_path)
    handler = partial(QuietHandler, directory=str(zip_path.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", zip_path, md5
    finally:
        server.shutdown()
        server.server_close()


def test_install_speech_model_installs_from_a_mirror_then_skips(
    mirror: tuple[str, Path, str], tmp_path: Path
) -> None:
    base_url, _, md5 = mirror
    dest = tmp_path / "models"

    out, _ = run("install_speech_model", "--mirror", base_url, "--md5", md5, "--dest", str(dest))

    target = dest / MODEL_NAME
    assert (target / "am" / "final.mdl").read_text() == "content of am/final.mdl\n"
    marker = json.loads((target / ".installed.json").read_text())
    assert marker["md5"] == md5
    assert f"SPEECH_MODEL_PATH={target}" in out
    assert sorted(p.name for p in dest.iterdir()) == [MODEL_NAME]

    out, _ = run("install_speech_model", "--mirror", base_url, "--md5", md5, "--dest", str(dest))

    assert "already installed" in out


def test_install_speech_model_refuses_a_checksum_mismatch_and_leaves_nothing(
    mirror: tuple[str, Path, str], tmp_path: Path
) -> None:
    base_url, _, _ = mirror
    dest = tmp_path / "models"

    with pytest.raises(CommandError) as raised:
        run("install_speech_model", "--mirror", base_url, "--dest", str(dest))  # the official md5

    assert "Checksum mismatch" in str(raised.value)
    assert list(dest.iterdir()) == []


def test_install_speech_model_refuses_a_zip_slip(tmp_path: Path, mirror: tuple[str, Path, str]) -> None:
    base_url, zip_path, _ = mirror
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("../escaped.txt", "outside")
    md5 = hashlib.md5(zip_path.read_bytes()).hexdigest()
    dest = tmp_path / "models"

    with pytest.raises(CommandError) as raised:
        run("install_speech_model", "--mirror", base_url, "--md5", md5, "--dest", str(dest))

    assert "unsafe path" in str(raised.value)
    assert not (tmp_path / "escaped.txt").exists()
    assert list(dest.iterdir()) == []


def test_install_speech_model_explains_what_to_do_when_offline(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    dest = tmp_path / "models"

    with pytest.raises(CommandError) as raised:
        run(
            "install_speech_model",
            "--mirror",
            f"http://127.0.0.1:{closed_port}",
            "--dest",
            str(dest),
            "--timeout",
            "5",
        )

    message = str(raised.value)
    assert "offline" in message and "hors ligne" in message
    assert "SPEECH_MODEL_PATH" in message and "--mirror" in message
    assert "SPEECH_ENGINE=whisper" in message
    assert list(dest.iterdir()) == []


def test_install_speech_model_needs_a_checksum_for_the_large_model(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        run("install_speech_model", "--large", "--dest", str(tmp_path))

    assert "--md5" in str(raised.value) and "--sha256" in str(raised.value)
