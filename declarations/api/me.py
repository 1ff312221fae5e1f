"""What the app asks first: who am I, and the programme's code lists with their French labels."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from declarations import selectors
from declarations.api.serializers import WeekOutputSerializer
from declarations.categories import DEFAULT_CATEGORY_HOURS, KINDS_BY_CATEGORY, Category, Kind
from declarations.extraction.demarches import catalogue
from declarations.hours import local_date, week_start
from declarations.models import Declaration, Step
from declarations.people import ROLE_LABELS, display_name


class StructureRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CounsellorRefSerializer(serializers.Serializer):
    display_name = serializers.CharField()


class MyBeneficiarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cej_start = serializers.DateField(allow_null=True)
    structure = StructureRefSerializer()
    counsellor = CounsellorRefSerializer(allow_null=True)


class MeOutputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=["jeune", "conseiller", "manager"], allow_null=True)
    username = serializers.CharField()
    display_name = serializers.CharField()
    beneficiary = MyBeneficiarySerializer(allow_null=True)
    current_week = WeekOutputSerializer(allow_null=True)


ME_EXAMPLE = {
    "role": "jeune",
    "username": "jeune1",
    "display_name": "Léa Dubois",
    "beneficiary": {
        "id": 12,
        "cej_start": "2026-09-01",
        "structure": {"id": 1, "name": "Mission Locale de Lyon"},
        "counsellor": {"display_name": "Claire Martin"},
    },
    "current_week": {
        "week": "2026-W49",
        "week_start": "2026-11-30",
        "declared_hours": "9.00", "validated_hours": "6.00", "target_hours": "15.00",
    },
}

REFERENTIALS_EXAMPLE = {
    "version": "3f2a9c1d0b7e6a54",
    "categories": [
        {
            "code": "EMPLOI",
            "label": "Emploi",
            "default_hours": "3.00",
            "kinds": [{"code": "candidature", "label": "Candidature"}, {"code": "entretien", "label": "Entretien"}],
        }
    ],
    "statuses": [{"code": "to_confirm", "label": "à confirmer"}],
    "step_statuses": [{"code": "done", "label": "réalisée"}],
    "decisions": [{"code": "validated", "label": "validée"}],
    "demarches": [{"pourquoi": "P03", "quoi": "Q14", "comment": None, "label": "Réponse à des offres d'emploi"}],
}


class MeApi(APIView):
    @extend_schema(
        responses=MeOutputSerializer,
        operation_id="me_retrieve",
        examples=[OpenApiExample("Un jeune", value=ME_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        user = request.user
        role = selectors.role_of(user)
        body: dict[str, Any] = {
            "role": ROLE_LABELS.get(role) if role else None,
            "username": user.get_username(),
            "display_name": display_name(user, role),
            "beneficiary": None,
            "current_week": None,
        }
        if role == "beneficiary":
            beneficiary = user.beneficiary  # type: ignore[union-attr]
            counsellor = beneficiary.counsellor
            body["beneficiary"] = {
                "id": beneficiary.pk,
                "cej_start": beneficiary.cej_start,
                "structure": {"id": beneficiary.structure_id, "name": beneficiary.structure.name},
                "counsellor": {"display_name": display_name(counsellor.user, "counsellor")} if counsellor else None,
            }
            today = local_date(timezone.now())
            week = selectors.weekly_hours(beneficiary, start=week_start(today), end=today)[-1]
            body["current_week"] = WeekOutputSerializer(week).data
        return Response(MeOutputSerializer(body).data)


@lru_cache(maxsize=1)
def referentials() -> tuple[dict[str, Any], str]:
    """The code lists the pages use too, with their French labels, and an ETag of their content."""
    kind_labels = dict(Kind.choices)
    demarches = []
    for quoi, entry in sorted(catalogue().items()):
        demarches.append({"pourquoi": entry["pourquoi"], "quoi": quoi, "comment": None, "label": entry["label"]})
        for comment, label in sorted(entry.get("comments", {}).items()):
            demarches.append({"pourquoi": entry["pourquoi"], "quoi": quoi, "comment": comment, "label": label})
    body: dict[str, Any] = {
        "categories": [
            {
                "code": code,
                "label": str(label),
                "default_hours": f"{Decimal(DEFAULT_CATEGORY_HOURS.get(code, 0)):.2f}",
                "kinds": [{"code": k, "label": str(kind_labels[k])} for k in KINDS_BY_CATEGORY.get(code, ())],
            }
            for code, label in Category.choices
        ],
        "statuses": [{"code": code, "label": str(label)} for code, label in Declaration.Status.choices],
        "step_statuses": [{"code": code, "label": str(label)} for code, label in Step.Status.choices],
        "decisions": [{"code": code, "label": str(label)} for code, label in Step.Decision.choices],
        "demarches": demarches,
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return {"version": digest, **body}, f'"{digest}"'


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class CategoryRefSerializer(CodeLabelSerializer):
    default_hours = serializers.DecimalField(max_digits=5, decimal_places=2)
    kinds = CodeLabelSerializer(many=True)


class DemarcheRefSerializer(serializers.Serializer):
    pourquoi = serializers.CharField()
    quoi = serializers.CharField()
    comment = serializers.CharField(allow_null=True)
    label = serializers.CharField()


class ReferentialsOutputSerializer(serializers.Serializer):
    version = serializers.CharField()
    categories = CategoryRefSerializer(many=True)
    statuses = CodeLabelSerializer(many=True)
    step_statuses = CodeLabelSerializer(many=True)
    decisions = CodeLabelSerializer(many=True)
    demarches = DemarcheRefSerializer(many=True)


class ReferentialsApi(APIView):
    """Public (no personal data) and cacheable: `ETag` and `Cache-Control: max-age`; the app sends
    `If-None-Match` and gets a 304 while nothing changed."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        responses={200: ReferentialsOutputSerializer, 304: None},
        operation_id="referentials_retrieve",
        examples=[OpenApiExample("Les listes de codes", value=REFERENTIALS_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        body, etag = referentials()
        if request.headers.get("If-None-Match") == etag:
            response = Response(status=304)
        else:
            response = Response(body)
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=86400"
        return response
