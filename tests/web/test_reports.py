"""The managers' report: figures computed in SQL, the page, the CSV export and the API."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from declarations import reports
from declarations.hours import PARIS
from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Step, Structure
from tests.web.conftest import MakeDeclaration

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 1, 5)  # CEJ week 2026-W02
AT = datetime(2026, 1, 6, 10, 0, tzinfo=PARIS)
SIX_CANDIDATURES = [("EMPLOI", "candidature", "")] * 6


def decide(declaration: Declaration, *decisions: str, reviewed_after: timedelta | None = None) -> None:
    for step, decision in zip(declaration.steps.order_by("position"), decisions, strict=False):
        step.decision = decision
        step.save(update_fields=["decision"])
    if reviewed_after is not None:
        declaration.status = Declaration.Status.REVIEWED
        assert declaration.submitted_at is not None
        declaration.reviewed_at = declaration.submitted_at + reviewed_after
        declaration.save(update_fields=["status", "reviewed_at"])


@pytest.fixture
def programme(
    structure: Structure,
    conseiller: Counsellor,
    jeune: Beneficiary,
    other_jeune: Beneficiary,
    colleague_jeune: Beneficiary,
    jeune_other_structure: Beneficiary,
    make_declaration: MakeDeclaration,
) -> dict[str, Declaration]:
    """Week 2026-W02 in Lyon: jeune reaches 18 h validated; other_jeune has one step validated, one
    rejected and a pending health step; the colleague's young person waits. Grenoble is elsewhere."""
    full = make_declaration(jeune, steps=SIX_CANDIDATURES, recorded_at=AT, submitted_at=AT)
    decide(full, *[Step.Decision.VALIDATED] * 6, reviewed_after=timedelta(hours=2))
    mixed = make_declaration(other_jeune, recorded_at=AT, submitted_at=AT)
    decide(mixed, Step.Decision.VALIDATED, Step.Decision.REJECTED, reviewed_after=timedelta(hours=10))
    health = make_declaration(
        other_jeune,
        transcript="Jeudi j'ai vu le psychiatre pour ma dépression.",
        steps=[("SANTE", "rendez_vous_medical", "j'ai vu le psychiatre pour ma dépression")],
        recorded_at=AT + timedelta(days=2),
        submitted_at=AT + timedelta(days=2),
    )
    waiting = make_declaration(colleague_jeune, recorded_at=AT, submitted_at=AT)
    elsewhere = make_declaration(jeune_other_structure, recorded_at=AT, submitted_at=AT)
    decide(elsewhere, Step.Decision.REJECTED, Step.Decision.REJECTED, reviewed_after=timedelta(hours=1))
    return {"full": full, "mixed": mixed, "health": health, "waiting": waiting, "elsewhere": elsewhere}


def test_overview_figures(structure: Structure, programme: dict[str, Declaration]) -> None:
    overview = reports.overview(structures=[structure], start=MONDAY, end=MONDAY)

    assert (overview.start, overview.end) == (MONDAY, MONDAY + timedelta(days=6))
    assert overview.declarations_received == 4
    assert overview.declarations_by_status == {"reviewed": 2, "submitted": 2}
    assert overview.steps == 11
    assert (overview.steps_validated, overview.steps_rejected, overview.steps_pending) == (7, 1, 3)
    assert overview.validation_rate == pytest.approx(7 / 8)
    assert overview.rejection_rate == pytest.approx(1 / 8)
    assert overview.validated_hours == Decimal(21)
    assert overview.median_review_hours == pytest.approx(6)  # 2 h and 10 h
    by_category = {row.category: row for row in overview.categories}
    assert (by_category["EMPLOI"].steps, by_category["EMPLOI"].validated) == (10, 7)
    assert (by_category["SANTE"].steps, by_category["SANTE"].pending) == (1, 1)
    assert overview.beneficiaries == 3
    assert (overview.beneficiary_weeks, overview.beneficiary_weeks_reaching_target) == (3, 1)
    assert overview.target_share == pytest.approx(1 / 3)
    [week] = overview.weeks
    assert (week.week, week.declarations, week.beneficiaries_reaching_target) == ("2026-W02", 4, 1)
    workload = {row.name: row for row in overview.counsellors}
    assert workload["Claire Martin"].pending_declarations == 1
    assert workload["Claire Martin"].pending_steps == 1
    assert workload["Claire Martin"].reviewed_declarations == 2
    assert workload["Claire Martin"].beneficiaries == 2


def test_a_structure_target_override_changes_who_reaches_it(
    structure: Structure, programme: dict[str, Declaration]
) -> None:
    structure.weekly_target_hours = Decimal(20)
    structure.save()
    overview = reports.overview(structures=[structure], start=MONDAY, end=MONDAY)
    assert overview.beneficiary_weeks_reaching_target == 0


def test_an_empty_period_has_no_rates(structure: Structure, programme: dict[str, Declaration]) -> None:
    overview = reports.overview(structures=[structure], start=date(2025, 6, 2), end=date(2025, 6, 15))
    assert overview.declarations_received == 0
    assert overview.validation_rate is None and overview.median_review_hours is None
    assert len(overview.weeks) == 2


