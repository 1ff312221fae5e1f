"""RGPD from the app: a young person downloads all their data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from declarations import privacy, selectors


class MyDataExportApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="me_export")
    def get(self, request: Request) -> Response:
        if selectors.role_of(request.user) != "beneficiary":
            raise PermissionDenied(_("L'export de données est réservé aux jeunes."))
        data = privacy.export_beneficiary_data(request.user.beneficiary)  # type: ignore[union-attr]
        response = Response(data)
        response["Content-Disposition"] = 'attachment; filename="mes-donnees-cej.json"'
        response["Cache-Control"] = "no-store"
        return response
