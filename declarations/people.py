"""How people are named to other people: full names, never login names."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

ROLE_LABELS = {"beneficiary": "jeune", "counsellor": "conseiller", "manager": "manager"}
# Shown when a person has no name on file: their role, never their username.
NAMELESS = {"beneficiary": "Jeune", "counsellor": "Votre conseiller·ère", "manager": "Responsable"}


def display_name(user: AbstractBaseUser | None, role: str | None = None) -> str:
    """The name other people see: first and last name, else the person's role."""
    if user is None:
        return ""
    full = user.get_full_name().strip()  # type: ignore[attr-defined]
    if full:
        return full
    if role is None:
        role = next((r for r in ROLE_LABELS if hasattr(user, r)), "")
    return NAMELESS.get(role, "Utilisateur")
