"""Abuse limits: too many uploads, or too many wrong passwords from one address, get 429 with
Retry-After in the API's shape — and nobody can lock someone else out of their account."""

from __future__ import annotations

import uuid

import pytest
from django.http import HttpResponse
from pytest_django import Settings
from rest_framework.test import APIClient

from declarations.models import Beneficiary, Counsellor, Declaration
from tests.api.conftest import ApiFor
from tests.factories import DEMO_PASSWORD

UPLOAD_URL = "/api/v1/declarations/"
TOKEN_URL = "/api/v1/auth/token/"
THROTTLED = {"code": "throttled", "message": "Trop de requêtes. Réessayez dans quelques instants."}


@pytest.fixture
def rates(settings: Settings) -> dict[str, str]:
    rates = {"uploads": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    return rates


def upload(client: APIClient) -> int:
    payload = {
        "text": "Lundi j'ai envoyé un CV.",
        "client_id": str(uuid.uuid4()),
        "recorded_at": "2026-01-05T18:00:00+01:00",
    }
    return client.post(UPLOAD_URL, payload, format="json").status_code


def login(username: str, password: str, address: str = "203.0.113.7") -> tuple[int, object, str | None]:
    response = APIClient(REMOTE_ADDR=address).post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )
    return response.status_code, response.json(), response.headers.get("Retry-After")


def test_it_throttles_uploads_per_person_with_retry_after(
    rates: dict[str, str], jeune: Beneficiary, other_jeune: Beneficiary, api_for: ApiFor
) -> None:
    client = api_for(jeune)
    assert [upload(client), upload(client)] == [202, 202]

    response = client.post(
        UPLOAD_URL,
        {
            "text": "Mardi j'ai appelé France Travail.",
            "client_id": str(uuid.uuid4()),
            "recorded_at": "2026-01-06T18:00:00+01:00",
        },
        format="json",
    )
    assert response.status_code == 429
    assert response.json() == THROTTLED
    assert 0 < int(response.headers["Retry-After"]) <= 3601  # rounded up
    assert Declaration.objects.filter(beneficiary=jeune).count() == 2

    # Reading one's declarations is not an upload; another young person has their own allowance.
    assert client.get(UPLOAD_URL).status_code == 200
    assert upload(api_for(other_jeune)) == 202


@pytest.fixture
def limits(settings: Settings) -> None:
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS = 3
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 10
    settings.LOGIN_FAILURE_WINDOW_S = 900


ATTACKER, PHONE, OFFICE = "203.0.113.7", "198.51.100.1", "192.0.2.44"


def test_an_address_that_guesses_one_account_is_stopped_with_retry_after(limits: None, jeune: Beneficiary) -> None:
    for _ in range(3):
        assert login("jeune1", "wrong-password", ATTACKER)[0] == 401

    status, body, retry_after = login("JEUNE1 ", DEMO_PASSWORD, ATTACKER)
    assert status == 429
    assert body == THROTTLED
    assert retry_after is not None and 0 < int(retry_after) <= 901


def test_guessing_never_locks_the_real_person_out(limits: None, jeune: Beneficiary) -> None:
    # Somebody else fails ten times on this account, from several addresses: the account is not locked.
    for n in range(10):
        login("jeune1", "wrong-password", f"203.0.113.{n + 10}")

    status, body, _ = login("jeune1", DEMO_PASSWORD, PHONE)

    assert status == 200
    assert set(body) == {"access", "refresh"}  # type: ignore[arg-type]


def test_a_correct_password_clears_that_addresss_failures_for_the_account(limits: None, jeune: Beneficiary) -> None:
    for _ in range(2):
        assert login("jeune1", "wrong-password", PHONE)[0] == 401
    assert login("jeune1", DEMO_PASSWORD, PHONE)[0] == 200  # typo twice, then right

    for _ in range(2):
        assert login("jeune1", "wrong-password", PHONE)[0] == 401
    assert login("jeune1", DEMO_PASSWORD, PHONE)[0] == 200  # the earlier two were forgotten


def test_an_address_guessing_many_accounts_is_stopped_but_others_are_not(
    limits: None, jeune: Beneficiary, other_jeune: Beneficiary
) -> None:
    for n in range(10):
        assert login(f"someone{n}", "guess", ATTACKER)[0] == 401

    assert login("jeune2", DEMO_PASSWORD, ATTACKER)[0] == 429
    assert login("jeune2", DEMO_PASSWORD, OFFICE)[0] == 200


def test_default_limits_come_from_settings(settings: Settings) -> None:
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["uploads"] == "30/hour"
    assert settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS == 5
    assert settings.LOGIN_MAX_FAILURES_PER_ADDRESS == 50
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")  # isolated per test


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_staff_and_admin_login_pages_have_the_same_limits(
    limits: None, conseiller: Counsellor, jeune: Beneficiary, url: str
) -> None:
    from django.test import Client

    if url.startswith("/admin/"):  # the admin's page takes staff accounts only
        conseiller.user.is_staff = True
        conseiller.user.save(update_fields=["is_staff"])

    def web_login(username: str, password: str, address: str) -> HttpResponse:
        return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})

    for _ in range(3):
        assert web_login("conseiller", "wrong-password", ATTACKER).status_code == 200  # the form again

    response = web_login("conseiller", DEMO_PASSWORD, ATTACKER)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Trop de mots de passe incorrects depuis cette connexion" in page
    assert "Votre compte n'est pas bloqué" in page
    assert 0 < int(response["Retry-After"]) <= 901
    assert "_auth_user_id" not in response.wsgi_request.session

    # The counsellor, from the office, logs in as usual.
    assert web_login("conseiller", DEMO_PASSWORD, OFFICE).status_code == 302
