"""GET /api/v1/reports/overview/: the managers' report, as JSON or CSV (?format=csv)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from declarations import reports, selectors
from declarations.hours import local_date
from declarations.web.manager import csv_response


class CsvRenderer(BaseRenderer):
    """Lets DRF accept `?format=csv`; the report itself is written by reports.overview_as_csv."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, dict):  # an error: "code;message"
            return f"{data.get('code', '')};{data.get('message', '')}\r\n".encode()
        return str(data or "").encode()


class ReportOverviewApi(APIView):
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="AAAA-MM-JJ (défaut : les 4 dernières semaines)"),
            OpenApiParameter("to", str, description="AAAA-MM-JJ"),
            OpenApiParameter("structure", int, description="une structure du responsable (défaut : toutes)"),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): OpenApiTypes.STR},
        operation_id="reports_overview",
    )
    def get(self, request: Request) -> Response | HttpResponse:
        if selectors.role_of(request.user) != "manager":
            raise PermissionDenied(_("Les rapports sont réservés aux responsables de programme."))
        try:
            query = reports.parse_report_query(
                request.user, request.query_params, today=local_date(timezone.now())
            )
        except reports.ReportQueryError as error:
            raise ValidationError(str(error)) from error
        overview = reports.overview(structures=query.structures, start=query.start, end=query.end)
        if request.accepted_renderer.format == "csv":
            return csv_response(overview)
        return Response(reports.overview_as_json(overview))
