"""Extract the declared steps of each note of a JSON Lines file (see DESIGN.md, "Contracts")."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.extraction import get_extractor
from declarations.extraction.io import TEXT_FIELDS, InputError, extract_records, read_jsonl


class Command(BaseCommand):
    help = "Read {id, recorded_at, text} lines and write {id, steps} lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="JSON Lines file of notes")
        parser.add_argument("--output", required=True, type=Path, help="JSON Lines file to write")
        parser.add_argument("--text-field", default="text", choices=TEXT_FIELDS)

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["input"])
        if not source.is_file():
            raise CommandError(f"No such input file: {source}")
        try:
            records = list(read_jsonl(source))
            extractor = get_extractor()  # loads the models once for the whole run
            results = list(extract_records(extractor, records, options["text_field"], sys.stderr))
        except InputError as exc:
            raise CommandError(str(exc)) from exc
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as out:
            for result in results:
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        steps = sum(len(r["steps"]) for r in results)
        self.stderr.write(f"{len(results)} notes, {steps} steps written to {output}")
