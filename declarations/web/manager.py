"""Manager pages: the programme report of their structures. Counts only: no audio, no transcript, no
health detail."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import reports
from declarations.hours import local_date
from declarations.models import Declaration, Step
from declarations.web.access import role_required
from declarations.web.charts import grouped_columns, stacked_bars


def _query(request: HttpRequest) -> tuple[reports.ReportQuery, str | None]:
    today = local_date(timezone.now())
    try:
        return reports.parse_report_query(request.user, request.GET, today=today), None
    except reports.ReportQueryError as error:
        fallback = {key: value for key, value in request.GET.items() if key == "structure"}
        return reports.parse_report_query(request.user, fallback, today=today), str(error)


@role_required("manager")
def report(request: HttpRequest) -> HttpResponse:
    query, error = _query(request)
    overview = reports.overview(structures=query.structures, start=query.start, end=query.end)
    category_chart = stacked_bars(
        [
            (
                row.label,
                [
                    (row.validated, "validated", _("%(n)s validée(s)") % {"n": row.validated}),
                    (row.rejected, "rejected", _("%(n)s refusée(s)") % {"n": row.rejected}),
                    (row.pending, "pending", _("%(n)s à valider") % {"n": row.pending}),
                ],
            )
            for row in overview.categories
        ]
    )
    week_chart = grouped_columns(
        [
            (
                row.week_start.strftime("%d/%m"),
                [
                    (row.declarations, "declared", _("%(n)s déclaration(s) reçue(s)") % {"n": row.declarations}),
                    (row.validated, "validated", _("%(n)s démarche(s) validée(s)") % {"n": row.validated}),
                ],
            )
            for row in overview.weeks
        ]
    )
    target_chart = grouped_columns(
        [
            (
                row.week_start.strftime("%d/%m"),
                [
                    (
                        (row.target_share or 0) * 100,
                        "validated",
                        reports.french_percent(row.target_share) or _("aucun jeune"),
                    )
                ],
            )
            for row in overview.weeks
        ],
        unit=" %",
        maximum=100,
    )
    status_labels = dict(Declaration.Status.choices)
    return render(
        request,
        "declarations/manager/report.html",
        {
            "query": query,
            "error": error,
            "report": overview,
            "structures": reports.structures_managed_by(request.user),
            "statuses": [
                (status_labels.get(code, code), total)
                for code, total in sorted(overview.declarations_by_status.items())
            ],
            "validation_rate": reports.french_percent(overview.validation_rate),
            "rejection_rate": reports.french_percent(overview.rejection_rate),
            "target_share": reports.french_percent(overview.target_share),
            "median_review": _duration(overview.median_review_hours),
            "category_chart": category_chart,
            "week_chart": week_chart,
            "target_chart": target_chart,
            "week_rows": [(row, reports.french_percent(row.target_share)) for row in overview.weeks],
            "export_query": request.GET.urlencode(),
            "decisions": Step.Decision,
        },
    )


def _duration(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 1:
        return _("%(m)s min") % {"m": reports.french_number(hours * 60, 0)}
    if hours < 48:
        return _("%(h)s h") % {"h": reports.french_number(hours, 1)}
    return _("%(d)s j") % {"d": reports.french_number(hours / 24, 1)}


@role_required("manager")
def report_csv(request: HttpRequest) -> HttpResponse:
    query, _error = _query(request)
    overview = reports.overview(structures=query.structures, start=query.start, end=query.end)
    return csv_response(overview)


def csv_response(overview: reports.Overview) -> HttpResponse:
    response = HttpResponse(
        "\ufeff" + reports.overview_as_csv(overview), content_type="text/csv; charset=utf-8"
    )
    filename = f"rapport-cej-{overview.start:%Y-%m-%d}-{overview.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
