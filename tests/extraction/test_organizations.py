"""Organisations: canonical names, spoken and misheard forms, named local businesses."""

from __future__ import annotations

import pytest

from declarations.extraction.lexicon import OrgMatcher, OrgType
from declarations.extraction.normalize import normalize


def orgs(text: str) -> list[str]:
    return [m.name for m in OrgMatcher().find(normalize(text), cased=any(c.isupper() for c in text))]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("je suis allé au mcdo", "McDonald's"),
        ("chez Mac Do", "McDonald's"),
        ("à pôle emploi", "France Travail"),
        ("à la mission locale", "Mission Locale"),
        ("sur le bon coin", "Leboncoin"),
        ("chez start people", "Start People"),
        ("chez carfour", "Carrefour"),
        ("chez intermarcher", "Intermarché"),
        ("chez Randstadt", "Randstad"),
        ("à la caf", "CAF"),
        ("chez ikea", "IKEA"),
        ("sur hello work", "HelloWork"),
    ],
)
def test_it_finds_canonical_names(text: str, name: str) -> None:
    assert orgs(text) == [name]


def test_the_longest_name_wins() -> None:
    assert orgs("au carrefour market") == ["Carrefour Market"]


def test_a_named_local_business_is_kept_as_said() -> None:
    assert orgs("à la pharmacie des Lilas pour un stage") == ["Pharmacie des Lilas"]
    assert orgs("au garage dupont pour un stage") == ["Garage Dupont"]


def test_an_unnamed_place_is_not_an_organisation() -> None:
    assert orgs("à la boulangerie pour déposer mon cv") == []


def test_common_words_are_not_brands() -> None:
    assert orgs("je suis allé courir puis faire les courses au marché") == []


def test_types_separate_employers_from_job_sites() -> None:
    found = OrgMatcher().find(normalize("sur indeed puis chez adecco"), cased=False)
    assert [m.type for m in found] == [OrgType.JOB_SITE, OrgType.INTERIM]


def test_a_step_gets_the_employer_not_the_site(extract) -> None:
    steps = extract("Hier j'ai postulé chez Kiabi via Indeed.")
    assert [s.organization for s in steps] == ["Kiabi"]


def test_one_step_per_named_organisation(extract) -> None:
    steps = extract("hier j'ai envoyé des candidatures chez zara et chez primark")
    assert [(s.kind, s.organization, s.count) for s in steps] == [
        ("candidature", "Zara", None),
        ("candidature", "Primark", None),
    ]


def test_a_name_after_chez_is_an_organisation_even_without_capitals() -> None:
    assert orgs("hier j'ai postulé chez decorama pour être vendeur") == ["Decorama"]
    assert orgs("chez le dentiste puis chez moi") == []


def test_a_capitalised_name_after_chez_or_closing_a_list_is_an_organisation() -> None:
    assert orgs("J'ai postulé chez Decorama, Lidl et Bricomax.") == ["Decorama", "Lidl", "Bricomax"]


def test_a_spoken_list_of_employers_keeps_its_last_name() -> None:
    assert orgs("j'ai postulé chez lidl aldi et decorama") == ["Lidl", "Aldi", "Decorama"]
    assert orgs("j'ai postulé chez lidl et aussi chez aldi") == ["Lidl", "Aldi"]
