"""Headers and logs: nothing personal cached, a CSP with no inline script, refused requests logged in
one line, an erased person's session gone, spreadsheet formulas neutralised in exports."""

from __future__ import annotations

import csv
import io
import logging
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from declarations.models import Beneficiary, Counsellor, Manager
from declarations.privacy import erase_beneficiary
from tests.api.conftest import ApiFor
from tests.factories import DEMO_PASSWORD, DeclarationFactory, StepFactory


@pytest.fixture
def pages(conseiller: Counsellor, jeune: Beneficiary) -> list[str]:
    declaration = DeclarationFactory(beneficiary=jeune, status="submitted")
    StepFactory(declaration=declaration)
    return [
        reverse("web:queue"),
        reverse("web:declaration", args=[declaration.pk]),
        reverse("web:beneficiary", args=[jeune.pk]),
    ]


def test_every_page_and_api_answer_is_no_store_with_a_strict_csp(
    pages: list[str], conseiller: Counsellor, jeune: Beneficiary, api_for: ApiFor
) -> None:
    client = Client()
    client.force_login(conseiller.user)
    responses = [client.get(url) for url in pages]
    responses.append(api_for(jeune).get("/api/v1/declarations/"))
    responses.append(Client().get(reverse("login")))

    for response in responses:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_page_holds_an_inline_script_handler_or_style(pages: list[str], conseiller: Counsellor) -> None:
    client = Client()
    client.force_login(conseiller.user)
    for url in [*pages, reverse("login")]:
        html = client.get(url).content.decode()
        # every script is a file (a json_script data block is not code, and no browser runs it)
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no onclick= and the like
        assert " style=" not in html, url


def test_the_api_docs_keep_scripts_to_files(db: None) -> None:
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())


def test_a_refused_page_is_logged_in_one_line(jeune: Beneficiary, conseiller: Counsellor) -> None:
    console = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    captured = io.StringIO()
    previous = console.setStream(captured)
    try:
        client = Client()
        client.force_login(jeune.user)  # a young person on a counsellor's page
        assert client.get(reverse("web:queue")).status_code == 403
    finally:
        console.setStream(previous)

    lines = [line for line in captured.getvalue().splitlines() if line.strip()]
    assert any("Forbidden" in line for line in lines), lines
    assert "Traceback" not in captured.getvalue()
    assert len(lines) == 1


def test_erasing_a_person_ends_their_sessions(jeune: Beneficiary, conseiller: Counsellor) -> None:
    client = Client()
    assert client.login(username="jeune1", password=DEMO_PASSWORD)
    other = Client()
    assert other.login(username="conseiller", password=DEMO_PASSWORD)
    assert Session.objects.count() == 2

    erase_beneficiary(beneficiary=jeune, requested_by=conseiller.user)

    assert Session.objects.count() == 1  # the counsellor's own session stays
    assert other.get(reverse("web:queue")).status_code == 200


def test_csv_cells_that_would_run_as_formulas_are_neutralised(manager: Manager, conseiller: Counsellor) -> None:
    conseiller.user.first_name = '=HYPERLINK("http://exemple.invalid","clic")'
    conseiller.user.last_name = ""
    conseiller.user.save(update_fields=["first_name", "last_name"])
    client = Client()
    client.force_login(manager.user)

    response = client.get(reverse("web:report-csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in {"=", "+", "@"}], cells
    assert any(c.startswith("'") and "HYPERLINK" in c for c in cells)
