"""Planned or done, and what is not a step: cancelled, failed, negated, retracted, advised, vague."""

from __future__ import annotations

import pytest


def kinds(steps):  # type: ignore[no-untyped-def]
    return [(s.kind, s.status) for s in steps]


def test_past_tense_is_done_and_future_is_planned(extract) -> None:
    assert kinds(extract("Hier j'ai eu un entretien chez Fnac.")) == [("entretien_embauche", "done")]
    assert kinds(extract("Demain je vais passer un entretien chez Fnac.")) == [
        ("entretien_embauche", "planned")
    ]
    assert kinds(extract("je vais postuler chez fnac")) == [("candidature", "planned")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Je devais aller à un atelier CV jeudi mais il a été annulé.",
        "j'avais prévu d'aller au forum de l'emploi mais finalement j'ai pas pu y aller",
        "Mon rendez-vous chez le dentiste a été reporté.",
        "J'ai pas envoyé de candidature cette semaine.",
        "Hier j'ai couru dix kilomètres… non, je rigole.",
        "Ma conseillère m'a dit de postuler chez Lidl.",
        "J'ai voulu postuler chez Fnac mais le site bugue.",
        "Je voulais aller à la piscine mais c'était fermé et j'ai pas réussi à y aller.",
    ],
)
def test_it_drops_what_did_not_happen(extract, sentence: str) -> None:
    assert extract(sentence) == []


def test_small_talk_gives_no_step(extract) -> None:
    assert extract("Salut, ça va ? Moi ça va, il fait beau aujourd'hui. Bon, à plus !") == []


def test_an_offer_taken_up_is_planned_on_the_day_given(extract) -> None:
    steps = extract("Mon conseiller m'a proposé un atelier sur le CV, je m'y suis inscrit, c'est vendredi.")
    assert [(s.kind, s.status, s.date.isoformat() if s.date else None) for s in steps] == [
        ("atelier", "planned", "2026-10-16")
    ]


def test_an_offer_not_taken_up_is_not_a_step(extract) -> None:
    assert extract("Ma conseillère m'a proposé un atelier sur le budget.") == []


def test_several_steps_in_one_note_keep_their_evidence_in_the_original(extract) -> None:
    text = "Lundi j'ai fait du vélo deux heures, et mardi j'ai rendu mon dossier APL à la CAF."
    steps = extract(text)
    assert [s.kind for s in steps] == ["sport", "dossier_logement"]
    for step in steps:
        assert text[step.start : step.end] == step.evidence
    assert steps[1].organization == "CAF"


def test_each_step_carries_demarche_codes_where_one_fits(extract) -> None:
    steps = extract("Hier j'ai passé un entretien chez Fnac.")
    assert (steps[0].demarche_pourquoi, steps[0].demarche_quoi) == ("P04", "Q18")
