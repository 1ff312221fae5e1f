"""Session login backend: the person comes with their role, in the one query that loads them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

ROLES = ("beneficiary", "counsellor", "manager")


class RoleModelBackend(ModelBackend):
    """ModelBackend whose get_user (run on every page request) joins the three role tables.

    Pages ask the role at once (selectors.role_of, the header): without the join, each role the person
    lacks would cost a query of its own. A role they do not have is cached as None, as Django does after
    a miss, so asking again costs nothing."""

    def get_user(self, user_id: Any) -> Any:
        try:
            user = get_user_model()._default_manager.select_related(*ROLES).get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
