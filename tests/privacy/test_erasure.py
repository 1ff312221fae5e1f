"""Right to erasure: rows and recordings go; an audit record stays that names nobody."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from declarations import privacy
from declarations.models import (
    AppendOnlyError,
    Beneficiary,
    Counsellor,
    Declaration,
    ErasureRecord,
    Review,
    Step,
)
from declarations.services import DomainError
from tests.api.conftest import ApiFor
from tests.factories import DEMO_PASSWORD, DeclarationFactory, StepFactory, UserFactory
from tests.privacy.conftest import JEUNE_TRANSCRIPT, audio_path

User = get_user_model()


@pytest.fixture
def everything(jeune: Beneficiary, jeune_data: Declaration, other_jeune_data: Declaration) -> Declaration:
    """jeune1 also has a typed note and has logged in from the app once."""
    typed = DeclarationFactory(beneficiary=jeune)
    StepFactory(declaration=typed)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "jeune1", "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return typed


def assert_erased(jeune: Beneficiary, jeune_data: Declaration, media_root: Path) -> None:
    assert not User.objects.filter(username="jeune1").exists()
    assert not Beneficiary.objects.filter(pk=jeune.pk).exists()
    assert not Declaration.objects.filter(beneficiary_id=jeune.pk).exists()
    assert not Step.objects.filter(declaration__beneficiary_id=jeune.pk).exists()
    assert not Review.objects.filter(step__declaration__beneficiary_id=jeune.pk).exists()
    assert not OutstandingToken.objects.filter(user_id=jeune.user_id).exists()
    assert not audio_path(media_root, jeune_data).exists()


def assert_names_nobody(record: ErasureRecord, jeune: Beneficiary) -> None:
    stored = json.dumps(model_to_dict(record), default=str, ensure_ascii=False)
    for personal in (
        jeune.user.username, jeune.user.first_name, jeune.user.last_name, jeune.user.email, JEUNE_TRANSCRIPT,
        "Decathlon", "Bravo",
    ):
        assert personal not in stored
    assert record.subject_ref == privacy.subject_ref(jeune.pk)
    assert str(jeune.pk) != record.subject_ref


def test_it_refuses_erasure_to_anyone_but_the_counsellor_or_an_admin(
    jeune: Beneficiary,
    everything: Declaration,
    conseiller_other_structure: Counsellor,
    conseiller_same_structure_other_portfolio: Counsellor,
    other_jeune: Beneficiary,
) -> None:
    for requester in (conseiller_other_structure.user, conseiller_same_structure_other_portfolio.user, other_jeune.user):
        with pytest.raises(DomainError) as refused:
            privacy.erase_beneficiary(beneficiary=jeune, requested_by=requester)
        assert refused.value.status_code == 403
    assert Declaration.objects.filter(beneficiary=jeune).count() == 2
    assert not ErasureRecord.objects.exists()


def test_the_counsellor_erases_a_beneficiary_and_an_anonymous_audit_record_stays(
    jeune: Beneficiary,
    jeune_data: Declaration,
    other_jeune: Beneficiary,
    other_jeune_data: Declaration,
    everything: Declaration,
    conseiller: Counsellor,
    media_root: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record = privacy.erase_beneficiary(beneficiary=jeune, requested_by=conseiller.user)

    assert_erased(jeune, jeune_data, media_root)
    record.refresh_from_db()
    assert (record.declarations, record.steps, record.reviews, record.audio_files) == (2, 2, 1, 1)
    assert record.requested_by_role == ErasureRecord.RequestedBy.COUNSELLOR
    assert record.requested_by == conseiller.user
    assert record.structure == jeune.structure
    assert_names_nobody(record, jeune)
    # Someone else's data and recording are untouched.
    assert audio_path(media_root, other_jeune_data).is_file()
    assert Review.objects.filter(step__declaration=other_jeune_data).count() == 1
    assert User.objects.filter(username="jeune2").exists()


def test_an_erased_beneficiary_cannot_use_their_tokens(
    jeune: Beneficiary, jeune_data: Declaration, conseiller: Counsellor, api_for: ApiFor
) -> None:
    client = api_for(jeune)
    assert client.get("/api/v1/declarations/").status_code == 200
    privacy.erase_beneficiary(beneficiary=jeune, requested_by=conseiller.user)
    assert client.get("/api/v1/declarations/").status_code == 401


def test_the_command_asks_for_confirmation_then_erases(
    jeune: Beneficiary, jeune_data: Declaration, everything: Declaration, media_root: Path,
    capsys: pytest.CaptureFixture[str], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_beneficiary", "--username", "jeune1")
    assert Declaration.objects.filter(beneficiary=jeune).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_beneficiary", "--id", str(jeune.pk), "--yes")

    assert "2 declaration(s)" in capsys.readouterr().out
    assert_erased(jeune, jeune_data, media_root)
    record = ErasureRecord.objects.get()
    assert record.requested_by_role == ErasureRecord.RequestedBy.OPERATOR
    assert record.requested_by is None
    assert_names_nobody(record, jeune)


def test_deleting_a_beneficiary_in_the_admin_is_their_erasure(
    jeune: Beneficiary, jeune_data: Declaration, everything: Declaration, media_root: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/declarations/beneficiary/{jeune.pk}/delete/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Cannot delete" not in page.content.decode() and "Impossible" not in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert_erased(jeune, jeune_data, media_root)
    record = ErasureRecord.objects.get()
    assert record.requested_by_role == ErasureRecord.RequestedBy.ADMIN
    assert_names_nobody(record, jeune)
    history = json.dumps(list(LogEntry.objects.values()), default=str, ensure_ascii=False)
    assert jeune.user.last_name not in history and "jeune1" not in history


def test_reviews_are_append_only_outside_erasure(jeune_data: Declaration) -> None:
    review = Review.objects.get(step__declaration=jeune_data)
    with pytest.raises(AppendOnlyError):
        Review.objects.filter(pk=review.pk).update(comment="réécrit")
    with pytest.raises(AppendOnlyError):
        Review.objects.filter(pk=review.pk).delete()
    with pytest.raises(AppendOnlyError):
        review.delete()
    review.comment = "réécrit"
    with pytest.raises(AppendOnlyError):
        review.save()
    assert Review.objects.get(pk=review.pk).comment == "Bravo"
