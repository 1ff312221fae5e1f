"""No date a client sends gives a 500, anywhere: every date parameter of the API and the pages, and the
dates of a step a young person or a counsellor edits, over the calendar's whole range and beyond.

Property test (hypothesis): dates from year 1 to 9999, their neighbours, malformed strings. Each
answer must be a 2xx or a 4xx in the API's error shape (pages: their own 4xx/200), never a 5xx.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations.models import Beneficiary, Counsellor, Manager
from tests.api.conftest import ApiFor
from tests.factories import DeclarationFactory, StepFactory

EDGES = ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30", "0000-01-01", "10000-01-01", "2026-02-30",
         "-0001-01-01", "2026-13-01", "", "aujourd'hui", "2026-01-01T00:00:00", "2026-W01", "9" * 40]
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(EDGES),
)
HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def no_server_error(response, where: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, (where, response.status_code, response.content[:300])
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert body["code"] and body["message"], (where, body)


@pytest.fixture
def world(jeune: Beneficiary, conseiller: Counsellor, manager: Manager) -> dict[str, object]:
    sent = DeclarationFactory(beneficiary=jeune, status="submitted")
    open_note = DeclarationFactory(beneficiary=jeune, status="to_confirm")
    return {
        "jeune": jeune,
        "submitted_step": StepFactory(declaration=sent),
        "open_step": StepFactory(declaration=open_note),
        "open_note": open_note,
    }


@HYPOTHESIS
@given(start=DATES, end=DATES)
def test_reports_and_weeks_take_any_period(
    world: dict[str, object], jeune: Beneficiary, conseiller: Counsellor, manager: Manager, api_for: ApiFor,
    start: str, end: str,
) -> None:
    period = {"from": start, "to": end}
    no_server_error(api_for(conseiller).get(f"/api/v1/beneficiaries/{jeune.pk}/weeks/", period), "weeks")
    no_server_error(api_for(manager).get("/api/v1/reports/overview/", period), "report api")
    no_server_error(api_for(manager).get("/api/v1/reports/overview/", {**period, "format": "csv"}), "report csv")
    pages = Client()
    pages.force_login(manager.user)
    no_server_error(pages.get("/responsable/", period), "report page")
    no_server_error(pages.get("/responsable/export.csv", period), "report export")


@HYPOTHESIS
@given(week=DATES)
def test_the_queue_takes_any_week(world: dict[str, object], conseiller: Counsellor, week: str) -> None:
    pages = Client()
    pages.force_login(conseiller.user)
    no_server_error(pages.get("/conseiller/", {"week": week}), "queue")
    no_server_error(pages.get("/conseiller/", {"week": week[:7], "status": "reviewed"}), "queue, month-ish")


@HYPOTHESIS
@given(day=DATES)
def test_a_step_takes_any_date_without_a_server_error(
    world: dict[str, object], jeune: Beneficiary, conseiller: Counsellor, api_for: ApiFor, day: str
) -> None:
    open_step = world["open_step"]
    note = world["open_note"]
    submitted = world["submitted_step"]
    young = api_for(jeune)
    no_server_error(young.patch(f"/api/v1/steps/{open_step.pk}/", {"date": day}, format="json"), "patch")  # type: ignore[attr-defined]
    no_server_error(
        young.post(
            f"/api/v1/declarations/{note.pk}/steps/",  # type: ignore[attr-defined]
            {"category": "EMPLOI", "kind": "candidature", "date": day, "status": "done"},
            format="json",
        ),
        "add step",
    )
    no_server_error(
        api_for(conseiller).post(
            f"/api/v1/steps/{submitted.pk}/review/", {"decision": "validated", "date": day}, format="json"  # type: ignore[attr-defined]
        ),
        "review",
    )
    no_server_error(young.post(f"/api/v1/declarations/{note.pk}/confirm/", format="json"), "confirm")  # type: ignore[attr-defined]
    pages = Client()
    pages.force_login(conseiller.user)
    no_server_error(pages.get(f"/conseiller/jeunes/{jeune.pk}/"), "beneficiary page")
