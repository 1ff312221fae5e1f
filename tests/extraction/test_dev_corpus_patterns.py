"""General classes found missing on the corpus dev split (corpus/dev.jsonl), each checked here on
sentences written for this test, never on the corpus notes themselves. Notes are recorded on Wednesday
2026-10-14 (the `extract` fixture's default)."""

from __future__ import annotations

from datetime import date

import pytest

from declarations.extraction.normalize import normalize
from tests.extraction.test_organizations import orgs


def kinds(steps):  # type: ignore[no-untyped-def]
    return [(s.kind, s.status, s.date) for s in steps]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mardi mi la envoyé mon CV pou un poste de vendeuse", "mardi j ai envoye mon cv pour un poste de vendeuse"),
        ("Demain mi va chez le dentiste", "demain je vais chez le dentiste"),
        ("Mi cherche un studio", "je cherche un studio"),
        # "mi-temps", "mi-mars": the prefix stays
        ("je bosse à mi-temps depuis mi-mars", "je bosse a mi temps depuis mi mars"),
    ],
)
def test_creole_subjects_are_read_as_french(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Lundi j'ai répondu à quatre annonces sur Indeed.", "candidature"),
        ("Lundi j'ai candidaté chez Picard.", "candidature"),
        ("Lundi j'ai fait deux vacations à la clinique.", "emploi"),
        ("Lundi j'ai fini ma journée au marché à 14h.", "emploi"),
        ("Lundi j'ai aidé l'association du quartier pour la kermesse.", "benevolat"),
        ("Lundi j'ai visité une colloc à Villeurbanne.", "visite_logement"),
        ("Lundi j'ai cherché sur SeLoger.", "recherche_logement"),
        ("Lundi j'ai appelé Nexity pour un studio.", "recherche_logement"),
        ("Lundi on a joué contre Vénissieux.", "sport"),
        ("Lundi je suis allée voir le feu d'artifice.", "culture"),
        ("Lundi j'ai passé l'examen du TOEIC.", "formation"),
    ],
)
def test_common_phrasings_name_their_step(extract, text: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    steps = extract(text)
    assert [s.kind for s in steps] == [kind], steps
    assert steps[0].date == date(2026, 10, 12)


def test_a_meeting_told_to_the_counsellor_is_an_appointment_with_them(extract) -> None:  # type: ignore[no-untyped-def]
    assert kinds(extract("Et on se voit vendredi, à 10h.")) == [("rendez_vous_conseiller", "planned", date(2026, 10, 16))]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lundi j'ai déposé mon CV au Grand Café des Arts.", "Grand Café des Arts"),
        ("Samedi j'ai travaillé aux Serres Dumont.", "Serres Dumont"),
        ("Mardi j'ai eu un entretien à la Cantine Bleue.", "Cantine Bleue"),
        ("Jeudi j'ai fait les vendanges au domaine des Grands Chênes.", "domaine des Grands Chênes"),
        ("Jeudi j'ai postulé à l'office de tourisme de Vienne.", "office de tourisme de Vienne"),
    ],
)
def test_a_place_named_after_its_article_is_the_organisation(text: str, name: str) -> None:
    assert [n.lower() for n in orgs(text)] == [name.lower()]


def test_a_town_after_a_bare_a_is_no_organisation() -> None:
    assert orgs("Lundi j'ai travaillé à Beaucaire, puis à La Ciotat.") == []
