"""Score the extractor on the corpus's locked test: aggregate figures only, never a note.

    python manage.py evaluate_locked_test [--mode rules|learned|combined ...] [--json]
    python manage.py evaluate_locked_test --audio     # spoken by espeak-ng, phone codecs, transcribed

With --audio, each note's text is synthesised in a temporary directory (removed afterwards), encoded
in the six phone codecs in turn, transcribed by the configured engine through the project's own path,
and only WER and step F1 per codec and voice are printed: no transcript is kept or shown.

The locked test (corpus/test.jsonl.gz, 160 notes from four writers whose notes are nowhere else) is
read by this command alone. It prints step precision, recall and F1, field accuracies and date
accuracy per mode and transcript style, and nothing that would let anyone read a note or an error:
its errors are never to be fixed, so they are never shown.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from declarations.extraction import MODES, build_extractor, load_spacy
from declarations.extraction.evaluation import LOCKED_TEST, evaluate, read_locked_test
from declarations.extraction.io import TEXT_FIELDS

COLUMNS = ("f1", "precision", "recall", "kind", "status", "organization", "count", "job_title", "duration_minutes", "date_accuracy")


class Command(BaseCommand):
    help = "Aggregate extraction figures on the locked test (no note is ever printed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mode", choices=MODES, action="append", help="default: every mode")
        parser.add_argument("--json", action="store_true", help="one JSON object instead of the table")
        parser.add_argument("--audio", action="store_true", help="audio → steps: synthesise, transcribe, score")

    def handle(self, *args: Any, **options: Any) -> None:
        records = read_locked_test()
        digest = hashlib.sha256(LOCKED_TEST.read_bytes()).hexdigest()[:16]
        if options["audio"]:
            self._audio(records, digest, options["mode"])
            return
        nlp = load_spacy()
        results: list[dict[str, Any]] = []
        for mode in options["mode"] or list(MODES):
            extractor = build_extractor(mode, nlp=nlp)
            for field in TEXT_FIELDS:
                summary = evaluate(extractor, records, field).summary()
                results.append({"mode": mode, **summary})
        if options["json"]:
            self.stdout.write(json.dumps({"date": date.today().isoformat(), "test_digest": digest, "results": results}))
            return
        write = self.stdout.write
        first = results[0]
        write(f"Locked test {LOCKED_TEST.name} ({digest}): {first['notes']} notes, {first['gold_steps']} gold steps — {date.today()}")
        write("| mode | field | " + " | ".join(COLUMNS) + " |")
        write("|---|---|" + "---|" * len(COLUMNS))
        for row in results:
            cells = " | ".join("—" if row[c] is None else f"{row[c]:.3f}" for c in COLUMNS)
            write(f"| {row['mode']} | {row['field']} | {cells} |")

    def _audio(self, records: list[dict[str, Any]], digest: str, modes: list[str] | None) -> None:
        from django.conf import settings

        from declarations.audio_evaluation import score_transcripts, synthesised, table, transcribe_recordings

        with synthesised(records) as recordings:
            transcripts = transcribe_recordings(recordings)
        self.stdout.write(
            f"Locked test {LOCKED_TEST.name} ({digest}) as audio: {len(records)} notes spoken by espeak-ng, "
            f"engine {settings.SPEECH_ENGINE} (beam {settings.WHISPER_BEAM_SIZE}) — {date.today()}"
        )
        for mode in modes or [settings.EXTRACTOR_MODE]:
            self.stdout.write(f"\nextractor {mode}")
            for line in table(score_transcripts(build_extractor(mode), records, transcripts)):
                self.stdout.write(line)
