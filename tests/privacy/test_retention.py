"""Audio retention: recordings go N days after review, or after N days unsent; transcripts, steps and reviews stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django import Settings

from declarations.models import Beneficiary, Counsellor, Declaration, Review, Step
from declarations.tasks import purge_expired_audio
from tests.privacy.conftest import audio_path, reviewed_audio_declaration


@pytest.fixture
def notes(jeune: Beneficiary, conseiller: Counsellor, media_root: Path, settings: Settings) -> dict[str, Declaration]:
    settings.AUDIO_RETENTION_DAYS_AFTER_REVIEW = 30
    old = reviewed_audio_declaration(jeune, conseiller, reviewed_days_ago=31, transcript="Lundi un entretien.")
    recent = reviewed_audio_declaration(jeune, conseiller, reviewed_days_ago=29, transcript="Mardi un CV.")
    waiting = reviewed_audio_declaration(jeune, conseiller, reviewed_days_ago=90, transcript="Jeudi un stage.")
    # Sent long ago, never reviewed: the counsellor still needs to listen to it.
    Declaration.objects.filter(pk=waiting.pk).update(status=Declaration.Status.SUBMITTED, reviewed_at=None)
    return {"old": old, "recent": recent, "waiting": waiting}


def assert_purged(declaration: Declaration, media_root: Path) -> None:
    file = audio_path(media_root, declaration)
    declaration.refresh_from_db()
    assert not file.exists()
    assert declaration.audio.name == ""
    assert declaration.audio_purged_at is not None
    assert declaration.transcript == "Lundi un entretien."
    assert declaration.steps.count() == 1
    assert Review.objects.filter(step__declaration=declaration).count() == 1
    assert declaration.status == Declaration.Status.REVIEWED


def assert_kept(declaration: Declaration, media_root: Path) -> None:
    file = audio_path(media_root, declaration)
    declaration.refresh_from_db()
    assert file.is_file()
    assert declaration.audio.name != ""
    assert declaration.audio_purged_at is None


def test_the_command_deletes_audio_reviewed_longer_ago_than_the_retention(
    notes: dict[str, Declaration], media_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("purge_audio", "--dry-run")
    assert "would delete the audio of 1 declaration(s)" in capsys.readouterr().out
    assert_kept(notes["old"], media_root)

    call_command("purge_audio")

    assert "deleted the audio of 1 declaration(s)" in capsys.readouterr().out
    assert_purged(notes["old"], media_root)
    assert_kept(notes["recent"], media_root)
    assert_kept(notes["waiting"], media_root)
    assert Step.objects.count() == 3


def test_the_periodic_task_applies_the_same_policy_and_is_idempotent(
    notes: dict[str, Declaration], media_root: Path
) -> None:
    assert purge_expired_audio.apply().get() == 1

    assert_purged(notes["old"], media_root)
    assert_kept(notes["recent"], media_root)
    assert_kept(notes["waiting"], media_root)
    assert purge_expired_audio.apply().get() == 0


def test_the_retention_period_is_a_setting(
    notes: dict[str, Declaration], media_root: Path, settings: Settings
) -> None:
    settings.AUDIO_RETENTION_DAYS_AFTER_REVIEW = 7
    assert purge_expired_audio.apply().get() == 2
    assert_kept(notes["waiting"], media_root)

    call_command("purge_audio", "--days", "0")
    assert_kept(notes["waiting"], media_root)


def test_the_purge_is_scheduled_with_celery_beat(settings: Settings) -> None:
    from cej.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-audio"]
    assert entry["task"] == purge_expired_audio.name
    assert entry["task"] in app.tasks
    assert settings.AUDIO_RETENTION_DAYS_AFTER_REVIEW >= 0


@pytest.mark.parametrize("status", [Declaration.Status.FAILED, Declaration.Status.TO_CONFIRM])
def test_a_note_never_sent_loses_its_audio_after_the_unsent_retention(
    status: str, jeune: Beneficiary, conseiller: Counsellor, media_root: Path, settings: Settings
) -> None:
    settings.AUDIO_RETENTION_DAYS_UNSENT = 90
    left = reviewed_audio_declaration(jeune, conseiller, reviewed_days_ago=0, transcript="Lundi un entretien.")
    touched = reviewed_audio_declaration(jeune, conseiller, reviewed_days_ago=0, transcript="Mardi un CV.")
    long_ago = timezone.now() - timedelta(days=91)
    Declaration.objects.filter(pk=left.pk).update(status=status, reviewed_at=None, updated_at=long_ago)
    Declaration.objects.filter(pk=touched.pk).update(
        status=status, reviewed_at=None, updated_at=timezone.now() - timedelta(days=89)
    )

    assert purge_expired_audio.apply().get() == 1

    file = audio_path(media_root, left)
    left.refresh_from_db()
    assert not file.exists()
    assert (left.audio.name, left.status, left.transcript) == ("", status, "Lundi un entretien.")
    assert left.audio_purged_at is not None
    assert left.steps.count() == 1  # what was understood stays: the young person can still confirm it
    assert_kept(touched, media_root)


def test_notes_waiting_for_their_counsellor_keep_their_audio_whatever_the_unsent_retention(
    notes: dict[str, Declaration], media_root: Path, settings: Settings
) -> None:
    settings.AUDIO_RETENTION_DAYS_UNSENT = 0
    call_command("purge_audio", "--unsent-days", "0")
    assert_kept(notes["waiting"], media_root)
    assert_kept(notes["recent"], media_root)
