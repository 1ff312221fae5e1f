"""What the phone app needs without guessing: who it is (/me), the code lists (/referentials), whose
note a staff client reads, sync after being offline, where a waiting note stands, notes that declare
nothing, and step edits that never change a kind behind the person's back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import Settings
from rest_framework.test import APIClient

from declarations.models import Beneficiary, Counsellor, Declaration
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory


def test_me_tells_a_young_person_who_they_are_and_where_their_week_stands(
    jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    response = api_for(jeune).get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "jeune"
    assert body["username"] == "jeune1"
    assert body["display_name"] == "Léa Dubois"
    assert body["beneficiary"]["id"] == jeune.pk
    assert body["beneficiary"]["structure"] == {"id": jeune.structure_id, "name": "Mission Locale de Lyon"}
    assert body["beneficiary"]["counsellor"] == {"display_name": "Claire Martin"}
    assert set(body["current_week"]) == {"week", "week_start", "declared_hours", "validated_hours", "target_hours"}
    assert "conseiller" not in json.dumps(body)  # the counsellor's login name is nobody's business


def test_me_for_staff_has_no_young_person_and_anonymous_is_refused(conseiller: Counsellor, api_for: ApiFor) -> None:
    assert APIClient().get("/api/v1/me/").status_code == 401
    body = api_for(conseiller).get("/api/v1/me/").json()
    assert (body["role"], body["beneficiary"], body["current_week"]) == ("conseiller", None, None)


def test_referentials_are_public_french_and_cacheable(db: None) -> None:
    response = APIClient().get("/api/v1/referentials/")

    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    body = response.json()
    emploi = next(c for c in body["categories"] if c["code"] == "EMPLOI")
    assert emploi["label"] == "Emploi" and emploi["default_hours"] == "3.00"
    assert {"code": "candidature", "label": "Candidature"} in emploi["kinds"]
    assert {"code": "to_confirm", "label": "à confirmer"} in body["statuses"]
    assert any(d["quoi"] == "Q14" and d["comment"] is None for d in body["demarches"])
    assert body["version"] and response["ETag"] == f'"{body["version"]}"'

    again = APIClient().get("/api/v1/referentials/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_staff_see_whose_note_it_is_and_who_decided_by_name_only(
    jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    declaration = DeclarationFactory(beneficiary=jeune, status="submitted")
    step = StepFactory(declaration=declaration)
    api_for(conseiller).post(f"/api/v1/steps/{step.pk}/review/", {"decision": "validated"}, format="json")

    body = api_for(conseiller).get(f"/api/v1/declarations/{declaration.pk}/").json()

    assert body["beneficiary"] == {"id": jeune.pk, "display_name": "Léa Dubois"}
    review = body["steps"][0]["review"]
    assert review["reviewer"] == "Claire Martin" and review["reviewer_role"] == "conseiller"
    young = api_for(jeune).get(f"/api/v1/declarations/{declaration.pk}/").text
    assert '"conseiller"' not in young.replace('"reviewer_role":"conseiller"', "")  # no login name


def test_updated_since_gives_only_what_changed(jeune: Beneficiary, api_for: ApiFor) -> None:
    old, changed = DeclarationFactory(beneficiary=jeune), DeclarationFactory(beneficiary=jeune)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Declaration.objects.filter(pk=old.pk).update(updated_at=an_hour_ago - timedelta(hours=1))
    Declaration.objects.filter(pk=changed.pk).update(updated_at=timezone.now())

    response = api_for(jeune).get("/api/v1/declarations/", {"updated_since": an_hour_ago.isoformat()})

    assert response.status_code == 200
    assert [d["id"] for d in response.json()["results"]] == [changed.pk]
    bad = api_for(jeune).get("/api/v1/declarations/", {"updated_since": "hier"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_weeks_default_to_the_last_eight(jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor) -> None:
    url = f"/api/v1/beneficiaries/{jeune.pk}/weeks/"
    response = api_for(conseiller).get(url)
    assert response.status_code == 200
    weeks = [w["week_start"] for w in response.json()]
    this_monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert len(weeks) == 8 and weeks[-1] == this_monday.isoformat()

    # One side given: eight weeks from it, or up to it.
    after = [w["week"] for w in api_for(conseiller).get(url, {"from": "2026-01-07"}).json()]
    assert (after[0], after[-1], len(after)) == ("2026-W02", "2026-W09", 8)
    before = [w["week"] for w in api_for(conseiller).get(url, {"to": "2026-01-07"}).json()]
    assert (before[0], before[-1], len(before)) == ("2025-W47", "2026-W02", 8)


def test_a_waiting_note_tells_its_place_in_the_queue_and_when_it_should_be_ready(
    jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor
) -> None:
    DeclarationFactory(beneficiary=other_jeune, status="received", source="audio", audio_duration_s=60)
    waiting = DeclarationFactory(beneficiary=jeune, status="received", source="audio", audio_duration_s=30)
    done = DeclarationFactory(beneficiary=jeune, status="to_confirm")

    body = api_for(jeune).get(f"/api/v1/declarations/{waiting.pk}/").json()

    assert body["queue_position"] == 2
    ready = timezone.datetime.fromisoformat(body["estimated_ready_at"])
    assert timezone.now() < ready < timezone.now() + timedelta(minutes=5)
    other = api_for(jeune).get(f"/api/v1/declarations/{done.pk}/").json()
    assert other["queue_position"] is None and other["estimated_ready_at"] is None


def test_a_note_that_declares_nothing_reaches_the_counsellor_who_marks_it_read(
    jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    note = DeclarationFactory(beneficiary=jeune, status="to_confirm", transcript="J'étais malade cette semaine.")

    confirmed = api_for(jeune).post(f"/api/v1/declarations/{note.pk}/confirm/", format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "submitted"

    seen = api_for(conseiller).get(f"/api/v1/declarations/{note.pk}/")
    assert seen.status_code == 200 and seen.json()["steps"] == []
    read = api_for(conseiller).post(f"/api/v1/declarations/{note.pk}/acknowledge/", format="json")
    assert read.status_code == 200 and read.json()["status"] == "reviewed"
    note.refresh_from_db()
    assert note.acknowledged_by == conseiller.user and note.reviewed_at is not None

    with_steps = DeclarationFactory(beneficiary=jeune, status="submitted")
    StepFactory(declaration=with_steps)
    refused = api_for(conseiller).post(f"/api/v1/declarations/{with_steps.pk}/acknowledge/", format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "has_steps"
    assert api_for(jeune).post(f"/api/v1/declarations/{with_steps.pk}/acknowledge/").status_code == 403


def test_steps_per_note_are_capped(jeune: Beneficiary, api_for: ApiFor, settings: Settings) -> None:
    settings.MAX_STEPS_PER_DECLARATION = 2
    note = DeclarationFactory(beneficiary=jeune, status="to_confirm")
    step = {"category": "EMPLOI", "kind": "cv", "status": "done"}
    client = api_for(jeune)
    assert [client.post(f"/api/v1/declarations/{note.pk}/steps/", step, format="json").status_code for _ in range(2)] == [201, 201]

    third = client.post(f"/api/v1/declarations/{note.pk}/steps/", step, format="json")

    assert third.status_code == 400 and third.json()["code"] == "too_many_steps"
    assert note.steps.count() == 2


def test_a_kind_is_never_changed_silently(jeune: Beneficiary, api_for: ApiFor) -> None:
    note = DeclarationFactory(beneficiary=jeune, status="to_confirm")
    step = StepFactory(declaration=note)  # EMPLOI / candidature
    client = api_for(jeune)

    mismatch = client.patch(f"/api/v1/steps/{step.pk}/", {"category": "FORMATION"}, format="json")
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "kind_category_mismatch"
    step.refresh_from_db()
    assert (step.category, step.kind) == ("EMPLOI", "candidature")

    both = client.patch(f"/api/v1/steps/{step.pk}/", {"category": "FORMATION", "kind": "atelier"}, format="json")
    assert both.status_code == 200 and (both.json()["category"], both.json()["kind"]) == ("FORMATION", "atelier")

    no_kind = client.post(f"/api/v1/declarations/{note.pk}/steps/", {"category": "EMPLOI"}, format="json")
    assert no_kind.status_code == 400 and no_kind.json()["code"] == "kind_required"


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/referentials/", "/api/v1/notifications/"])
def test_the_new_endpoints_are_in_the_schema_with_an_example(db: None, path: str) -> None:
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["examples"], path


def test_the_reply_endpoint_documents_its_body_with_an_example(db: None) -> None:
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    body = schema["paths"]["/api/v1/steps/{step_id}/reply/"]["post"]["requestBody"]["content"]["application/json"]
    assert body["examples"]


def test_after_a_refusal_the_young_person_answers_once_and_the_counsellor_reads_it(
    jeune: Beneficiary, other_jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    from django.test import Client

    note = DeclarationFactory(beneficiary=jeune, status="submitted")
    refused, pending = StepFactory(declaration=note), StepFactory(declaration=note, position=1)
    api_for(conseiller).post(
        f"/api/v1/steps/{refused.pk}/review/", {"decision": "rejected", "comment": "Quelle entreprise ?"}, format="json"
    )
    url = f"/api/v1/steps/{refused.pk}/reply/"

    assert api_for(jeune).post(f"/api/v1/steps/{pending.pk}/reply/", {"comment": "?"}, format="json").json()["code"] == "step_not_rejected"
    assert api_for(other_jeune).post(url, {"comment": "moi"}, format="json").status_code == 404
    assert api_for(conseiller).post(url, {"comment": "moi"}, format="json").status_code == 403
    assert api_for(jeune).post(url, {"comment": "   "}, format="json").status_code == 400

    answered = api_for(jeune).post(url, {"comment": "  C'était chez Decathlon Part-Dieu.  "}, format="json")

    assert answered.status_code == 200
    assert answered.json()["reply"]["comment"] == "C'était chez Decathlon Part-Dieu."
    again = api_for(jeune).post(url, {"comment": "encore"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_replied"
    seen = api_for(conseiller).get(f"/api/v1/declarations/{note.pk}/").json()
    assert seen["steps"][0]["reply"]["comment"] == "C'était chez Decathlon Part-Dieu."
    page = Client()
    page.force_login(conseiller.user)
    html = page.get(f"/conseiller/declarations/{note.pk}/").content.decode()
    assert "Réponse du jeune" in html and "chez Decathlon Part-Dieu" in html


def test_a_step_to_check_says_why_to_the_app_and_on_the_counsellors_page(
    jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    from django.test import Client

    note = DeclarationFactory(beneficiary=jeune, status="submitted")
    StepFactory(
        declaration=note, attention=[{"code": "doubtful_word", "message": "mot incertain : jeudi ?"}]
    )
    StepFactory(declaration=note, position=1)

    steps = api_for(conseiller).get(f"/api/v1/declarations/{note.pk}/").json()["steps"]

    assert [(s["needs_attention"], s["attention"]) for s in steps] == [
        (True, [{"code": "doubtful_word", "message": "mot incertain : jeudi ?"}]),
        (False, []),
    ]
    assert api_for(jeune).get(f"/api/v1/declarations/{note.pk}/").json()["steps"][0]["needs_attention"] is True
    page = Client()
    page.force_login(conseiller.user)
    html = page.get(f"/conseiller/declarations/{note.pk}/").content.decode()
    assert html.count("À vérifier") == 1 and "mot incertain : jeudi ?" in html


def test_a_refused_step_shows_no_hours_to_the_app_or_the_counsellor(
    jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    from django.test import Client

    note = DeclarationFactory(beneficiary=jeune, status="submitted")
    step = StepFactory(declaration=note)
    assert api_for(jeune).get(f"/api/v1/declarations/{note.pk}/").json()["steps"][0]["hours"] == "3.00"

    refused = api_for(conseiller).post(
        f"/api/v1/steps/{step.pk}/review/", {"decision": "rejected", "comment": "Déjà déclarée."}, format="json"
    )

    assert refused.json()["hours"] == "0.00"
    assert api_for(jeune).get(f"/api/v1/declarations/{note.pk}/").json()["steps"][0]["hours"] == "0.00"
    page = Client()
    page.force_login(conseiller.user)
    html = page.get(f"/conseiller/declarations/{note.pk}/").content.decode()
    assert "<dt>Heures</dt><dd>0 h</dd>" in html
