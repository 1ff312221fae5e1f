"""The extractor measured on a gold corpus: the figures every evaluation command prints.

The annotated corpus (corpus/ at the repository root) is split once: train (rules and models may be
fitted on it), dev (errors are read there) and a locked test that only `evaluate_locked_test` reads,
printing aggregates and never a note.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings

from declarations.extraction.io import extract_records, read_jsonl
from declarations.extraction.scoring import Score, date_accuracy, score
from declarations.extraction.types import StepExtractor

CORPUS_DIR = Path(settings.BASE_DIR) / "corpus"
LOCKED_TEST = CORPUS_DIR / "test.jsonl.gz"
SPLITS = {"train": CORPUS_DIR / "train.jsonl", "dev": CORPUS_DIR / "dev.jsonl"}
# The programme's own 90 dev notes (read-only, beside the repository): trained on too, never copied here.
SHARED_DEV = Path(os.environ.get("SHARED_DIR", Path(settings.BASE_DIR).parent / "shared")) / "datasets" / "declarations-dev.jsonl"


@dataclass(frozen=True)
class Evaluation:
    field: str
    notes: int
    gold_steps: int
    score: Score
    date_accuracy: float
    date_pairs: int

    def summary(self) -> dict[str, Any]:
        s = self.score
        return {
            "field": self.field,
            "notes": self.notes,
            "gold_steps": self.gold_steps,
            "precision": s.precision,
            "recall": s.recall,
            "f1": s.f1,
            "kind": s.attribute_accuracy.get("kind"),
            "status": s.attribute_accuracy.get("status"),
            "organization": s.attribute_accuracy.get("organization"),
            "count": s.attribute_accuracy.get("count"),
            "job_title": s.attribute_accuracy.get("job_title"),
            "duration_minutes": s.attribute_accuracy.get("duration_minutes"),
            "date_accuracy": round(self.date_accuracy, 3),
        }


def read_locked_test(path: Path = LOCKED_TEST) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_records(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".gz":
        raise ValueError(f"{path} is the locked test: only `manage.py evaluate_locked_test` reads it")
    return list(read_jsonl(path))


def evaluate(
    extractor: StepExtractor, records: list[dict[str, Any]], field: str, progress: TextIO | None = None
) -> Evaluation:
    predictions = {r["id"]: r for r in extract_records(extractor, records, field, progress)}
    gold = {r["id"]: r for r in records}
    accuracy, pairs = date_accuracy(gold, predictions)
    return Evaluation(
        field=field,
        notes=len(records),
        gold_steps=sum(len(r["steps"]) for r in records),
        score=score(gold, predictions),
        date_accuracy=accuracy,
        date_pairs=pairs,
    )


def iter_splits() -> Iterator[tuple[str, Path]]:
    yield from SPLITS.items()
