"""The annotated corpus (corpus/): its size, split, provenance and annotation checks, and the locked test.

These tests read train and dev freely; of the locked test they only count notes and check it is
what the build made — its notes are never printed, by a test or by any command.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import sys
import tarfile
from collections import Counter
from types import ModuleType

import pytest
from django.core.management import call_command

from declarations.categories import CATEGORY_OF_KIND
from declarations.extraction.evaluation import CORPUS_DIR, LOCKED_TEST, SPLITS, read_locked_test, read_records

TOOLS = CORPUS_DIR / "tools"


def tool(name: str) -> ModuleType:
    """A corpus tool (standard-library scripts the helpers ran), imported from its file."""
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    spec = importlib.util.spec_from_file_location(f"corpus_{name}", TOOLS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def train() -> list[dict]:
    return read_records(SPLITS["train"])


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return read_records(SPLITS["dev"])


@pytest.fixture(scope="module")
def locked() -> list[dict]:
    return read_locked_test()


def test_the_corpus_has_600_new_notes_split_by_writer(train: list[dict], dev: list[dict], locked: list[dict]) -> None:
    assert len(train) + len(dev) + len(locked) >= 600
    assert len(locked) >= 150
    batches = {name: {r["batch"] for r in records} for name, records in (("train", train), ("dev", dev), ("test", locked))}
    # whole writer batches on each side: the test's writers wrote nothing the extractor was fitted on
    assert not batches["train"] & batches["dev"] and not batches["train"] & batches["test"]
    assert not batches["dev"] & batches["test"]
    assert batches == {name: set(b) for name, b in tool("split").split().items()}
    ids = [r["id"] for r in train + dev + locked]
    assert len(ids) == len(set(ids))


def test_every_gold_step_is_well_formed_and_its_date_re_derives(train: list[dict], dev: list[dict], locked: list[dict]) -> None:
    validate = tool("validate")
    problems = [p for r in train + dev + locked for p in validate.check_record(r)]
    assert problems == []
    for record in train + dev + locked:
        for step in record["steps"]:
            assert CATEGORY_OF_KIND[step["kind"]] == step["category"]


def test_the_notes_vary_as_the_briefs_asked(train: list[dict], dev: list[dict], locked: list[dict]) -> None:
    notes = train + dev + locked
    weekdays = Counter(tool("datexpr").recording_day(r["recorded_at"]).weekday() for r in notes)
    assert len(weekdays) == 7 and min(weekdays.values()) >= 50
    late = [r for r in notes if not 6 <= int(r["recorded_at"][11:13]) < 22]
    assert len(late) >= 40
    assert sum(1 for r in notes if not r["steps"]) >= 40  # notes that declare nothing
    assert sum(1 for r in notes if r["typed"]) >= 20
    assert len({r["persona"] for r in notes}) == 40
    kinds = Counter(s["kind"] for r in notes for s in r["steps"])
    assert set(kinds) == set(CATEGORY_OF_KIND) - {"autre"}
    offsets = {r["recorded_at"][-6:] for r in notes}
    assert offsets == {"+01:00", "+02:00"}


def test_provenance_briefs_and_agreement_are_kept() -> None:
    agreement = json.loads((CORPUS_DIR / "agreement.json").read_text(encoding="utf-8"))
    assert set(agreement["per_batch"]) == {f"{b:02d}" for b in range(1, 17)}
    assert 0.0 < agreement["step_f1_all"] <= 1.0
    for batch in range(1, 17):
        folder = CORPUS_DIR / "briefs" / f"batch-{batch:02d}"
        assert (folder / "writer.md").is_file() and (folder / "annotator.md").is_file()
    test_batches = tool("split").split()["test"]
    with tarfile.open(CORPUS_DIR / "raw" / "locked-test.tar.gz") as tar:
        names = set(tar.getnames())
    for batch in test_batches:
        assert f"batch-{batch:02d}/notes.jsonl" in names
        assert not (CORPUS_DIR / "raw" / f"batch-{batch:02d}").exists()


def test_the_locked_test_is_only_read_by_its_command(capsys: pytest.CaptureFixture[str], locked: list[dict]) -> None:
    with pytest.raises(ValueError, match="locked test"):
        read_records(LOCKED_TEST)
    call_command("evaluate_locked_test", "--mode", "rules", "--json")
    out = capsys.readouterr().out
    result = json.loads(out)
    assert {row["field"] for row in result["results"]} == {"text", "asr_text"}
    assert all(row["notes"] == len(locked) for row in result["results"])
    # aggregates only: no note's id or words reach the output
    assert not any(r["id"] in out for r in locked)
    assert not any(s["evidence"][:30] in out for r in locked for s in r["steps"] if len(s["evidence"]) >= 30)


def test_the_locked_file_is_byte_for_byte_what_the_build_writes(locked: list[dict]) -> None:
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in locked).encode()
    with gzip.open(LOCKED_TEST, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(payload).hexdigest()
