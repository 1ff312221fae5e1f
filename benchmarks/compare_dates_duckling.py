"""Duckling against the project's own date rules, on the gold steps of the dev set.

Duckling is NOT a project dependency (neither runtime nor test): install it outside the project, in
a directory of its own, and put that directory on PYTHONPATH for this script only.

    # Haskell Duckling (facebook/duckling 0.2.0.0), maintained fork of pyduckling-native, a binary wheel:
    .venv/bin/python -m pip install --target /tmp/duckling-lib pyduckling-native-phihos==0.3.0
    PYTHONPATH=/tmp/duckling-lib .venv/bin/python benchmarks/compare_dates_duckling.py

    # wit.ai's Clojure Duckling 0.4.23 (python-duckling 1.8.0, 2018, archived; needs java):
    .venv/bin/python -m pip install --target /tmp/duckling-clj-lib duckling==1.8.0 JPype1
    PYTHONPATH=/tmp/duckling-clj-lib .venv/bin/python benchmarks/compare_dates_duckling.py --backend clojure

Both packages install a top-level module named `duckling`: keep them in separate directories.

For each gold step, the window read is its evidence, and when the evidence holds no day expression
at all, the part of its sentence before it ("Lundi, j'ai mis à jour mon CV et j'ai rédigé…": the
second step's day is before its evidence). The same window and the same choice (the last dated
expression of the evidence, else the last one before it) are used for both systems:

  own       declarations.extraction.dates.find_date_mentions on the whole note; a bare weekday is
            resolved with resolve_weekday in the tense the project's grammar reads in the evidence
            (spaCy morphology + markers, as the extractor does for a clause).
  duckling  Duckling on the whole note, French locale, reference time = recorded_at in Europe/Paris;
            a day-grain value gives its day, an hour/minute value its day unless it is only a clock
            time ("à 10h"), an interval within one day its day, a week-end interval its Saturday (the
            dataset's convention), week/month grains and intervals of a few days are "no day" (null,
            like "la semaine dernière"); years, seasons and longer intervals are ignored.
  duck+tense  the same, with the project's tense applied to a bare weekday or week-end found by
            Duckling (Duckling has no tense: it always reads "lundi" as the next Monday).

On asr_text the evidence (a substring of `text`) is located by aligning the normalised words of both
transcripts. `--no-e2e` skips the end-to-end figure: the full extractor with its date mentions taken
from Duckling instead (monkeypatched here only), scored with the project's scorer.
"""

from __future__ import annotations

import argparse
import difflib
import glob
import json
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")

from declarations.extraction.dates import (  # noqa: E402
    PARIS,
    WEEKDAYS,
    DateMention,
    Direction,
    MentionKind,
    find_date_mentions,
    local_day,
    resolve_weekday,
)
from declarations.extraction.grammar import Morphology  # noqa: E402
from declarations.extraction.normalize import NormalizedText, fold, normalize  # noqa: E402

DEFAULT_DATASET = ROOT.parent / "shared" / "datasets" / "declarations-dev.jsonl"
INSTALL_HINT = (
    "Duckling is not installed (it is not a project dependency). Install it apart, e.g.\n"
    "  .venv/bin/python -m pip install --target /tmp/duckling-lib pyduckling-native-phihos==0.3.0\n"
    "and run: PYTHONPATH=/tmp/duckling-lib .venv/bin/python benchmarks/compare_dates_duckling.py\n"
    "(Clojure Duckling: pip install --target /tmp/duckling-clj-lib duckling==1.8.0 JPype1, --backend clojure)"
)

DAY, NO_DAY, IGNORE = "day", "no_day", "ignore"


@dataclass(frozen=True)
class Found:
    """One expression found by a system: character span in the note, what it gives."""

    start: int
    end: int
    kind: str  # DAY, NO_DAY
    value: date | None
    body: str = ""


