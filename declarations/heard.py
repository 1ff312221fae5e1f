"""The recogniser's words placed in its transcript: one reading for the page and for the doubt flags."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# A word's letters (and digits), apostrophes and hyphens: "l'agence", "après-midi", not "Bonjour." 's dot.
_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class HeardWord:
    word: str  # as written in the transcript
    start: int  # character offsets in the transcript
    end: int
    start_s: float | None  # when it is heard in the recording
    conf: float | None  # the engine's probability for it


def locate_words(transcript: str, words: Iterable[Mapping[str, Any]]) -> list[HeardWord]:
    """Each engine word found in the transcript, in order; a word that cannot be found is skipped."""
    located: list[HeardWord] = []
    lowered = transcript.lower()
    position = 0
    for item in words:
        core = _WORD.search(str(item.get("word", "")).strip())
        if core is None:
            continue
        found = lowered.find(core.group().lower(), position)
        if found < 0:
            continue
        end = found + len(core.group())
        conf, start_s = item.get("conf"), item.get("start")
        located.append(
            HeardWord(
                transcript[found:end],
                found,
                end,
                float(start_s) if start_s is not None else None,
                float(conf) if conf is not None else None,
            )
        )
        position = end
    return located
