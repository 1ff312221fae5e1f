"""Training the learned layer (declarations/extraction/learned.py) on the corpus's train split.

Each gold step is placed on the clause that holds most of its evidence; that clause's label is the
step's kind (its tense label, the step's status), every other clause's label is NONE. Notes are read
in both transcript styles: `text` as written, `asr_text` through a word alignment with `text` (the two
hold the same words). scikit-learn is imported here only: the service never needs it.
"""

from __future__ import annotations

import difflib
import hashlib
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from declarations.extraction.context import NoteContext
from declarations.extraction.extractor import RuleBasedExtractor
from declarations.extraction.learned import (
    DONE,
    NONE,
    PLANNED,
    ClauseModels,
    LearnedDecider,
    LinearModel,
    carry_features,
    clause_features,
    needs_carry,
)
from declarations.extraction.normalize import normalize
from declarations.extraction.scoring import match

FIELDS = ("text", "asr_text")


@dataclass
class Examples:
    features: list[list[str]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    directions: list[str | None] = field(default_factory=list)
    carries: list[str | None] = field(default_factory=list)  # "carry"/"none" where the question arises
    carry_features: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the note each clause comes from (for folds)


def _token_steps(text: str, steps: Sequence[dict[str, Any]]) -> list[set[int]]:
    """For each normalised token of `text`, the gold steps whose evidence covers it."""
    nt = normalize(text)
    spans = []
    for step in steps:
        evidence = step.get("evidence") or ""
        start = text.find(evidence) if evidence else -1
        spans.append((start, start + len(evidence)) if start >= 0 else None)
    out: list[set[int]] = []
    for token in nt.tokens:
        out.append({i for i, span in enumerate(spans) if span and token.start < span[1] and token.end > span[0]})
    return out


def clause_labels(
    ctx: NoteContext, record: dict[str, Any], field_name: str
) -> tuple[list[str], list[str | None], list[bool | None]]:
    """The kind (or NONE), status and whether the step is dated, for each clause of `ctx`."""
    steps = record.get("steps") or []
    text_labels = _token_steps(record["text"], steps)
    if field_name == "text":
        labels = text_labels
    else:
        # same words, other spelling: align the two token sequences
        text_norms = normalize(record["text"]).norms
        matcher = difflib.SequenceMatcher(None, text_norms, ctx.nt.norms, autojunk=False)
        labels = [set() for _ in ctx.nt.norms]
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                labels[block.b + k] = text_labels[block.a + k]
    overlap = np.zeros((len(ctx.clauses), len(steps)))
    for c, clause in enumerate(ctx.clauses):
        for k in range(clause.first, min(clause.last, len(labels))):
            for s in labels[k]:
                overlap[c, s] += 1
    kinds = [NONE] * len(ctx.clauses)
    statuses: list[str | None] = [None] * len(ctx.clauses)
    dated: list[bool | None] = [None] * len(ctx.clauses)
    best_count = [0.0] * len(ctx.clauses)
    for s, step in enumerate(steps):
        if not len(ctx.clauses) or overlap[:, s].max() == 0:
            continue
        c = int(overlap[:, s].argmax())
        if overlap[c, s] > best_count[c]:
            best_count[c] = overlap[c, s]
            kinds[c] = step["kind"]
            statuses[c] = step.get("status") or DONE
            dated[c] = step.get("date") is not None
    return kinds, statuses, dated


def build_examples(
    analyse: Callable[[str, datetime], NoteContext | None],
    records: Iterable[dict[str, Any]],
    *,
    with_rules: bool,
    fields: Sequence[str] = FIELDS,
) -> Examples:
    examples = Examples()
    for record in records:
        recorded_at = datetime.fromisoformat(record["recorded_at"])
        for field_name in fields:
            text = record.get(field_name)
            if not isinstance(text, str):
                continue
            ctx = analyse(text, recorded_at)
            if ctx is None:
                continue
            kinds, statuses, dated = clause_labels(ctx, record, field_name)
            for index in range(len(ctx.clauses)):
                features = clause_features(ctx, index, with_rules=with_rules)
                examples.features.append(features)
                examples.kinds.append(kinds[index])
                examples.directions.append(statuses[index])
                carry = None
                if dated[index] is not None and needs_carry(ctx, index):
                    carry = "carry" if dated[index] else "none"
                examples.carries.append(carry)
                examples.carry_features.append(features + carry_features(ctx, index) if carry else [])
                examples.notes.append(record["id"])
    return examples


def _fit_linear(features: list[list[str]], labels: list[str], c: float) -> LinearModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sparse=True)
    x = vectorizer.fit_transform([dict.fromkeys(f, 1) for f in features])
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(x, labels)
    classes = [str(k) for k in model.classes_]
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: make it a softmax pair
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    names = vectorizer.get_feature_names_out()
    # features no class uses are dropped: a smaller file, the same scores
    used = np.flatnonzero(np.abs(coef).max(axis=0) > 1e-6)
    return LinearModel(
        classes=classes,
        index={str(names[j]): i for i, j in enumerate(used)},
        coef=coef[:, used],
        intercept=intercept,
    )


