"""Integration helpers: real Celery worker processes sharing the test database and media folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from cej.celery import app as celery_app
from tests.conftest import ROOT, missing_service

READY_TIMEOUT_S = 240


def database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] or ""
    if db.get("PASSWORD"):
        credentials += f":{db['PASSWORD']}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while " ready." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(
    *, queue: str, media_root: Path, var_dir: Path, model_path: Path, log_path: Path, extra_env: dict[str, str]
) -> WorkerProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,
        "PIPELINE_QUEUE": queue,
        "MEDIA_ROOT": str(media_root),
        "VAR_DIR": str(var_dir),
        "SPEECH_ENGINE": "whisper",
        "SPEECH_MODEL_PATH": str(model_path),
        "DJANGO_SETTINGS_MODULE": "cej.settings",
        **extra_env,
    }
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cej", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--hostname", f"{queue}-{time.monotonic_ns()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    worker = WorkerProcess(process, log_path)
    worker.wait_until_ready()
    return worker


def require_real_services() -> None:
    if connection.vendor != "postgresql":
        missing_service("the end-to-end test needs PostgreSQL (set DATABASE_URL=postgres://…)")
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        missing_service("the end-to-end test needs Redis as broker (set CELERY_BROKER_URL=redis://…)")
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # any transport error means the broker is not there
        missing_service(f"Redis broker unreachable: {exc}")
