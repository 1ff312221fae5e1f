"""Audio retention: recordings go N days after review; transcripts, steps and reviews stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
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
