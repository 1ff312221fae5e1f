"""What the recogniser was unsure of, carried onto the steps it supports.

The engine gives each word a probability (faster-whisper; Vosk gives a confidence too). A step's
calibrated confidence comes from the text alone; for a transcribed note it is recalibrated with how
well the step's evidence was heard (the mean probability of its meaning-bearing words): a logistic
model fitted on the recogniser's real output for the audio-dev notes, its figures cross-validated by
note (`manage.py fit_recogniser_calibration`, data/recogniser_calibration.json). A step whose recalibrated confidence
falls under settings.SPEECH_ATTENTION_BELOW and whose evidence holds words heard under
settings.SPEECH_DOUBTFUL_WORD_CONF is flagged for the counsellor with those words, "mot incertain :
jeudi ?". Function words ("de", "la", "euh") never count: mishearing them changes no step.

The lowest word probability alone does not tell a wrong step (audio-dev: precision 0.77 under 0.3,
0.81 above 0.7), so a doubtful word alone flags nothing: figures in benchmarks/bench_doubt.py.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.lang.fr.stop_words import STOP_WORDS

from declarations.extraction.types import ExtractedStep
from declarations.heard import HeardWord, locate_words

# Numbers carry a step's count or date ("trois candidatures", "le douze"), though spaCy lists them.
_NUMBERS = frozenset(
    "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt trente "
    "quarante cinquante soixante cent mille premier première deuxième troisième".split()
)
# spaCy's French stop words, with the hesitations recognisers write.
_NOT_MEANING = (frozenset(STOP_WORDS) - _NUMBERS) | {
    "euh",
    "heu",
    "hum",
    "bah",
    "ben",
    "voilà",
    "ouais",
    "alors",
    "donc",
}


def bears_meaning(word: str) -> bool:
    """False for function words and hesitations; an elided word is judged on what follows the
    apostrophe ("l'agence" bears meaning, "j'ai" does not)."""
    core = re.split(r"['’]", word.lower())[-1].strip("-")
    return core not in _NOT_MEANING and (len(core) > 1 or core.isdigit())


def doubtful_words(heard: list[HeardWord], start: int, end: int, threshold: float) -> list[HeardWord]:
    """Meaning-bearing words of [start, end) heard with a probability under `threshold`."""
    return [
        w
        for w in heard
        if w.conf is not None
        and w.conf < threshold
        and w.start < end
        and w.end > start
        and bears_meaning(w.word)
    ]


def heard_mean(heard: list[HeardWord], start: int, end: int) -> float | None:
    """Mean probability of the meaning-bearing words of [start, end), None when there is none."""
    confs = [
        w.conf
        for w in heard
        if w.conf is not None and w.start < end and w.end > start and bears_meaning(w.word)
    ]
    return sum(confs) / len(confs) if confs else None


CALIBRATION_FILE = Path(__file__).resolve().parent / "data" / "recogniser_calibration.json"


@dataclass(frozen=True)
class Recalibration:
    """P(step right) = sigmoid(a·logit(confidence) + b·heard_mean + c)."""

    a: float
    b: float
    c: float

    def apply(self, confidence: float, mean: float) -> float:
        p = min(max(confidence, 1e-4), 1 - 1e-4)
        z = self.a * math.log(p / (1 - p)) + self.b * mean + self.c
        return round(1 / (1 + math.exp(-z)), 4)


def features(confidence: float, mean: float) -> list[float]:
    p = min(max(confidence, 1e-4), 1 - 1e-4)
    return [math.log(p / (1 - p)), mean]


@lru_cache(maxsize=1)
def shipped_recalibration() -> Recalibration | None:
    if not CALIBRATION_FILE.is_file():
        return None
    data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    return Recalibration(float(data["a"]), float(data["b"]), float(data["c"]))


def attention_for(words: list[HeardWord], limit: int = 3) -> list[dict[str, str]]:
    """The reasons shown to the counsellor: the least certain words first, `limit` at most."""
    ordered = sorted(words, key=lambda w: (w.conf if w.conf is not None else 1.0, w.start))[:limit]
    return [
        {"code": "doubtful_word", "message": f"mot incertain : {w.word} ?"}
        for w in sorted(ordered, key=lambda w: w.start)
    ]


def apply_doubt(
    steps: list[ExtractedStep],
    transcript: str,
    words: Iterable[Mapping[str, Any]],
    *,
    threshold: float,
    attention_below: float,
    recalibration: Recalibration | None = None,
) -> list[list[dict[str, str]]]:
    """Recalibrate each step's confidence with how well its evidence was heard, and give each step its
    attention reasons (an empty list for a step heard well enough or not heard at all: a typed note)."""
    heard = locate_words(transcript, words)
    reasons: list[list[dict[str, str]]] = []
    for step in steps:
        mean = heard_mean(heard, step.start, step.end) if heard else None
        if mean is None:
            reasons.append([])
            continue
        if recalibration is not None:
            step.confidence = recalibration.apply(step.confidence, mean)
        doubtful = doubtful_words(heard, step.start, step.end, threshold)
        reasons.append(attention_for(doubtful) if doubtful and step.confidence < attention_below else [])
    return reasons
