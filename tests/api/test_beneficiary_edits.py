"""A young person corrects what was understood, while the declaration is `to_confirm`, then sends it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from declarations.models import Beneficiary, Declaration, Step
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory


@pytest.fixture
def step(jeune: Beneficiary) -> Step:
    return StepFactory(declaration=DeclarationFactory(beneficiary=jeune))


def test_it_sets_the_hours_of_the_new_category_and_kind(
    step: Step, other_jeune: Beneficiary, jeune: Beneficiary, api_for: ApiFor
) -> None:
    url = f"/api/v1/steps/{step.pk}/"
    payload = {"category": "PROJET_PROFESSIONNEL", "kind": "enquete_metier"}
    assert api_for(other_jeune).patch(url, payload, format="json").status_code == 404

    response = api_for(jeune).patch(url, payload, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == step.pk
    assert (body["category"], body["kind"]) == ("PROJET_PROFESSIONNEL", "enquete_metier")
    assert Decimal(body["hours"]) == Decimal(2)

    step.refresh_from_db()
    assert (step.category, step.kind, step.hours) == ("PROJET_PROFESSIONNEL", "enquete_metier", Decimal(2))


def test_a_new_category_alone_never_changes_the_kind(step: Step, jeune: Beneficiary, api_for: ApiFor) -> None:
    response = api_for(jeune).patch(f"/api/v1/steps/{step.pk}/", {"category": "PROJET_PROFESSIONNEL"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "kind_category_mismatch"
    assert "nouvelle catégorie" in response.json()["message"]
    step.refresh_from_db()
    assert (step.category, step.kind) == ("EMPLOI", "candidature")


def test_it_keeps_a_kind_given_with_the_new_category(step: Step, jeune: Beneficiary, api_for: ApiFor) -> None:
    payload = {"category": "FORMATION", "kind": "atelier", "duration_minutes": 90}
    response = api_for(jeune).patch(f"/api/v1/steps/{step.pk}/", payload, format="json")
    assert response.status_code == 200
    assert (response.json()["kind"], response.json()["duration_minutes"]) == ("atelier", 90)
    step.refresh_from_db()
    assert (step.category, step.kind, step.duration_minutes) == ("FORMATION", "atelier", 90)


def test_it_moves_the_activity_date_with_the_step_date(step: Step, jeune: Beneficiary, api_for: ApiFor) -> None:
    url = f"/api/v1/steps/{step.pk}/"
    recorded_day = step.activity_date

    response = api_for(jeune).patch(url, {"date": "2026-01-04"}, format="json")
    assert response.status_code == 200
    assert response.json()["date"] == "2026-01-04"
    step.refresh_from_db()
    assert step.activity_date == date(2026, 1, 4)

    response = api_for(jeune).patch(url, {"date": None}, format="json")
    assert response.status_code == 200
    step.refresh_from_db()
    assert (step.date, step.activity_date) == (None, recorded_day)


def test_it_refuses_a_kind_outside_the_category(step: Step, jeune: Beneficiary, api_for: ApiFor) -> None:
    response = api_for(jeune).patch(f"/api/v1/steps/{step.pk}/", {"kind": "sport"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "kind_category_mismatch"
    assert body["message"] == "Ce type de démarche n'appartient pas à cette catégorie."
    step.refresh_from_db()
    assert (step.category, step.kind) == ("EMPLOI", "candidature")


def test_it_adds_a_step(step: Step, jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor) -> None:
    url = f"/api/v1/declarations/{step.declaration_id}/steps/"
    payload = {"category": "LOGEMENT", "kind": "recherche_logement", "organization": "Action Logement"}
    assert api_for(other_jeune).post(url, payload, format="json").status_code == 404

    response = api_for(jeune).post(url, payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["origin"] == "beneficiary"
    assert body["category"] == "LOGEMENT"
    assert body["kind"] == "recherche_logement"
    assert body["organization"] == "Action Logement"
    assert Decimal(body["hours"]) == Decimal(2)
    assert body["decision"] == "pending"
    assert body["review"] is None

    added = Step.objects.get(pk=body["id"])
    assert added.declaration_id == step.declaration_id
    assert added.origin == Step.Origin.BENEFICIARY
    assert added.position == 1
    assert added.activity_date == step.activity_date


def test_it_refuses_to_add_a_step_whose_kind_is_outside_its_category(
    step: Step, jeune: Beneficiary, api_for: ApiFor
) -> None:
    payload = {"category": "SANTE", "kind": "cv"}
    response = api_for(jeune).post(f"/api/v1/declarations/{step.declaration_id}/steps/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "kind_category_mismatch"
    assert Step.objects.filter(declaration_id=step.declaration_id).count() == 1


def test_it_deletes_a_step(step: Step, jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor) -> None:
    url = f"/api/v1/steps/{step.pk}/"
    assert api_for(other_jeune).delete(url).status_code == 404
    assert Step.objects.filter(pk=step.pk).exists()

    response = api_for(jeune).delete(url)
    assert response.status_code == 204
    assert not Step.objects.filter(pk=step.pk).exists()


def test_it_confirms_a_declaration(step: Step, jeune: Beneficiary, api_for: ApiFor) -> None:
    url = f"/api/v1/declarations/{step.declaration_id}/confirm/"

    response = api_for(jeune).post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert body["submitted_at"] is not None
    declaration = Declaration.objects.get(pk=step.declaration_id)
    assert declaration.status == Declaration.Status.SUBMITTED
    submitted_at = declaration.submitted_at

    # The phone may retry a confirmation it did not see acknowledged.
    again = api_for(jeune).post(url)
    assert again.status_code == 200
    assert again.json()["status"] == "submitted"
    declaration.refresh_from_db()
    assert declaration.submitted_at == submitted_at


def test_it_sends_a_note_without_steps_as_a_message(jeune: Beneficiary, api_for: ApiFor) -> None:
    declaration = DeclarationFactory(beneficiary=jeune)

    response = api_for(jeune).post(f"/api/v1/declarations/{declaration.pk}/confirm/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["steps"]) == ("submitted", [])
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.SUBMITTED
