"""Step-level scoring of extracted steps against gold steps.

The same algorithm as the project's reference scorer (shared/tools/score_steps.py): a predicted step
pairs with a gold step of the same category and date (null equals null), each gold step used once,
an equal kind preferred; precision/recall/F1 over those pairs, and attribute accuracies over the
pairs whose gold value is not null. Kept here so the application never imports from outside itself;
a test checks that both give identical figures.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Step = Mapping[str, Any]


def fold(value: object) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKD", str(value).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def org_equal(gold: object, pred: object) -> bool:
    g, p = fold(gold), fold(pred)
    if not g or not p:
        return g == p
    return g == p or g in p or p in g


def job_equal(gold: object, pred: object) -> bool:
    g, p = fold(gold), fold(pred)
    if not g or not p:
        return g == p
    # masculine/feminine and plural variants share a stem of 5+ letters
    return g == p or g[:5] == p[:5] or g in p or p in g


def _same(gold: object, pred: object) -> bool:
    return gold == pred


ATTRIBUTES: tuple[tuple[str, Callable[[object, object], bool]], ...] = (
    ("count", _same),
    ("duration_minutes", _same),
    ("organization", org_equal),
    ("job_title", job_equal),
)


def match(gold_steps: Sequence[Step], pred_steps: Sequence[Step]) -> list[tuple[int, int]]:
    """(pred index, gold index) pairs: same category and date, equal kind first."""
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for prefer_kind in (True, False):
        for pi, p in enumerate(pred_steps):
            if any(pi == a for a, _ in pairs):
                continue
            for gi, g in enumerate(gold_steps):
                if gi in used:
                    continue
                if g["category"] != p.get("category") or g.get("date") != p.get("date"):
                    continue
                if prefer_kind and g.get("kind") != p.get("kind"):
                    continue
                pairs.append((pi, gi))
                used.add(gi)
                break
    return pairs


@dataclass
class Score:
    declarations: int = 0
    missing_predictions: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    attribute_accuracy: dict[str, float] = field(default_factory=dict)
    attribute_support: dict[str, int] = field(default_factory=dict)
    f1_per_category: dict[str, float] = field(default_factory=dict)
    missed: list[tuple[str, Step]] = field(default_factory=list)  # (declaration id, gold step)
    spurious: list[tuple[str, Step]] = field(default_factory=list)  # (declaration id, predicted step)

    def as_dict(self) -> dict[str, object]:
        """The reference scorer's JSON shape."""
        return {
            "declarations": self.declarations,
            "missing_predictions": self.missing_predictions,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "attribute_accuracy": self.attribute_accuracy,
            "attribute_support": self.attribute_support,
            "f1_per_category": self.f1_per_category,
        }


def score(gold: Mapping[str, Mapping[str, Any]], pred: Mapping[str, Mapping[str, Any]]) -> Score:
    """Score predictions ({id: {"steps": [...]}}) against gold declarations ({id: {"steps": [...]}})."""
    result = Score(declarations=len(gold))
    attr: Counter[str] = Counter()
    attr_n: Counter[str] = Counter()
    per_cat: Counter[str] = Counter()
    per_cat_gold: Counter[str] = Counter()
    per_cat_pred: Counter[str] = Counter()
    for did, g in gold.items():
        p = pred.get(did)
        if p is None:
            result.missing_predictions += 1
            p = {"steps": []}
        gs: Sequence[Step] = g["steps"]
        ps: Sequence[Step] = p.get("steps") or []
        pairs = match(gs, ps)
        result.tp += len(pairs)
        result.fp += len(ps) - len(pairs)
        result.fn += len(gs) - len(pairs)
        matched_pred = {pi for pi, _ in pairs}
        matched_gold = {gi for _, gi in pairs}
        result.missed.extend((did, s) for gi, s in enumerate(gs) if gi not in matched_gold)
        result.spurious.extend((did, s) for pi, s in enumerate(ps) if pi not in matched_pred)
        for s in gs:
            per_cat_gold[s["category"]] += 1
        for s in ps:
            per_cat_pred[s.get("category")] += 1
        for pi, gi in pairs:
            gstep, pstep = gs[gi], ps[pi]
            per_cat[gstep["category"]] += 1
            attr_n["kind"] += 1
            attr["kind"] += gstep.get("kind") == pstep.get("kind")
            attr_n["status"] += 1
            attr["status"] += (gstep.get("status") or "done") == (pstep.get("status") or "done")
            for key, equal in ATTRIBUTES:
                if gstep.get(key) is not None:
                    attr_n[key] += 1
                    attr[key] += bool(equal(gstep.get(key), pstep.get(key)))
    tp, fp, fn = result.tp, result.fp, result.fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    cats: dict[str, float] = {}
    for c in sorted(per_cat_gold):
        p_ = per_cat[c] / per_cat_pred[c] if per_cat_pred[c] else 0.0
        r_ = per_cat[c] / per_cat_gold[c] if per_cat_gold[c] else 0.0
        cats[c] = round(2 * p_ * r_ / (p_ + r_), 3) if p_ + r_ else 0.0
    result.precision = round(precision, 3)
    result.recall = round(recall, 3)
    result.f1 = round(f1, 3)
    result.attribute_accuracy = {k: round(attr[k] / attr_n[k], 3) for k in sorted(attr_n)}
    result.attribute_support = dict(attr_n)
    result.f1_per_category = cats
    return result


def date_accuracy(gold: Mapping[str, Mapping[str, Any]], pred: Mapping[str, Mapping[str, Any]]) -> tuple[float, int]:
    """Share of steps found (same category, kind preferred, dates ignored) whose date is also right.

    Step F1 counts a wrong date as a missed step plus a spurious one; this tells how much of that
    comes from dates alone. Returns (accuracy, number of pairs).
    """
    right = total = 0
    for did, g in gold.items():
        gs: Sequence[Step] = g["steps"]
        ps: Sequence[Step] = (pred.get(did) or {}).get("steps") or []
        used_gold: set[int] = set()
        used_pred: set[int] = set()
        # same category and date first, then same category and kind, then the category alone
        for rank in (0, 1, 2):
            for pi, p in enumerate(ps):
                if pi in used_pred:
                    continue
                for gi, s in enumerate(gs):
                    if gi in used_gold or s["category"] != p.get("category"):
                        continue
                    if rank == 0 and s.get("date") != p.get("date"):
                        continue
                    if rank == 1 and s.get("kind") != p.get("kind"):
                        continue
                    used_gold.add(gi)
                    used_pred.add(pi)
                    total += 1
                    right += s.get("date") == p.get("date")
                    break
    return (right / total if total else 0.0), total