# ── Duckling backends ───────────────────────────────────────────────────────────────────────────
class NativeDuckling:
    """facebook/duckling (Haskell) through pyduckling-native-phihos: no server, no JVM."""

    name = "Haskell Duckling 0.2.0.0 (pyduckling-native-phihos)"

    def __init__(self) -> None:
        import duckling

        if not hasattr(duckling, "parse_ref_time"):
            raise ImportError("the `duckling` module found is not pyduckling-native")
        self._d = duckling
        self._tz = duckling.load_time_zones("/usr/share/zoneinfo")
        self._locale = duckling.parse_locale("FR_FR", duckling.default_locale_lang(duckling.parse_lang("FR")))
        self._dims = duckling.parse_dimensions(["time"])

    def parse(self, text: str, recorded_at: datetime) -> list[dict[str, Any]]:
        ref = self._d.parse_ref_time(self._tz, "Europe/Paris", int(recorded_at.timestamp()))
        context = self._d.Context(ref, self._locale)
        return list(self._d.parse(text, context, self._dims, False))


class ClojureDuckling:
    """wit.ai's Clojure Duckling 0.4.23 through python-duckling 1.8.0 and JPype1."""

    name = "Clojure Duckling 0.4.23 (python-duckling 1.8.0)"

    def __init__(self) -> None:
        import duckling
        import jpype

        if not hasattr(duckling, "DucklingWrapper"):
            raise ImportError("the `duckling` module found is not python-duckling")
        jars = glob.glob(os.path.join(os.path.dirname(duckling.__file__), "jars", "*.jar"))
        if not jpype.isJVMStarted():
            # python-duckling 1.8.0 predates JPype 0.8: it needs Java strings converted to str.
            jpype.startJVM(
                jpype.getDefaultJVMPath(),
                "-Xmx1024m",
                "-Djava.class.path=" + os.pathsep.join(jars),
                convertStrings=True,
            )
        self._d = duckling.Duckling(jvm_started=True)
        self._d.load(languages=["fr"])

    def parse(self, text: str, recorded_at: datetime) -> list[dict[str, Any]]:
        reference = recorded_at.astimezone(PARIS).isoformat()
        return list(self._d.parse(text, language="fr", dim_filter="time", reference_time=reference))


BACKENDS: dict[str, Callable[[], Any]] = {"native": NativeDuckling, "clojure": ClojureDuckling}

# ── reading Duckling's values ───────────────────────────────────────────────────────────────────
_DAYISH = re.compile(
    r"\b(?:" + "|".join(WEEKDAYS) + r"|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre"
    r"|novembre|decembre|hier|demain|aujourd|matin|soir|nuit|jours?|semaines?|week|lendemain|veille|il y a)\b"
)
_CLOCK = re.compile(r"\d+ ?h\b|\d+h\d*|\bheures?\b|\bmidi\b|\bminuit\b")
# A weekday (or week-end) that Duckling read without any marker of its own: no "dernier"/"prochain",
# no day number, no month. On unpunctuated text Duckling glues durations to it ("trois heures samedi").
_WEEKDAY_IN = re.compile(r"\b(?P<wd>" + "|".join(WEEKDAYS) + r"|week end)\b")
_OWN_MARKER = re.compile(
    r"\b(?:dernier|derniere|passe|passee|prochain|prochaine|apres|qui vient|\d+|premier|deux|trois|quatre|cinq"
    r"|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|janvier|fevrier|mars"
    r"|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b"
)

_CLOCK_WORDS = re.compile(
    r"(?:\b(?:\d+|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze"
    r"|seize|vingt|et) )+(?:h|heures?)\b"
)


def bare_weekday(body: str) -> int | None:
    """The weekday (5 for a week-end) of a Duckling body that states no direction of its own."""
    phrase = _phrase(body)
    found = _WEEKDAY_IN.findall(phrase)
    if len(found) != 1:
        return None
    around = _WEEKDAY_IN.split(phrase, maxsplit=1)[-1]  # what follows the weekday, less clock times
    around = _CLOCK_WORDS.sub(" ", around)
    if _OWN_MARKER.search(around):
        return None
    return 5 if found[0] == "week end" else WEEKDAYS.index(found[0])


