"""What the extractor produces: the step schema of datasets/README.md, plus offsets and codes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass
class ExtractedStep:
    category: str
    kind: str
    status: str = "done"  # "done" | "planned"
    date: date | None = None
    count: int | None = None
    organization: str | None = None
    job_title: str | None = None
    rome_code: str | None = None
    duration_minutes: int | None = None
    evidence: str = ""
    start: int = 0  # character offsets of `evidence` in the input text
    end: int = 0
    confidence: float = 0.5
    demarche_pourquoi: str | None = None  # France Travail démarche codes, when one fits
    demarche_quoi: str | None = None
    demarche_comment: str | None = None  # how it was done, e.g. C12.02 "Sur internet"

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data


class StepExtractor(Protocol):
    def extract(self, text: str, *, recorded_at: datetime) -> list[ExtractedStep]: ...
