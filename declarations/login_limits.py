"""Password guessing limits that never lock the real person out.

What is counted is failed passwords, per (account, address) and per address, over a window
(LOGIN_FAILURE_WINDOW_S). An address that failed too often for one account cannot try that account
again for a while; an address that failed too often overall cannot try any. Nothing is counted per
account alone, so somebody guessing a counsellor's password from elsewhere never stops the counsellor:
a correct password from an address with no failures always works. Counts live in the cache (Redis in
production, shared by every web process). Used by the token endpoint, the staff login page and the
admin's login page alike.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting exactly NUM_PROXIES X-Forwarded-For hops (as DRF's throttles)."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return str(request.META.get("REMOTE_ADDR", ""))


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    address = client_address(request)
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:acct:{account}:{address}", f"login-fail:addr:{address}"


def _wait(key: str, limit: int, now: float) -> int | None:
    entry = cache.get(key)
    if not entry:
        return None
    count, first = entry
    window = settings.LOGIN_FAILURE_WINDOW_S
    if count < limit or now - first >= window:
        return None
    return max(1, int(first + window - now) + 1)


def blocked_for(request: HttpRequest, username: str) -> int | None:
    """Seconds before this address may try this account again, or None when it may now."""
    pair, address = _keys(request, username)
    now = time.time()
    waits = [
        w
        for w in (
            _wait(pair, settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS, now),
            _wait(address, settings.LOGIN_MAX_FAILURES_PER_ADDRESS, now),
        )
        if w is not None
    ]
    return max(waits) if waits else None


def record_failure(request: HttpRequest, username: str) -> None:
    now = time.time()
    window = settings.LOGIN_FAILURE_WINDOW_S
    for key in _keys(request, username):
        entry = cache.get(key)
        if not entry or now - entry[1] >= window:
            entry = (0, now)
        cache.set(key, (entry[0] + 1, entry[1]), timeout=window)


def record_success(request: HttpRequest, username: str) -> None:
    """The right password: this address's failures for this account are forgotten."""
    cache.delete(_keys(request, username)[0])


def limit_password_guesses(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a Django login view (the staff page, the admin's): refuses a blocked address with a 429
    page saying when to try again, and counts the failures (a login form shown again after a POST)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = str(request.POST.get("username", ""))
        wait = blocked_for(request, username)
        if wait is not None:
            minutes = max(1, round(wait / 60))
            response: HttpResponse = TemplateResponse(
                request, "registration/too_many_attempts.html", {"minutes": minutes}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:  # the form again: the password was wrong
            record_failure(request, username)
        elif response.status_code in (301, 302, 303):
            record_success(request, username)
        return response

    return wrapped
