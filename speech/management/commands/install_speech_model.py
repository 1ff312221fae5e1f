"""Install the official French Vosk model: download, verify the checksum, unzip, move into place atomically."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from speech.engines import check_model
from speech.errors import SpeechModelUnavailable

OFFICIAL_BASE_URL = "https://alphacephei.com/vosk/models"
SMALL_MODEL = "vosk-model-small-fr-0.22"
LARGE_MODEL = "vosk-model-fr-0.22"
# Published checksums of the zips; the large model's is not known here, so it must be given.
KNOWN_MD5 = {SMALL_MODEL: "8873b1234503f6edd55f54bfff31cf3e"}
MARKER = ".installed.json"
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Checksum:
    algorithm: str
    hexdigest: str


class Command(BaseCommand):
    help = "Installe le modèle Vosk français officiel (petit par défaut, --large pour le grand)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--large", action="store_true", help=f"Install {LARGE_MODEL} instead of {SMALL_MODEL}."
        )
        parser.add_argument(
            "--mirror",
            default=os.environ.get("SPEECH_MODEL_MIRROR", ""),
            help="Base URL serving <model>.zip instead of the official host (env SPEECH_MODEL_MIRROR).",
        )
        parser.add_argument("--dest", type=Path, help="Models directory. Default: settings.MODELS_DIR.")
        checksum = parser.add_mutually_exclusive_group()
        checksum.add_argument("--md5", help="Expected md5 of the zip (overrides the known one).")
        checksum.add_argument("--sha256", help="Expected sha256 of the zip.")
        parser.add_argument("--timeout", type=float, default=30.0, help="Network timeout in seconds.")
        parser.add_argument("--force", action="store_true", help="Reinstall even if the model is present.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = LARGE_MODEL if options["large"] else SMALL_MODEL
        dest: Path = (options["dest"] or Path(settings.MODELS_DIR)).resolve()
        base_url = (options["mirror"] or OFFICIAL_BASE_URL).rstrip("/")
        url = f"{base_url}/{name}.zip"
        expected = _expected_checksum(name, md5=options["md5"], sha256=options["sha256"])
        target = dest / name

        if not options["force"] and _already_installed(target, expected):
            self.stdout.write(f"{name} is already installed in {target}; nothing to do.")
            self._print_settings(target)
            return
        if target.exists() and not options["force"]:
            raise CommandError(
                f"{target} already exists but was not installed from this checksum (no matching {MARKER}). "
                "Remove it or rerun with --force."
            )

        dest.mkdir(parents=True, exist_ok=True)
        zip_path = self._download(url, dest, expected, timeout=options["timeout"])
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=dest))
            try:
                model_root = _unzip(zip_path, staging / "unpacked")
                try:
                    check_model("vosk", model_root)
                except SpeechModelUnavailable as exc:
                    raise CommandError(f"{url} does not contain a Vosk model: {exc.detail}") from exc
                (model_root / MARKER).write_text(
                    json.dumps({"name": name, "url": url, expected.algorithm: expected.hexdigest}) + "\n"
                )
                if target.exists():
                    # Moved aside rather than deleted first, so a failed move keeps the old model whole.
                    os.replace(target, staging / "previous")
                os.replace(model_root, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        finally:
            zip_path.unlink(missing_ok=True)

        self.stdout.write(self.style.SUCCESS(f"Installed {name} in {target}"))
        self._print_settings(target)

    def _download(self, url: str, dest: Path, expected: Checksum, *, timeout: float) -> Path:
        self.stderr.write(f"Downloading {url}")
        digest = hashlib.new(expected.algorithm)
        handle, temp_name = tempfile.mkstemp(prefix=".download-", suffix=".zip", dir=dest)
        zip_path = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
                total = int(response.headers.get("Content-Length") or 0)
                received = 0
                next_report = 0.0
                while chunk := response.read(CHUNK_BYTES):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if total and received / total >= next_report:
                        self.stderr.write(f"  {received * 100 // total:3d} % of {total / 1e6:.1f} MB")
                        next_report += 0.1
        except urllib.error.HTTPError as exc:
            zip_path.unlink(missing_ok=True)
            raise CommandError(
                f"{url} answered HTTP {exc.code} {exc.reason}. Check --mirror / SPEECH_MODEL_MIRROR. "
                f"/ Le serveur a répondu {exc.code} : vérifiez l'adresse du miroir."
            ) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            zip_path.unlink(missing_ok=True)
            reason = getattr(exc, "reason", exc)
            raise CommandError(
                f"Cannot download {url} ({reason}): this machine seems offline or the host is unreachable. "
                "Set SPEECH_MODEL_PATH to a Vosk model directory you already have, "
                "or use --mirror BASE_URL (env SPEECH_MODEL_MIRROR) serving the zip, "
                "or use SPEECH_ENGINE=whisper with SPEECH_MODEL_PATH=../shared/models/faster-whisper-base. "
                f"/ Téléchargement impossible de {url} : machine hors ligne ou serveur injoignable. "
                "Indiquez un modèle déjà présent avec SPEECH_MODEL_PATH, un miroir avec --mirror "
                "(ou SPEECH_MODEL_MIRROR), ou utilisez SPEECH_ENGINE=whisper avec "
                "SPEECH_MODEL_PATH=../shared/models/faster-whisper-base."
            ) from exc
        except BaseException:
            zip_path.unlink(missing_ok=True)
            raise

        actual = digest.hexdigest()
        if actual != expected.hexdigest:
            zip_path.unlink(missing_ok=True)
            raise CommandError(
                f"Checksum mismatch for {url}: expected {expected.algorithm} {expected.hexdigest}, got {actual}. "
                "The download is corrupt or not the official file; nothing was installed. "
                "/ Somme de contrôle incorrecte : fichier corrompu ou non officiel, rien n'a été installé."
            )
        return zip_path

    def _print_settings(self, target: Path) -> None:
        self.stdout.write(f"Use it with:\n  SPEECH_ENGINE=vosk\n  SPEECH_MODEL_PATH={target}")


def _expected_checksum(name: str, *, md5: str | None, sha256: str | None) -> Checksum:
    if sha256:
        return Checksum("sha256", sha256.strip().lower())
    if md5:
        return Checksum("md5", md5.strip().lower())
    if name in KNOWN_MD5:
        return Checksum("md5", KNOWN_MD5[name])
    raise CommandError(
        f"No known checksum for {name}: pass --md5 or --sha256 with the value published on the Vosk models page."
    )


def _already_installed(target: Path, expected: Checksum) -> bool:
    marker = target / MARKER
    if not marker.is_file():
        return False
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return bool(recorded.get(expected.algorithm) == expected.hexdigest)


def _unzip(zip_path: Path, staging: Path) -> Path:
    """Extract into `staging` and return the model's root directory (the zip's single top folder)."""
    staging.mkdir()
    root = staging.resolve()
    try:
        with zipfile.ZipFile(zip_path) as archive:
            for member in archive.infolist():
                destination = (root / member.filename).resolve()
                if not destination.is_relative_to(root):
                    raise CommandError(f"Refusing unsafe path in the zip: {member.filename!r}")
            archive.extractall(root)
    except zipfile.BadZipFile as exc:
        raise CommandError(f"The downloaded file is not a valid zip: {exc}") from exc
    entries = list(root.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return root
