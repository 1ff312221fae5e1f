"""Who may open which page: a session login, then the right role (403 otherwise).

The person arrives with their roles already loaded (backends.RoleModelBackend): asking costs no query."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from declarations import selectors

View = Callable[..., HttpResponseBase]


def role_required(role: selectors.Role) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if selectors.role_of(request.user) != role:
                raise PermissionDenied("page reserved to another role")
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator
