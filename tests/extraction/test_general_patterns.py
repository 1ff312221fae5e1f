"""General patterns found missing on the odd half of the blind notes (data/blind_notes.jsonl), each
checked here on sentences written for this test, never on the blind notes themselves. Notes are recorded
on Wednesday 2026-10-14 (the `extract` fixture's default)."""

from __future__ import annotations

from datetime import date

from tests.extraction.test_organizations import orgs


def only(steps):  # type: ignore[no-untyped-def]
    assert len(steps) == 1, steps
    return steps[0]


def test_the_minutes_of_a_clock_time_are_not_a_count(extract) -> None:  # type: ignore[no-untyped-def]
    step = only(extract("Hier j'ai bossé chez Paul de 8h à 12h45."))
    assert (step.kind, step.count, step.duration_minutes) == ("emploi", None, 285)


def test_a_bare_le_week_end_is_a_habit_not_the_steps_day(extract) -> None:  # type: ignore[no-untyped-def]
    step = only(extract("Lundi j'ai postulé chez Zara pour être vendeur le week-end."))
    assert (step.kind, step.status, step.date) == ("candidature", "done", date(2026, 10, 12))
    worked = only(extract("Tout le week-end j'ai bossé au marché."))
    assert worked.date == date(2026, 10, 10)


def test_a_retraction_takes_back_the_activity_of_its_own_day(extract) -> None:  # type: ignore[no-untyped-def]
    steps = extract(
        "Mardi j'ai envoyé trois CV chez Decathlon. Jeudi j'ai fait un gâteau, bon ça compte pas."
    )
    step = only(steps)
    assert (step.kind, step.count, step.organization) == ("candidature", 3, "Decathlon")
    assert extract("Mardi j'ai envoyé trois CV chez Decathlon, non je rigole.") == []


def test_a_corrected_organisation_keeps_the_last_one(extract) -> None:  # type: ignore[no-untyped-def]
    step = only(
        extract("Samedi j'ai fait du bénévolat avec le Secours populaire… non, avec les Restos du Cœur.")
    )
    assert (step.kind, step.organization) == ("benevolat", "Restos du Cœur")


def test_acronyms_spelled_by_the_recogniser_are_found() -> None:
    assert orgs("ce matin j'ai fait ma demande sur le site de l a n t s") == ["ANTS"]
    assert orgs("un rendez-vous à la c a f") == ["CAF"]
    assert orgs("j'ai vu a b c au parc") == []


def test_a_misheard_name_is_found_whatever_its_third_letter() -> None:
    assert orgs("j'ai postulé chez leuclerc") == ["Leclerc"]


def test_flats_named_by_their_type(extract) -> None:  # type: ignore[no-untyped-def]
    assert only(extract("Samedi j'ai visité un T2 à Vaulx-en-Velin.")).kind == "visite_logement"
    assert only(extract("samedi j'ai visité un t deux à vaulx-en-velin")).kind == "visite_logement"
    planned = only(extract("Jeudi je vais voir un studio près de la gare."))
    assert (planned.kind, planned.status, planned.date) == ("visite_logement", "planned", date(2026, 10, 15))


def test_scrolling_housing_ads_is_a_housing_search(extract) -> None:  # type: ignore[no-untyped-def]
    step = only(extract("Hier soir j'ai scrollé les annonces sur SeLoger, une heure."))
    assert (step.kind, step.organization, step.duration_minutes) == ("recherche_logement", "SeLoger", 60)


def test_more_hobbies(extract) -> None:  # type: ignore[no-untyped-def]
    assert only(extract("Dimanche j'ai fait de la poterie avec ma tante.")).kind == "loisir"
    assert only(extract("Hier j'ai peint des toiles tout l'après-midi.")).kind == "loisir"


def test_starting_somewhere_to_discover_a_trade_is_an_immersion(extract) -> None:  # type: ignore[no-untyped-def]
    step = only(extract("Lundi je commence au garage Dupont pour découvrir le métier de mécanicien."))
    assert (step.category, step.kind, step.status) == ("PROJET_PROFESSIONNEL", "immersion", "planned")
    job = only(extract("Lundi je commence au garage Dupont comme mécanicien."))
    assert job.kind == "emploi"


def test_a_trade_inside_a_business_name_is_not_the_job(extract) -> None:  # type: ignore[no-untyped-def]
    step = only(extract("Ce matin j'ai fait un extra chez Traiteur Martin."))
    assert (step.kind, step.organization, step.job_title) == ("emploi", "Traiteur Martin", None)
