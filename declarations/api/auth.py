"""JWT for the app: login (limited per address, never locking the account), refresh, and logout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from declarations import login_limits


class LoginApi(TokenObtainPairView):
    """Tokens for the app. Failed passwords are counted per (account, address) and per address
    (declarations/login_limits.py); a blocked address gets a 429 with Retry-After, the account is never
    locked for anyone else."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data: Any = request.data
        username = data.get("username") if hasattr(data, "get") else None
        username = username if isinstance(username, str) else ""
        wait = login_limits.blocked_for(request, username)
        if wait is not None:
            raise Throttled(wait=wait)
        try:
            response = super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            login_limits.record_failure(request, username)
            raise
        login_limits.record_success(request, username)
        return response


class IssuedTokenRefreshSerializer(TokenRefreshSerializer):
    """A refresh token is honoured only if this server issued it and its person may still log in.

    A valid signature is not enough: every refresh token the server hands out is recorded
    (OutstandingToken), so one signed elsewhere (a leaked key, an old installation) is refused, and
    so is one whose person was erased or deactivated — a 401, never a 500.
    """

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            refresh = RefreshToken(attrs["refresh"])
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        if not OutstandingToken.objects.filter(jti=refresh.get(api_settings.JTI_CLAIM)).exists():
            raise InvalidToken(_("Ce jeton n'a pas été délivré par ce serveur."))
        user_id = refresh.get(api_settings.USER_ID_CLAIM)
        active = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id, "is_active": True})
        if not active.exists():
            raise InvalidToken(_("Ce compte n'existe plus ou a été désactivé."))
        return super().validate(attrs)


class RefreshApi(TokenRefreshView):
    serializer_class = IssuedTokenRefreshSerializer  # type: ignore[assignment]


class LogoutInputSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class LogoutApi(APIView):
    # Holding the refresh token is the proof: logging out must work with an expired access token.
    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # A bad refresh token is a 401 like everywhere else (DRF answers 403 without this header).
        return 'Bearer realm="api"'

    @extend_schema(request=LogoutInputSerializer, responses={204: None}, operation_id="auth_logout")
    def post(self, request: Request) -> Response:
        serializer = LogoutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
