"""Upload limits. Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], counts from the cache.

Password guessing is limited by failures, not attempts: declarations/login_limits.py."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # DRF copies the rates once at import; reading them per request lets settings change them.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[no-any-return]


class UploadRateThrottle(_SettingsRateThrottle):
    """Notes sent per person (POST only: reading one's declarations is not limited)."""

    scope = "uploads"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # refused by authentication anyway
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
