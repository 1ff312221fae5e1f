#!/usr/bin/env python3
"""Check an annotated note file against the corpus format; print every problem, exit 1 if any.

usage: validate.py FILE.jsonl [--ids-from SLOTS.jsonl] [--no-asr]
Standard library only (writers and annotators run it on their own files). Checks: fields, category
and kind, status against the date, count and duration conventions, evidence as an exact substring of
`text`, `asr_text` in recogniser style, and every `date` re-derived from its `date_expr`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datexpr import DateExprError, derive_note, recording_day  # noqa: E402

KINDS = {
    "EMPLOI": {"cv", "lettre_motivation", "recherche_offres", "candidature", "entretien_embauche", "emploi",
               "recherche_stage"},
    "PROJET_PROFESSIONNEL": {"enquete_metier", "immersion", "recherche_alternance", "forum_emploi",
                             "rendez_vous_conseiller"},
    "FORMATION": {"formation", "recherche_formation", "atelier"},
    "CITOYENNETE": {"permis_conduire", "demarche_administrative", "benevolat"},
    "LOGEMENT": {"recherche_logement", "visite_logement", "dossier_logement"},
    "SANTE": {"rendez_vous_medical", "demarche_sante"},
    "CULTURE_SPORT_LOISIRS": {"sport", "culture", "loisir"},
}
STEP_FIELDS = ("category", "kind", "status", "date", "date_expr", "count", "organization", "job_title",
               "duration_minutes", "evidence")
ASR_ALLOWED = re.compile(r"^[a-zàâäçéèêëîïôöùûüÿœæñ' -]*$")


def check_record(record: dict, *, asr: bool = True) -> list[str]:
    problems: list[str] = []
    rid = record.get("id", "?")

    def bad(message: str) -> None:
        problems.append(f"{rid}: {message}")

    for field in ("id", "recorded_at", "text", "steps"):
        if field not in record:
            bad(f"missing field {field}")
    if problems:
        return problems
    try:
        today = recording_day(record["recorded_at"])
    except (ValueError, DateExprError) as exc:
        return [f"{rid}: recorded_at: {exc}"]
    text = record["text"]
    if asr:
        asr_text = record.get("asr_text")
        if not isinstance(asr_text, str) or not asr_text.strip():
            bad("missing asr_text")
        else:
            if re.search(r"\d", asr_text):
                bad("asr_text has digits (write numbers and dates as words)")
            if asr_text != asr_text.lower():
                bad("asr_text has capitals")
            odd = sorted({c for c in asr_text.replace("’", "'") if not ASR_ALLOWED.match(c)})
            if odd:
                bad(f"asr_text has punctuation or symbols: {''.join(odd)!r}")
            if "  " in asr_text:
                bad("asr_text has double spaces")
    steps = record["steps"]
    if not isinstance(steps, list):
        return problems + [f"{rid}: steps is not a list"]
    for i, step in enumerate(steps):
        where = f"step {i}"
        for field in STEP_FIELDS:
            if field not in step:
                bad(f"{where}: missing field {field}")
        category, kind = step.get("category"), step.get("kind")
        if category not in KINDS:
            bad(f"{where}: unknown category {category!r}")
        elif kind not in KINDS[category]:
            bad(f"{where}: kind {kind!r} is not a kind of {category}")
        status = step.get("status")
        if status not in {"done", "planned"}:
            bad(f"{where}: status must be done or planned, not {status!r}")
        count = step.get("count")
        if count is not None and (not isinstance(count, int) or count < 2):
            bad(f"{where}: count must be null or an integer >= 2 (got {count!r})")
        duration = step.get("duration_minutes")
        if duration is not None and (not isinstance(duration, int) or duration <= 0):
            bad(f"{where}: duration_minutes must be null or a positive integer (got {duration!r})")
        for field in ("organization", "job_title"):
            value = step.get(field)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                bad(f"{where}: {field} must be null or a non-empty string")
        job = step.get("job_title")
        if isinstance(job, str) and job != job.lower():
            bad(f"{where}: job_title must be lower case")
        evidence = step.get("evidence")
        if not isinstance(evidence, str) or not evidence or evidence not in text:
            bad(f"{where}: evidence is not an exact substring of text: {evidence!r}")
    try:
        derived = derive_note(record)
    except (DateExprError, ValueError) as exc:
        bad(f"date_expr: {exc}")
        return problems
    for i, (step, value) in enumerate(zip(steps, derived, strict=True)):
        given = step.get("date")
        want = value.isoformat() if value else None
        if given != want:
            bad(f"step {i}: date {given} but date_expr {step.get('date_expr')!r} gives {want}")
        if value is not None and step.get("status") in {"done", "planned"}:
            if value > today and step["status"] == "done":
                bad(f"step {i}: done but dated after the recording day ({want} > {today})")
            if value < today and step["status"] == "planned":
                bad(f"step {i}: planned but dated before the recording day ({want} < {today})")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--ids-from", type=Path, help="slot file: every id and recorded_at must match it")
    parser.add_argument("--no-asr", action="store_true", help="annotation only: no asr_text expected")
    args = parser.parse_args()
    problems: list[str] = []
    records = []
    for n, line in enumerate(args.file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not JSON: {exc}")
    seen: set[str] = set()
    for record in records:
        rid = record.get("id")
        if rid in seen:
            problems.append(f"{rid}: duplicate id")
        seen.add(rid)
        problems += check_record(record, asr=not args.no_asr)
    if args.ids_from:
        slots = {s["id"]: s for s in map(json.loads, args.ids_from.read_text(encoding="utf-8").splitlines()) if s}
        for rid, slot in slots.items():
            got = next((r for r in records if r.get("id") == rid), None)
            if got is None:
                problems.append(f"{rid}: missing (it is in the slot file)")
            elif got.get("recorded_at") != slot["recorded_at"]:
                problems.append(f"{rid}: recorded_at {got.get('recorded_at')} differs from the slot's {slot['recorded_at']}")
        for rid in seen - set(slots):
            problems.append(f"{rid}: not in the slot file")
    for p in problems:
        print(p)
    n_steps = sum(len(r.get("steps") or []) for r in records)
    print(f"{len(records)} notes, {n_steps} steps, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
