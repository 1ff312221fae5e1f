"""generate_load_data fills the database for the benchmarks, in batches, with progress on stderr."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pytest_django import Settings

from declarations.models import Counsellor, Declaration, Manager, Review, Step

pytestmark = pytest.mark.django_db


def run(**options: object) -> str:
    stderr = io.StringIO()
    call_command(
        "generate_load_data", declarations=30, steps_per_declaration=3, structures=2,
        counsellors_per_structure=2, beneficiaries_per_counsellor=3, batch_size=20, stderr=stderr, **options,
    )
    return stderr.getvalue()


def test_it_creates_people_declarations_steps_and_reviews(settings: Settings) -> None:
    settings.DEBUG = True
    progress = run()

    assert "déclarations : 20 / 30" in progress and "déclarations : 30 / 30" in progress
    assert Counsellor.objects.count() == 4
    assert Declaration.objects.count() == 30
    assert Step.objects.count() == 90
    decided = Step.objects.exclude(decision=Step.Decision.PENDING)
    assert Review.objects.count() == decided.count()
    for declaration in Declaration.objects.filter(status=Declaration.Status.REVIEWED):
        assert declaration.submitted_at is not None and declaration.reviewed_at is not None
        assert declaration.reviewed_at >= declaration.submitted_at
    step = Step.objects.first()
    assert step is not None and step.evidence_start is not None and step.evidence_end is not None
    assert step.declaration.transcript[step.evidence_start : step.evidence_end] == step.evidence
    assert Manager.objects.get(user__username="charge-responsable").structures.count() == 2


def test_it_refuses_known_passwords_with_debug_off_and_a_second_run_with_the_same_prefix(
    settings: Settings,
) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run()
    settings.DEBUG = True
    run()
    with pytest.raises(CommandError):
        run()