def _paris_dt(iso: str) -> datetime:
    """Duckling's wall-clock time, in the offset it chose (the Clojure one keeps the reference time's
    fixed offset across a DST change: converting would move a midnight onto the day before)."""
    return datetime.fromisoformat(iso)


def _phrase(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(text)))


def read_duckling(entity: dict[str, Any], note: str) -> Found | None:
    """A Duckling time entity as the dataset reads dates (see the module docstring)."""
    value = entity.get("value") or {}
    start, end = int(entity["start"]), int(entity["end"])
    body = note[start:end]
    phrase = _phrase(body)
    if value.get("type") == "value":
        grain = value.get("grain")
        when = _paris_dt(value["value"])
        if grain == "day":
            return Found(start, end, DAY, when.date(), body)
        if grain in {"hour", "minute", "second"}:
            if _CLOCK.search(phrase) and not _DAYISH.search(phrase):
                return None  # "à dix heures": a time of day, no day stated
            return Found(start, end, DAY, when.date(), body)
        if grain in {"week", "month"}:
            return Found(start, end, NO_DAY, None, body)
        return None  # year, quarter: not a day
    if value.get("type") == "interval":
        low, high = value.get("from"), value.get("to")
        if not low or not high:
            return None  # open interval ("depuis lundi", "avant le 3")
        if _CLOCK.search(phrase) and not _DAYISH.search(phrase):
            return None  # "de 6h à 13h": hours of a day that is not stated
        first, last = _paris_dt(low["value"]), _paris_dt(high["value"]) - timedelta(microseconds=1)
        if first.date() == last.date():
            return Found(start, end, DAY, first.date(), body)
        span = (last.date() - first.date()).days
        if span <= 3 and first.weekday() in {4, 5} and last.weekday() in {6, 0}:
            saturday = first.date() + timedelta(days=5 - first.weekday())
            return Found(start, end, DAY, saturday, body)  # the dataset: a week-end is its Saturday
        if span <= 8:
            return Found(start, end, NO_DAY, None, body)
        return None  # seasons ("été" the participle reads as summer), years
    return None


def duckling_found(
    entities: list[dict[str, Any]], note: str, direction_at: Callable[[int], Direction] | None, today: date
) -> list[Found]:
    """Entities read as days; with `direction_at`, a bare weekday takes the project's tense."""
    out: list[Found] = []
    for entity in entities:
        found = read_duckling(entity, note)
        if found is None:
            continue
        if direction_at is not None and found.kind == DAY and found.value is not None:
            found = _with_tense(found, direction_at(found.start), today)
        out.append(found)
    return out


def _with_tense(found: Found, direction: Direction, today: date) -> Found:
    weekday = bare_weekday(found.body)
    if weekday is None or found.value is None:
        return found
    value = resolve_weekday(weekday, today, direction)
    return Found(found.start, found.end, found.kind, value, found.body)


# ── the project's own rules ─────────────────────────────────────────────────────────────────────
def own_found(nt: NormalizedText, today: date, direction_at: Callable[[int], Direction]) -> list[Found]:
    """find_date_mentions on the whole note, each mention resolved as the extractor would."""
    out: list[Found] = []
    previous: date | None = None
    for mention in find_date_mentions(nt, today):
        start, end = nt.char_span(mention.first, mention.last)
        if mention.kind is MentionKind.NO_DAY:
            out.append(Found(start, end, NO_DAY, None))
            continue
        value: date | None = None
        if mention.kind is MentionKind.DAY:
            value = mention.value
        elif mention.kind is MentionKind.WEEKDAY and mention.weekday is not None:
            value = resolve_weekday(mention.weekday, today, direction_at(start))
        elif mention.kind is MentionKind.RELATIVE and previous is not None:
            value = previous + timedelta(days=mention.shift)
        if value is not None:
            previous = value
            out.append(Found(start, end, DAY, value))
    return out


