"""A step's date must fit its status and its note's recording day: done within the year before the
recording, planned within the year after — on create, correction and review alike (400
step_date_out_of_range, French message); before, a done step dated next year or in year 1 was stored
and then broke confirmation and reports."""

from __future__ import annotations

import pytest

from declarations.models import Beneficiary, Counsellor, Step
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory

# DeclarationFactory records on 2026-01-07


@pytest.fixture
def open_step(jeune: Beneficiary) -> Step:
    return StepFactory(declaration=DeclarationFactory(beneficiary=jeune, status="to_confirm"))


@pytest.fixture
def sent_step(jeune: Beneficiary) -> Step:
    return StepFactory(declaration=DeclarationFactory(beneficiary=jeune, status="submitted"))


def refused(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "step_date_out_of_range"
    return str(body["message"])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"date": "2027-01-07"}, "réalisée ne peut pas être datée après"),
        ({"date": "0001-01-01"}, "plus d'un an avant"),
        ({"date": "2025-01-01"}, "plus d'un an avant"),
        ({"date": "2028-01-01", "status": "planned"}, "plus d'un an après"),
    ],
)
def test_a_young_person_cannot_give_a_step_an_implausible_date(
    open_step: Step, jeune: Beneficiary, api_for: ApiFor, changes: dict[str, str], reason: str
) -> None:
    assert reason in refused(api_for(jeune).patch(f"/api/v1/steps/{open_step.pk}/", changes, format="json"))
    open_step.refresh_from_db()
    assert str(open_step.date) != changes["date"]


def test_plausible_dates_are_accepted_done_before_and_planned_after(
    open_step: Step, jeune: Beneficiary, api_for: ApiFor
) -> None:
    client = api_for(jeune)
    assert client.patch(f"/api/v1/steps/{open_step.pk}/", {"date": "2026-01-05"}, format="json").status_code == 200
    response = client.patch(f"/api/v1/steps/{open_step.pk}/", {"date": "2026-01-12", "status": "planned"}, format="json")
    assert response.status_code == 200
    assert response.json()["date"] == "2026-01-12"


def test_a_new_step_and_a_review_are_held_to_the_same_rule(
    open_step: Step, sent_step: Step, jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    refused(
        api_for(jeune).post(
            f"/api/v1/declarations/{open_step.declaration_id}/steps/",
            {"category": "EMPLOI", "kind": "candidature", "status": "done", "date": "2026-06-01"},
            format="json",
        )
    )
    refused(
        api_for(conseiller).post(
            f"/api/v1/steps/{sent_step.pk}/review/", {"decision": "validated", "date": "1999-12-31"}, format="json"
        )
    )
    sent_step.refresh_from_db()
    assert sent_step.decision == "pending"  # nothing decided
