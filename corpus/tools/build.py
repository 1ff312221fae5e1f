#!/usr/bin/env python3
"""Assemble the settled corpus from the helpers' files and write its split.

usage: build.py WORK_DIR [--out corpus/] [--allow-incomplete]
For each batch: the writer's notes, the second annotation and, where they differed, the
adjudicator's decisions. A note both annotators agree on keeps the writer's steps; a disputed one
takes the adjudicator's. Every date is re-derived from its `date_expr` (tools/datexpr.py) and must
match. Writes train.jsonl and dev.jsonl, the locked test as test.jsonl.gz (read only by
`manage.py evaluate_locked_test`), the raw files (test batches packed in raw/locked-test.tar.gz),
the briefs each helper got, and agreement.json.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from datexpr import derive_note  # noqa: E402
from settle import agreement, differences, load  # noqa: E402
from split import split  # noqa: E402

STEP_FIELDS = ("category", "kind", "status", "date", "date_expr", "count", "organization", "job_title",
               "duration_minutes", "evidence")
NOTE_FIELDS = ("id", "recorded_at", "speaker", "persona", "shape", "typed", "text", "asr_text")
RAW_FILES = {
    "slots.jsonl": "batch-{b}/slots.jsonl",
    "notes.jsonl": "batch-{b}/notes.jsonl",
    "annotation.jsonl": "annot-{b}/annotation.jsonl",
    "disputed.jsonl": "adjud-{b}/disputed.jsonl",
    "decisions.jsonl": "adjud-{b}/decisions.jsonl",
    "agreement.json": "agreement-{b}.json",
}
BRIEFS = {"writer.md": "batch-{b}/BRIEF.md", "annotator.md": "annot-{b}/BRIEF.md", "adjudicator.md": "adjud-{b}/BRIEF.md"}


def settle_batch(work: Path, batch: int) -> tuple[list[dict], dict] | None:
    b = f"{batch:02d}"
    notes_path = work / f"batch-{b}" / "notes.jsonl"
    second_path = work / f"annot-{b}" / "annotation.jsonl"
    if not notes_path.exists() or not second_path.exists():
        return None
    writer, second = load(notes_path), load(second_path)
    if set(writer) != set(second):
        return None  # the second annotation is still being written
    disputed = {rid for rid, note in writer.items() if differences(note["steps"], second[rid]["steps"])}
    decisions_path = work / f"adjud-{b}" / "decisions.jsonl"
    decisions = load(decisions_path) if decisions_path.exists() else {}
    if disputed - set(decisions):
        return None
    out = []
    for rid, note in writer.items():
        steps = decisions[rid]["steps"] if rid in disputed else note["steps"]
        record = {k: note.get(k) for k in NOTE_FIELDS}
        record["batch"] = batch
        record["settled"] = "adjudicated" if rid in disputed else "agreed"
        record["steps"] = [{k: s.get(k) for k in STEP_FIELDS} for s in steps]
        derived = derive_note(record)
        for step, value in zip(record["steps"], derived, strict=True):
            want = value.isoformat() if value else None
            if step["date"] != want:
                raise SystemExit(f"{rid}: date {step['date']} but {step['date_expr']} gives {want}")
            if step["evidence"] not in record["text"]:
                raise SystemExit(f"{rid}: evidence not in text: {step['evidence']!r}")
        out.append(record)
    return out, agreement(writer, second)


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--out", type=Path, default=HERE.parent)
    parser.add_argument("--allow-incomplete", action="store_true", help="build with the batches settled so far")
    args = parser.parse_args()
    parts = split()
    settled: dict[int, list[dict]] = {}
    agreements: dict[str, dict] = {}
    for batch in range(1, 17):
        result = settle_batch(args.work, batch)
        if result is None:
            if not args.allow_incomplete:
                raise SystemExit(f"batch {batch:02d} is not settled yet")
            continue
        settled[batch], agreements[f"{batch:02d}"] = result
    for name, batches in parts.items():
        records = [r for b in batches if b in settled for r in settled[b]]
        if name == "test":
            buffer = io.BytesIO()
            # mtime 0: the same notes give the same bytes, so git sees no change on a rebuild
            with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as handle:
                handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
            (args.out / "test.jsonl.gz").write_bytes(buffer.getvalue())
        else:
            write_jsonl(args.out / f"{name}.jsonl", records)
    raw = args.out / "raw"
    briefs = args.out / "briefs"
    locked = io.BytesIO()
    with tarfile.open(fileobj=locked, mode="w:gz") as tar:
        for batch in settled:
            b = f"{batch:02d}"
            for name, pattern in BRIEFS.items():
                source = args.work / pattern.format(b=b)
                if source.exists():
                    (briefs / f"batch-{b}").mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, briefs / f"batch-{b}" / name)
            for name, pattern in RAW_FILES.items():
                source = args.work / pattern.format(b=b)
                if not source.exists():
                    continue
                if batch in parts["test"]:
                    info = tarfile.TarInfo(f"batch-{b}/{name}")
                    data = source.read_bytes()
                    info.size, info.mtime = len(data), 0
                    tar.addfile(info, io.BytesIO(data))
                else:
                    (raw / f"batch-{b}").mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, raw / f"batch-{b}" / name)
    (raw / "locked-test.tar.gz").write_bytes(locked.getvalue())
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for a in agreements.values():
        for k in totals:
            totals[k] += a[k]
    p = totals["tp"] / (totals["tp"] + totals["fp"]) if totals["tp"] + totals["fp"] else 1.0
    r = totals["tp"] / (totals["tp"] + totals["fn"]) if totals["tp"] + totals["fn"] else 1.0
    summary = {
        "step_f1_all": round(2 * p * r / (p + r), 4),
        "notes": sum(a["notes"] for a in agreements.values()),
        "notes_identical": sum(a["notes_identical"] for a in agreements.values()),
        "per_batch": agreements,
    }
    (args.out / "agreement.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    counts = {name: sum(len(settled[b]) for b in batches if b in settled) for name, batches in parts.items()}
    print(json.dumps({"batches": sorted(settled), "notes": counts, "agreement_step_f1": summary["step_f1_all"]}))


if __name__ == "__main__":
    main()
