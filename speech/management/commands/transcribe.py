"""`python manage.py transcribe AUDIO… [--engine vosk|whisper] [--model PATH] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from speech.engines import ENGINES, SpeechEngine, default_model_path, load_engine
from speech.errors import SpeechError, SpeechModelUnavailable
from speech.services import transcribe_audio


class Command(BaseCommand):
    help = "Transcrit des notes vocales (le modèle est chargé une seule fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("audio", nargs="+", type=Path, help="Audio files (any format a phone sends).")
        parser.add_argument("--engine", choices=ENGINES, help="Default: settings.SPEECH_ENGINE.")
        parser.add_argument(
            "--model", type=Path, help="Model directory. Default: settings.SPEECH_MODEL_PATH."
        )
        parser.add_argument("--json", action="store_true", help="One JSON object per line and file.")

    def handle(self, *args: Any, **options: Any) -> None:
        engine_name: str = options["engine"] or settings.SPEECH_ENGINE
        model_path: Path = options["model"] or default_model_path(engine_name)
        files: list[Path] = options["audio"]
        as_json: bool = options["json"]

        try:
            engine = load_engine(engine_name, model_path)
        except SpeechModelUnavailable as exc:
            raise CommandError(exc.detail or exc.message) from exc

        failures = 0
        for index, path in enumerate(files, start=1):
            if len(files) > 1:
                self.stderr.write(f"[{index}/{len(files)}] {path}")
            failures += not self._transcribe_one(path, engine, as_json=as_json, show_name=len(files) > 1)

        if failures:
            raise CommandError(f"{failures} of {len(files)} file(s) could not be transcribed", returncode=1)

    def _transcribe_one(self, path: Path, engine: SpeechEngine, *, as_json: bool, show_name: bool) -> bool:
        try:
            result = transcribe_audio(path, engine=engine)
        except SpeechError as exc:
            if as_json:
                self._write_json({"file": str(path), "error_code": exc.code, "error": exc.message})
            else:
                self.stderr.write(f"{path}: {exc.code}: {exc.message} ({exc.detail})")
            return False

        if as_json:
            self._write_json(
                {
                    "file": str(path),
                    "text": result.text,
                    "duration_s": round(result.duration_s, 3),
                    "engine": result.engine,
                    "seconds": round(result.seconds, 3),
                    "words": [
                        {
                            "word": word.word,
                            "start": round(word.start, 3),
                            "end": round(word.end, 3),
                            "conf": None if word.conf is None else round(word.conf, 4),
                        }
                        for word in result.words
                    ],
                }
            )
        else:
            self.stdout.write(f"{path}: {result.text}" if show_name else result.text)
        return True

    def _write_json(self, payload: dict[str, object]) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
