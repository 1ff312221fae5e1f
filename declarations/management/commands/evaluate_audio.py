"""Audio → steps on a gold corpus: WER and step F1 per codec and voice, beside the written text's F1.

    python manage.py evaluate_audio --dataset ../shared/datasets/declarations-dev.jsonl \
        --audio-dir ../shared/datasets/audio-dev [--write-transcripts tests/fixtures/audio_dev_transcripts.jsonl]
    python manage.py evaluate_audio --dataset corpus/dev.jsonl --synthesize     # espeak-ng, phone codecs
    python manage.py evaluate_audio --dataset … --transcripts FILE              # score saved transcripts

The recordings go through the project's own path with the configured engine and settings
(SPEECH_ENGINE, SPEECH_MODEL_PATH, WHISPER_*, SPEECH_DOMAIN_PROMPT); the locked test has its own
command (`evaluate_locked_test --audio`), which prints aggregates only.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.audio_evaluation import (
    read_transcripts,
    recordings_from_manifest,
    score_transcripts,
    synthesised,
    table,
    transcribe_recordings,
    write_transcripts,
)
from declarations.extraction import MODES, build_extractor
from declarations.extraction.evaluation import read_records


class Command(BaseCommand):
    help = "Transcribe a gold corpus's recordings with the project's path and score the steps found."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", required=True, type=Path)
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--audio-dir", type=Path, help="recordings with a manifest.jsonl (id, file, format, engine)"
        )
        source.add_argument("--synthesize", action="store_true", help="speak each note's text with espeak-ng")
        source.add_argument("--transcripts", type=Path, help="score transcripts saved by --write-transcripts")
        parser.add_argument("--write-transcripts", type=Path, help="save the transcripts (JSON Lines)")
        parser.add_argument("--limit", type=int, help="the first N notes only")
        parser.add_argument("--mode", choices=MODES, help="extractor mode (default: EXTRACTOR_MODE)")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset: Path = options["dataset"]
        try:
            records = read_records(dataset)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["limit"]:
            records = records[: options["limit"]]
        ids = {r["id"] for r in records}
        progress = (lambda line: sys.stderr.write(f"\r{line:70}")) if sys.stderr.isatty() else None
        if options["transcripts"]:
            header, transcripts = read_transcripts(options["transcripts"])
            transcripts = [t for t in transcripts if t.id in ids]
        else:
            header = {
                "dataset": dataset.name,
                "engine": settings.SPEECH_ENGINE,
                "model": Path(settings.SPEECH_MODEL_PATH).name,
                "beam_size": settings.WHISPER_BEAM_SIZE,
                "prompt": settings.SPEECH_DOMAIN_PROMPT,
                "date": date.today().isoformat(),
            }
            if options["synthesize"]:
                with synthesised(records) as recordings:
                    transcripts = transcribe_recordings(recordings, progress)
            else:
                recordings = recordings_from_manifest(options["audio_dir"], ids)
                if not recordings:
                    raise CommandError(f"No recording of {dataset.name}'s notes in {options['audio_dir']}")
                transcripts = transcribe_recordings(recordings, progress)
            if options["write_transcripts"]:
                write_transcripts(options["write_transcripts"], transcripts, header)
        if not transcripts:
            raise CommandError("No transcript to score")
        extractor = build_extractor(options["mode"])
        used = [r for r in records if r["id"] in {t.id for t in transcripts}]
        rows = score_transcripts(extractor, used, transcripts)
        self.stdout.write(
            f"\n{dataset.name}: {len(transcripts)} recordings, engine {header.get('engine')} "
            f"({header.get('model')}, beam {header.get('beam_size')}), extractor {options['mode'] or settings.EXTRACTOR_MODE}"
        )
        for line in table(rows):
            self.stdout.write(line)
