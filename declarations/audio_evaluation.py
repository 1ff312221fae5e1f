"""Audio → steps: what the product delivers, measured end to end.

Each note's recording goes through the project's own path (`speech.services.transcribe_audio`: decoding,
limits, the configured engine and its settings), the transcript through the configured extractor, and
the steps are scored against the note's gold steps, beside the steps the same extractor finds in the
note's written `text` and recogniser-style `asr_text`. Recordings come from a directory with a manifest
(the programme's audio-dev) or are synthesised here with espeak-ng and encoded in the phone codecs
(for notes that have no recording, such as the locked test).

Transcripts can be written to and read from a JSON Lines file, so the extraction tests and later runs
use the real recogniser's output without transcribing again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from declarations.extraction.evaluation import evaluate
from declarations.extraction.types import StepExtractor

# (file extension, container, codec, sample rate): what phones and messaging apps send.
PHONE_CODECS = (
    ("m4a", "ipod", "aac", 16_000),
    ("ogg", "ogg", "libopus", 16_000),
    ("3gp", "3gp", "libopencore_amrnb", 8_000),
    ("webm", "webm", "libopus", 16_000),
    ("mp3", "mp3", "libmp3lame", 16_000),
    ("wav", "wav", "pcm_s16le", 16_000),
)
# espeak-ng's own French voices (MBROLA voices are not installed here), at several rates and pitches.
ESPEAK_VOICES = (
    ("fr-fr", 160, 50),
    ("fr-be", 175, 35),
    ("fr-ch", 150, 65),
    ("fr-fr", 185, 40),
)


@dataclass(frozen=True)
class Recording:
    id: str
    path: Path
    format: str
    voice: str


@dataclass
class Transcribed:
    id: str
    format: str
    voice: str
    text: str
    words: list[dict[str, Any]] = field(default_factory=list)
    duration_s: float = 0.0
    seconds: float = 0.0
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "format": self.format,
            "voice": self.voice,
            "text": self.text,
            "words": self.words,
            "duration_s": round(self.duration_s, 2),
            "seconds": round(self.seconds, 2),
            "error": self.error,
        }


def recordings_from_manifest(audio_dir: Path, ids: set[str]) -> list[Recording]:
    """The recordings of `audio_dir/manifest.jsonl` whose id is in `ids`."""
    found: list[Recording] = []
    with (audio_dir / "manifest.jsonl").open(encoding="utf-8") as lines:
        for row in map(json.loads, filter(str.strip, lines)):
            if row["id"] in ids:
                voice = f"{row.get('engine', '?')}"
                found.append(Recording(row["id"], audio_dir / row["file"], row.get("format", "?"), voice))
    return found


@contextmanager
def synthesised(records: list[dict[str, Any]], field_name: str = "text") -> Iterator[list[Recording]]:
    """Each record's `field_name` spoken by espeak-ng, encoded in the phone codecs in turn, in a
    temporary directory removed afterwards (a note's voice and codec follow its position)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng is not installed (scripts/setup.sh test installs it)")
    with tempfile.TemporaryDirectory(prefix="cej-audio-") as tmp:
        made: list[Recording] = []
        for index, record in enumerate(records):
            extension, container, codec, rate = PHONE_CODECS[index % len(PHONE_CODECS)]
            voice, speed, pitch = ESPEAK_VOICES[(index // len(PHONE_CODECS)) % len(ESPEAK_VOICES)]
            raw = Path(tmp) / f"{index}-espeak.wav"  # not the target's name: .wav is a phone format too
            subprocess.run(
                [espeak, "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(raw), record[field_name]],
                check=True,
                capture_output=True,
            )
            target = Path(tmp) / f"{index}.{extension}"
            encode_like_a_phone(raw, target, container=container, codec=codec, rate=rate)
            raw.unlink()
            made.append(Recording(record["id"], target, extension, f"espeak-{voice}-{speed}"))
        yield made


def encode_like_a_phone(source: Path, target: Path, *, container: str, codec: str, rate: int) -> None:
    """Re-encode `source` with PyAV's encoders in `codec` at `rate` Hz, mono."""
    import av

    from speech.audio import decode_audio

    samples = (np.clip(decode_audio(source).samples, -1, 1) * 32767).astype(np.int16)
    with av.open(str(target), mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        for start in range(0, samples.size, 1024):
            frame = av.AudioFrame.from_ndarray(
                samples[start : start + 1024].reshape(1, -1), format="s16", layout="mono"
            )
            frame.rate = 16_000
            frame.pts = start
            for packet in stream.encode(frame):  # type: ignore[union-attr]
                out.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            out.mux(packet)


def transcribe_recordings(
    recordings: Iterable[Recording], progress: Callable[[str], None] | None = None
) -> list[Transcribed]:
    """Each recording through the project's own path; a refused one is kept with its error code."""
    from speech.errors import SpeechError
    from speech.services import transcribe_audio

    out: list[Transcribed] = []
    for number, recording in enumerate(recordings, start=1):
        started = time.perf_counter()
        try:
            result = transcribe_audio(recording.path)
        except SpeechError as exc:
            out.append(Transcribed(recording.id, recording.format, recording.voice, "", error=exc.code))
            continue
        out.append(
            Transcribed(
                recording.id,
                recording.format,
                recording.voice,
                result.text,
                [w.as_dict() for w in result.words],
                result.duration_s,
                time.perf_counter() - started,
            )
        )
        if progress is not None:
            progress(f"transcribed {number}: {recording.id} ({recording.format})")
    return out


def write_transcripts(path: Path, transcripts: list[Transcribed], header: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"_header": header}, ensure_ascii=False) + "\n")
        for t in transcripts:
            out.write(json.dumps(t.as_dict(), ensure_ascii=False) + "\n")


def read_transcripts(path: Path) -> tuple[dict[str, Any], list[Transcribed]]:
    header: dict[str, Any] = {}
    transcripts: list[Transcribed] = []
    with path.open(encoding="utf-8") as lines:
        for row in map(json.loads, filter(str.strip, lines)):
            if "_header" in row:
                header = row["_header"]
                continue
            transcripts.append(Transcribed(**row))
    return header, transcripts


@dataclass(frozen=True)
class Row:
    group: str
    notes: int
    audio_s: float
    rtf: float
    wer: float
    f1_audio: float | None
    f1_text: float | None
    f1_asr_text: float | None
    refused: int


def score_transcripts(
    extractor: StepExtractor, records: list[dict[str, Any]], transcripts: list[Transcribed]
) -> list[Row]:
    """One row for all notes, then one per codec and one per voice."""
    import jiwer

    from speech.evaluation import normalize_for_wer

    by_id = {r["id"]: r for r in records}
    groups: dict[str, list[Transcribed]] = defaultdict(list)
    for t in transcripts:
        groups["all"].append(t)
        groups[f"codec {t.format}"].append(t)
        groups[f"voice {t.voice}"].append(t)

    def f1(notes: list[dict[str, Any]], text_field: str) -> float | None:
        if not all(isinstance(n.get(text_field), str) for n in notes):
            return None
        result = evaluate(extractor, notes, text_field, progress=None).score
        return result.f1 if result.tp + result.fp + result.fn else None  # no step either side: no F1

    rows: list[Row] = []
    for name in sorted(groups, key=lambda g: (g != "all", g)):
        members = groups[name]
        gold = [by_id[t.id] for t in members]
        heard = [{**by_id[t.id], "text": t.text} for t in members]
        references = [normalize_for_wer(g["text"]) for g in gold]
        hypotheses = [normalize_for_wer(t.text) for t in members]
        audio_s = sum(t.duration_s for t in members)
        rows.append(
            Row(
                group=name,
                notes=len(members),
                audio_s=audio_s,
                rtf=sum(t.seconds for t in members) / audio_s if audio_s else 0.0,
                wer=jiwer.wer(references, hypotheses),
                f1_audio=f1(heard, "text"),
                f1_text=f1(gold, "text"),
                f1_asr_text=f1(gold, "asr_text"),
                refused=sum(1 for t in members if t.error),
            )
        )
    return rows


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| notes | n | audio | RTF | WER | step F1 audio → steps | step F1 `text` | step F1 `asr_text` | refused |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def cell(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    for r in rows:
        lines.append(
            f"| {r.group} | {r.notes} | {r.audio_s / 60:.1f} min | {r.rtf:.2f} | {r.wer:.3f} | **{cell(r.f1_audio)}** "
            f"| {cell(r.f1_text)} | {cell(r.f1_asr_text)} | {r.refused} |"
        )
    return lines
