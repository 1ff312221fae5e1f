"""Abuse limits: too many uploads or password attempts get 429 with Retry-After, in the API's shape."""

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
    rates = {"uploads": "2/hour", "login": "3/minute", "login_ip": "1000/minute"}
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


def test_it_throttles_password_attempts_per_account(rates: dict[str, str], jeune: Beneficiary) -> None:
    for address in ("203.0.113.7", "198.51.100.1", "192.0.2.44"):
        status, body, _ = login("jeune1", "wrong-password", address)
        assert status == 401

    # Changing address does not help, and neither does the right password until the wait is over.
    status, body, retry_after = login("JEUNE1 ", DEMO_PASSWORD, "192.0.2.99")
    assert status == 429
    assert body == THROTTLED
    assert retry_after is not None and 0 < int(retry_after) <= 61


def test_it_keeps_other_accounts_open_while_one_is_throttled(
    rates: dict[str, str], jeune: Beneficiary, other_jeune: Beneficiary
) -> None:
    for _ in range(3):
        login("jeune1", "wrong-password")
    assert login("jeune1", DEMO_PASSWORD)[0] == 429

    status, body, _ = login("jeune2", DEMO_PASSWORD)
    assert status == 200
    assert set(body) == {"access", "refresh"}  # type: ignore[arg-type]


def test_it_throttles_password_attempts_per_address(settings: Settings, jeune: Beneficiary) -> None:
    rates = {"uploads": "30/hour", "login": "1000/minute", "login_ip": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    assert login("alice", "guess")[0] == 401
    assert login("bob", "guess")[0] == 401

    status, body, retry_after = login("jeune1", DEMO_PASSWORD)
    assert status == 429
    assert body == THROTTLED
    assert retry_after is not None

    assert login("jeune1", DEMO_PASSWORD, address="198.51.100.1")[0] == 200


def test_default_rates_come_from_settings(settings: Settings) -> None:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["uploads"] == "30/hour"
    assert rates["login"] == "10/minute"
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")  # isolated per test


def test_the_staff_login_page_has_the_same_limits(
    rates: dict[str, str], conseiller: Counsellor, jeune: Beneficiary
) -> None:
    from django.test import Client

    def web_login(password: str, address: str) -> HttpResponse:
        return Client(REMOTE_ADDR=address).post(
            "/accounts/login/", {"username": "conseiller", "password": password}
        )

    for address in ("203.0.113.7", "198.51.100.1", "192.0.2.44"):
        assert web_login("wrong-password", address).status_code == 200  # the form again, with its error

    response = web_login(DEMO_PASSWORD, "192.0.2.99")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion. Réessayez dans 1 minute." in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 61
    assert "_auth_user_id" not in response.wsgi_request.session

    # Another account is not affected.
    other = Client(REMOTE_ADDR="192.0.2.99").post(
        "/accounts/login/", {"username": "jeune1", "password": DEMO_PASSWORD}
    )
    assert other.status_code == 302
