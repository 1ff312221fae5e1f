"""Text → declared steps. `get_extractor()` gives the process-wide extractor (spaCy loaded once).

Layers, each usable on its own:
    normalize   one token form for both transcript styles, with offsets back into the original text
    numbers     counts ("une dizaine") and durations ("de 6h à 13h")
    dates       day expressions resolved against the recording day in Europe/Paris
    lexicon     organisations (employers, interim agencies, public bodies, sites), exact and approximate
    rome        job titles → ROME codes (derived index in data/, built by build_rome_index.py)
    rules       activity patterns per category and kind, démarche codes
    grammar     tense (spaCy morphology + markers), negation, cancellation, advice, offers
    segment     activity triggers and clauses
    drafts      steps being built: folding, one per day and per organisation
    extractor   RuleBasedExtractor, the StepExtractor used by the pipeline
    scoring     the reference scorer's algorithm, for evaluate_extraction
"""

from __future__ import annotations

import threading

from declarations.extraction.types import ExtractedStep, StepExtractor

__all__ = ["MODES", "ExtractedStep", "StepExtractor", "build_extractor", "get_extractor", "SPACY_MODEL"]

SPACY_MODEL = "fr_core_news_sm"
# Only the morphology is read: the parser and the named entities would cost time for nothing.
_SPACY_DISABLED = ("parser", "ner", "lemmatizer", "attribute_ruler", "senter")

_lock = threading.Lock()
_extractor: StepExtractor | None = None


def load_spacy() -> object:
    """The French spaCy pipeline reduced to tokens and morphology.

    A missing model is an installation error, not a mode: an extractor silently running without
    morphology would misread tenses (planned vs done) and nobody would notice.
    """
    import spacy

    try:
        return spacy.load(SPACY_MODEL, exclude=list(_SPACY_DISABLED))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {SPACY_MODEL} is not installed: reinstall the project (scripts/setup.sh)"
        ) from exc


MODES = ("rules", "learned", "combined")


def build_extractor(mode: str | None = None, *, nlp: object | None = None, models: object | None = None) -> StepExtractor:
    """An extractor in one of MODES (default: settings.EXTRACTOR_MODE).

    rules: the rules alone; learned: the trained clause models decide steps and tenses from the words;
    combined: the rules' steps, which the models may drop, relabel or complete (learned.py).
    """
    from django.conf import settings

    from declarations.extraction.extractor import RuleBasedExtractor

    mode = mode or settings.EXTRACTOR_MODE
    if mode not in MODES:
        raise ValueError(f"unknown extractor mode {mode!r} (one of {', '.join(MODES)})")
    nlp = nlp if nlp is not None else load_spacy()
    if mode == "rules":
        return RuleBasedExtractor(nlp=nlp)
    from declarations.extraction.learned import ClauseModels, LearnedDecider, load_models

    chosen = models if isinstance(models, ClauseModels) else load_models()[mode]
    return RuleBasedExtractor(nlp=nlp, decider=LearnedDecider(chosen, combined=mode == "combined"))


def get_extractor() -> StepExtractor:
    """The extractor of this process, built on first use (thread-safe)."""
    global _extractor
    if _extractor is None:
        with _lock:
            if _extractor is None:
                _extractor = build_extractor()
    return _extractor
