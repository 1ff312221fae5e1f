"""Train the learned layer of the extractor on the corpus's train split, reproducibly.

    python manage.py train_extractor [--train corpus/train.jsonl] [--dev corpus/dev.jsonl]

Fits the two clause models twice — "learned" (words, tense marks, dates, organisations) and
"combined" (the same plus the rules' conclusions) —, tunes the combined mode's override thresholds on
dev, calibrates step confidence by cross-validation on train, writes
declarations/extraction/data/clause_models.npz and prints the training figures. Same data, same
versions: same weights. Never reads the locked test.
"""

from __future__ import annotations

import itertools
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.extraction import load_spacy
from declarations.extraction.context import NoteContext, RuleDecider, StepDecider
from declarations.extraction.evaluation import SHARED_DEV, SPLITS, read_records
from declarations.extraction.extractor import RuleBasedExtractor
from declarations.extraction.learned import MODEL_PATH, ClauseModels, LearnedDecider, Thresholds, save_models
from declarations.extraction.scoring import score
from declarations.extraction.training import (
    FIELDS,
    Outcome,
    build_examples,
    clause_accuracy,
    file_digest,
    fit,
    fit_confidence,
    folds,
    reliability_table,
    step_outcomes,
)

GRID_ADD = (0.45, 0.55, 0.65, 0.75, 0.85)
GRID_DROP = (0.6, 0.7, 0.8, 0.9, 1.01)
GRID_RELABEL = (0.5, 0.6, 0.7, 0.8, 1.01)


def _shown(path: Path) -> str:
    """A path as the README shows it: relative to the repository, or the shared folder's name."""
    from django.conf import settings

    resolved = Path(path).resolve()
    for root, prefix in ((Path(settings.BASE_DIR), ""), (Path(settings.BASE_DIR).parent, "../")):
        try:
            return prefix + str(resolved.relative_to(root))
        except ValueError:
            continue
    return str(path)


class _Cached:
    """Analysed notes kept in memory: tuning runs the decision layer only, not spaCy again."""

    def __init__(self, extractor: RuleBasedExtractor, records: list[dict[str, Any]]) -> None:
        self.extractor = extractor
        self.items: list[tuple[dict[str, Any], str, NoteContext | None]] = []
        for record in records:
            recorded_at = datetime.fromisoformat(record["recorded_at"])
            for field in FIELDS:
                self.items.append((record, field, extractor.analyse(record[field], recorded_at)))

    def f1(self, decider: StepDecider) -> float:
        gold: dict[str, dict[str, Any]] = {}
        pred: dict[str, dict[str, Any]] = {}
        for record, field, ctx in self.items:
            key = f"{record['id']}/{field}"
            gold[key] = record
            steps = [] if ctx is None else self.extractor.steps(ctx, decider)
            pred[key] = {"steps": [s.as_json() for s in steps]}
        return score(gold, pred).f1


class Command(BaseCommand):
    help = "Train the extractor's clause models (learned and combined modes) on the corpus's train split."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train", type=Path, action="append",
            help="training file(s); default corpus/train.jsonl and the shared dev notes (../shared/datasets)",
        )
        parser.add_argument("--dev", type=Path, default=SPLITS["dev"])
        parser.add_argument("--output", type=Path, default=MODEL_PATH)
        parser.add_argument("--c-kind", type=float, default=1.0, help="inverse L2 strength of the kind model")
        parser.add_argument("--c-direction", type=float, default=0.5, help="inverse L2 strength of the tense model")
        parser.add_argument("--folds", type=int, default=5, help="cross-validation folds for calibration")

    def handle(self, *args: Any, **options: Any) -> None:
        train_paths: list[Path] = options["train"] or [SPLITS["train"], SHARED_DEV]
        for path in [*train_paths, options["dev"]]:
            if not Path(path).is_file():
                raise CommandError(f"No such file: {path}")
        train = [r for path in train_paths for r in read_records(Path(path))]
        dev = read_records(Path(options["dev"]))
        base = RuleBasedExtractor(nlp=load_spacy())
        log = sys.stderr.write
        log(f"train: {len(train)} notes, dev: {len(dev)} notes\n")
        c_kind, c_dir = options["c_kind"], options["c_direction"]

        models: dict[str, ClauseModels] = {}
        report: dict[str, Any] = {}
        for name, with_rules in (("learned", False), ("combined", True)):
            examples = build_examples(base.analyse, train, with_rules=with_rules)
            dev_examples = build_examples(base.analyse, dev, with_rules=with_rules)
            model = fit(examples, with_rules=with_rules, c_kind=c_kind, c_direction=c_dir)
            report[name] = {"train": clause_accuracy(model, examples), "dev": clause_accuracy(model, dev_examples)}
            models[name] = model
            log(f"{name}: fitted on {len(examples.kinds)} clauses\n")

        dev_cache = _Cached(base, dev)
        best = (dev_cache.f1(LearnedDecider(models["combined"], combined=True)), Thresholds())
        for add, drop, relabel in itertools.product(GRID_ADD, GRID_DROP, GRID_RELABEL):
            thresholds = Thresholds(add=add, drop=drop, relabel=relabel)
            f1 = dev_cache.f1(LearnedDecider(models["combined"], combined=True, thresholds=thresholds))
            if f1 > best[0]:
                best = (f1, thresholds)
        models["combined"].thresholds = best[1]
        log(f"combined: thresholds {best[1]} (dev step F1 {best[0]:.3f})\n")

        for name, with_rules in (("learned", False), ("combined", True)):
            outcomes: list[Outcome] = []
            for held_out in folds([r["id"] for r in train], options["folds"]):
                part = [r for r in train if r["id"] not in held_out]
                fold_model = fit(
                    build_examples(base.analyse, part, with_rules=with_rules),
                    with_rules=with_rules,
                    c_kind=c_kind,
                    c_direction=c_dir,
                )
                fold_model.thresholds = models[name].thresholds
                extractor = RuleBasedExtractor(nlp=base._nlp, decider=LearnedDecider(fold_model, combined=with_rules))
                outcomes += step_outcomes(extractor, [r for r in train if r["id"] in held_out])
            models[name].confidence = fit_confidence(outcomes)
            extractor = RuleBasedExtractor(nlp=base._nlp, decider=LearnedDecider(models[name], combined=with_rules))
            report[name]["reliability_dev"] = reliability_table(step_outcomes(extractor, dev))
            report[name]["dev_step_f1"] = dev_cache.f1(LearnedDecider(models[name], combined=with_rules))
            log(f"{name}: calibrated on {len(outcomes)} cross-validated steps\n")
        report["rules"] = {"dev_step_f1": dev_cache.f1(RuleDecider())}

        import sklearn

        meta = {
            "trained_on": ", ".join(_shown(p) for p in train_paths),
            "train_digest": file_digest(train_paths),
            "train_notes": str(len(train)),
            "tuned_on": _shown(Path(options["dev"])),
            "c_kind": str(c_kind),
            "c_direction": str(c_dir),
            "scikit_learn": sklearn.__version__,
            "trained": date.today().isoformat(),
        }
        save_models(Path(options["output"]), models, meta)
        self.stdout.write(json.dumps({"meta": meta, "figures": report}, indent=1, ensure_ascii=False))
