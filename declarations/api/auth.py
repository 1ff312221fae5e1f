"""JWT for the app: login (throttled), and logout, which blacklists the refresh token."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView

from declarations.api.throttling import LoginAddressRateThrottle, LoginRateThrottle


class LoginApi(TokenObtainPairView):
    throttle_classes = [LoginRateThrottle, LoginAddressRateThrottle]


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
