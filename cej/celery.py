"""Celery application. Workers load the speech engine and the extractor once per process."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")

app = Celery("cej")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@worker_init.connect
def _check_models_before_start(**_: Any) -> None:
    """Refuse to start a worker that could not transcribe: say what to set, not a traceback later."""
    from django.conf import settings

    from speech.engines import check_model
    from speech.errors import SpeechModelUnavailable

    try:
        check_model(settings.SPEECH_ENGINE, settings.SPEECH_MODEL_PATH)
    except SpeechModelUnavailable as exc:
        sys.stderr.write(f"\nCannot start the worker: {exc.detail}\n\n")
        raise SystemExit(2) from exc


@worker_process_init.connect
def _load_models(**_: Any) -> None:
    # Sent in each prefork child and by the solo pool: every process that runs tasks loads its engine
    # and extractor once, before its first task.
    from cej.warmup import load_models

    load_models()