def pick(found: list[Found], window: tuple[int, int, int]) -> date | None:
    """The last day of the evidence; if the evidence has no expression at all, the last day before it
    in its sentence. A "no day" expression in the evidence gives null."""
    prefix_start, ev_start, ev_end = window
    inside = [f for f in found if f.start < ev_end and f.end > ev_start]
    if inside:
        days = [f for f in inside if f.kind == DAY]
        return days[-1].value if days else None
    before = [f for f in found if f.start >= prefix_start and f.end <= ev_start]
    return before[-1].value if before and before[-1].kind == DAY else None


# ── windows, tense, phenomena ───────────────────────────────────────────────────────────────────
def token_range(nt: NormalizedText, start: int, end: int) -> tuple[int, int]:
    inside = [i for i, t in enumerate(nt.tokens) if t.start >= start and t.end <= end]
    if not inside:
        return 0, 0
    return inside[0], inside[-1] + 1


def sentence_first(nt: NormalizedText, first: int) -> int:
    k = first
    while k > 0 and not nt.tokens[k].sentence_start:
        k -= 1
    return k


def align(source: NormalizedText, target: NormalizedText) -> Callable[[int], int]:
    """Token index in `source` → nearest token index in `target`, by word alignment."""
    mapping: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, source.norms, target.norms, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i1, i2):
            if tag == "equal":
                mapping[k] = j1 + (k - i1)
            else:
                mapping[k] = min(j1 + (k - i1), max(j1, j2 - 1)) if j2 > j1 else j1
    size = len(target.tokens)
    return lambda k: min(mapping.get(k, size), size)


PHENOMENA = (
    "null expected",
    "relative day word",
    "weekday + dernier/prochain",
    "bare weekday, past",
    "bare weekday, future",
    "week-end",
    "date in digits",
    "date in words",
    "il y a N",
    "lendemain/veille",
    "day outside the window",
)
_DAY_NUMBER_WORDS = (
    r"premier|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
    r"|dix sept|dix huit|dix neuf|vingt(?: et un| deux| trois| quatre| cinq| six| sept| huit| neuf)?"
    r"|trente(?: et un)?"
)
_MONTHS = r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
_WD = "|".join(WEEKDAYS)
_PHENOMENON_RE = re.compile(
    r"(?P<ago>\bil y a\b)"
    r"|(?P<weekend>\bweek end\b)"
    r"|(?P<wdwhich>\b(?:" + _WD + r") (?:dernier|passe|prochain|d apres|qui vient)\b)"
    r"|(?P<digits>\b(?:le|"
    + _WD
    + r") \d{1,2}\b(?: er)?(?! (?:h|heures?|minutes?|fois)\b)(?: (?:"
    + _MONTHS
    + r"))?)"
    r"|(?P<words>\b(?:le|" + _WD + r") (?:" + _DAY_NUMBER_WORDS + r")\b(?! (?:h|heures?|minutes?|fois)\b)"
    r"(?: (?:" + _MONTHS + r"))?)"
    r"|(?P<relative>\b(?:avant hier|apres demain|hier|demain|aujourd hui|ce matin|ce midi|ce soir|cette nuit"
    r"|cet apres midi|cette apres midi|cet aprem|cette aprem|tout a l heure|ce jour|avant d enregistrer)\b)"
    r"|(?P<bare>\b(?:" + _WD + r")\b)"
    r"|(?P<next>\ble lendemain\b|\bla veille\b)"
)


def phenomenon(gold: date | None, today: date, evidence: str, prefix: str) -> str:
    if gold is None:
        return "null expected"
    for segment in (_phrase(evidence), _phrase(prefix)):
        matches = list(_PHENOMENON_RE.finditer(segment))
        if not matches:
            continue
        kind = matches[-1].lastgroup
        if kind == "bare":
            return "bare weekday, past" if gold < today else "bare weekday, future"
        return {
            "ago": "il y a N",
            "weekend": "week-end",
            "wdwhich": "weekday + dernier/prochain",
            "digits": "date in digits",
            "words": "date in words",
            "relative": "relative day word",
            "next": "lendemain/veille",
        }[str(kind)]
    return "day outside the window"


