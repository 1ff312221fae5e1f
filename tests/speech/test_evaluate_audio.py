"""`evaluate_audio`: recordings through the project's own path, steps scored against the gold."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from declarations.audio_evaluation import read_transcripts
from tests.speech.conftest import AUDIO_DEV, DECLARATIONS_DEV, WHISPER_MODEL

pytestmark = pytest.mark.slow


def _rows(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines():
        cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0] not in ("notes", "---"):
            rows[cells[0]] = cells[1:]
    return rows


def test_it_transcribes_scores_and_saves_what_it_heard(tmp_path: Path, settings: Any) -> None:
    from speech.engines import reset_engine

    settings.SPEECH_ENGINE = "whisper"
    settings.SPEECH_MODEL_PATH = str(WHISPER_MODEL)
    saved = tmp_path / "heard.jsonl"
    out = io.StringIO()
    reset_engine()
    try:
        call_command(
            "evaluate_audio",
            "--dataset",
            str(DECLARATIONS_DEV),
            "--audio-dir",
            str(AUDIO_DEV),
            "--limit",
            "3",
            "--write-transcripts",
            str(saved),
            stdout=out,
            stderr=io.StringIO(),
        )
    finally:
        reset_engine()

    rows = _rows(out.getvalue())
    assert rows["all"][0] == "3"
    wer = float(rows["all"][3])
    assert 0 < wer < 0.6  # a recogniser, not a copy of the text
    assert {name for name in rows if name.startswith("codec ")} == {"codec ogg", "codec m4a", "codec 3gp"}
    header, transcripts = read_transcripts(saved)
    assert header["engine"] == "whisper" and header["model"] == WHISPER_MODEL.name
    assert [t.id for t in transcripts] == ["v001", "v002", "v003"]
    assert all(t.words and t.duration_s > 1 for t in transcripts)

    # scoring saved transcripts again gives the same figures without transcribing
    again = io.StringIO()
    call_command(
        "evaluate_audio", "--dataset", str(DECLARATIONS_DEV), "--transcripts", str(saved), stdout=again
    )
    assert _rows(again.getvalue())["all"][3:7] == rows["all"][3:7]


def test_the_fixture_transcripts_are_the_projects_own_for_every_audio_dev_note() -> None:
    header, transcripts = read_transcripts(
        Path(__file__).resolve().parents[1] / "fixtures" / "audio_dev_transcripts.jsonl"
    )
    with open(AUDIO_DEV / "manifest.jsonl", encoding="utf-8") as lines:
        manifest = {r["id"]: r for r in map(json.loads, lines)}
    assert header["engine"] == "whisper"
    assert {t.id for t in transcripts} == set(manifest)
    for t in transcripts:
        assert t.format == manifest[t.id]["format"]
        assert t.duration_s == pytest.approx(manifest[t.id]["duration_s"], abs=0.3)
