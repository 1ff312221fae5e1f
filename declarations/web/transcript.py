"""The transcript as the declaration page shows it: evidence passages and timed words.

The text is cut wherever a step's evidence or a recognised word starts or ends, so each piece knows
which step it supports (if any) and when its word is heard (if the note was spoken).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from declarations.heard import locate_words
from declarations.models import Step

LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Piece:
    text: str
    start_s: float | None = None
    low_confidence: bool = False
    confidence: float | None = None


@dataclass
class Passage:
    """Consecutive pieces supporting the same step (step_id None: text no step relies on)."""

    step_id: int | None
    pieces: list[Piece] = field(default_factory=list)

    @property
    def start_s(self) -> float | None:
        return next((piece.start_s for piece in self.pieces if piece.start_s is not None), None)


def _evidence_ranges(transcript: str, steps: list[Step]) -> list[tuple[int, int, int]]:
    """(start, end, step id), in text order, clipped so passages never overlap."""
    ranges: list[tuple[int, int, int]] = []
    for step in steps:
        start, end = step.evidence_start, step.evidence_end
        if start is None or end is None or not (0 <= start < end <= len(transcript)):
            if not step.evidence:
                continue
            start = transcript.find(step.evidence)
            if start < 0:
                continue
            end = start + len(step.evidence)
        ranges.append((start, end, step.pk))
    ranges.sort()
    clipped: list[tuple[int, int, int]] = []
    previous_end = 0
    for start, end, step_id in ranges:
        start = max(start, previous_end)
        if start < end:
            clipped.append((start, end, step_id))
            previous_end = end
    return clipped


def passages(transcript: str, words: list[dict[str, Any]], steps: list[Step]) -> list[Passage]:
    timed = locate_words(transcript, words if isinstance(words, list) else [])
    evidence = _evidence_ranges(transcript, steps)
    cuts = {0, len(transcript)}
    for word in timed:
        cuts.update((word.start, word.end))
    for start, end, _ in evidence:
        cuts.update((start, end))
    bounds = sorted(cuts)

    result: list[Passage] = []
    word_index = evidence_index = 0
    for start, end in zip(bounds, bounds[1:], strict=False):
        while word_index < len(timed) and timed[word_index].end <= start:
            word_index += 1
        while evidence_index < len(evidence) and evidence[evidence_index][1] <= start:
            evidence_index += 1
        word = timed[word_index] if word_index < len(timed) and timed[word_index].start <= start else None
        step_id = (
            evidence[evidence_index][2]
            if evidence_index < len(evidence) and evidence[evidence_index][0] <= start
            else None
        )
        piece = Piece(
            text=transcript[start:end],
            start_s=(word.start_s or 0.0) if word else None,
            low_confidence=bool(word and word.conf is not None and word.conf < LOW_CONFIDENCE),
            confidence=word.conf if word else None,
        )
        if not result or result[-1].step_id != step_id:
            result.append(Passage(step_id=step_id))
        result[-1].pieces.append(piece)
    return result


def render(parts: list[Passage]) -> SafeString:
    """The transcript as HTML, built in Python: a page can hold thousands of word spans."""
    html: list[str] = []
    for passage in parts:
        if passage.step_id is not None:
            start = passage.start_s
            html.append(
                format_html(
                    '<mark id="passage-{}" data-step="{}" tabindex="0" '
                    'title="Passage de la démarche — cliquer pour l’écouter"{}>',
                    passage.step_id,
                    passage.step_id,
                    format_html(' data-start="{}"', f"{start:.2f}") if start is not None else "",
                )
            )
        for piece in passage.pieces:
            if piece.start_s is None:
                html.append(conditional_escape(piece.text))
            elif piece.low_confidence:
                html.append(
                    format_html(
                        '<span class="w low" data-start="{}" title="Mot incertain (confiance {} %)">{}</span>',
                        f"{piece.start_s:.2f}",
                        round((piece.confidence or 0) * 100),
                        piece.text,
                    )
                )
            else:
                html.append(format_html('<span class="w" data-start="{}">{}</span>', f"{piece.start_s:.2f}", piece.text))
        if passage.step_id is not None:
            html.append("</mark>")
    return mark_safe("".join(html))  # noqa: S308 - every part above is escaped by format_html
