"""Bodies Django or the parser refuse to read are the client's error: a 4xx in the API's error shape.

Each of these answered 500 before: a JSON or form body over DATA_UPLOAD_MAX_MEMORY_SIZE, more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields, more than DATA_UPLOAD_MAX_NUMBER_FILES files, JSON nested deeper
than the parser recurses.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from declarations.models import Beneficiary, Declaration
from tests.api.conftest import ApiFor

URL = "/api/v1/declarations/"


def assert_error(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["code"] == code
    assert body["message"]


def test_a_json_body_over_the_memory_limit_is_a_413(jeune: Beneficiary, api_for: ApiFor, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    payload = {"text": "x" * 20_000, "client_id": str(uuid.uuid4()), "recorded_at": "2026-01-07T18:30:00+01:00"}

    response = api_for(jeune).post(URL, payload, format="json")

    assert_error(response, 413, "request_too_large")
    assert not Declaration.objects.exists()


def test_a_form_with_too_many_fields_is_a_400(jeune: Beneficiary, api_for: ApiFor) -> None:
    fields = "&".join(f"f{k}=1" for k in range(1_100))

    response = api_for(jeune).generic("POST", URL, fields, content_type="application/x-www-form-urlencoded")

    assert_error(response, 400, "too_many_fields")


def test_a_multipart_body_with_too_many_files_is_a_400(jeune: Beneficiary, api_for: ApiFor) -> None:
    boundary = "b0undary"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="f{k}"; filename="a{k}.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nx\r\n"
        for k in range(120)
    )
    body = parts + f"--{boundary}--\r\n"

    response = api_for(jeune).generic("POST", URL, body, content_type=f"multipart/form-data; boundary={boundary}")

    assert_error(response, 400, "too_many_fields")


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_json_is_a_400(jeune: Beneficiary, api_for: ApiFor, depth: int) -> None:
    body = "[" * depth + "]" * depth

    response = api_for(jeune).generic("POST", URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] in {"parse_error", "invalid"}


def test_the_token_endpoint_refuses_an_oversized_body_too(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = Client().post(
        "/api/v1/auth/token/", json.dumps({"username": "u" * 5_000, "password": "p"}), content_type="application/json"
    )

    assert_error(response, 413, "request_too_large")
