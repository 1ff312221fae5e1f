"""The staff login page, with the password-guessing limits of declarations/login_limits.py."""

from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.utils.decorators import method_decorator

from declarations.login_limits import limit_password_guesses


@method_decorator(limit_password_guesses, name="dispatch")
class ThrottledLoginView(LoginView):
    """Failed passwords are counted per (account, address) and per address; the account itself is never
    locked (locking would let anyone lock a counsellor out by guessing on purpose)."""

    template_name = "registration/login.html"
