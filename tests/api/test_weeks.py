"""Hours per CEJ week: Monday to Sunday in Europe/Paris, declared vs validated vs the target."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from declarations.models import Beneficiary, CategoryWeight, Counsellor, Declaration, Step, Structure
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory

WEDNESDAY = date(2026, 1, 7)  # ISO week 2026-W02, Monday 5 to Sunday 11 January


def weeks_url(beneficiary: Beneficiary) -> str:
    return f"/api/v1/beneficiaries/{beneficiary.pk}/weeks/"


def hours_of(week: dict[str, Any]) -> tuple[Decimal, Decimal, Decimal]:
    return Decimal(week["declared_hours"]), Decimal(week["validated_hours"]), Decimal(week["target_hours"])


def test_it_returns_iso_weeks_from_monday_to_sunday(
    jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor
) -> None:
    query = {"from": "2026-01-07", "to": "2026-01-14"}
    assert api_for(other_jeune).get(weeks_url(jeune), query).status_code == 404

    response = api_for(jeune).get(weeks_url(jeune), query)
    assert response.status_code == 200
    body = response.json()
    assert [(week["week"], week["week_start"]) for week in body] == [
        ("2026-W02", "2026-01-05"),
        ("2026-W03", "2026-01-12"),
    ]
    assert set(body[0]) == {"week", "week_start", "declared_hours", "validated_hours", "target_hours"}
    assert hours_of(body[0]) == (Decimal(0), Decimal(0), Decimal(15))


def test_it_counts_validated_hours_once_the_counsellor_validates(
    jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    declaration = DeclarationFactory(beneficiary=jeune, status=Declaration.Status.SUBMITTED)
    step = StepFactory(declaration=declaration, activity_date=WEDNESDAY, hours=Decimal("3.5"))
    StepFactory(declaration=declaration, activity_date=date(2026, 1, 11), position=1)
    # A planned step counts once a later note declares it done.
    StepFactory(declaration=declaration, activity_date=WEDNESDAY, status=Step.Status.PLANNED, position=2)
    query = {"from": "2026-01-05", "to": "2026-01-11"}

    response = api_for(conseiller).get(weeks_url(jeune), query)
    assert response.status_code == 200
    assert hours_of(response.json()[0]) == (Decimal("6.5"), Decimal(0), Decimal(15))

    review = api_for(conseiller).post(f"/api/v1/steps/{step.pk}/review/", {"decision": "validated"}, format="json")
    assert review.status_code == 200

    response = api_for(conseiller).get(weeks_url(jeune), query)
    assert hours_of(response.json()[0]) == (Decimal("6.5"), Decimal("3.5"), Decimal(15))


def test_it_ignores_rejected_steps_and_unsent_declarations(jeune: Beneficiary, api_for: ApiFor) -> None:
    sent = DeclarationFactory(beneficiary=jeune, status=Declaration.Status.REVIEWED)
    StepFactory(declaration=sent, activity_date=WEDNESDAY, decision=Step.Decision.REJECTED)
    StepFactory(declaration=sent, activity_date=WEDNESDAY, decision=Step.Decision.VALIDATED, hours=2, position=1)
    StepFactory(declaration=DeclarationFactory(beneficiary=jeune), activity_date=WEDNESDAY)

    response = api_for(jeune).get(weeks_url(jeune), {"from": "2026-01-05", "to": "2026-01-11"})
    assert response.status_code == 200
    assert hours_of(response.json()[0]) == (Decimal(2), Decimal(2), Decimal(15))


def test_it_uses_the_structures_weights_and_target(
    jeune: Beneficiary, structure: Structure, api_for: ApiFor
) -> None:
    CategoryWeight.objects.create(structure=structure, category="EMPLOI", hours=Decimal("4.5"))
    structure.weekly_target_hours = Decimal(20)
    structure.save()
    declaration = DeclarationFactory(beneficiary=jeune)
    client = api_for(jeune)

    added = client.post(f"/api/v1/declarations/{declaration.pk}/steps/", {"category": "EMPLOI", "kind": "candidature"}, format="json")
    assert added.status_code == 201
    assert Decimal(added.json()["hours"]) == Decimal("4.5")
    assert client.post(f"/api/v1/declarations/{declaration.pk}/confirm/").status_code == 200

    response = client.get(weeks_url(jeune), {"from": "2026-01-05", "to": "2026-01-11"})
    assert response.status_code == 200
    assert hours_of(response.json()[0]) == (Decimal("4.5"), Decimal(0), Decimal(20))


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-01-11", "to": "2026-01-05"},
        {"from": "1999-12-27"},
        {"to": "2100-01-04"},
        {"from": "05/01/2026", "to": "2026-01-11"},
        {"from": "2025-01-01", "to": "2026-01-11"},
    ],
)
def test_it_refuses_a_bad_period(query: dict[str, str], jeune: Beneficiary, api_for: ApiFor) -> None:
    response = api_for(jeune).get(weeks_url(jeune), query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["details"]


def declare_via_api(client: Any, recorded_at: str) -> int:
    """Send a note, stand in for the pipeline (not run here), add one step and confirm."""
    response = client.post(
        "/api/v1/declarations/",
        {"text": "J'ai postulé chez Decathlon.", "client_id": str(uuid.uuid4()), "recorded_at": recorded_at},
        format="json",
    )
    assert response.status_code == 202
    declaration_id: int = response.json()["id"]
    Declaration.objects.filter(pk=declaration_id).update(status=Declaration.Status.TO_CONFIRM)
    step = client.post(f"/api/v1/declarations/{declaration_id}/steps/", {"category": "EMPLOI", "kind": "candidature"}, format="json")
    assert step.status_code == 201
    assert client.post(f"/api/v1/declarations/{declaration_id}/confirm/").status_code == 200
    return int(step.json()["id"])


def test_it_counts_a_step_in_its_paris_week(jeune: Beneficiary, api_for: ApiFor) -> None:
    client = api_for(jeune)
    # Sunday 4 January 2026, 23:30 in Paris (UTC+1): still week 2026-W01.
    sunday_night = declare_via_api(client, "2026-01-04T22:30:00Z")
    # Sunday 23:30 UTC is already Monday 00:30 in Paris: week 2026-W02, although the UTC date is Sunday.
    monday_early = declare_via_api(client, "2026-01-04T23:30:00Z")

    assert Step.objects.get(pk=sunday_night).activity_date == date(2026, 1, 4)
    assert Step.objects.get(pk=monday_early).activity_date == date(2026, 1, 5)
    response = client.get(weeks_url(jeune), {"from": "2026-01-01", "to": "2026-01-11"})
    assert response.status_code == 200
    body = response.json()
    assert [week["week"] for week in body] == ["2026-W01", "2026-W02"]
    assert [Decimal(week["declared_hours"]) for week in body] == [Decimal(3), Decimal(3)]
