#!/usr/bin/env python3
"""Give a batch's notes to the second annotator: text and recording time only, no gold, no asr_text.

usage: prepare_annotation.py WORK_DIR BATCH   (reads WORK_DIR/batch-BB/notes.jsonl, writes WORK_DIR/annot-BB/)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    work, batch = Path(sys.argv[1]), f"{int(sys.argv[2]):02d}"
    notes = [json.loads(line) for line in (work / f"batch-{batch}" / "notes.jsonl").read_text("utf-8").splitlines() if line]
    out = work / f"annot-{batch}"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "notes.jsonl").open("w", encoding="utf-8") as handle:
        for note in notes:
            keep = {k: note[k] for k in ("id", "recorded_at", "typed", "text")}
            handle.write(json.dumps(keep, ensure_ascii=False) + "\n")
    rules = (HERE / "annotation_rules.md").read_text(encoding="utf-8")
    brief = (HERE / "annotator_brief.md").read_text(encoding="utf-8")
    (out / "BRIEF.md").write_text(brief.replace("{{RULES}}", rules).replace("{{SET}}", batch), encoding="utf-8")
    print(f"{out}: {len(notes)} notes")


if __name__ == "__main__":
    main()
