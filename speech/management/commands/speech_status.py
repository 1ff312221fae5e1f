"""Readiness of the speech engine: which engine and model this process would use, and whether it loads."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from speech.engines import check_model, get_engine
from speech.errors import SpeechModelUnavailable


class Command(BaseCommand):
    help = "Dit quel moteur et quel modèle de transcription sont configurés, et s'ils se chargent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="only check the model files (fast)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        engine, path = settings.SPEECH_ENGINE, Path(settings.SPEECH_MODEL_PATH)
        try:
            check_model(engine, path)
        except SpeechModelUnavailable as exc:
            raise CommandError(exc.detail) from exc
        status: dict[str, Any] = {"engine": engine, "model_path": str(path), "files": "ok"}
        if not options["check"]:
            started = time.perf_counter()
            get_engine()
            status["loaded"] = True
            status["load_seconds"] = round(time.perf_counter() - started, 2)
        if options["json"]:
            self.stdout.write(json.dumps(status))
        else:
            self.stdout.write(" ".join(f"{key}={value}" for key, value in status.items()))
