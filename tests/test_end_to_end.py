"""A voice note becomes validated hours, on real components: PostgreSQL, Redis, a Celery worker process,
faster-whisper on the shared model, the spaCy extractor. Nothing here is faked."""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from declarations.hours import local_date, week_start
from declarations.models import Beneficiary, Counsellor, Declaration, Structure
from tests.workers import require_real_services, start_worker

NOTE_ID = "v002"  # an AAC .m4a note of about nine seconds with several declared steps
PROCESSING_TIMEOUT_S = 300


def _api_for(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def worker(transactional_db: None, tmp_path: Path, settings: Any, whisper_model_path: Path, queue: str) -> Iterator[None]:
    """A real `celery worker` process over Redis, on the test database and media folder."""
    require_real_services()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    process = start_worker(
        queue=queue, media_root=tmp_path / "media", var_dir=tmp_path / "var", model_path=whisper_model_path,
        log_path=tmp_path / "worker.log", extra_env={},
    )
    try:
        yield
    finally:
        process.stop()
        sys.stderr.write(f"\n--- worker log (tail) ---\n{process.log()[-1500:]}\n")


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

    told = jeune.get("/api/v1/notifications/").json()
    assert [(n["kind"], n["declaration_id"]) for n in told] == [("ready", declaration_id)]
    assert jeune.post(f"/api/v1/declarations/{declaration_id}/confirm/").json()["status"] == "submitted"

    step = done_steps[0]
    day = datetime.fromisoformat(step["date"]).date() if step["date"] else local_date(
        Declaration.objects.get(pk=declaration_id).recorded_at
    )
    monday = week_start(day).isoformat()
    weeks_url = f"/api/v1/beneficiaries/{beneficiary.pk}/weeks/?from={monday}&to={monday}"
    before = Decimal(conseillere.get(weeks_url).json()[0]["validated_hours"])
    # The dataset's notes are dated in the past: /me is asked as on the step's day (only the "today"
    # of its current week is moved; the hours come from the database as for any request).
    with mock.patch("declarations.api.me.local_date", return_value=day):
        me_before = jeune.get("/api/v1/me/").json()["current_week"]

    review = conseillere.post(f"/api/v1/steps/{step['id']}/review/", {"decision": "validated"}, format="json")
    assert review.status_code == 200, review.content
    assert review.json()["decision"] == "validated"

    after = Decimal(conseillere.get(weeks_url).json()[0]["validated_hours"])
    assert after == before + Decimal(step["hours"])
    with mock.patch("declarations.api.me.local_date", return_value=day):
        me_after = jeune.get("/api/v1/me/").json()["current_week"]
    assert me_after["week_start"] == me_before["week_start"] == monday
    assert Decimal(me_after["validated_hours"]) == Decimal(me_before["validated_hours"]) + Decimal(step["hours"])
    since = jeune.get("/api/v1/notifications/", {"since": told[-1]["created_at"]}).json()
    assert [(n["kind"], n["step_id"]) for n in since] == [("step_validated", step["id"])]
    assert Declaration.objects.get(pk=declaration_id).steps.filter(decision="validated").count() == 1
