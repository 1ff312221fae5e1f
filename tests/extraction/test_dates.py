"""Day expressions, resolved against a Wednesday recording (2026-10-14, Europe/Paris)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from declarations.extraction.dates import Direction, local_day, resolve_weekday

from .conftest import WEDNESDAY


def only_date(steps):  # type: ignore[no-untyped-def]
    assert len(steps) == 1, steps
    return steps[0].date


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Aujourd'hui j'ai mis mon CV à jour.", date(2026, 10, 14)),
        ("Ce matin j'ai postulé chez Darty.", date(2026, 10, 14)),
        ("cet aprem j'ai postulé chez darty", date(2026, 10, 14)),
        ("Hier j'ai postulé chez Darty.", date(2026, 10, 13)),
        ("avant-hier j'ai postulé chez darty", date(2026, 10, 12)),
        ("Il y a trois jours, j'ai postulé chez Darty.", date(2026, 10, 11)),
        ("il y a une semaine j'ai postulé chez darty", date(2026, 10, 7)),
        ("Lundi j'ai postulé chez Darty.", date(2026, 10, 12)),
        ("vendredi j'ai postulé chez darty", date(2026, 10, 9)),
        ("Jeudi dernier, j'ai postulé chez Darty.", date(2026, 10, 8)),
        ("Le 3, j'ai postulé chez Darty.", date(2026, 10, 3)),
        ("le vingt septembre j'ai postulé chez darty", date(2026, 9, 20)),
        ("Le 2 octobre, j'ai postulé chez Darty.", date(2026, 10, 2)),
        ("Le week-end dernier, j'ai postulé chez Darty.", date(2026, 10, 10)),
        ("La semaine dernière, j'ai postulé chez Darty.", None),
        ("J'ai postulé chez Darty.", None),
    ],
)
def test_it_resolves_past_expressions(extract, sentence: str, expected: date | None) -> None:
    assert only_date(extract(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Demain j'ai un entretien chez Darty.", date(2026, 10, 15)),
        ("vendredi j'ai un entretien chez darty", date(2026, 10, 16)),
        ("Lundi prochain, j'ai un entretien chez Darty.", date(2026, 10, 19)),
        ("lundi je vais passer un entretien chez darty", date(2026, 10, 19)),
        ("J'ai un entretien chez Darty mardi.", date(2026, 10, 20)),
    ],
)
def test_it_resolves_future_expressions_and_marks_them_planned(
    extract, sentence: str, expected: date
) -> None:
    steps = extract(sentence)
    assert only_date(steps) == expected
    assert steps[0].status == "planned"


def test_a_bare_weekday_follows_the_tense_of_its_sentence(extract) -> None:
    past = extract("Mardi, j'ai vu mon conseiller à la Mission Locale.")
    future = extract("Mardi, je vois mon conseiller à la Mission Locale.")
    assert only_date(past) == date(2026, 10, 13)
    assert only_date(future) == date(2026, 10, 20)


def test_a_self_correction_keeps_the_last_day(extract) -> None:
    assert only_date(extract("Lundi, euh non, mardi, j'ai fait une séance de code.")) == date(2026, 10, 13)


def test_one_step_per_stated_day(extract) -> None:
    steps = extract("Samedi et dimanche j'ai travaillé chez Monoprix, cinq heures chaque jour.")
    assert [s.date for s in steps] == [date(2026, 10, 10), date(2026, 10, 11)]
    assert {s.duration_minutes for s in steps} == {300}


def test_an_elliptical_clause_repeats_the_step_on_its_own_day(extract) -> None:
    steps = extract("Lundi j'ai bossé chez Quick, et mardi aussi.")
    assert [(s.kind, s.date) for s in steps] == [
        ("emploi", date(2026, 10, 12)),
        ("emploi", date(2026, 10, 13)),
    ]


def test_the_recording_day_is_read_in_paris_time() -> None:
    # 23:30 UTC on the 13th is already the 14th in Paris (summer time, +02:00)
    assert local_day(datetime(2026, 10, 13, 23, 30, tzinfo=UTC)) == date(2026, 10, 14)
    # a naive timestamp is taken as Paris time
    assert local_day(datetime(2026, 10, 14, 0, 30)) == date(2026, 10, 14)


def test_weekdays_are_strictly_before_or_after_the_recording_day() -> None:
    wednesday = WEDNESDAY.date()
    assert resolve_weekday(2, wednesday, Direction.PAST) == date(2026, 10, 7)
    assert resolve_weekday(2, wednesday, Direction.FUTURE) == date(2026, 10, 21)
