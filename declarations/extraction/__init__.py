"""Text → declared steps. `get_extractor()` gives the process-wide extractor (spaCy loaded once)."""

from __future__ import annotations

import threading

from declarations.extraction.types import ExtractedStep, StepExtractor

__all__ = ["ExtractedStep", "StepExtractor", "get_extractor", "SPACY_MODEL"]

SPACY_MODEL = "fr_core_news_sm"
# Only the morphology is read: the parser and the named entities would cost time for nothing.
_SPACY_DISABLED = ("parser", "ner", "lemmatizer", "attribute_ruler", "senter")

_lock = threading.Lock()
_extractor: StepExtractor | None = None


def load_spacy() -> object | None:
    """The French spaCy pipeline reduced to tokens and morphology, or None when it is not installed."""
    try:
        import spacy

        return spacy.load(SPACY_MODEL, exclude=list(_SPACY_DISABLED))
    except OSError:  # model package missing: the lexical tense markers still work
        return None


def get_extractor() -> StepExtractor:
    """The extractor of this process, built on first use (thread-safe)."""
    global _extractor
    if _extractor is None:
        with _lock:
            if _extractor is None:
                from declarations.extraction.extractor import RuleBasedExtractor

                _extractor = RuleBasedExtractor(nlp=load_spacy())
    return _extractor