def test_report_page_shows_figures_without_any_personal_content(
    client: Client, manager: Manager, programme: dict[str, Declaration]
) -> None:
    client.force_login(manager.user)
    response = client.get(reverse("web:report"), {"from": "2026-01-05", "to": "2026-01-11"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="kpi__value" id="kpi-declarations">4</span>' in html
    assert "87,5\u00a0%" in html  # validation rate, French format
    assert "Claire Martin" in html
    assert "psychiatre" not in html and "dépression" not in html and "Carrefour" not in html
    assert "/audio/" not in html
    assert "Mission Locale de Grenoble" not in html
    assert "<svg" in html


def test_report_page_explains_bad_dates_and_shows_the_default_period(
    client: Client, manager: Manager
) -> None:
    client.force_login(manager.user)
    response = client.get(reverse("web:report"), {"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 200
    assert "La date de début doit précéder la date de fin." in response.content.decode()


def test_csv_export_has_the_figures_in_french(
    client: Client, manager: Manager, programme: dict[str, Declaration]
) -> None:
    client.force_login(manager.user)
    response = client.get(reverse("web:report-csv"), {"from": "2026-01-05", "to": "2026-01-11"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="rapport-cej-2026-01-05-2026-01-11.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Déclarations reçues", "4"] in rows
    assert ["Taux de validation", "87,5\u00a0%"] in rows
    assert ["Délai médian de traitement (heures)", "6,0"] in rows
    assert ["Santé", "1", "0", "0", "1", "0,0"] in rows
    assert ["Claire Martin", "Mission Locale de Lyon", "2", "1", "1", "2"] in rows


def test_reports_api_answers_json_and_csv(manager: Manager, programme: dict[str, Declaration]) -> None:
    api = APIClient()
    api.force_authenticate(manager.user)
    url = reverse("reports-overview")

    response = api.get(url, {"from": "2026-01-05", "to": "2026-01-11"})
    assert response.status_code == 200
    body = response.json()
    assert body["declarations_received"] == 4
    assert body["validation_rate"] == 0.875
    assert body["median_review_hours"] == 6.0
    assert body["beneficiary_weeks_reaching_target"] == 1
    assert [row["category"] for row in body["steps_by_category"]][:2] == ["EMPLOI", "PROJET_PROFESSIONNEL"]

    response = api.get(url, {"from": "2026-01-05", "to": "2026-01-11", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "Déclarations reçues;4" in response.content.decode("utf-8-sig")


def test_reports_api_rejects_bad_dates(manager: Manager) -> None:
    api = APIClient()
    api.force_authenticate(manager.user)
    response = api.get(reverse("reports-overview"), {"from": "05/01/2026"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_reports_api_filters_by_structure(
    manager: Manager, other_structure: Structure, structure: Structure, programme: dict[str, Declaration]
) -> None:
    manager.structures.add(other_structure)
    api = APIClient()
    api.force_authenticate(manager.user)
    params = {"from": "2026-01-05", "to": "2026-01-11"}
    both = api.get(reverse("reports-overview"), params).json()
    lyon = api.get(reverse("reports-overview"), {**params, "structure": structure.pk}).json()
    assert both["declarations_received"] == 5
    assert lyon["declarations_received"] == 4
    assert lyon["structures"] == [{"id": structure.pk, "name": "Mission Locale de Lyon"}]


def test_default_period_is_the_last_four_weeks() -> None:
    start, end = reports.default_period(date(2026, 1, 8))
    assert (start, end) == (date(2025, 12, 15), date(2026, 1, 11))


def test_notes_sent_without_any_step_are_counted_as_such(
    structure: Structure, jeune: Beneficiary, manager: Manager, programme: dict[str, Declaration]
) -> None:
    from tests.factories import DeclarationFactory

    sick = DeclarationFactory(
        beneficiary=jeune,
        recorded_at=AT,
        submitted_at=AT,
        status=Declaration.Status.SUBMITTED,
        transcript="J'étais malade cette semaine.",
    )
    DeclarationFactory(beneficiary=jeune, recorded_at=AT, status=Declaration.Status.TO_CONFIRM)  # not sent
    assert programme["full"].steps.exists() and not sick.steps.exists()

    overview = reports.overview(structures=[structure], start=MONDAY, end=MONDAY)

    assert overview.declarations_without_steps == 1
    assert "Dont envoyées sans démarche déclarée;1" in reports.overview_as_csv(overview)
    api = APIClient()
    api.force_authenticate(manager.user)
    body = api.get("/api/v1/reports/overview/", {"from": MONDAY.isoformat(), "to": MONDAY.isoformat()}).json()
    assert body["declarations_without_steps"] == 1
    page = Client()
    page.force_login(manager.user)
    html = page.get(
        reverse("web:report"), {"from": MONDAY.isoformat(), "to": MONDAY.isoformat()}
    ).content.decode()
    assert "dont 1 sans démarche déclarée" in html
