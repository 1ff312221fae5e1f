"""A counsellor decides on each step of a submitted declaration; every decision is kept for good."""

from __future__ import annotations

from decimal import Decimal

import pytest

from declarations.models import AppendOnlyError, Beneficiary, Counsellor, Declaration, Review, Step
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory


@pytest.fixture
def submitted(jeune: Beneficiary) -> Declaration:
    return DeclarationFactory(beneficiary=jeune, status=Declaration.Status.SUBMITTED)


@pytest.fixture
def step(submitted: Declaration) -> Step:
    return StepFactory(declaration=submitted)


def review_url(step: Step) -> str:
    return f"/api/v1/steps/{step.pk}/review/"


def test_it_validates_a_step(step: Step, jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor) -> None:
    assert api_for(jeune).post(review_url(step), {"decision": "validated"}, format="json").status_code == 403

    response = api_for(conseiller).post(review_url(step), {"decision": "validated"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "validated"
    assert body["review"]["decision"] == "validated"
    assert (body["review"]["reviewer"], body["review"]["reviewer_role"]) == ("Claire Martin", "conseiller")
    assert body["review"]["changes"] == {}

    step.refresh_from_db()
    assert step.decision == Step.Decision.VALIDATED
    assert step.decided_by == conseiller.user
    assert step.decided_at is not None
    review = Review.objects.get()
    assert (review.step, review.reviewer, review.decision) == (step, conseiller.user, "validated")
    assert review.changes == {}


def test_it_records_a_category_correction(step: Step, conseiller: Counsellor, api_for: ApiFor) -> None:
    payload = {"decision": "validated", "category": "CITOYENNETE", "kind": "permis_conduire"}
    response = api_for(conseiller).post(review_url(step), payload, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["category"] == "CITOYENNETE"
    assert body["kind"] == "permis_conduire"
    assert Decimal(body["hours"]) == Decimal(2)
    changes = body["review"]["changes"]
    assert set(changes) == {"category", "kind", "hours"}
    assert changes["category"] == ["EMPLOI", "CITOYENNETE"]
    assert changes["kind"] == ["candidature", "permis_conduire"]
    assert [Decimal(hours) for hours in changes["hours"]] == [Decimal(3), Decimal(2)]

    step.refresh_from_db()
    assert (step.category, step.kind, step.hours) == ("CITOYENNETE", "permis_conduire", Decimal(2))
    assert Review.objects.get().changes == changes


def test_it_uses_hours_given_by_the_counsellor(step: Step, conseiller: Counsellor, api_for: ApiFor) -> None:
    payload = {"decision": "validated", "category": "FORMATION", "kind": "formation", "hours": "1.5"}
    response = api_for(conseiller).post(review_url(step), payload, format="json")
    assert response.status_code == 200
    assert Decimal(response.json()["hours"]) == Decimal("1.5")
    step.refresh_from_db()
    assert step.hours == Decimal("1.5")


def test_it_requires_a_comment_to_reject(step: Step, conseiller: Counsellor, api_for: ApiFor) -> None:
    client = api_for(conseiller)

    for payload in ({"decision": "rejected"}, {"decision": "rejected", "comment": "   "}):
        response = client.post(review_url(step), payload, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "comment_required"
        assert response.json()["message"] == "Un commentaire est obligatoire pour refuser une démarche."
    step.refresh_from_db()
    assert step.decision == Step.Decision.PENDING
    assert not Review.objects.exists()

    payload = {"decision": "rejected", "comment": "Pas de candidature envoyée cette semaine-là."}
    response = client.post(review_url(step), payload, format="json")
    assert response.status_code == 200
    assert response.json()["decision"] == "rejected"
    assert response.json()["review"]["comment"] == payload["comment"]
    step.refresh_from_db()
    assert step.decision == Step.Decision.REJECTED
    assert Review.objects.get().comment == payload["comment"]


def test_it_marks_the_declaration_reviewed_when_every_step_is_decided(
    submitted: Declaration, step: Step, conseiller: Counsellor, api_for: ApiFor
) -> None:
    second = StepFactory(
        declaration=submitted, position=1, category="SANTE", kind="rendez_vous_medical", hours=2
    )
    client = api_for(conseiller)

    assert client.post(review_url(step), {"decision": "validated"}, format="json").status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == Declaration.Status.SUBMITTED
    assert submitted.reviewed_at is None

    payload = {"decision": "rejected", "comment": "Rendez-vous annulé."}
    assert client.post(review_url(second), payload, format="json").status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == Declaration.Status.REVIEWED
    assert submitted.reviewed_at is not None

    response = client.get(f"/api/v1/declarations/{submitted.pk}/")
    assert response.json()["status"] == "reviewed"
    assert [item["decision"] for item in response.json()["steps"]] == ["validated", "rejected"]


def test_it_hides_a_declaration_still_to_confirm_from_the_counsellor(
    jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    # Until the young person sends it, the declaration is theirs alone: 404, not a 409 that would
    # tell the counsellor it exists.
    step = StepFactory(declaration=DeclarationFactory(beneficiary=jeune))

    response = api_for(conseiller).post(review_url(step), {"decision": "validated"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    step.refresh_from_db()
    assert step.decision == Step.Decision.PENDING
    assert not Review.objects.exists()


def test_it_refuses_a_second_review_once_the_declaration_is_reviewed(
    step: Step, conseiller: Counsellor, api_for: ApiFor
) -> None:
    client = api_for(conseiller)
    assert client.post(review_url(step), {"decision": "validated"}, format="json").status_code == 200

    payload = {"decision": "rejected", "comment": "Finalement non."}
    response = client.post(review_url(step), payload, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "declaration_not_reviewable"
    assert Review.objects.count() == 1
    step.refresh_from_db()
    assert step.decision == Step.Decision.VALIDATED


def test_it_refuses_an_unknown_decision(step: Step, conseiller: Counsellor, api_for: ApiFor) -> None:
    response = api_for(conseiller).post(review_url(step), {"decision": "pending"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "decision" in response.json()["details"]
    assert not Review.objects.exists()


def test_it_never_rewrites_a_review(step: Step, conseiller: Counsellor) -> None:
    review = Review.objects.create(step=step, reviewer=conseiller.user, decision="validated")

    review.comment = "réécrit"
    with pytest.raises(AppendOnlyError):
        review.save()
    with pytest.raises(AppendOnlyError):
        review.delete()

    stored = Review.objects.get(pk=review.pk)
    assert stored.comment == ""


def test_a_refusal_gives_a_reason_from_the_list_and_only_other_needs_a_comment(
    jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor
) -> None:
    from tests.factories import DeclarationFactory, StepFactory

    note = DeclarationFactory(beneficiary=jeune, status="submitted")
    twice, vague, unknown = (StepFactory(declaration=note, position=i) for i in range(3))
    staff = api_for(conseiller)

    assert (
        staff.post(
            f"/api/v1/steps/{vague.pk}/review/", {"decision": "rejected", "reason": "other"}, format="json"
        ).json()["code"]
        == "comment_required"
    )
    assert (
        staff.post(
            f"/api/v1/steps/{unknown.pk}/review/", {"decision": "rejected", "reason": "bof"}, format="json"
        ).status_code
        == 400
    )

    done = staff.post(
        f"/api/v1/steps/{twice.pk}/review/",
        {"decision": "rejected", "reason": "already_declared"},
        format="json",
    )

    assert done.status_code == 200, done.content
    assert (done.json()["review"]["reason"], done.json()["review"]["reason_label"]) == (
        "already_declared",
        "déjà déclarée",
    )
    # a comment alone, as clients sent before reasons existed, is the reason "other"
    legacy = staff.post(
        f"/api/v1/steps/{vague.pk}/review/",
        {"decision": "rejected", "comment": "Quelle entreprise ?"},
        format="json",
    )
    assert legacy.json()["review"]["reason"] == "other"
    seen = api_for(jeune).get(f"/api/v1/declarations/{note.pk}/").json()["steps"][0]["review"]
    assert seen["reason_label"] == "déjà déclarée"
