"""A few people with data of their own, on top of the shared personas (tests/personas.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from declarations.models import Beneficiary, Counsellor, Declaration, Review, Step
from tests.factories import DeclarationFactory, StepFactory

JEUNE_TRANSCRIPT = "Lundi j'ai passé un entretien chez Decathlon pour un poste de vendeur."
OTHER_TRANSCRIPT = "Mardi je suis allé à la piscine avec l'association Sport Ensemble."


def reviewed_audio_declaration(
    beneficiary: Beneficiary, reviewer: Counsellor, *, reviewed_days_ago: float, transcript: str
) -> Declaration:
    """A voice note with one step the counsellor validated `reviewed_days_ago` days ago."""
    declaration = DeclarationFactory(
        beneficiary=beneficiary,
        source=Declaration.Source.AUDIO,
        audio=ContentFile(b"RIFF-fake-voice-" + transcript.encode(), name="note"),
        audio_size=16 + len(transcript.encode()),
        audio_duration_s=4.2,
        transcript=transcript,
        status=Declaration.Status.REVIEWED,
        reviewed_at=timezone.now() - timedelta(days=reviewed_days_ago),
    )
    step = StepFactory(declaration=declaration, organization="Decathlon", decision=Step.Decision.VALIDATED)
    Review.objects.create(step=step, reviewer=reviewer.user, decision=Step.Decision.VALIDATED, comment="Bravo")
    return declaration


def audio_path(media_root: Path, declaration: Declaration) -> Path:
    return media_root / declaration.audio.name


@pytest.fixture
def jeune_data(jeune: Beneficiary, conseiller: Counsellor, media_root: Path) -> Declaration:
    return reviewed_audio_declaration(jeune, conseiller, reviewed_days_ago=40, transcript=JEUNE_TRANSCRIPT)


@pytest.fixture
def other_jeune_data(other_jeune: Beneficiary, conseiller: Counsellor, media_root: Path) -> Declaration:
    return reviewed_audio_declaration(other_jeune, conseiller, reviewed_days_ago=40, transcript=OTHER_TRANSCRIPT)
