"""One API class per operation: validate input, call one service or selector, serialize output."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from declarations import selectors, services
from declarations.api.serializers import (
    DeclarationCreateInputSerializer,
    DeclarationOutputSerializer,
    DeclarationPageOutputSerializer,
    ReplyInputSerializer,
    ReviewInputSerializer,
    StepCorrectionInputSerializer,
    StepFieldsInputSerializer,
    StepOutputSerializer,
    WeekOutputSerializer,
    WeeksQueryInputSerializer,
)
from declarations.api.throttling import UploadRateThrottle
from declarations.models import Declaration, Step


def _require_role(request: Request, role: str) -> None:
    if selectors.role_of(request.user) != role:
        raise PermissionDenied(_("Cette action n'est pas ouverte à votre profil."))


def _declaration_for(request: Request, declaration_id: int) -> Declaration:
    queryset = selectors.declarations_with_steps(selectors.declarations_visible_to(request.user))
    return get_object_or_404(queryset, pk=declaration_id)


def _step_for(request: Request, step_id: int) -> Step:
    return get_object_or_404(selectors.steps_visible_to(request.user), pk=step_id)


def _moment(raw: str, name: str) -> datetime:
    """An ISO 8601 moment from a query parameter (a missing offset is Paris time), else a 400."""
    try:
        moment = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2099:
        raise ValidationError({name: [_("Indiquez une date et une heure ISO 8601, par exemple 2026-12-04T18:30:00+01:00.")]})
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Europe/Paris"))


def _fresh_step(step: Step) -> dict[str, Any]:
    step = Step.objects.prefetch_related("reviews__reviewer").get(pk=step.pk)
    return StepOutputSerializer(step).data  # type: ignore[return-value]


class DeclarationListCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_classes = [UploadRateThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="numéro de page (50 déclarations par page)"),
            OpenApiParameter("status", str, enum=Declaration.Status.values),
            OpenApiParameter(
                "updated_since",
                str,
                description="ISO 8601 : seulement les déclarations modifiées depuis (synchronisation après une coupure)",
            ),
        ],
        responses=DeclarationPageOutputSerializer,
        operation_id="declarations_list",
    )
    def get(self, request: Request) -> Response:
        role = selectors.role_of(request.user)
        if role not in ("beneficiary", "counsellor"):
            raise PermissionDenied(_("Les déclarations ne sont visibles que par le jeune et son conseiller."))
        queryset = selectors.declarations_with_steps(selectors.declarations_visible_to(request.user))
        status_filter = request.query_params.get("status")
        if status_filter in Declaration.Status.values:
            queryset = queryset.filter(status=status_filter)
        since = request.query_params.get("updated_since")
        if since:
            queryset = queryset.filter(updated_at__gt=_moment(since, "updated_since"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(DeclarationOutputSerializer(page, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": DeclarationCreateInputSerializer,
            "application/json": DeclarationCreateInputSerializer,
        },
        responses={200: DeclarationOutputSerializer, 202: DeclarationOutputSerializer},
        operation_id="declarations_create",
    )
    def post(self, request: Request) -> Response:
        _require_role(request, "beneficiary")
        serializer = DeclarationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.create_declaration(
            beneficiary=request.user.beneficiary,  # type: ignore[union-attr]
            client_id=data["client_id"],
            recorded_at=data["recorded_at"],
            audio=data.get("audio"),
            text=data.get("text"),
        )
        declaration = selectors.declarations_with_steps(Declaration.objects.all()).get(
            pk=result.declaration.pk
        )
        return Response(
            DeclarationOutputSerializer(declaration).data,
            status=status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK,
        )


class DeclarationDetailApi(APIView):
    @extend_schema(responses=DeclarationOutputSerializer, operation_id="declarations_retrieve")
    def get(self, request: Request, declaration_id: int) -> Response:
        return Response(DeclarationOutputSerializer(_declaration_for(request, declaration_id)).data)


class DeclarationConfirmApi(APIView):
    @extend_schema(request=None, responses=DeclarationOutputSerializer, operation_id="declarations_confirm")
    def post(self, request: Request, declaration_id: int) -> Response:
        declaration = _declaration_for(request, declaration_id)
        _require_role(request, "beneficiary")
        services.confirm_declaration(declaration=declaration)
        return Response(DeclarationOutputSerializer(_declaration_for(request, declaration_id)).data)


class DeclarationAcknowledgeApi(APIView):
    @extend_schema(request=None, responses=DeclarationOutputSerializer, operation_id="declarations_acknowledge")
    def post(self, request: Request, declaration_id: int) -> Response:
        """The counsellor has read a note that declares nothing ("aucune démarche déclarée")."""
        declaration = _declaration_for(request, declaration_id)
        _require_role(request, "counsellor")
        services.acknowledge_empty_declaration(declaration=declaration, reviewer=request.user)
        return Response(DeclarationOutputSerializer(_declaration_for(request, declaration_id)).data)


class DeclarationStepCreateApi(APIView):
    @extend_schema(
        request=StepFieldsInputSerializer, responses={201: StepOutputSerializer}, operation_id="steps_create"
    )
    def post(self, request: Request, declaration_id: int) -> Response:
        declaration = _declaration_for(request, declaration_id)
        _require_role(request, "beneficiary")
        serializer = StepFieldsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = services.add_step(declaration=declaration, data=serializer.validated_data)
        return Response(_fresh_step(step), status=status.HTTP_201_CREATED)


class StepDetailApi(APIView):
    @extend_schema(request=StepCorrectionInputSerializer, responses=StepOutputSerializer, operation_id="steps_update")
    def patch(self, request: Request, step_id: int) -> Response:
        step = _step_for(request, step_id)
        _require_role(request, "beneficiary")
        serializer = StepCorrectionInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_step(step=step, data=serializer.validated_data)
        return Response(_fresh_step(step))

    @extend_schema(responses={204: None}, operation_id="steps_destroy")
    def delete(self, request: Request, step_id: int) -> Response:
        step = _step_for(request, step_id)
        _require_role(request, "beneficiary")
        services.delete_step(step=step)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StepReviewApi(APIView):
    @extend_schema(request=ReviewInputSerializer, responses=StepOutputSerializer, operation_id="steps_review")
    def post(self, request: Request, step_id: int) -> Response:
        step = _step_for(request, step_id)
        _require_role(request, "counsellor")
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        decision = data.pop("decision")
        hours = data.pop("hours", None)
        comment = data.pop("comment", "")
        reason = data.pop("reason", "")
        services.review_step(
            step=step, reviewer=request.user, decision=decision, corrections=data, hours=hours, comment=comment,
            reason=reason,
        )
        return Response(_fresh_step(step))


class StepReplyApi(APIView):
    @extend_schema(
        request=ReplyInputSerializer,
        responses=StepOutputSerializer,
        operation_id="steps_reply",
        examples=[
            OpenApiExample(
                "Une précision après un refus",
                value={"comment": "C'était chez Decathlon Part-Dieu, pour un poste de vendeur."},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, step_id: int) -> Response:
        """After a refusal, the young person answers once; the counsellor sees it beside the decision.
        A corrected step goes in a new note."""
        step = _step_for(request, step_id)
        _require_role(request, "beneficiary")
        serializer = ReplyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reply_to_refusal(step=step, comment=serializer.validated_data["comment"])
        return Response(_fresh_step(step))


class BeneficiaryWeeksApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="AAAA-MM-JJ (par défaut : il y a 8 semaines)"),
            OpenApiParameter("to", str, description="AAAA-MM-JJ (par défaut : aujourd'hui)"),
        ],
        responses=WeekOutputSerializer(many=True),
        operation_id="beneficiaries_weeks",
    )
    def get(self, request: Request, beneficiary_id: int) -> Response:
        beneficiary = get_object_or_404(selectors.beneficiaries_visible_to(request.user), pk=beneficiary_id)
        query = WeeksQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        weeks = selectors.weekly_hours(
            beneficiary, start=query.validated_data["from"], end=query.validated_data["to"]
        )
        return Response(WeekOutputSerializer(weeks, many=True).data)
