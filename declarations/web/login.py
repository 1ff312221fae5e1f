"""The staff login page, with the same password-guessing limits as the API's token endpoint."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

from declarations.api.throttling import LoginAddressRateThrottle, LoginRateThrottle


class _AccountThrottle(LoginRateThrottle):
    def get_cache_key(self, request: Any, view: Any) -> str | None:
        username = request.POST.get("username", "")
        if not username.strip():
            return None
        return self.cache_format % {"scope": self.scope, "ident": username.strip().lower()[:150]}


class ThrottledLoginView(LoginView):
    """Refuses password attempts beyond the `login` (per account) and `login_ip` (per address) rates.

    The answer is the login page itself, status 429, saying when to try again; the account is not
    locked (locking would let anyone lock a counsellor out by guessing on purpose).
    """

    template_name = "registration/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        waits = []
        for throttle in (_AccountThrottle(), LoginAddressRateThrottle()):
            if not throttle.allow_request(request, self):  # type: ignore[arg-type]
                waits.append(throttle.wait() or 60)
        if waits:
            minutes = max(1, round(max(waits) / 60))
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
            context = self.get_context_data(form=form, throttled_minutes=minutes)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(int(max(waits)) + 1)
            return response
        return super().post(request, *args, **kwargs)
