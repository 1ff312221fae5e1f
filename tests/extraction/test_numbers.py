"""Counts and durations, written in digits or in words."""

from __future__ import annotations

import pytest

from declarations.extraction.normalize import normalize
from declarations.extraction.numbers import find_durations, find_quantities


def durations(text: str) -> list[int]:
    return [d.minutes for d in find_durations(normalize(text))]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("pendant deux heures", 120),
        ("une heure et demie", 90),
        ("trois quarts d'heure", 45),
        ("un quart d'heure", 15),
        ("une demi-heure", 30),
        ("quarante minutes", 40),
        ("1h30", 90),
        ("de 6h à 13h", 420),
        ("de sept heures à midi", 300),
        ("de dix-huit heures à minuit", 360),
        ("de 22h à 2h", 240),
    ],
)
def test_it_converts_durations_to_minutes(text: str, minutes: int) -> None:
    assert durations(text) == [minutes]


@pytest.mark.parametrize("text", ["à dix heures", "toute la journée", "une demi-journée", "trois jours"])
def test_times_of_day_and_days_are_not_durations(text: str) -> None:
    assert durations(text) == []


def counts(text: str) -> list[int]:
    nt = normalize(text)
    return [q.value for q in find_quantities(nt, 0, len(nt))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("j'ai envoyé six candidatures", [6]),
        ("j'ai envoyé 12 CV", [12]),
        ("une dizaine de candidatures", [10]),
        ("une quinzaine d'offres", [15]),
        ("une vingtaine de candidatures", [20]),
        ("trois candidatures, non, quatre", [4]),
        ("une candidature", []),
        ("plusieurs candidatures", []),
    ],
)
def test_it_reads_stated_counts(text: str, expected: list[int]) -> None:
    assert counts(text) == expected


def test_number_words_become_digits_with_offsets_into_the_original() -> None:
    original = "j'ai bossé de dix-huit heures à vingt et une heures"
    nt = normalize(original)
    assert "18 heures a 21 heures" in nt.text
    token = next(t for t in nt.tokens if t.norm == "18")
    assert original[token.start : token.end] == "dix-huit"
