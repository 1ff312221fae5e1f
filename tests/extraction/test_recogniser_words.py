"""Weekdays the recogniser mishears in regular ways are read back, on its real output and nowhere else.

The project's own transcripts of the audio-dev notes (tests/fixtures/audio_dev_transcripts.jsonl)
are where "jeudi" came out as "je dis", "lundi" as "l'undi", "mercredi" as "merpredi".
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from declarations.audio_evaluation import read_transcripts
from declarations.extraction import get_extractor
from declarations.extraction.normalize import fold, normalize
from tests.speech.conftest import DECLARATIONS_DEV

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "audio_dev_transcripts.jsonl"
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def test_every_weekday_read_back_from_the_recognisers_output_was_said() -> None:
    """Each weekday recovered from a misheard form is one the note's speaker really said."""
    with open(DECLARATIONS_DEV, encoding="utf-8") as lines:
        said = {r["id"]: fold(r["text"]) for r in map(json.loads, lines)}
    _, transcripts = read_transcripts(FIXTURE)
    recovered = 0
    for t in transcripts:
        for token in normalize(t.text).tokens:
            heard = fold(t.text[token.start : token.end]).replace("'", " ")
            if token.norm in DAYS and heard != token.norm:
                recovered += 1
                assert token.norm in said[t.id], (t.id, heard, token.norm)
    assert recovered >= 10


@pytest.mark.parametrize(
    ("heard", "day", "written"),
    [
        ("Je dis, j'ai postulé chez Lidl.", "jeudi", "Je dis"),
        ("Et je dis soir, j'ai fait du sport.", "jeudi", "je dis"),
        ("Je dis après-midi j'ai eu rendez-vous.", "jeudi", "Je dis"),
        ("Je commence l'undi au centre.", "lundi", "l'undi"),
        ("Merpredi j'ai passé l'examen.", "mercredi", "Merpredi"),
        ("Vandredi j'ai bossé.", "vendredi", "Vandredi"),
    ],
)
def test_a_misheard_weekday_is_read_as_the_day(heard: str, day: str, written: str) -> None:
    token = next(t for t in normalize(heard).tokens if t.norm == day)
    # the day points at what the recogniser wrote, for the evidence and its offsets
    assert heard[token.start : token.end] == written


@pytest.mark.parametrize(
    "said",
    [
        "J'entends même plus ce que je dis, j'ai besoin de repos.",
        "Il est minuit passé, donc je dis hier : j'ai envoyé ma candidature.",
        "Je dis ce que j'ai fait cette semaine.",
        "Je dis que j'ai fait un atelier.",
        "J'ai vu l'Inde à la télé.",
    ],
)
def test_what_was_really_said_stays(said: str) -> None:
    assert not set(DAYS) & {t.norm for t in normalize(said).tokens}


def test_a_step_heard_as_je_dis_gets_its_thursday() -> None:
    recorded = datetime.fromisoformat("2026-11-20T18:00:00+01:00")  # a Friday
    steps = get_extractor().extract("Je dis, j'ai postulé chez Lidl comme caissier.", recorded_at=recorded)

    assert [(s.kind, s.date) for s in steps] == [("candidature", date(2026, 11, 19))]
