"""The learned layer: two small linear models over the clauses the deterministic layers found.

Rules are exact where language is regular (numbers, dates, names, the ROME); they generalise badly on
the decisions that depend on the whole phrasing: *is this clause a declared step, and of which kind*,
and *is it told as done or as planned* (a note framed in the past but told in the present tense, a
verbless line, "je commence lundi"). Those two decisions are made here, by multinomial logistic
regressions trained on the annotated corpus's train split (`manage.py train_extractor`), reading the
clause's words, its neighbours, its tense marks, the kinds of date and organisation in it and — in the
combined mode — what the rules concluded. Everything else (which day, which organisation, counts,
durations, jobs) stays with the deterministic layers.

The weights live in data/clause_models.npz (plain arrays, no pickle), scored with numpy; scikit-learn
is needed only to train them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from declarations.categories import CATEGORY_OF_KIND
from declarations.extraction.context import NoteContext
from declarations.extraction.dates import Direction, MentionKind
from declarations.extraction.drafts import Draft
from declarations.extraction.rules import TriggerRule
from declarations.extraction.segment import Trigger

MODEL_PATH = Path(__file__).resolve().parent / "data" / "clause_models.npz"
PARTS = ("kind", "direction", "carry", "confidence")
NONE = "NONE"
DONE, PLANNED = "done", "planned"
_WEEKDAY_NAMES = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_CONNECTORS = frozenset("et puis mais alors donc du coup ensuite apres aussi sinon bon voila enfin la ouais oui ah ok".split())
_FRAME_PAST = ("semaine derniere", "la semaine passee", "ces derniers jours", "cette semaine j ai")
_FRAME_FUTURE = ("semaine prochaine", "la semaine qui vient", "je vais faire", "prevu")


# ── features ────────────────────────────────────────────────────────────────────────────────────
def _tokens(words: list[str]) -> list[str]:
    return ["<num>" if w.isdigit() else w for w in words]


def _lexical(prefix: str, words: list[str]) -> list[str]:
    toks = _tokens(words)
    out = [f"{prefix}w={w}" for w in toks]
    out += [f"{prefix}b={a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]
    # five-letter stems: "postule", "postuler", "postulé" share one
    out += [f"{prefix}s={w[:5]}" for w in toks if len(w) > 5]
    return out


def _head(ctx: NoteContext, index: int) -> list[str]:
    """The clause's first words after its leading days and connectors: where its verb usually is."""
    clause = ctx.clauses[index]
    start = max([m.last for m in clause.leading], default=clause.first)
    words = [w for w in ctx.nt.norms[start : clause.last] if w not in _CONNECTORS]
    return _tokens(words[:3])


def _note_frame(ctx: NoteContext) -> list[str]:
    """How the note as a whole is told: mostly past, mostly future, or framed by a phrase."""
    past = future = 0
    for clause in ctx.clauses:
        if ctx.morph.is_future(clause.first, clause.last):
            future += 1
        elif ctx.morph.is_past(clause.first, clause.last):
            past += 1
    out = []
    total = past + future
    if total:
        share = past / total
        out.append("frame=" + ("past" if share >= 0.7 else "future" if share <= 0.3 else "mixed"))
    else:
        out.append("frame=none")
    text = " " + ctx.nt.text + " "
    out += [f"frame_has={p.replace(' ', '_')}" for p in _FRAME_PAST + _FRAME_FUTURE if f" {p} " in text]
    return out


def _date_features(ctx: NoteContext, index: int) -> list[str]:
    clause = ctx.clauses[index]
    out = []
    for where, mentions in (("lead", clause.leading), ("local", clause.local)):
        for m in mentions:
            out.append(f"m_{where}={m.kind.name}")
            if m.kind is MentionKind.WEEKDAY and m.weekday is not None:
                # how far back the last such day was: "lundi" said on a Friday was 4 days ago
                back = (ctx.today.weekday() - m.weekday) % 7 or 7
                out.append(f"wd_back={back}")
            if m.kind is MentionKind.DAY and m.value is not None:
                delta = (m.value - ctx.today).days
                out.append("day=" + ("past" if delta < 0 else "today" if delta == 0 else "future"))
            if m.kind is MentionKind.DAY_OF_MONTH and m.day is not None:
                # "le 28" said on the 30th is more likely past than a month ahead
                out.append("dom=" + ("this_month_past" if m.day <= ctx.today.day else "this_month_ahead"))
            if m.weekend:
                out.append("weekend")
    return out


