"""The extractor, loaded once per test session, and where the shared development data lives."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from declarations.extraction import build_extractor, get_extractor
from declarations.extraction.types import ExtractedStep, StepExtractor

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
DEV_SET = SHARED / "datasets" / "declarations-dev.jsonl"
REFERENCE_SCORER = SHARED / "tools" / "score_steps.py"
ROME_CSV = SHARED / "data" / "rome_v460_appellations.csv"

PARIS = ZoneInfo("Europe/Paris")
# A Wednesday: 2026-10-14 (Monday 12th, Friday 16th). Every date test reads against it.
WEDNESDAY = datetime(2026, 10, 14, 18, 30, tzinfo=PARIS)


@pytest.fixture(scope="session")
def extractor() -> StepExtractor:
    """The rule layer alone: the behaviour tests (dates, numbers, negation…) pin what the rules do.

    The learned layer decides some of these cases differently in the product (it reads a present
    tense in a weekly report as done, for instance); its quality is measured as figures on annotated
    notes by the tests that take `product_extractor`."""
    return build_extractor("rules")


@pytest.fixture(scope="session")
def product_extractor() -> StepExtractor:
    """The extractor the pipeline uses (settings.EXTRACTOR_MODE, combined by default)."""
    return get_extractor()


@pytest.fixture(scope="session")
def extract(extractor: StepExtractor):  # type: ignore[no-untyped-def]
    def run(text: str, recorded_at: datetime = WEDNESDAY) -> list[ExtractedStep]:
        return extractor.extract(text, recorded_at=recorded_at)

    return run


def needs_shared(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"shared data not found beside the repository: {path}")


def score_notes(extractor: StepExtractor, path: Path, field: str, keep=lambda note: True):  # type: ignore[no-untyped-def]
    """The extractor's score on the annotated notes of a JSON Lines file (those `keep` accepts)."""
    import json

    from declarations.extraction.scoring import score

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [r for r in records if keep(r)]
    predictions = {
        r["id"]: {
            "steps": [
                s.as_json()
                for s in extractor.extract(r[field], recorded_at=datetime.fromisoformat(r["recorded_at"]))
            ]
        }
        for r in records
    }
    return score({r["id"]: r for r in records}, predictions)
