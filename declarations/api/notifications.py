"""GET /api/v1/notifications/?since=ISO: what the person was told, oldest first, for the app to poll."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from declarations.api.views import _moment
from declarations.models import Notification

LIMIT = 100


class NotificationOutputSerializer(serializers.ModelSerializer):
    declaration_id = serializers.IntegerField(allow_null=True)
    step_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "declaration_id", "step_id", "created_at"]


EXAMPLE = [
    {
        "id": 41,
        "kind": "ready",
        "title": "Votre note est prête",
        "body": "Vérifiez ce qui a été compris dans votre note du 04/12/2026, puis envoyez-la.",
        "declaration_id": 12,
        "step_id": None,
        "created_at": "2026-12-04T18:31:02+01:00",
    }
]


class NotificationListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Seulement les notifications créées après ce moment (ISO 8601).",
            )
        ],
        responses=NotificationOutputSerializer(many=True),
        operation_id="notifications_list",
        examples=[OpenApiExample("Une note prête", value=EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        """The signed-in person's notifications, oldest first, at most 100 (the newest when no `since`)."""
        queryset = Notification.objects.filter(user=request.user)
        since = request.query_params.get("since")
        if since is not None:
            rows = list(queryset.filter(created_at__gt=_moment(since, "since")).order_by("created_at", "id")[:LIMIT])
        else:
            rows = list(queryset.order_by("-created_at", "-id")[:LIMIT])[::-1]
        return Response(NotificationOutputSerializer(rows, many=True).data)
