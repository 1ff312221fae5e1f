"""France Travail démarche codes follow a step when a young person changes what it is."""

from __future__ import annotations

from declarations.models import Beneficiary, Step
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory


def test_changing_the_kind_of_a_step_changes_its_demarche_codes(jeune: Beneficiary, api_for: ApiFor) -> None:
    step = StepFactory(
        declaration=DeclarationFactory(beneficiary=jeune),
        evidence="j'ai cherché des offres sur Indeed",
        demarche_pourquoi="P03",
        demarche_quoi="Q14",
    )
    response = api_for(jeune).patch(f"/api/v1/steps/{step.pk}/", {"kind": "recherche_offres"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["demarche_pourquoi"], body["demarche_quoi"], body["demarche_comment"]) == (
        "P03",
        "Q12",
        "C12.02",
    )
    step.refresh_from_db()
    assert (step.demarche_quoi, step.demarche_comment) == ("Q12", "C12.02")


def test_a_step_added_by_hand_gets_codes(jeune: Beneficiary, api_for: ApiFor) -> None:
    declaration = DeclarationFactory(beneficiary=jeune)
    payload = {"category": "EMPLOI", "kind": "entretien_embauche", "organization": "Lidl"}
    response = api_for(jeune).post(f"/api/v1/declarations/{declaration.pk}/steps/", payload, format="json")

    assert response.status_code == 201, response.content
    step = Step.objects.get(pk=response.json()["id"])
    assert (step.demarche_pourquoi, step.demarche_quoi, step.demarche_comment) == ("P04", "Q18", "C18.03")
