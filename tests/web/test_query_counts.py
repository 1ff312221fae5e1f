"""Pages cost a fixed number of queries whatever the amount of data (small vs larger, same bound)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from declarations import services
from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Step
from tests.factories import BeneficiaryFactory
from tests.web.conftest import MakeDeclaration

pytestmark = pytest.mark.django_db

# The exact counts: the user with their role is one query, the session is read from the cache.
QUEUE_MAX_QUERIES = 3
DECLARATION_MAX_QUERIES = 5
BENEFICIARY_MAX_QUERIES = 4
# 11 until 2026-12-08; one more: the count of notes sent without any step (reports.overview).
# Still the same whatever the data's size (small and larger runs below).
REPORT_MAX_QUERIES = 12

STEPS = [
    ("EMPLOI", "candidature", "j'ai envoyé trois candidatures chez Carrefour"),
    ("EMPLOI", "entretien_embauche", "mercredi j'ai eu un entretien chez Decathlon"),
    ("FORMATION", "atelier", ""),
    ("SANTE", "rendez_vous_medical", ""),
]


def populate(conseiller: Counsellor, make_declaration: MakeDeclaration, *, beneficiaries: int, per_person: int) -> Declaration:
    """Declarations with steps, some decided (each decision adds a Review row to the trail)."""
    people = [BeneficiaryFactory(counsellor=conseiller) for _ in range(beneficiaries)]
    first: Declaration | None = None
    for person in people:
        for index in range(per_person):
            declaration = make_declaration(person, steps=STEPS)
            first = first or declaration
            if index % 2:
                for step in declaration.steps.all()[:2]:
                    services.review_step(step=step, reviewer=conseiller.user, decision=Step.Decision.VALIDATED)
    assert first is not None
    # The declaration page's trail grows with decisions: give the first one a long history (one step
    # stays pending, so the declaration stays open for decisions).
    for step in list(first.steps.all())[:3]:
        for decision in (Step.Decision.REJECTED, Step.Decision.VALIDATED, Step.Decision.VALIDATED):
            services.review_step(
                step=step, reviewer=conseiller.user, decision=decision, comment="Vu avec le jeune."
            )
    return first


@pytest.fixture(params=[(1, 2), (6, 10)], ids=["small", "larger"])
def dataset(
    request: pytest.FixtureRequest, conseiller: Counsellor, make_declaration: MakeDeclaration
) -> Declaration:
    beneficiaries, per_person = request.param
    return populate(conseiller, make_declaration, beneficiaries=beneficiaries, per_person=per_person)


def test_queue_queries(
    client: Client, conseiller: Counsellor, dataset: Declaration,
    django_assert_max_num_queries: type[DjangoAssertNumQueries],
) -> None:
    client.force_login(conseiller.user)
    for params in ({}, {"status": "all", "category": "SANTE", "page": "2"}):
        with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
            response = client.get(reverse("web:queue"), params)
        assert response.status_code == 200


def test_declaration_page_queries(
    client: Client, conseiller: Counsellor, dataset: Declaration,
    django_assert_max_num_queries: type[DjangoAssertNumQueries],
) -> None:
    client.force_login(conseiller.user)
    with django_assert_max_num_queries(DECLARATION_MAX_QUERIES):
        response = client.get(reverse("web:declaration", args=[dataset.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Vu avec le jeune.") == 9


def test_beneficiary_page_queries(
    client: Client, conseiller: Counsellor, dataset: Declaration,
    django_assert_max_num_queries: type[DjangoAssertNumQueries],
) -> None:
    client.force_login(conseiller.user)
    with django_assert_max_num_queries(BENEFICIARY_MAX_QUERIES):
        response = client.get(reverse("web:beneficiary", args=[dataset.beneficiary_id]))
    assert response.status_code == 200


def test_report_page_and_api_queries(
    client: Client, manager: Manager, dataset: Declaration, jeune: Beneficiary,
    django_assert_max_num_queries: type[DjangoAssertNumQueries],
) -> None:
    client.force_login(manager.user)
    for url in (reverse("web:report"), reverse("web:report-csv"), reverse("reports-overview")):
        with django_assert_max_num_queries(REPORT_MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url
