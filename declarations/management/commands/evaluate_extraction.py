"""Score the extractor on a gold corpus: overall, per category, on the odd and even halves."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.extraction import MODES, build_extractor
from declarations.extraction.evaluation import read_records
from declarations.extraction.io import TEXT_FIELDS, InputError, extract_records
from declarations.extraction.scoring import Score, score


def _half(record_id: str) -> str | None:
    digits = "".join(c for c in record_id if c.isdigit())
    if not digits:
        return None
    return "odd" if int(digits) % 2 else "even"


class Command(BaseCommand):
    help = "Step precision/recall/F1 and attribute accuracies of the extractor on a gold JSON Lines file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", required=True, type=Path)
        parser.add_argument("--text-field", default="text", choices=TEXT_FIELDS)
        parser.add_argument("--no-errors", action="store_true", help="do not list missed and spurious steps")
        parser.add_argument("--mode", choices=MODES, help="rules, learned or combined (default: EXTRACTOR_MODE)")
        parser.add_argument("--models", type=Path, help="trained clause models (default: the shipped ones)")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Path(options["dataset"])
        if not dataset.is_file():
            raise CommandError(f"No such dataset: {dataset}")
        try:
            records = read_records(dataset)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            models = None
            if options["models"]:
                from declarations.extraction.learned import load_models

                models = load_models(options["models"])[options["mode"]]
            extractor = build_extractor(options["mode"], models=models)
            predictions = {
                r["id"]: r for r in extract_records(extractor, records, options["text_field"], sys.stderr)
            }
        except InputError as exc:
            raise CommandError(str(exc)) from exc
        gold = {r["id"]: r for r in records}
        overall = score(gold, predictions)
        self._report(f"All ({options['text_field']})", overall)
        for half in ("odd", "even"):
            subset = {k: v for k, v in gold.items() if _half(k) == half}
            if subset:
                self._report(f"Half {half} ({len(subset)} notes)", score(subset, predictions))
        if not options["no_errors"]:
            self._errors(overall, gold)

    def _report(self, title: str, result: Score) -> None:
        write = self.stdout.write
        write(f"\n== {title}")
        write(
            f"steps  P {result.precision:.3f}  R {result.recall:.3f}  F1 {result.f1:.3f}"
            f"  (tp {result.tp}, fp {result.fp}, fn {result.fn})"
        )
        accuracies = "  ".join(
            f"{key} {result.attribute_accuracy.get(key, 0.0):.3f} (n={result.attribute_support.get(key, 0)})"
            for key in ("kind", "status", "count", "organization", "job_title", "duration_minutes")
        )
        write(f"attributes  {accuracies}")
        write("F1 per category  " + "  ".join(f"{c} {f:.3f}" for c, f in result.f1_per_category.items()))

    def _errors(self, result: Score, gold: dict[str, dict[str, Any]]) -> None:
        write = self.stdout.write
        write(f"\n== Missed steps ({len(result.missed)})")
        for did, step in result.missed:
            write(
                f"{did}  {step['category']}/{step.get('kind')} {step.get('date')}  « {step.get('evidence', '')} »"
            )
        write(f"\n== Spurious steps ({len(result.spurious)})")
        for did, step in result.spurious:
            write(
                f"{did}  {step.get('category')}/{step.get('kind')} {step.get('date')} {step.get('status')}"
                f"  « {step.get('evidence', '')} »"
            )
