"""Right of access: a young person downloads everything stored about them, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command
from rest_framework.test import APIClient

from declarations.models import Beneficiary, Counsellor, Declaration, Manager
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory
from tests.privacy.conftest import JEUNE_TRANSCRIPT, OTHER_TRANSCRIPT

URL = "/api/v1/me/export/"


def test_only_a_young_person_exports_their_data(
    jeune_data: Declaration, conseiller: Counsellor, manager: Manager, api_for: ApiFor
) -> None:
    assert APIClient().get(URL).status_code == 401
    assert api_for(conseiller).get(URL).status_code == 403
    assert api_for(manager).get(URL).status_code == 403


def test_the_export_holds_profile_declarations_steps_reviews_and_audio(
    jeune: Beneficiary, jeune_data: Declaration, other_jeune_data: Declaration, api_for: ApiFor
) -> None:
    typed = DeclarationFactory(beneficiary=jeune, transcript="Vendredi j'ai vu mon conseiller.")
    StepFactory(declaration=typed, category="PROJET_PROFESSIONNEL", kind="ENTRETIEN_CONSEILLER")

    response = api_for(jeune).get(URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    profile = data["profile"]
    assert profile["username"] == "jeune1"
    assert (profile["first_name"], profile["last_name"], profile["email"]) == (
        jeune.user.first_name, jeune.user.last_name, jeune.user.email,
    )
    assert profile["structure"]["name"] == "Mission Locale de Lyon"
    assert [d["id"] for d in data["declarations"]] == sorted([jeune_data.pk, typed.pk])
    voice = next(d for d in data["declarations"] if d["id"] == jeune_data.pk)
    assert voice["transcript"] == JEUNE_TRANSCRIPT
    assert voice["audio"]["stored"] is True
    assert voice["audio"]["size_bytes"] == jeune_data.audio_size
    [step] = voice["steps"]
    assert step["organization"] == "Decathlon"
    assert step["decision"] == "validated"
    assert step["hours"] == "3.00"
    [review] = step["reviews"]
    assert review["decision"] == "validated"
    assert review["comment"] == "Bravo"
    assert review["reviewer_role"] == "conseiller"
    assert "reviewer" not in review
    assert [f["declaration_id"] for f in data["audio_files"]] == [jeune_data.pk]
    assert next(d for d in data["declarations"] if d["id"] == typed.pk)["audio"] is None

    text = json.dumps(data, ensure_ascii=False)
    assert OTHER_TRANSCRIPT not in text
    assert str(other_jeune_data.pk) not in [str(d["id"]) for d in data["declarations"]]
    assert "jeune2" not in text


def test_the_export_says_when_a_recording_was_deleted(
    jeune: Beneficiary, jeune_data: Declaration, api_for: ApiFor
) -> None:
    call_command("purge_audio")
    [audio] = api_for(jeune).get(URL).json()["audio_files"]
    assert audio["stored"] is False
    assert audio["deleted_at"] is not None


def test_the_command_writes_the_same_export(
    jeune: Beneficiary, jeune_data: Declaration, other_jeune_data: Declaration, tmp_path: Path, api_for: ApiFor
) -> None:
    output = tmp_path / "export.json"
    call_command("export_beneficiary", "--username", "jeune1", "--output", str(output))

    exported = json.loads(output.read_text(encoding="utf-8"))
    from_api = api_for(jeune).get(URL).json()
    exported.pop("exported_at"), from_api.pop("exported_at")
    assert exported == from_api
