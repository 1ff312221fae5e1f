"""JWT for the app: a refresh token works once (rotation), and logout blacklists it."""

from __future__ import annotations

from rest_framework.test import APIClient

from declarations.models import Beneficiary
from tests.factories import DEMO_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
REFRESH_URL = "/api/v1/auth/token/refresh/"
LOGOUT_URL = "/api/v1/auth/logout/"


def tokens_for(username: str) -> dict[str, str]:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def refresh(token: str) -> tuple[int, dict[str, str]]:
    response = APIClient().post(REFRESH_URL, {"refresh": token}, format="json")
    return response.status_code, response.json()


def logout(token: object) -> int:
    return APIClient().post(LOGOUT_URL, {"refresh": token}, format="json").status_code


def test_it_refuses_to_log_out_without_a_valid_refresh_token(jeune: Beneficiary) -> None:
    assert APIClient().post(LOGOUT_URL, {}, format="json").status_code == 400
    assert logout("not-a-token") == 401
    access = tokens_for("jeune1")["access"]
    assert logout(access) == 401  # an access token is not a refresh token


def test_it_blacklists_the_refresh_token_on_logout(jeune: Beneficiary) -> None:
    tokens = tokens_for("jeune1")

    assert logout(tokens["refresh"]) == 204

    status, body = refresh(tokens["refresh"])
    assert status == 401
    assert body["code"] == "authentication_failed"
    assert logout(tokens["refresh"]) == 401


def test_logging_out_on_one_phone_keeps_another_session(jeune: Beneficiary) -> None:
    phone, tablet = tokens_for("jeune1"), tokens_for("jeune1")
    assert logout(phone["refresh"]) == 204
    assert refresh(tablet["refresh"])[0] == 200


def test_it_rotates_the_refresh_token(jeune: Beneficiary) -> None:
    first = tokens_for("jeune1")["refresh"]

    status, body = refresh(first)
    assert status == 200
    second = body["refresh"]
    assert second != first

    # The used token is spent: replaying it (a stolen copy) fails; the new one works once in turn.
    status, body = refresh(first)
    assert status == 401
    assert body["code"] == "authentication_failed"
    status, body = refresh(second)
    assert status == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert client.get("/api/v1/declarations/").status_code == 200