def fit(examples: Examples, *, with_rules: bool, c_kind: float, c_direction: float) -> ClauseModels:
    kind = _fit_linear(examples.features, examples.kinds, c_kind)
    pairs = [(f, d) for f, d in zip(examples.features, examples.directions, strict=True) if d is not None]
    direction = _fit_linear([f for f, _ in pairs], [d for _, d in pairs], c_direction)
    carry_pairs = [(f, c) for f, c in zip(examples.carry_features, examples.carries, strict=True) if c is not None]
    carry = None
    if len({c for _, c in carry_pairs}) == 2:
        carry = _fit_linear([f for f, _ in carry_pairs], [c for _, c in carry_pairs], c_direction)
    return ClauseModels(kind=kind, direction=direction, with_rules=with_rules, carry=carry)


def clause_accuracy(models: ClauseModels, examples: Examples) -> dict[str, float]:
    """Clause-level figures: kind accuracy, step detection F1, tense accuracy."""
    right = tp = fp = fn = 0
    dir_right = dir_total = 0
    for features, kind, direction in zip(examples.features, examples.kinds, examples.directions, strict=True):
        probs = models.kind.probabilities(features)
        predicted = max(probs, key=probs.__getitem__)
        right += predicted == kind
        tp += predicted != NONE and kind != NONE
        fp += predicted != NONE and kind == NONE
        fn += predicted == NONE and kind != NONE
        if direction is not None:
            d = models.direction.probabilities(features)
            dir_total += 1
            dir_right += (PLANNED if d.get(PLANNED, 0) >= 0.5 else DONE) == direction
    carry_right = carry_total = 0
    for features, carry in zip(examples.carry_features, examples.carries, strict=True):
        if carry is not None and models.carry is not None:
            p = models.carry.probabilities(features)
            carry_total += 1
            carry_right += ("carry" if p.get("carry", 0) >= 0.5 else "none") == carry
    n = len(examples.kinds)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "clauses": n,
        "kind_accuracy": round(right / n, 3) if n else 0.0,
        "step_detection_f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "tense_accuracy": round(dir_right / dir_total, 3) if dir_total else 0.0,
        "carry_accuracy": round(carry_right / carry_total, 3) if carry_total else 0.0,
        "carry_cases": carry_total,
    }


@dataclass
class Outcome:
    confidence: float
    correct: bool  # paired with a gold step by the scorer's matching
    signals: tuple[str, ...]


def step_outcomes(
    extractor: RuleBasedExtractor, records: Iterable[dict[str, Any]], fields: Sequence[str] = FIELDS
) -> list[Outcome]:
    """Every step the extractor gives, with its confidence, its signals and whether it is right."""
    out: list[Outcome] = []
    for record in records:
        recorded_at = datetime.fromisoformat(record["recorded_at"])
        for field_name in fields:
            ctx = extractor.analyse(record[field_name], recorded_at)
            pairs = [] if ctx is None else extractor.steps_with_drafts(ctx)
            steps = [step.as_json() for step, _ in pairs]
            paired = {pi for pi, _ in match(record["steps"], steps)}
            out += [
                Outcome(float(step.confidence), i in paired, draft.signals)
                for i, (step, draft) in enumerate(pairs)
            ]
    return out


def fit_confidence(outcomes: list[Outcome], c: float = 1.0) -> LinearModel | None:
    """P(right | signals), fitted on steps the models made on notes they were not trained on."""
    usable = [o for o in outcomes if o.signals]
    if len({o.correct for o in usable}) < 2:
        return None
    return _fit_linear([list(o.signals) for o in usable], ["right" if o.correct else "wrong" for o in usable], c)


def folds(ids: Sequence[str], k: int, seed: int = 7) -> list[set[str]]:
    unique = sorted(set(ids))
    random.Random(seed).shuffle(unique)
    return [set(unique[i::k]) for i in range(k)]


def reliability_table(outcomes: list[Outcome], bins: int = 10) -> list[dict[str, float]]:
    """Predicted vs observed precision per decile of confidence."""
    if not outcomes:
        return []
    ordered = sorted((o.confidence, o.correct) for o in outcomes)
    size = len(ordered) / bins
    table = []
    for b in range(bins):
        chunk = ordered[int(b * size) : int((b + 1) * size)]
        if not chunk:
            continue
        table.append(
            {
                "decile": b + 1,
                "steps": len(chunk),
                "confidence_from": round(chunk[0][0], 3),
                "confidence_to": round(chunk[-1][0], 3),
                "predicted": round(sum(c for c, _ in chunk) / len(chunk), 3),
                "observed": round(sum(ok for _, ok in chunk) / len(chunk), 3),
            }
        )
    return table


def file_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


__all__ = [
    "Examples",
    "LearnedDecider",
    "build_examples",
    "clause_accuracy",
    "clause_labels",
    "fit",
    "folds",
    "fit_confidence",
    "reliability_table",
    "step_outcomes",
]