def clause_features(ctx: NoteContext, index: int, *, with_rules: bool) -> list[str]:
    """Binary features of one clause, for both models."""
    nt, clauses = ctx.nt, ctx.clauses
    clause = clauses[index]
    words = nt.norms[clause.first : clause.last]
    f = ["bias"]
    f += _lexical("", words)
    f += [f"head={w}" for w in _head(ctx, index)]
    if index > 0:
        prev = clauses[index - 1]
        f += [f"p={w}" for w in _tokens(nt.norms[max(prev.first, prev.last - 4) : prev.last])]
    else:
        f.append("first_clause")
    if index + 1 < len(clauses):
        nxt = clauses[index + 1]
        f += [f"n={w}" for w in _tokens(nt.norms[nxt.first : min(nxt.last, nxt.first + 4)])]
    else:
        f.append("last_clause")
    f += _date_features(ctx, index)
    f += [f"org={o.type.name}" for o in ctx.orgs if clause.first <= o.first < clause.last]
    morph = ctx.morph
    past, future = morph.is_past(clause.first, clause.last), morph.is_future(clause.first, clause.last)
    f.append("tense=" + ("future" if future else "past" if past else "verb" if morph.has_verb(clause.first, clause.last) else "none"))
    f += _note_frame(ctx)
    f.append(f"rec_wd={_WEEKDAY_NAMES[ctx.today.weekday()]}")
    local_hour = ctx.recorded_at.hour
    if local_hour >= 22 or local_hour < 5:
        f.append("late_night")
    if not ctx.cased:
        f.append("lowercase_text")
    f.append(f"len={min(len(words) // 5, 6)}")
    if with_rules:
        trig = ctx.rule_triggers[index]
        if trig is not None:
            f += [f"rk={trig.kind}", f"rc={trig.category}", f"rstep={ctx.rule_steps[index]}"]
            f.append(f"rk_step={trig.kind}_{ctx.rule_steps[index]}")
        else:
            f.append("rk=none")
        f += [f"t={t.kind}" for t in clause.triggers]
        f.append(f"rdir={ctx.rule_directions[index].name}")
        for offset, name in ((-1, "prk"), (1, "nrk")):
            k = index + offset
            if 0 <= k < len(clauses):
                other = ctx.rule_triggers[k]
                f.append(f"{name}={other.kind if other is not None and ctx.rule_steps[k] else 'none'}")
    return f


def previous_day_clause(ctx: NoteContext, index: int) -> int | None:
    """The nearest earlier clause that opened with a day (the day a later clause may inherit)."""
    for k in range(index - 1, -1, -1):
        if ctx.clauses[k].leading:
            return k
    return None


def needs_carry(ctx: NoteContext, index: int) -> bool:
    """A clause with no day of its own, after a day was said: inherit it or not?"""
    clause = ctx.clauses[index]
    return not clause.leading and not clause.local and previous_day_clause(ctx, index) is not None


def carry_features(ctx: NoteContext, index: int) -> list[str]:
    """What tells whether a clause without a day takes the day said before it: how it is linked to it."""
    clause = ctx.clauses[index]
    k = previous_day_clause(ctx, index)
    if k is None:
        return ["carry_none"]
    token = ctx.nt.tokens[clause.first]
    f = [f"carry_gap={min(index - k, 4)}"]
    f.append("carry_sentence" if token.sentence_start else "carry_comma" if token.comma_before else "carry_flow")
    f += [f"carry_head={w}" for w in ctx.nt.norms[clause.first : clause.first + 2]]
    between = ctx.clauses[k + 1 : index]
    f.append(f"carry_steps_between={min(sum(ctx.rule_steps[k + 1 : index]), 2)}")
    sentence_break = any(ctx.nt.tokens[c.first].sentence_start for c in [*between, clause])
    f.append("carry_break" if sentence_break else "carry_same_sentence")
    if not ctx.cased:
        f.append("carry_lowercase")
    return f


# ── linear models ───────────────────────────────────────────────────────────────────────────────
@dataclass
class LinearModel:
    """A multinomial logistic regression: classes, a feature index, weights."""

    classes: list[str]
    index: dict[str, int]
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray  # (classes,)

    def probabilities(self, features: list[str]) -> dict[str, float]:
        columns = sorted({self.index[f] for f in features if f in self.index})
        scores = self.intercept + (self.coef[:, columns].sum(axis=1) if columns else 0.0)
        scores = scores - scores.max()
        exp = np.exp(scores)
        probs = exp / exp.sum()
        return {c: float(p) for c, p in zip(self.classes, probs, strict=True)}


@dataclass(frozen=True)
class Thresholds:
    """When the learned layer overrides the rules (combined mode), tuned on the dev split."""

    add: float = 0.6  # a step the rules missed: the model's kind at least this likely
    drop: float = 0.75  # a rule step dropped: "no step" at least this likely
    relabel: float = 0.6  # a rule step's kind changed: the model's kind at least this likely


