"""Write everything stored about one beneficiary as JSON (RGPD right of access)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from declarations import privacy
from declarations.management.commands._beneficiary import add_beneficiary_arguments, beneficiary_from


class Command(BaseCommand):
    help = "Export a beneficiary's data (profile, declarations, transcripts, steps, reviews, audio list)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_beneficiary_arguments(parser)
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        data = privacy.export_beneficiary_data(beneficiary_from(options))
        text = json.dumps(data, ensure_ascii=False, indent=2)
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        self.stderr.write(f"{len(data['declarations'])} declaration(s) written to {output}")
