"""Fit how much a step's confidence should move with how well its evidence was heard.

    python manage.py fit_recogniser_calibration \
        --train tests/fixtures/audio_dev_transcripts.jsonl ../shared/datasets/declarations-dev.jsonl

For every step the shipped extractor finds in the recogniser's real transcripts: the step's text
confidence, the mean probability of its evidence's meaning-bearing words, and whether it is right
(the scorer's pairing with the gold). A logistic model over (logit of the confidence, mean
probability) is written to declarations/extraction/data/recogniser_calibration.json with its
figures. The figures are cross-validated by note (each note's steps scored by a model fitted
without that note), so they are not read on the notes the model was fitted on.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from declarations.audio_evaluation import read_transcripts
from declarations.extraction import build_extractor
from declarations.extraction.doubt import (
    CALIBRATION_FILE,
    Recalibration,
    doubtful_words,
    features,
    heard_mean,
    locate_words,
)
from declarations.extraction.evaluation import read_records
from declarations.extraction.io import parse_recorded_at
from declarations.extraction.scoring import match
from declarations.extraction.training import Outcome, reliability_table


@dataclass(frozen=True)
class Sample:
    note: str
    confidence: float  # from the text alone
    mean: float  # mean probability of the evidence's meaning-bearing words
    doubtful: bool  # the evidence holds a meaning-bearing word under SPEECH_DOUBTFUL_WORD_CONF
    right: bool


def samples(transcripts_path: Path, dataset: Path) -> list[Sample]:
    extractor = build_extractor()
    gold = {r["id"]: r for r in read_records(dataset)}
    _, transcripts = read_transcripts(transcripts_path)
    out: list[Sample] = []
    for t in transcripts:
        if not t.text or t.id not in gold:
            continue
        steps = extractor.extract(t.text, recorded_at=parse_recorded_at(gold[t.id]))
        right = {pi for pi, _ in match(gold[t.id]["steps"], [s.as_json() for s in steps])}
        heard = locate_words(t.text, t.words)
        for i, step in enumerate(steps):
            mean = heard_mean(heard, step.start, step.end)
            if mean is not None:
                doubtful = bool(
                    doubtful_words(heard, step.start, step.end, settings.SPEECH_DOUBTFUL_WORD_CONF)
                )
                out.append(
                    Sample(f"{transcripts_path.name}:{t.id}", step.confidence, mean, doubtful, i in right)
                )
    return out


def fit(train: list[Sample]) -> Recalibration:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0).fit(
        [features(s.confidence, s.mean) for s in train], [int(s.right) for s in train]
    )
    return Recalibration(
        a=round(float(model.coef_[0][0]), 4),
        b=round(float(model.coef_[0][1]), 4),
        c=round(float(model.intercept_[0]), 4),
    )


def _brier(pairs: list[tuple[float, bool]]) -> float:
    return round(sum((p - float(r)) ** 2 for p, r in pairs) / len(pairs), 4)


def _precision(rights: list[bool]) -> float | None:
    return round(sum(rights) / len(rights), 3) if rights else None


class Command(BaseCommand):
    help = "Fit the recogniser-aware recalibration of step confidence on the recogniser's real transcripts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train", nargs=2, type=Path, action="append", required=True, metavar=("TRANSCRIPTS", "DATASET")
        )
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--dry-run", action="store_true", help="print, do not write the model")

    def handle(self, *args: Any, **options: Any) -> None:
        data = [s for pair in options["train"] for s in samples(*pair)]
        notes = sorted({s.note for s in data})
        random.Random(7).shuffle(notes)
        held: list[
            tuple[Sample, float]
        ] = []  # each sample with the confidence of a model fitted without its note
        for k in range(options["folds"]):
            out = set(notes[k :: options["folds"]])
            model = fit([s for s in data if s.note not in out])
            held += [(s, model.apply(s.confidence, s.mean)) for s in data if s.note in out]
        below = settings.SPEECH_ATTENTION_BELOW
        flagged = [s.right for s, p in held if s.doubtful and p < below]
        figures = {
            "notes": len(notes),
            "steps": len(data),
            "precision": _precision([s.right for s in data]),
            "brier_text_confidence": _brier([(s.confidence, s.right) for s, _ in held]),
            "brier_recalibrated": _brier([(p, s.right) for s, p in held]),
            "flagged": len(flagged),
            "flagged_precision": _precision(flagged),
            "others_precision": _precision([s.right for s, p in held if not (s.doubtful and p < below)]),
            "flagged_by_doubtful_word_alone_precision": _precision([s.right for s, _ in held if s.doubtful]),
            "low_confidence_alone": len([1 for _, p in held if p < below]),
            "low_confidence_alone_precision": _precision([s.right for s, p in held if p < below]),
            "reliability_text_confidence": reliability_table(
                [Outcome(s.confidence, s.right, ()) for s, _ in held], 5
            ),
            "reliability_recalibrated": reliability_table([Outcome(p, s.right, ()) for s, p in held], 5),
        }
        final = fit(data)
        self.stdout.write(f"fitted on {len(data)} transcribed steps of {len(notes)} notes: {final}")
        self.stdout.write(f"cross-validated by note ({options['folds']} folds):")
        for key, value in figures.items():
            if key.startswith("reliability"):
                value = ", ".join(f"{b['predicted']:.2f}→{b['observed']:.2f}" for b in value)
            self.stdout.write(f"  {key}: {value}")
        if options["dry_run"]:
            return
        CALIBRATION_FILE.write_text(
            json.dumps(
                {
                    "a": final.a,
                    "b": final.b,
                    "c": final.c,
                    "fitted_on": [f"{t.name} × {d.name}" for t, d in options["train"]],
                    "date": date.today().isoformat(),
                    "cross_validated": figures,
                },
                indent=1,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
        self.stdout.write(f"written {CALIBRATION_FILE}")
