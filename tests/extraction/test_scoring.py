"""evaluate_extraction's scorer gives the reference scorer's figures on extract_steps output."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management import call_command

from declarations.extraction.scoring import match, score

from .conftest import DEV_SET, REFERENCE_SCORER, needs_shared


def reference_scorer() -> ModuleType:
    needs_shared(REFERENCE_SCORER)
    spec = importlib.util.spec_from_file_location("reference_score_steps", REFERENCE_SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("field", ["text", "asr_text"])
def test_it_agrees_with_the_reference_scorer_on_extract_steps_output(tmp_path: Path, field: str) -> None:
    needs_shared(DEV_SET)
    reference = reference_scorer()
    output = tmp_path / f"pred-{field}.jsonl"
    call_command("extract_steps", input=str(DEV_SET), output=str(output), text_field=field)

    expected = reference.score(reference.load(DEV_SET), reference.load(output))
    ours = score(reference.load(DEV_SET), reference.load(output)).as_dict()

    assert ours == expected


def test_matching_prefers_an_equal_kind_then_takes_any() -> None:
    gold = [
        {"category": "EMPLOI", "kind": "cv", "date": None},
        {"category": "EMPLOI", "kind": "candidature", "date": None},
    ]
    pred = [
        {"category": "EMPLOI", "kind": "candidature", "date": None},
        {"category": "EMPLOI", "kind": "lettre_motivation", "date": None},
    ]
    assert match(gold, pred) == [(0, 1), (1, 0)]


def test_missing_predictions_and_errors_are_counted() -> None:
    gold = {
        "a": {"steps": [{"category": "SANTE", "kind": "rendez_vous_medical", "date": "2026-10-01"}]},
        "b": {"steps": []},
    }
    pred = {"b": {"steps": [{"category": "SANTE", "kind": "rendez_vous_medical", "date": None}]}}
    result = score(gold, pred)
    assert (result.tp, result.fp, result.fn, result.missing_predictions) == (0, 1, 1, 1)
    assert [d for d, _ in result.missed] == ["a"] and [d for d, _ in result.spurious] == ["b"]


def test_evaluate_extraction_prints_both_halves(capsys: pytest.CaptureFixture[str]) -> None:
    needs_shared(DEV_SET)
    call_command("evaluate_extraction", dataset=str(DEV_SET), no_errors=True)
    out = capsys.readouterr().out
    assert "Half odd" in out and "Half even" in out and "F1 per category" in out
