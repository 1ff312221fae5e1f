"""Long notes reach Whisper in windows cut in quiet places, so memory stays flat and no word is cut."""

from __future__ import annotations

import numpy as np

from speech.engines.base import SAMPLE_RATE
from speech.engines.whisper import CUT_SEARCH_S, WINDOW_S, _windows


def test_a_short_note_is_one_window() -> None:
    assert _windows(np.ones(10 * SAMPLE_RATE, np.float32)) == [(0, 10 * SAMPLE_RATE)]


def test_a_long_note_is_covered_by_contiguous_windows_no_longer_than_the_limit() -> None:
    samples = np.random.default_rng(1).uniform(-0.5, 0.5, 610 * SAMPLE_RATE).astype(np.float32)

    bounds = _windows(samples)

    assert bounds[0][0] == 0 and bounds[-1][1] == samples.size
    assert all(end == next_start for (_, end), (next_start, _) in zip(bounds, bounds[1:], strict=False))
    assert all(0 < end - start <= WINDOW_S * SAMPLE_RATE for start, end in bounds)


def test_windows_end_in_the_pause_between_words() -> None:
    speech = np.random.default_rng(2).uniform(-0.5, 0.5, 150 * SAMPLE_RATE).astype(np.float32)
    pause_start = (WINDOW_S - CUT_SEARCH_S // 2) * SAMPLE_RATE
    speech[pause_start : pause_start + SAMPLE_RATE // 4] = 0.0

    first_cut = _windows(speech)[0][1]

    assert pause_start <= first_cut <= pause_start + SAMPLE_RATE // 4


def test_a_transcript_that_copies_the_prompt_loses_the_copy_and_keeps_the_rest() -> None:
    """Whisper wrote its prompt out on notes it could not read: the copy goes, what was said stays."""
    from speech.engines.base import Word
    from speech.engines.whisper import _without_echo

    prompt = "Mission Locale, France Travail, CV, candidature, entretien, alternance, PMSMP, CEJ."
    heard = "La mission Locale, France Travail, CV, candidature, entretien, alternance, PMSMP, CEJ. Lundi j'ai bossé."
    words = [Word(w, float(i), float(i) + 0.5, 0.9) for i, w in enumerate(heard.split())]

    kept = _without_echo(words, [prompt])

    left = " ".join(w.word for w in kept)
    assert left.endswith("Lundi j'ai bossé.") and "candidature" not in left and len(kept) <= 4
    # a real mention of the programme's words is not an echo
    said = "J'ai vu ma conseillère à la Mission Locale pour une PMSMP chez un électricien."
    said_words = [Word(w, 0.0, 0.0, 0.9) for w in said.split()]
    assert _without_echo(said_words, [prompt]) == said_words
