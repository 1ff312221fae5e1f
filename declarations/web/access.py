"""Who may open which page: a session login, then the right role (403 otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from declarations import selectors
from declarations.web.backends import ROLES

View = Callable[..., HttpResponseBase]


def load_roles(user: Any) -> None:
    """Fetch the person's roles in one query: role_of and the page header would look each one up in
    a query of its own (a role they do not have is remembered as None, as Django does after a miss).
    Nothing to do when the session backend (backends.RoleModelBackend) already joined them."""
    if not user.is_authenticated or all(user._meta.get_field(name).is_cached(user) for name in ROLES):
        return
    loaded = get_user_model()._default_manager.select_related(*ROLES).get(pk=user.pk)
    for name in ROLES:
        relation = user._meta.get_field(name)  # the reverse one-to-one from the role's model
        relation.set_cached_value(user, relation.get_cached_value(loaded, default=None))


def role_required(role: selectors.Role) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            load_roles(request.user)
            if selectors.role_of(request.user) != role:
                raise PermissionDenied("page reserved to another role")
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator
