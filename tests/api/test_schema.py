"""The API describes itself, and its docs page loads from our own static files, not a CDN."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from declarations.models import Beneficiary
from tests.api.conftest import ApiFor


@pytest.mark.django_db
def test_it_serves_the_openapi_schema() -> None:
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    text = response.content.decode()
    assert text.startswith("openapi: 3")
    for path in ("/api/v1/declarations/", "/api/v1/steps/{step_id}/review/", "/api/v1/beneficiaries/"):
        assert path in text


def test_it_serves_the_docs_without_a_cdn(jeune: Beneficiary, api_for: ApiFor) -> None:
    response = api_for(jeune).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    external = [url for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html) if "//" in url]
    assert external == []
    assert not re.search(r"https?://(?!localhost|testserver)[\w.-]+/[^\s\"']*\.(?:js|css)", html)


def test_it_answers_an_unknown_api_path_in_the_error_shape(jeune: Beneficiary, api_for: ApiFor) -> None:
    response = api_for(jeune).get("/api/v1/declaration/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Ressource introuvable."}
