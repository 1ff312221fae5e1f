"""Shared test setup: where shared data lives, and the rule for integration tests.

Integration tests need the real PostgreSQL, Redis and a Celery worker. On a developer machine without
them they skip with the reason; under CI (CI=true) a missing service is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django import Settings

from cej.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
WHISPER_MODEL = Path(os.environ.get("SPEECH_TEST_WHISPER_MODEL", SHARED_DIR / "models" / "faster-whisper-base"))
pytest_plugins = ["tests.personas"]

IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_service(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        missing_service(f"the shared data folder {SHARED_DIR} is missing (set SHARED_DIR)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def whisper_model_path() -> Path:
    if not (WHISPER_MODEL / "model.bin").is_file():
        missing_service(f"no faster-whisper model at {WHISPER_MODEL} (set SPEECH_TEST_WHISPER_MODEL)")
    return WHISPER_MODEL


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of the test's own, so no other run's message reaches its worker."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue, settings.PIPELINE_QUEUE
    celery_app.conf.task_default_queue = settings.PIPELINE_QUEUE = name
    yield name
    celery_app.conf.task_default_queue, settings.PIPELINE_QUEUE = previous


@pytest.fixture(autouse=True)
def isolated_cache(settings: Settings) -> Iterator[None]:
    """A cache of the test's own: throttle counts start from zero and never reach var/cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }
    yield
    from django.core.cache import cache

    cache.clear()
