"""Who may open what: anonymous people log in first; each role only reaches its own pages (403), and
objects outside one's reach do not exist (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Structure
from tests.web.conftest import MakeDeclaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def declaration(jeune: Beneficiary, make_declaration: MakeDeclaration) -> Declaration:
    return make_declaration(jeune)


def counsellor_urls(declaration: Declaration) -> list[str]:
    return [
        reverse("web:queue"),
        reverse("web:declaration", args=[declaration.pk]),
        reverse("web:declaration-audio", args=[declaration.pk]),
        reverse("web:beneficiary", args=[declaration.beneficiary_id]),
    ]


MANAGER_URLS = [reverse("web:report"), reverse("web:report-csv")]


def test_anonymous_people_are_sent_to_the_login_page(client: Client, declaration: Declaration) -> None:
    for url in ["/", *counsellor_urls(declaration), *MANAGER_URLS]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('login')}?next="), url


def test_anonymous_posts_change_nothing(client: Client, declaration: Declaration) -> None:
    step = declaration.steps.first()
    assert step is not None
    response = client.post(reverse("web:review-step", args=[declaration.pk, step.pk]), {})
    assert response.status_code == 302
    response = client.post(reverse("web:validate-remaining", args=[declaration.pk]))
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.decision == "pending"


def test_the_login_page_is_in_french(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert '<label for="id_username">Identifiant</label>' in html


def test_a_manager_cannot_open_counsellor_pages(client: Client, manager: Manager, declaration: Declaration) -> None:
    client.force_login(manager.user)
    for url in counsellor_urls(declaration):
        assert client.get(url).status_code == 403, url
    step = declaration.steps.first()
    assert step is not None
    response = client.post(reverse("web:review-step", args=[declaration.pk, step.pk]), {})
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_a_young_person_cannot_open_counsellor_or_manager_pages(
    client: Client, jeune: Beneficiary, declaration: Declaration
) -> None:
    client.force_login(jeune.user)
    for url in [*counsellor_urls(declaration), *MANAGER_URLS]:
        assert client.get(url).status_code == 403, url


def test_a_counsellor_cannot_open_manager_pages(client: Client, conseiller: Counsellor) -> None:
    client.force_login(conseiller.user)
    for url in MANAGER_URLS:
        assert client.get(url).status_code == 403, url


def test_a_manager_is_sent_from_the_root_to_the_report(client: Client, manager: Manager) -> None:
    client.force_login(manager.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:report")


def test_a_manager_cannot_report_on_another_structure(
    client: Client, manager: Manager, other_structure: Structure
) -> None:
    client.force_login(manager.user)
    assert client.get(reverse("web:report"), {"structure": other_structure.pk}).status_code == 404
    assert client.get(reverse("web:report-csv"), {"structure": other_structure.pk}).status_code == 404


def test_reports_api_is_for_managers_only(
    conseiller: Counsellor, jeune: Beneficiary, manager: Manager, other_structure: Structure
) -> None:
    url = reverse("reports-overview")
    assert APIClient().get(url).status_code == 401
    for user in (conseiller.user, jeune.user):
        api = APIClient()
        api.force_authenticate(user)
        response = api.get(url)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert api.get(url, {"format": "csv"}).status_code == 403

    api = APIClient()
    api.force_authenticate(manager.user)
    response = api.get(url, {"structure": other_structure.pk})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get(url).status_code == 200


def test_reports_api_accepts_the_session_of_the_web_pages(client: Client, manager: Manager) -> None:
    client.force_login(manager.user)
    assert client.get(reverse("reports-overview")).status_code == 200


def test_logging_out_leads_back_to_the_login_page(client: Client, conseiller: Counsellor) -> None:
    client.force_login(conseiller.user)
    page = client.get(reverse("web:queue")).content.decode()
    assert '<form method="post" action="/accounts/logout/"' in page
    assert 'name="next" value="/accounts/login/"' in page
    response = client.post("/accounts/logout/", {"next": reverse("login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("web:queue")).status_code == 302
