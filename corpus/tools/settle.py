#!/usr/bin/env python3
"""Compare a batch's two annotations, report their agreement, and prepare the notes to adjudicate.

usage: settle.py WORK_DIR BATCH
Reads batch-BB/notes.jsonl (writer) and annot-BB/annotation.jsonl (second annotator); writes
agreement-BB.json and, for the notes where the two differ, adjud-BB/disputed.jsonl plus the
adjudicator's brief. The two annotations are shown as « 1 » and « 2 » in an order drawn per note, so
the adjudicator cannot tell which one the writer made.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
from declarations.extraction.scoring import job_equal, match, org_equal  # noqa: E402

FIELDS = ("kind", "status", "count", "duration_minutes", "organization", "job_title")
SAME = {"organization": org_equal, "job_title": job_equal}


def load(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in (json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip())}


def differences(a: list[dict], b: list[dict]) -> list[str]:
    """What differs between two annotations of one note (empty when they agree on every field)."""
    pairs = match(a, b)  # (index in b, index in a)
    out = []
    for bi, ai in pairs:
        for f in FIELDS:
            same = SAME.get(f, lambda x, y: x == y)
            if not same(a[ai].get(f), b[bi].get(f)):
                out.append(f"{a[ai]['category']} {a[ai].get('date')}: {f} {a[ai].get(f)!r} vs {b[bi].get(f)!r}")
    matched_a = {ai for _, ai in pairs}
    matched_b = {bi for bi, _ in pairs}
    out += [f"only in one: {s['category']}/{s['kind']} {s.get('date')}" for i, s in enumerate(a) if i not in matched_a]
    out += [f"only in one: {s['category']}/{s['kind']} {s.get('date')}" for i, s in enumerate(b) if i not in matched_b]
    return out


def agreement(writer: dict[str, dict], second: dict[str, dict]) -> dict:
    tp = fp = fn = 0
    field_hits = {f: [0, 0] for f in FIELDS}
    agreed_notes = 0
    for rid, note in writer.items():
        a, b = note["steps"], second[rid]["steps"]
        pairs = match(a, b)
        tp += len(pairs)
        fp += len(b) - len(pairs)
        fn += len(a) - len(pairs)
        for bi, ai in pairs:
            for f in FIELDS:
                if a[ai].get(f) is None and b[bi].get(f) is None:
                    continue
                field_hits[f][1] += 1
                field_hits[f][0] += SAME.get(f, lambda x, y: x == y)(a[ai].get(f), b[bi].get(f))
        agreed_notes += not differences(a, b)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {
        "notes": len(writer),
        "steps_writer": tp + fn,
        "steps_second": tp + fp,
        "step_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "notes_identical": agreed_notes,
        "field_agreement": {f: round(h / n, 4) if n else None for f, (h, n) in field_hits.items()},
        "field_support": {f: n for f, (h, n) in field_hits.items()},
        "tp": tp, "fp": fp, "fn": fn,
    }


def main() -> None:
    work, batch = Path(sys.argv[1]), f"{int(sys.argv[2]):02d}"
    writer = load(work / f"batch-{batch}" / "notes.jsonl")
    second = load(work / f"annot-{batch}" / "annotation.jsonl")
    missing = set(writer) ^ set(second)
    if missing:
        raise SystemExit(f"ids differ between the two annotations: {sorted(missing)}")
    result = agreement(writer, second)
    (work / f"agreement-{batch}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    rng = random.Random(f"adjudication-{batch}")
    out = work / f"adjud-{batch}"
    out.mkdir(exist_ok=True)
    disputed = []
    for rid, note in writer.items():
        diff = differences(note["steps"], second[rid]["steps"])
        if not diff:
            continue
        versions = [note["steps"], second[rid]["steps"]]
        if rng.random() < 0.5:
            versions.reverse()
        disputed.append({
            "id": rid, "recorded_at": note["recorded_at"], "typed": note.get("typed", False), "text": note["text"],
            "annotation_1": versions[0], "annotation_2": versions[1],
            "differences": differences(versions[0], versions[1]),
        })
    with (out / "disputed.jsonl").open("w", encoding="utf-8") as handle:
        for d in disputed:
            handle.write(json.dumps(d, ensure_ascii=False) + "\n")
    rules = (HERE / "annotation_rules.md").read_text(encoding="utf-8")
    brief = (HERE / "adjudicator_brief.md").read_text(encoding="utf-8")
    (out / "BRIEF.md").write_text(brief.replace("{{RULES}}", rules).replace("{{SET}}", batch), encoding="utf-8")
    print(json.dumps({"batch": batch, "disputed": len(disputed), **{k: result[k] for k in ("notes", "step_f1", "notes_identical")}}))


if __name__ == "__main__":
    main()
