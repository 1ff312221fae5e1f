"""Reading declaration JSON Lines and running the extractor over them (shared by the commands)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from declarations.extraction.types import StepExtractor

TEXT_FIELDS = ("text", "asr_text")


class InputError(ValueError):
    """A line of the input file cannot be used."""


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
            if not isinstance(record, dict) or "id" not in record:
                raise InputError(f"{path}:{number}: each line must be an object with an id")
            yield record


def parse_recorded_at(record: dict[str, Any]) -> datetime:
    raw = record.get("recorded_at")
    if not isinstance(raw, str):
        raise InputError(f"{record['id']}: recorded_at is missing")
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"{record['id']}: recorded_at is not ISO 8601: {raw!r}") from exc


def extract_records(
    extractor: StepExtractor,
    records: list[dict[str, Any]],
    text_field: str,
    progress: TextIO | None = sys.stderr,
) -> Iterator[dict[str, Any]]:
    """{"id", "steps"} per record, reporting progress on `progress`."""
    total = len(records)
    for done, record in enumerate(records, start=1):
        text = record.get(text_field)
        if not isinstance(text, str):
            raise InputError(f"{record['id']}: no {text_field!r} text")
        steps = extractor.extract(text, recorded_at=parse_recorded_at(record))
        if progress is not None and (done == total or done % 10 == 0):
            progress.write(f"\rextracted {done}/{total}")
            if done == total:
                progress.write("\n")
            progress.flush()
        yield {"id": record["id"], "steps": [step.as_json() for step in steps]}