@dataclass
class ClauseModels:
    kind: LinearModel  # NONE or a step kind
    direction: LinearModel  # done or planned
    with_rules: bool  # trained with the rules' conclusions among the features (combined mode)
    carry: LinearModel | None = None  # "carry" or "none": an undated clause inherits the day said before
    # "right" or "wrong": a step's chance to pair with a gold step, fitted on cross-validated outcomes
    confidence: LinearModel | None = None
    thresholds: Thresholds = field(default_factory=lambda: Thresholds())
    # tells these models' predictions apart in a note's cache (unlike id(), never reused)
    key: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)


def save_models(path: Path, models: dict[str, ClauseModels], meta: dict[str, str]) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, m in models.items():
        for part in PARTS:
            lm: LinearModel | None = getattr(m, part)
            if lm is None:
                continue
            features = sorted(lm.index, key=lm.index.__getitem__)
            arrays[f"{name}.{part}.classes"] = np.array(lm.classes)
            # one UTF-8 buffer of newline-separated names: a tenth of a fixed-width string array
            arrays[f"{name}.{part}.features"] = np.frombuffer("\n".join(features).encode(), dtype=np.uint8)
            # half precision: a linear model's scores move by < 1e-3, the file is half as large
            arrays[f"{name}.{part}.coef"] = lm.coef.astype(np.float16)
            arrays[f"{name}.{part}.intercept"] = lm.intercept.astype(np.float32)
        arrays[f"{name}.with_rules"] = np.array([m.with_rules])
        t = m.thresholds
        arrays[f"{name}.thresholds"] = np.array([t.add, t.drop, t.relabel], dtype=np.float32)
    arrays["meta.keys"] = np.array(list(meta))
    arrays["meta.values"] = np.array(list(meta.values()))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)


def load_models(path: Path = MODEL_PATH) -> dict[str, ClauseModels]:
    """The trained models by name ("learned", "combined")."""
    with np.load(path, allow_pickle=False) as data:
        names = sorted({key.split(".")[0] for key in data.files if key != "meta.keys" and not key.startswith("meta.")})
        out: dict[str, ClauseModels] = {}
        for name in names:
            parts: dict[str, LinearModel | None] = {}
            for part in PARTS:
                if f"{name}.{part}.features" not in data.files:
                    parts[part] = None
                    continue
                raw = data[f"{name}.{part}.features"]
                features = raw.tobytes().decode().split("\n") if raw.size else []
                parts[part] = LinearModel(
                    classes=[str(c) for c in data[f"{name}.{part}.classes"]],
                    index={f: i for i, f in enumerate(features)},
                    coef=data[f"{name}.{part}.coef"].astype(np.float64),
                    intercept=data[f"{name}.{part}.intercept"].astype(np.float64),
                )
            add, drop, relabel = (round(float(v), 4) for v in data[f"{name}.thresholds"])
            kind, direction = parts["kind"], parts["direction"]
            assert kind is not None and direction is not None
            out[name] = ClauseModels(
                kind=kind,
                direction=direction,
                carry=parts["carry"],
                confidence=parts["confidence"],
                with_rules=bool(data[f"{name}.with_rules"][0]),
                thresholds=Thresholds(add=add, drop=drop, relabel=relabel),
            )
    return out


def model_meta(path: Path = MODEL_PATH) -> dict[str, str]:
    with np.load(path, allow_pickle=False) as data:
        return dict(zip((str(k) for k in data["meta.keys"]), (str(v) for v in data["meta.values"]), strict=True))


# ── deciders ────────────────────────────────────────────────────────────────────────────────────
_CLITICS = frozenset("j je on il elle ils elles nous tu c ca l le la les y en m me t te se s lui leur ne n".split())


def _synthetic_trigger(ctx: NoteContext, index: int, kind: str) -> Trigger:
    """Where a step the rules did not name sits: at the clause's verb (days, organisations and
    counts are then read after it), else at its first word after the leading days."""
    clause = ctx.clauses[index]
    start = min(max([m.last for m in clause.leading], default=clause.first), clause.last - 1)
    first = start
    for k in range(start, clause.last):
        word, morph = ctx.nt.norms[k], ctx.morph.morphs[k]
        if word in _CONNECTORS or word in _CLITICS:
            continue
        if morph.pos == "AUX" and k + 1 < clause.last:
            continue
        first = k
        break
    category = CATEGORY_OF_KIND[kind]
    rule = TriggerRule(category, kind, _NO_PATTERN, 0)
    return Trigger(first, first + 1, rule, category, kind)