class Tense:
    """The project's reading of past or future, on the evidence tokens (as for an extractor clause)."""

    def __init__(self, nt: NormalizedText, nlp: Any) -> None:
        self.nt = nt
        self.morph = Morphology(nt, nlp(nt.original) if nlp is not None else None)

    def of(self, first: int, last: int) -> Direction:
        if self.morph.is_future(first, last):
            return Direction.FUTURE
        if self.morph.is_past(first, last):
            return Direction.PAST
        return Direction.FUTURE if self.morph.has_verb(first, last) else Direction.PAST


# ── the comparison ──────────────────────────────────────────────────────────────────────────────
@dataclass
class Row:
    note: str
    phenomenon: str
    gold: date | None
    own: date | None
    duck: date | None
    duck_tense: date | None
    window: str


def iter_rows(records: list[dict[str, Any]], field: str, backend: Any, nlp: Any) -> Iterator[Row]:
    for record in records:
        recorded_at = datetime.fromisoformat(record["recorded_at"])
        today = local_day(recorded_at)
        reference = normalize(record["text"])
        note = record[field]
        nt = reference if field == "text" else normalize(note)
        to_note = (lambda k: k) if field == "text" else align(reference, nt)
        tense = Tense(nt, nlp)
        entities = backend.parse(note, recorded_at)
        searched = 0
        for step in record["steps"]:
            gold = date.fromisoformat(step["date"]) if step.get("date") else None
            evidence = step["evidence"]
            at = record["text"].find(evidence, searched)
            if at < 0:
                at = record["text"].find(evidence)
            ev_first, ev_last = token_range(reference, at, at + len(evidence))
            sentence = sentence_first(reference, ev_first)
            prefix_text = record["text"][reference.tokens[sentence].start : at] if reference.tokens else ""
            kind = phenomenon(gold, today, evidence, prefix_text)
            # the same window in this transcript
            first, last, pre = (
                to_note(ev_first),
                max(to_note(ev_last - 1) + 1, to_note(ev_first) + 1),
                to_note(sentence),
            )
            last = min(last, len(nt.tokens))
            first = min(first, last - 1)
            window = (
                nt.char_span(pre, pre + 1)[0],
                nt.char_span(first, first + 1)[0],
                nt.char_span(last - 1, last)[1],
            )
            direction = tense.of(first, last)

            def direction_at(_char: int, direction: Direction = direction) -> Direction:
                return direction

            own = pick(own_found(nt, today, direction_at), window)
            duck = pick(duckling_found(entities, note, None, today), window)
            duck_tense = pick(duckling_found(entities, note, direction_at, today), window)
            shown = note[window[0] : window[1]] + "[" + note[window[1] : window[2]] + "]"
            yield Row(record["id"], kind, gold, own, duck, duck_tense, shown)


def report(rows: list[Row], field: str, show_disagreements: bool) -> dict[str, float]:
    n = len(rows)
    acc = {
        "own": sum(r.own == r.gold for r in rows) / n,
        "duckling": sum(r.duck == r.gold for r in rows) / n,
        "duckling+tense": sum(r.duck_tense == r.gold for r in rows) / n,
    }
    print(f"\n== {field}: date accuracy on {n} gold steps")
    print("  " + "   ".join(f"{k} {v:.3f} ({round(v * n)}/{n})" for k, v in acc.items()))
    by_kind: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_kind[row.phenomenon].append(row)
    print(f"  {'phenomenon':<28}{'n':>4}{'own':>6}{'duck':>6}{'d+tense':>9}")
    for kind in PHENOMENA:
        group = by_kind.get(kind, [])
        if not group:
            continue
        print(
            f"  {kind:<28}{len(group):>4}{sum(r.own == r.gold for r in group):>6}"
            f"{sum(r.duck == r.gold for r in group):>6}{sum(r.duck_tense == r.gold for r in group):>9}"
        )
    both_wrong = sum(r.own != r.gold and r.duck != r.gold for r in rows)
    print(f"  both wrong: {both_wrong}")
    if show_disagreements:
        differ = [r for r in rows if r.own != r.duck or r.own != r.duck_tense]
        print(
            f"\n  disagreements ({len(differ)}): id | phenomenon | gold | own | duckling | duck+tense | window"
        )
        for r in differ:
            mark = (
                "own"
                if r.own == r.gold
                else ("duck" if r.duck == r.gold or r.duck_tense == r.gold else "none")
            )
            print(
                f"  {r.note} | {r.phenomenon} | {r.gold} | {r.own} | {r.duck} | {r.duck_tense} | right: {mark}"
                f" | {r.window[-160:]}"
            )
    return acc


