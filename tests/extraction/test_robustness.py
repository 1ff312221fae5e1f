"""The extractor never raises, whatever it is given (it is the strict path: nothing is caught inside)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import WEDNESDAY

FRENCH_BITS = st.sampled_from(
    [
        "hier",
        "demain",
        "lundi",
        "le 3",
        "le 31 février",
        "j'ai",
        "postulé",
        "chez",
        "McDo",
        "non",
        "euh",
        "de 6h à",
        "une heure et demie",
        "vingt et un",
        "la semaine dernière",
        "annulé",
        "CV",
        ",",
        "…",
        "il y a 999999 jours",
        "le week-end",
        "l'",
        "mille milliards",
        "0",
        "99h",
        "de 25h à 3h",
    ]
)
NOTES = st.one_of(
    st.text(max_size=400),
    st.lists(FRENCH_BITS, max_size=60).map(" ".join),
    st.lists(st.one_of(FRENCH_BITS, st.text(max_size=5)), max_size=40).map("".join),
)
MOMENTS = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
) | st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=NOTES, recorded_at=MOMENTS)
def test_it_never_raises_on_any_text(extractor, text: str, recorded_at: datetime) -> None:  # type: ignore[no-untyped-def]
    steps = extractor.extract(text, recorded_at=recorded_at)
    for step in steps:
        assert text[step.start : step.end] == step.evidence
        step.as_json()


def test_it_returns_nothing_for_empty_or_blank_input(extractor) -> None:  # type: ignore[no-untyped-def]
    assert extractor.extract("", recorded_at=WEDNESDAY) == []
    assert extractor.extract("   \n\t ", recorded_at=WEDNESDAY) == []


def test_it_copes_with_a_very_long_note(extractor) -> None:  # type: ignore[no-untyped-def]
    note = "Hier j'ai postulé chez Lidl pour être caissière, ça a duré une heure. " * 1000
    steps = extractor.extract(note, recorded_at=WEDNESDAY)
    assert steps and all(s.organization == "Lidl" for s in steps)


def test_it_handles_dates_at_the_edges_of_the_calendar(extractor) -> None:  # type: ignore[no-untyped-def]
    # extract() no longer hides errors (the pipeline catches them), so an overflow would raise here
    first_day = datetime(1, 1, 2, 12, tzinfo=UTC)
    steps = extractor.extract("Hier j'ai postulé chez Lidl. Avant-hier j'ai vu ma conseillère.", recorded_at=first_day)
    assert [(s.kind, s.date) for s in steps] == [
        ("candidature", date(1, 1, 1)),
        ("rendez_vous_conseiller", None),  # the day before year 1 does not exist
    ]

    last_day = datetime(9999, 12, 30, 12)
    steps = extractor.extract(
        "Demain j'ai un entretien chez Lidl. Après-demain je vais au cinéma. Lundi prochain, sport.",
        recorded_at=last_day,
    )
    assert [(s.kind, s.date, s.status) for s in steps][:2] == [
        ("entretien_embauche", date(9999, 12, 31), "planned"),
        ("culture", None, "planned"),
    ]
    for moment in (first_day, last_day):
        extractor.extract("hier, avant-hier, demain, lundi prochain, le 31, il y a 3 semaines, le 3 mars", recorded_at=moment)