class _NoPattern:
    pattern = ""


_NO_PATTERN = _NoPattern()  # type: ignore[assignment]


class LearnedDecider:
    """Steps and tenses from the trained models; with `combined`, the rules' steps unless contradicted."""

    def __init__(self, models: ClauseModels, *, combined: bool, thresholds: Thresholds | None = None) -> None:
        self.models = models
        self.combined = combined
        self.thresholds = thresholds or models.thresholds
        self.name = "combined" if combined else "learned"

    def _predict(self, ctx: NoteContext, index: int) -> tuple[dict[str, float], dict[str, float]]:
        key = (self.models.key, index)
        cached = ctx.predictions.get(key)
        if cached is None:
            features = clause_features(ctx, index, with_rules=self.models.with_rules)
            cached = (self.models.kind.probabilities(features), self.models.direction.probabilities(features))
            ctx.predictions[key] = cached
        return cached  # type: ignore[no-any-return]

    def directions(self, ctx: NoteContext) -> list[Direction]:
        out = []
        for index in range(len(ctx.clauses)):
            planned = self._predict(ctx, index)[1].get(PLANNED, 0.0)
            out.append(Direction.FUTURE if planned >= 0.5 else Direction.PAST)
        return out

    def decide(self, ctx: NoteContext, index: int, trigger: Trigger | None, rule_step: bool) -> Trigger | None:
        kinds = self._predict(ctx, index)[0]
        best = max((k for k in kinds if k != NONE), key=kinds.__getitem__)
        t = self.thresholds
        if not self.combined:
            if kinds[best] <= kinds[NONE]:
                return None
            if trigger is not None and trigger.kind == best:
                return trigger
            return _with_kind(trigger, best) if trigger is not None else _synthetic_trigger(ctx, index, best)
        if rule_step and trigger is not None:
            if kinds[NONE] >= t.drop:
                return None
            if best != trigger.kind and kinds[best] >= t.relabel and trigger.kind in CATEGORY_OF_KIND:
                return _with_kind(trigger, best)
            return trigger
        if kinds[best] >= t.add:
            return _with_kind(trigger, best) if trigger is not None else _synthetic_trigger(ctx, index, best)
        return None

    def carries(self, ctx: NoteContext, index: int) -> bool:
        if self.models.carry is None or not needs_carry(ctx, index):
            return True
        features = clause_features(ctx, index, with_rules=self.models.with_rules) + carry_features(ctx, index)
        return self.models.carry.probabilities(features).get("carry", 1.0) >= 0.5

    def confidence(self, ctx: NoteContext, index: int, trigger: Trigger, draft: Draft) -> float | None:
        kinds, directions = self._predict(ctx, index)
        signals = confidence_signals(ctx, index, trigger, draft, kinds, directions)
        draft.signals = tuple(signals)
        if self.models.confidence is None:
            return kinds.get(trigger.kind, 1.0 - kinds.get(NONE, 0.0)) * max(directions.values())
        return self.models.confidence.probabilities(signals).get("right", 0.0)


def _bucket(value: float, width: float = 0.1) -> str:
    return f"{min(int(value / width), int(1 / width) - 1) * width:.1f}"


def confidence_signals(
    ctx: NoteContext,
    index: int,
    trigger: Trigger,
    draft: Draft,
    kinds: dict[str, float],
    directions: dict[str, float],
) -> list[str]:
    """What a step's chance of being right is read from: how sure the models were, where its day
    came from, whether the rules agreed, how it was split."""
    clause = ctx.clauses[index]
    raw = kinds.get(trigger.kind, 1.0 - kinds.get(NONE, 0.0))
    signals = ["bias", f"kind_p={_bucket(raw)}", f"tense_p={_bucket(max(directions.values()))}"]
    signals.append(f"none_p={_bucket(kinds.get(NONE, 0.0))}")
    days = [d for d in draft.dates if d is not None]
    if not days:
        signals.append("date=none")
    elif clause.leading or clause.local:
        signals.append("date=own")
    else:
        signals.append("date=carried")
    if len(draft.dates) > 1:
        signals.append("days>1")
    signals.append(f"orgs={min(len(draft.organizations), 2)}")
    rule = ctx.rule_triggers[index]
    agrees = rule is not None and ctx.rule_steps[index] and rule.kind == trigger.kind
    signals.append("rules_agree" if agrees else "rules_silent" if rule is None else "rules_differ")
    signals.append(f"category={trigger.category}")
    if not ctx.cased:
        signals.append("lowercase_text")
    return signals


def _with_kind(trigger: Trigger, kind: str) -> Trigger:
    return replace(trigger, kind=kind, category=CATEGORY_OF_KIND[kind])
