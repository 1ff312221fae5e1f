"""Who sees what. Outside one's reach an object does not exist (404); inside it, a wrong role is 403.

The design chose portfolio scope, not structure scope: SANTE steps are visible only to the young
person and their own counsellor, so a colleague in the same Mission Locale gets 404 too.
"""

from __future__ import annotations

from datetime import date

import pytest

from declarations.categories import Category, Kind
from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Review, Step
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory

WEEKS_QUERY = {"from": "2026-01-05", "to": "2026-01-11"}


@pytest.fixture
def health_step(jeune: Beneficiary) -> Step:
    declaration = DeclarationFactory(beneficiary=jeune, status=Declaration.Status.SUBMITTED)
    return StepFactory(
        declaration=declaration, category=Category.SANTE, kind=Kind.RENDEZ_VOUS_MEDICAL, hours=2
    )


@pytest.fixture
def to_confirm_step(jeune: Beneficiary) -> Step:
    return StepFactory(declaration=DeclarationFactory(beneficiary=jeune))


def test_it_hides_another_jeunes_declarations_from_a_jeune(
    jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor
) -> None:
    mine = DeclarationFactory(beneficiary=jeune)
    theirs = DeclarationFactory(beneficiary=other_jeune)

    response = api_for(jeune).get(f"/api/v1/declarations/{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

    response = api_for(jeune).get("/api/v1/declarations/")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [mine.pk]

    response = api_for(jeune).get(f"/api/v1/declarations/{mine.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == mine.pk


def test_it_hides_another_jeunes_steps_and_weeks_from_a_jeune(
    jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor
) -> None:
    theirs = StepFactory(declaration=DeclarationFactory(beneficiary=other_jeune))
    client = api_for(jeune)

    assert client.patch(f"/api/v1/steps/{theirs.pk}/", {"count": 2}, format="json").status_code == 404
    assert client.delete(f"/api/v1/steps/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/declarations/{theirs.declaration_id}/confirm/").status_code == 404
    assert client.get(f"/api/v1/beneficiaries/{other_jeune.pk}/weeks/", WEEKS_QUERY).status_code == 404
    assert Step.objects.filter(pk=theirs.pk, count=None).exists()

    assert client.get(f"/api/v1/beneficiaries/{jeune.pk}/weeks/", WEEKS_QUERY).status_code == 200


def test_it_lists_what_the_counsellors_portfolio_sent(
    jeune: Beneficiary,
    other_jeune: Beneficiary,
    conseiller: Counsellor,
    conseiller_same_structure_other_portfolio: Counsellor,
    api_for: ApiFor,
) -> None:
    outside = DeclarationFactory(
        beneficiary=conseiller_same_structure_other_portfolio.portfolio.get(), status=Declaration.Status.SUBMITTED
    )
    # A note still processed or being confirmed is the young person's alone.
    unsent = [DeclarationFactory(beneficiary=jeune, status=status) for status in ("received", "to_confirm")]
    submitted = DeclarationFactory(beneficiary=jeune, status=Declaration.Status.SUBMITTED)
    reviewed = DeclarationFactory(beneficiary=other_jeune, status=Declaration.Status.REVIEWED)
    client = api_for(conseiller)

    assert client.get(f"/api/v1/declarations/{outside.pk}/").status_code == 404
    assert client.get(f"/api/v1/declarations/{unsent[1].pk}/").status_code == 404

    response = client.get("/api/v1/declarations/")
    assert response.status_code == 200
    assert {item["id"] for item in response.json()["results"]} == {submitted.pk, reviewed.pk}
    assert client.get(f"/api/v1/declarations/{submitted.pk}/").status_code == 200


def test_it_gives_404_to_a_counsellor_of_another_structure(
    health_step: Step, jeune: Beneficiary, conseiller_other_structure: Counsellor, conseiller: Counsellor,
    api_for: ApiFor,
) -> None:
    client = api_for(conseiller_other_structure)
    declaration_id = health_step.declaration_id

    assert client.get(f"/api/v1/declarations/{declaration_id}/").status_code == 404
    assert client.get("/api/v1/declarations/").json()["results"] == []
    response = client.post(f"/api/v1/steps/{health_step.pk}/review/", {"decision": "validated"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.patch(f"/api/v1/steps/{health_step.pk}/", {"count": 2}, format="json").status_code == 404
    assert client.get(f"/api/v1/beneficiaries/{jeune.pk}/weeks/", WEEKS_QUERY).status_code == 404
    assert not Review.objects.exists()
    health_step.refresh_from_db()
    assert health_step.decision == Step.Decision.PENDING

    assert api_for(conseiller).get(f"/api/v1/declarations/{declaration_id}/").status_code == 200


def test_it_gives_404_to_a_counsellor_of_the_same_structure_outside_the_portfolio(
    health_step: Step, jeune: Beneficiary, conseiller_same_structure_other_portfolio: Counsellor,
    conseiller: Counsellor, api_for: ApiFor,
) -> None:
    client = api_for(conseiller_same_structure_other_portfolio)

    assert client.get(f"/api/v1/declarations/{health_step.declaration_id}/").status_code == 404
    response = client.post(f"/api/v1/steps/{health_step.pk}/review/", {"decision": "validated"}, format="json")
    assert response.status_code == 404
    assert client.patch(f"/api/v1/steps/{health_step.pk}/", {"count": 2}, format="json").status_code == 404
    assert client.get(f"/api/v1/beneficiaries/{jeune.pk}/weeks/", WEEKS_QUERY).status_code == 404
    assert not Review.objects.exists()

    response = api_for(conseiller).get(f"/api/v1/declarations/{health_step.declaration_id}/")
    assert response.status_code == 200
    assert response.json()["steps"][0]["category"] == "SANTE"


def test_it_keeps_declarations_away_from_a_manager(health_step: Step, manager: Manager, api_for: ApiFor) -> None:
    client = api_for(manager)

    response = client.get("/api/v1/declarations/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"

    assert client.get(f"/api/v1/declarations/{health_step.declaration_id}/").status_code == 404

    response = client.post(f"/api/v1/steps/{health_step.pk}/review/", {"decision": "validated"}, format="json")
    assert response.status_code == 404
    assert not Review.objects.exists()
    health_step.refresh_from_db()
    assert health_step.decision == Step.Decision.PENDING


def test_it_forbids_a_jeune_to_review_his_own_step(health_step: Step, jeune: Beneficiary, api_for: ApiFor) -> None:
    response = api_for(jeune).post(f"/api/v1/steps/{health_step.pk}/review/", {"decision": "validated"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    health_step.refresh_from_db()
    assert health_step.decision == Step.Decision.PENDING
    assert not Review.objects.exists()


def test_it_forbids_a_counsellor_to_edit_or_confirm_for_the_jeune(
    health_step: Step, to_confirm_step: Step, conseiller: Counsellor, jeune: Beneficiary, api_for: ApiFor
) -> None:
    client = api_for(conseiller)
    submitted = health_step.declaration

    response = client.patch(f"/api/v1/steps/{health_step.pk}/", {"count": 4}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert client.delete(f"/api/v1/steps/{health_step.pk}/").status_code == 403
    response = client.post(f"/api/v1/declarations/{submitted.pk}/steps/", {"category": "EMPLOI"}, format="json")
    assert response.status_code == 403
    assert client.post(f"/api/v1/declarations/{submitted.pk}/confirm/").status_code == 403
    # Before the young person sends it, the declaration is not the counsellor's to see at all.
    response = client.patch(f"/api/v1/steps/{to_confirm_step.pk}/", {"count": 4}, format="json")
    assert response.status_code == 404
    assert client.post(f"/api/v1/declarations/{to_confirm_step.declaration_id}/confirm/").status_code == 404
    health_step.refresh_from_db()
    assert health_step.count is None
    assert submitted.steps.count() == 1
    assert Declaration.objects.get(pk=to_confirm_step.declaration_id).status == Declaration.Status.TO_CONFIRM

    response = api_for(jeune).patch(f"/api/v1/steps/{to_confirm_step.pk}/", {"count": 4}, format="json")
    assert response.status_code == 200
    assert response.json()["count"] == 4


def test_it_lets_only_the_counsellor_see_the_portfolio_weeks(
    jeune: Beneficiary, conseiller: Counsellor, manager: Manager, api_for: ApiFor
) -> None:
    assert api_for(manager).get(f"/api/v1/beneficiaries/{jeune.pk}/weeks/", WEEKS_QUERY).status_code == 404

    response = api_for(conseiller).get(f"/api/v1/beneficiaries/{jeune.pk}/weeks/", WEEKS_QUERY)
    assert response.status_code == 200
    assert [week["week_start"] for week in response.json()] == [str(date(2026, 1, 5))]
