"""JWT authentication: the app's only way in, and one error shape when it fails."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from declarations.models import Beneficiary
from tests.factories import DEMO_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
REFRESH_URL = "/api/v1/auth/token/refresh/"
DECLARATIONS_URL = "/api/v1/declarations/"


def obtain_tokens(username: str, password: str) -> tuple[int, dict[str, str]]:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_it_rejects_a_request_without_token() -> None:
    response = APIClient().get(DECLARATIONS_URL)
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "Authentification requise."}


@pytest.mark.django_db
def test_it_rejects_a_bad_token() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
    response = client.get(DECLARATIONS_URL)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["message"] == "Identifiants invalides ou session expirée."
    assert "Traceback" not in response.content.decode()


def test_it_rejects_a_token_with_a_forged_signature(jeune: Beneficiary) -> None:
    access = str(RefreshToken.for_user(jeune.user).access_token)
    header, payload, signature = access.split(".")
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION=f"Bearer {header}.{payload}.{signature[::-1]}")
    response = forged.get(DECLARATIONS_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"

    genuine = APIClient()
    genuine.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert genuine.get(DECLARATIONS_URL).status_code == 200


def test_it_obtains_tokens_with_username_and_password(jeune: Beneficiary) -> None:
    status, body = obtain_tokens("jeune1", DEMO_PASSWORD)
    assert status == 200
    assert set(body) == {"access", "refresh"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert client.get(DECLARATIONS_URL).status_code == 200


def test_it_refuses_a_wrong_password_in_french(jeune: Beneficiary) -> None:
    status, body = obtain_tokens("jeune1", "wrong-password")
    assert status == 401
    assert body["code"] == "authentication_failed"
    assert body["message"] == "Identifiants invalides ou session expirée."
    assert "access" not in body


def test_it_refreshes_an_access_token(jeune: Beneficiary) -> None:
    _, tokens = obtain_tokens("jeune1", DEMO_PASSWORD)
    response = APIClient().post(REFRESH_URL, {"refresh": "not-a-token"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"

    response = APIClient().post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    access = response.json()["access"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get(DECLARATIONS_URL).status_code == 200
