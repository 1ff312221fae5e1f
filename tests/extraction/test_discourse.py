"""Rules that read across clauses: corrections, offers taken up, hiring, references, lists, ellipses.

Recorded on Wednesday 2026-10-14 (see conftest.WEDNESDAY); the sentences are written for these tests.
"""

from __future__ import annotations

from datetime import date


def summary(steps):  # type: ignore[no-untyped-def]
    return [(s.kind, s.status, s.date, s.organization) for s in steps]


def test_a_corrected_count_keeps_the_last_number(extract) -> None:
    steps = extract("Hier j'ai envoyé trois candidatures, non, quatre, pour être serveur.")
    assert [(s.kind, s.count) for s in steps] == [("candidature", 4)]


def test_a_corrected_job_keeps_the_last_title(extract) -> None:
    steps = extract("Hier j'ai postulé chez Fnac pour être vendeur, enfin plutôt caissier.")
    assert steps[0].job_title == "caissier"


def test_being_hired_after_an_interview_is_a_planned_job_at_that_employer(extract) -> None:
    steps = extract(
        "Lundi j'ai passé un entretien chez Kiabi pour être vendeuse. Ils m'ont prise, je commence samedi."
    )
    assert summary(steps) == [
        ("entretien_embauche", "done", date(2026, 10, 12), "Kiabi"),
        ("emploi", "planned", date(2026, 10, 17), "Kiabi"),
    ]
    assert steps[1].job_title == "vendeuse"


def test_a_letter_sent_is_an_application_to_the_same_employer(extract) -> None:
    steps = extract("mardi j'ai écrit une lettre de motivation pour darty et je l'ai envoyée le jour même")
    assert summary(steps) == [
        ("lettre_motivation", "done", date(2026, 10, 13), "Darty"),
        ("candidature", "done", date(2026, 10, 13), "Darty"),
    ]


def test_advice_followed_gives_one_step_with_the_advised_employer(extract) -> None:
    steps = extract(
        "Ma conseillère m'a dit de postuler chez Onet pour agent de propreté. Du coup hier j'ai postulé."
    )
    assert summary(steps) == [("candidature", "done", date(2026, 10, 13), "Onet")]


def test_a_background_relative_clause_is_not_a_step(extract) -> None:
    steps = extract("Hier j'ai relancé les entreprises où j'avais postulé le mois dernier.")
    assert summary(steps) == [("candidature", "done", date(2026, 10, 13), None)]


def test_an_unpunctuated_note_is_cut_at_its_days(extract) -> None:
    text = "lundi j'ai fait du foot deux heures mardi j'ai vu mon conseiller à pôle emploi et demain je vais au musée"
    assert summary(extract(text)) == [
        ("sport", "done", date(2026, 10, 12), None),
        ("rendez_vous_conseiller", "done", date(2026, 10, 13), "France Travail"),
        ("culture", "planned", date(2026, 10, 15), None),
    ]


def test_an_empty_day_does_not_date_the_step_before_it(extract) -> None:
    steps = extract("lundi j'ai bossé chez monoprix cinq heures mardi rien et hier j'ai fait du vélo")
    assert [(s.kind, s.date) for s in steps] == [
        ("emploi", date(2026, 10, 12)),
        ("sport", date(2026, 10, 13)),
    ]


def test_a_return_visit_repeats_the_errand(extract) -> None:
    steps = extract(
        "Hier je suis allé à la CAF pour ma prime d'activité. Vendredi j'y retourne avec mes papiers."
    )
    assert summary(steps) == [
        ("demarche_administrative", "done", date(2026, 10, 13), "CAF"),
        ("demarche_administrative", "planned", date(2026, 10, 16), "CAF"),
    ]


def test_words_inside_a_job_title_are_not_activities(extract) -> None:
    steps = extract("Hier j'ai regardé des offres d'agent d'entretien sur Indeed.")
    assert [(s.kind, s.organization, s.job_title) for s in steps] == [
        ("recherche_offres", "Indeed", "agent d'entretien")
    ]


def test_a_named_place_referred_to_again_keeps_its_name(extract) -> None:
    steps = extract(
        "Lundi j'ai écrit une lettre pour la pharmacie Durand. Hier j'ai déposé mon CV à l'accueil de la pharmacie."
    )
    assert [s.organization for s in steps][-1] == "Pharmacie Durand"