# ── end to end: the extractor with Duckling's day expressions ───────────────────────────────────
def end_to_end(records: list[dict[str, Any]], field: str, backend: Any, mode: str) -> float:
    """Step F1 of the full extractor; mode "own", "duckling" or "duckling+tense" for its date mentions."""
    from declarations.extraction import extractor as extractor_module
    from declarations.extraction import get_extractor
    from declarations.extraction.io import extract_records
    from declarations.extraction.scoring import score

    original = extractor_module.find_date_mentions
    recorded_at = {r[field]: datetime.fromisoformat(r["recorded_at"]) for r in records}

    def duckling_mentions(nt: NormalizedText, today: date) -> list[DateMention]:
        recorded = recorded_at.get(nt.original) or datetime.combine(today, datetime.min.time(), tzinfo=PARIS)
        mentions: list[DateMention] = []
        taken: set[int] = set()
        for found in duckling_found(backend.parse(nt.original, recorded), nt.original, None, today):
            first, last = token_range(nt, found.start, found.end)
            if last <= first or taken & set(range(first, last)):
                continue
            taken |= set(range(first, last))
            if found.kind == NO_DAY:
                mentions.append(DateMention(first, last, MentionKind.NO_DAY))
                continue
            weekday = bare_weekday(found.body)
            if mode == "duckling+tense" and weekday is not None:
                mentions.append(DateMention(first, last, MentionKind.WEEKDAY, weekday=weekday))
            else:
                mentions.append(DateMention(first, last, MentionKind.DAY, found.value))
        return sorted(mentions, key=lambda m: m.first)

    if mode != "own":
        extractor_module.find_date_mentions = duckling_mentions
    try:
        predictions = {r["id"]: r for r in extract_records(get_extractor(), records, field, None)}
    finally:
        extractor_module.find_date_mentions = original
    return score({r["id"]: r for r in records}, predictions).f1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="native")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end step F1")
    parser.add_argument("--quiet", action="store_true", help="do not list the disagreements")
    args = parser.parse_args()
    try:
        backend = BACKENDS[args.backend]()
    except ImportError as exc:
        print(f"{exc}\n{INSTALL_HINT}", file=sys.stderr)
        return 0
    from declarations.extraction import load_spacy

    nlp = load_spacy()
    with args.dataset.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    print(f"Duckling: {backend.name}; dataset: {args.dataset.name}, {len(records)} notes")
    summary: dict[str, dict[str, float]] = {}
    for field in ("text", "asr_text"):
        rows = list(iter_rows(records, field, backend, nlp))
        summary[field] = report(rows, field, not args.quiet)
        counts = Counter(r.phenomenon for r in rows)
        assert sum(counts.values()) == len(rows)
    if not args.no_e2e:
        print("\n== end to end: step F1 of the extractor (category + date), project scorer")
        for field in ("text", "asr_text"):
            figures = {
                mode: end_to_end(records, field, backend, mode)
                for mode in ("own", "duckling", "duckling+tense")
            }
            print(f"  {field:<9} " + "   ".join(f"{mode} {f1:.3f}" for mode, f1 in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
