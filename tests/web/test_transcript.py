"""How the declaration page cuts a transcript into evidence passages and timed words."""

from __future__ import annotations

from declarations.models import Step
from declarations.web.transcript import passages, render


def step(pk: int, start: int | None, end: int | None, evidence: str = "") -> Step:
    return Step(pk=pk, evidence_start=start, evidence_end=end, evidence=evidence)


def test_passages_follow_the_evidence_offsets_and_keep_all_the_text() -> None:
    text = "lundi un CV et mardi un entretien"
    parts = passages(text, [], [step(1, 6, 11), step(2, 15, 33)])
    assert [(part.step_id, "".join(piece.text for piece in part.pieces)) for part in parts] == [
        (None, "lundi "), (1, "un CV"), (None, " et "), (2, "mardi un entretien"),
    ]


def test_overlapping_evidence_is_clipped_and_missing_offsets_fall_back_to_the_text() -> None:
    text = "lundi un CV et mardi un entretien"
    parts = passages(text, [], [step(1, 0, 11), step(2, 6, 14), step(3, None, None, "mardi")])
    assert [(part.step_id, "".join(piece.text for piece in part.pieces)) for part in parts] == [
        (1, "lundi un CV"), (2, " et"), (None, " "), (3, "mardi"), (None, " un entretien"),
    ]


def test_words_carry_their_start_time_and_low_confidence() -> None:
    text = "Lundi, un CV."
    words = [
        {"word": "lundi", "start": 0.0, "end": 0.3, "conf": 0.9},
        {"word": "un", "start": 0.5, "end": 0.6, "conf": 0.2},
        {"word": "introuvable", "start": 0.7, "end": 0.8, "conf": 0.9},
        {"word": "CV", "start": 0.9, "end": 1.2, "conf": None},
    ]
    [part] = passages(text, words, [])
    timed = [(piece.text, piece.start_s, piece.low_confidence) for piece in part.pieces if piece.start_s is not None]
    assert timed == [("Lundi", 0.0, False), ("un", 0.5, True), ("CV", 0.9, False)]


def test_rendered_html_escapes_the_transcript() -> None:
    text = "<script>alert(1)</script> un CV"
    html = render(passages(text, [{"word": "un", "start": 1.0, "end": 1.2, "conf": 0.1}], [step(7, 26, 31)]))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<mark id="passage-7" data-step="7"' in html
    assert 'class="w low" data-start="1.00" title="Mot incertain (confiance 10 %)">un</span>' in html
