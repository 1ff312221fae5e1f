"""A voice note becomes validated hours, on real components: PostgreSQL, Redis, a Celery worker process,
faster-whisper on the shared model, the spaCy extractor. Nothing here is faked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from cej.celery import app as celery_app
from declarations.hours import local_date, week_start
from declarations.models import Beneficiary, Counsellor, Declaration, Structure
from tests.conftest import ROOT, missing_service

NOTE_ID = "v002"  # an AAC .m4a note of about nine seconds with several declared steps
WORKER_READY_TIMEOUT_S = 240
PROCESSING_TIMEOUT_S = 300


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] or ""
    if db.get("PASSWORD"):
        credentials += f":{db['PASSWORD']}"
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _require_real_services() -> None:
    if connection.vendor != "postgresql":
        missing_service("the end-to-end test needs PostgreSQL (set DATABASE_URL=postgres://…)")
    if not django_settings.CELERY_BROKER_URL.startswith("redis"):
        missing_service("the end-to-end test needs Redis as broker (set CELERY_BROKER_URL=redis://…)")
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # any transport error means the broker is not there
        missing_service(f"Redis broker unreachable: {exc}")


def _api_for(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def worker(transactional_db: None, tmp_path: Path, settings: Any, whisper_model_path: Path) -> Iterator[None]:
    """A real `celery worker` process on its own queue, sharing the test database and media folder."""
    _require_real_services()
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(media),
        "VAR_DIR": str(tmp_path / "var"),
        "SPEECH_ENGINE": "whisper",
        "SPEECH_MODEL_PATH": str(whisper_model_path),
        "DJANGO_SETTINGS_MODULE": "cej.settings",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cej", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--hostname", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WORKER_READY_TIMEOUT_S
        while b" ready." not in log_path.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        celery_app.conf.task_default_queue = previous_queue
        sys.stderr.write(f"\n--- worker log (tail) ---\n{log_path.read_text(errors='replace')[-2000:]}\n")


@pytest.mark.integration
def test_it_turns_a_voice_note_into_validated_hours(worker: None, shared_dir: Path) -> None:
    note = next(
        json.loads(line)
        for line in (shared_dir / "datasets" / "declarations-dev.jsonl").read_text().splitlines()
        if json.loads(line)["id"] == NOTE_ID
    )
    users = get_user_model().objects
    structure = Structure.objects.create(name="Mission Locale de Test")
    counsellor = Counsellor.objects.create(user=users.create_user("conseillere"), structure=structure)
    beneficiary = Beneficiary.objects.create(
        user=users.create_user("jeune"), structure=structure, counsellor=counsellor
    )
    jeune, conseillere = _api_for(beneficiary.user), _api_for(counsellor.user)

    uploaded_at = time.monotonic()
    with (shared_dir / "datasets" / "audio-dev" / f"{NOTE_ID}.m4a").open("rb") as audio:
        response = jeune.post(
            "/api/v1/declarations/",
            {"audio": audio, "client_id": str(uuid.uuid4()), "recorded_at": note["recorded_at"]},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    declaration_id = response.json()["id"]

    deadline = time.monotonic() + PROCESSING_TIMEOUT_S
    while True:
        body = jeune.get(f"/api/v1/declarations/{declaration_id}/").json()
        if body["status"] in ("to_confirm", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    sys.stderr.write(f"\nupload → {body['status']}: {time.monotonic() - uploaded_at:.1f} s\n")
    assert body["status"] == "to_confirm", (body["error_code"], body["error"])
    assert "candidature" in body["transcript"].lower()
    assert body["words"] and body["words"][0]["end"] > body["words"][0]["start"]
    done_steps = [step for step in body["steps"] if step["status"] == "done"]
    assert done_steps, body["steps"]

    assert jeune.post(f"/api/v1/declarations/{declaration_id}/confirm/").json()["status"] == "submitted"

    step = done_steps[0]
    day = datetime.fromisoformat(step["date"]).date() if step["date"] else local_date(
        Declaration.objects.get(pk=declaration_id).recorded_at
    )
    monday = week_start(day).isoformat()
    weeks_url = f"/api/v1/beneficiaries/{beneficiary.pk}/weeks/?from={monday}&to={monday}"
    before = Decimal(conseillere.get(weeks_url).json()[0]["validated_hours"])

    review = conseillere.post(f"/api/v1/steps/{step['id']}/review/", {"decision": "validated"}, format="json")
    assert review.status_code == 200, review.content
    assert review.json()["decision"] == "validated"

    after = Decimal(conseillere.get(weeks_url).json()[0]["validated_hours"])
    assert after == before + Decimal(step["hours"])
    assert Declaration.objects.get(pk=declaration_id).steps.filter(decision="validated").count() == 1
