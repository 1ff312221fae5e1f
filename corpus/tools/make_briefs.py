#!/usr/bin/env python3
"""Make the writers' slot files and briefs: who speaks, when, and in what shape, batch by batch.

usage: make_briefs.py OUT_DIR [--batches 16] [--per-batch 40] [--seed 2026]
Recording times cover every weekday, late nights, month and year ends and the clock changes, in the
summer and winter offsets of Europe/Paris; each batch mixes 8 personas, 5 notes each.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
HERE = Path(__file__).resolve().parent
FIRST, LAST = date(2025, 9, 1), date(2027, 3, 31)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SHAPES = ["rien"] * 3 + ["une_phrase"] * 4 + ["liste"] * 4 + ["long"] * 5 + ["court"] * 12 + ["moyen"] * 12
SHAPE_TEXT = {
    "rien": "declares nothing (0 steps): ill, small talk, only cancelled / failed / postponed plans, advice received, vague intentions",
    "une_phrase": "a one-liner: one sentence, usually one step",
    "court": "short: 2–3 steps",
    "moyen": "medium: 3–5 steps",
    "liste": "a list, day by day or item by item: 3–7 steps",
    "long": "long and rambling (150–300 words): 5–8 steps, digressions, hesitations, self-corrections",
}
TYPED_PERSONAS = {"P14", "P34"}


def _weekday_dates(rng: random.Random, weekday: int, lo: date, hi: date) -> date:
    days = [lo + timedelta(days=k) for k in range((hi - lo).days + 1)]
    options = [d for d in days if d.weekday() == weekday]
    return rng.choice(options)


def _special_date(rng: random.Random, special: str, weekday: int) -> date:
    for _ in range(1000):
        if special == "year_end":
            year = rng.choice([2025, 2026])
            d = date(year, 12, 27) + timedelta(days=rng.randrange(9))
        elif special == "month_end":
            year, month = rng.choice([(y, m) for y in (2025, 2026, 2027) for m in range(1, 13)
                                      if FIRST <= date(y, m, 1) <= LAST])
            last = calendar.monthrange(year, month)[1]
            d = rng.choice([date(year, month, k) for k in (1, 2, 3, last - 1, last)])
        elif special == "clock_change":
            year = rng.choice([2026, 2027] if rng.random() < 0.5 else [2025, 2026])
            month = rng.choice([3, 10])
            last_sunday = max(date(year, month, k) for k in range(25, 32) if date(year, month, k).weekday() == 6)
            d = last_sunday + timedelta(days=rng.randrange(-3, 4))
        else:
            return _weekday_dates(rng, weekday, FIRST, LAST)
        if FIRST <= d <= LAST and d.weekday() == weekday:
            return d
    return _weekday_dates(rng, weekday, FIRST, LAST)


def make_slots(batch: int, per_batch: int, personas: list[dict], rng: random.Random) -> list[dict]:
    weekdays = [k % 7 for k in range(per_batch)]
    rng.shuffle(weekdays)
    specials = ["late_night"] * 5 + ["month_end"] * 6 + ["year_end"] * 2 + ["clock_change"] * 1
    specials += [""] * (per_batch - len(specials))
    rng.shuffle(specials)
    shapes = list(SHAPES)[:per_batch]
    rng.shuffle(shapes)
    slots = []
    for n in range(per_batch):
        persona = personas[n % len(personas)]
        day = _special_date(rng, specials[n], weekdays[n])
        if specials[n] == "late_night":
            minutes = rng.randrange(22 * 60 + 30, 26 * 60 + 30)
        else:
            minutes = rng.randrange(7 * 60 + 30, 22 * 60)
        if minutes >= 24 * 60:  # after midnight: the next calendar day, keeping the weekday balance honest
            minutes -= 24 * 60
            day += timedelta(days=1)
        local = datetime.combine(day, time(minutes // 60, minutes % 60), PARIS)
        typed = persona["code"] in TYPED_PERSONAS and rng.random() < 0.8 or rng.random() < 0.05
        slots.append(
            {
                "id": f"n{batch:02d}{n + 1:02d}",
                "recorded_at": local.isoformat(timespec="seconds"),
                "weekday": WEEKDAYS[local.weekday()],
                "persona": persona["code"],
                "speaker": persona["speaker"],
                "shape": shapes[n],
                "typed": typed,
                "special": specials[n],
            }
        )
    return slots


def brief(batch: int, slots: list[dict], personas: list[dict], template: str, rules: str) -> str:
    rows = "\n".join(
        f"| {s['id']} | {s['recorded_at']} | {s['weekday']} | {s['persona']} | {s['shape']} |"
        f" {'typed (texting style)' if s['typed'] else 'spoken'} |"
        for s in slots
    )
    used = sorted({s["persona"] for s in slots})
    people = "\n".join(f"- **{p['code']}** ({p['speaker']}): {p['desc']}" for p in personas if p["code"] in used)
    shapes = "\n".join(f"- `{k}`: {v}" for k, v in SHAPE_TEXT.items())
    return (
        template.replace("{{RULES}}", rules)
        .replace("{{BATCH}}", f"{batch:02d}")
        .replace("{{SLOTS}}", rows)
        .replace("{{PERSONAS}}", people)
        .replace("{{SHAPES}}", shapes)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--batches", type=int, default=16)
    parser.add_argument("--per-batch", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    personas = json.loads((HERE / "personas.json").read_text(encoding="utf-8"))
    template = (HERE / "writer_brief.md").read_text(encoding="utf-8")
    rules = (HERE / "annotation_rules.md").read_text(encoding="utf-8")
    rng = random.Random(args.seed)
    order: list[dict] = []
    for batch in range(1, args.batches + 1):
        if len(order) < 8:
            fresh = list(personas)
            rng.shuffle(fresh)
            order += fresh
        chosen, order = order[:8], order[8:]
        slots = make_slots(batch, args.per_batch, chosen, rng)
        folder = args.out / f"batch-{batch:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "slots.jsonl").write_text(
            "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in slots), encoding="utf-8"
        )
        (folder / "BRIEF.md").write_text(brief(batch, slots, personas, template, rules), encoding="utf-8")


if __name__ == "__main__":
    main()
