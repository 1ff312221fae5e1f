"""France Travail démarche codes: every code the extractor emits exists in the catalogue, and the
"comment" (how) follows what was said."""

from __future__ import annotations

import json

import pytest

from declarations.extraction.build_demarche_index import build
from declarations.extraction.demarches import CATALOGUE_PATH, catalogue, codes_for_step, comment_code, labels
from declarations.extraction.lexicon import OrgType
from tests.extraction.conftest import DEV_SET, SHARED, needs_shared

REFERENTIALS = SHARED / "data" / "cej_referentiels.json"


def test_the_shipped_catalogue_is_the_one_built_from_the_referentials() -> None:
    needs_shared(REFERENTIALS)
    built = build(json.loads(REFERENTIALS.read_text(encoding="utf-8")))
    assert json.loads(CATALOGUE_PATH.read_text(encoding="utf-8")) == built


def test_every_extracted_step_carries_codes_france_travail_accepts(extract) -> None:  # type: ignore[no-untyped-def]
    needs_shared(DEV_SET)
    from datetime import datetime

    checked = with_comment = 0
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        note = json.loads(line)
        for field in ("text", "asr_text"):
            for step in extract(note[field], datetime.fromisoformat(note["recorded_at"])):
                if step.demarche_quoi is None:
                    assert step.demarche_comment is None
                    continue
                entry = catalogue()[step.demarche_quoi]
                assert step.demarche_pourquoi == entry["pourquoi"], step
                if entry["comment_required"]:
                    assert step.demarche_comment in entry["comments"], step
                if step.demarche_comment is not None:
                    assert step.demarche_comment in entry["comments"], step
                    with_comment += 1
                checked += 1
    assert checked > 100
    assert with_comment > 20


@pytest.mark.parametrize(
    ("text", "expected_label"),
    [
        ("j ai cherche des offres sur internet", "Sur internet"),
        ("j ai regarde les annonces dans une agence d interim", "Avec une agence d'intérim"),
        ("j ai cherche des offres avec un cabinet de recrutement", "Avec un cabinet de recrutement"),
        ("j ai cherche du boulot au marche", "Par un autre moyen"),
    ],
)
def test_the_comment_of_a_search_for_offers_follows_the_means_said(text: str, expected_label: str) -> None:
    code = comment_code("Q12", text)
    assert labels("P03", "Q12", code)["comment"] == expected_label


def test_an_organisation_tells_the_means_when_the_words_do_not() -> None:
    assert labels("P03", "Q12", comment_code("Q12", "j ai cherche des offres", [OrgType.INTERIM]))[
        "comment"
    ] == ("Avec une agence d'intérim")
    assert labels("P03", "Q12", comment_code("Q12", "j ai cherche des offres", [OrgType.JOB_SITE]))[
        "comment"
    ] == ("Sur internet")
    # Said means win over what the organisation suggests.
    spontaneous = comment_code("Q15", "candidature spontanee chez eux sur leur site", [OrgType.EMPLOYER])
    assert labels("P03", "Q15", spontaneous)["comment"] == "Sur internet"
    assert labels("P03", "Q15", comment_code("Q15", "candidature spontanee", [OrgType.EMPLOYER]))[
        "comment"
    ] == ("En contactant un employeur")


def test_a_spontaneous_application_through_someone_one_knows_uses_the_network() -> None:
    code = comment_code("Q15", "mon oncle a donne ma candidature a son patron")
    assert labels("P03", "Q15", code)["comment"] == "En utilisant mon réseau personnel"


def test_no_comment_where_the_catalogue_has_none() -> None:
    assert comment_code("Q14", "j ai repondu a une offre sur internet") is None
    assert comment_code(None, "un rendez vous avec ma conseillere") is None
    assert comment_code("Q99", "inconnu") is None


def test_codes_follow_a_step_edited_by_a_person() -> None:
    pourquoi, quoi, comment = codes_for_step("recherche_offres", "J'ai regardé des offres", "Adecco")
    assert (pourquoi, quoi) == ("P03", "Q12")
    assert labels(pourquoi, quoi, comment)["comment"] == "Avec une agence d'intérim"
    assert codes_for_step("sport", "J'ai fait du foot", "") == ("", "", "")
