"""Job titles and their ROME codes, through the derived index."""

from __future__ import annotations

import csv

import pytest

from declarations.extraction.build_rome_index import build, gendered_forms
from declarations.extraction.rome import default_index

from .conftest import ROME_CSV, needs_shared


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("vendeuse", "D1212"),
        ("vendeurs", "D1212"),
        ("préparatrice de commandes", "N1103"),
        ("préparateurs de commandes", "N1103"),
        ("aide-soignante", "J1501"),
        ("caissière", "D1505"),
        ("cariste", "N1101"),
    ],
)
def test_it_links_masculine_feminine_and_plural_titles_to_rome(title: str, code: str) -> None:
    hit = default_index().lookup(title)
    assert hit is not None and hit[1] == code


def test_gendered_forms_share_their_tail() -> None:
    assert gendered_forms("Vendeur / Vendeuse automobile") == ["Vendeur automobile", "Vendeuse automobile"]
    assert gendered_forms("Aide-soignant hospitalier / Aide-soignante hospitalière") == [
        "Aide-soignant hospitalier",
        "Aide-soignante hospitalière",
    ]


def test_a_step_carries_the_job_as_said_and_its_code(extract) -> None:
    steps = extract("Hier j'ai postulé chez Picard pour être vendeuse.")
    assert [(s.job_title, s.rome_code) for s in steps] == [("vendeuse", "D1212")]


def test_a_generic_head_keeps_its_complement(extract) -> None:
    steps = extract("hier j'ai postulé chez lidl pour un poste d'employée libre-service")
    assert steps[0].job_title == "employée libre-service"


def test_the_shipped_index_is_the_one_the_script_builds() -> None:
    needs_shared(ROME_CSV)
    rows = build(ROME_CSV)
    index = default_index()
    assert len(index.entries) == len(rows)
    with ROME_CSV.open(encoding="utf-8") as handle:
        codes = {row["code_rome"] for row in csv.DictReader(handle)}
    assert {code for _, _, code in rows} <= codes
