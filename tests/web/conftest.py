"""Personas of the web tests (after healthchecks' hc/test.py) and helpers to build reviewable notes.

Two Missions Locales: Lyon, where `conseiller` follows `jeune` and `other_jeune` while a colleague
follows someone else, and Grenoble, with its own counsellor and young person. `manager` runs Lyon only.
"""

from __future__ import annotations

import io
import math
import struct
import uuid
import wave
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from declarations import rollup
from declarations.categories import DEFAULT_CATEGORY_HOURS
from declarations.models import Beneficiary, Declaration, Step

TRANSCRIPT = (
    "Lundi j'ai envoyé trois candidatures chez Carrefour pour être employé de rayon, "
    "et mercredi j'ai eu un entretien chez Decathlon."
)
EVIDENCE = [
    ("EMPLOI", "candidature", "j'ai envoyé trois candidatures chez Carrefour"),
    ("EMPLOI", "entretien_embauche", "mercredi j'ai eu un entretien chez Decathlon"),
]

MakeDeclaration = Callable[..., Declaration]


def words_of(text: str, *, low: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Word timings as an engine gives them: 0.4 s a word, `low` words with a poor confidence."""
    words = []
    for index, token in enumerate(text.replace(",", "").replace(".", "").split()):
        words.append(
            {"word": token, "start": round(index * 0.4, 2), "end": round(index * 0.4 + 0.35, 2),
             "conf": 0.3 if token in low else 0.95}
        )
    return words


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(int(seconds * rate))
        )
        audio.writeframes(frames)
    return buffer.getvalue()


@pytest.fixture
def make_declaration(db: None) -> MakeDeclaration:
    """A submitted declaration with one step per (category, kind, evidence), offsets in the transcript."""

    def make(
        beneficiary: Beneficiary,
        *,
        transcript: str = TRANSCRIPT,
        steps: Sequence[tuple[str, str, str]] = EVIDENCE,
        submitted_at: datetime | None = None,
        recorded_at: datetime | None = None,
        status: str = Declaration.Status.SUBMITTED,
        audio: bytes | None = None,
        words: list[dict[str, Any]] | None = None,
    ) -> Declaration:
        submitted_at = submitted_at or timezone.now()
        declaration = Declaration(
            beneficiary=beneficiary,
            client_id=uuid.uuid4(),
            recorded_at=recorded_at or submitted_at - timedelta(hours=1),
            source=Declaration.Source.AUDIO if audio else Declaration.Source.TEXT,
            transcript=transcript,
            words=words or [],
            status=status,
            submitted_at=submitted_at,
        )
        if audio:
            declaration.audio.save("note", ContentFile(audio), save=False)
        declaration.save()
        steps_made = Step.objects.bulk_create(
            Step(
                declaration=declaration,
                position=index,
                category=category,
                kind=kind,
                activity_date=timezone.localdate(declaration.recorded_at),
                evidence=evidence,
                evidence_start=transcript.find(evidence) if evidence in transcript else None,
                evidence_end=transcript.find(evidence) + len(evidence) if evidence in transcript else None,
                confidence=0.8,
                hours=DEFAULT_CATEGORY_HOURS[category],
            )
            for index, (category, kind, evidence) in enumerate(steps)
        )
        rollup.steps_created(declaration, [step.activity_date for step in steps_made])  # no signal from bulk_create
        return declaration

    return make
