"""Staff sessions last a working day and are deleted once expired; the cache never outlives them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from declarations.models import Counsellor
from declarations.tasks import clear_expired_sessions
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def log_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_a_staff_session_lasts_ten_hours_by_default(conseiller: Counsellor) -> None:
    client = log_in("conseiller")

    session = Session.objects.get()
    assert timedelta(hours=9, minutes=59) < session.expire_date - timezone.now() <= timedelta(hours=10)
    assert client.get(reverse("web:queue")).status_code == 200


def test_an_expired_session_no_longer_opens_pages_and_the_nightly_task_deletes_it(
    conseiller: Counsellor, settings: Settings
) -> None:
    settings.SESSION_COOKIE_AGE = 1  # read when the session is saved: this one expires at once
    expired = log_in("conseiller")
    settings.SESSION_COOKIE_AGE = 10 * 3600
    live = log_in("conseiller")
    Session.objects.filter(session_key=expired.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    time.sleep(1.1)  # the cached copy expires with the session (its timeout is the session's age)

    assert expired.get(reverse("web:queue")).status_code == 302  # back to the login page
    assert clear_expired_sessions.apply().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session.session_key]
    assert live.get(reverse("web:queue")).status_code == 200
    assert clear_expired_sessions.apply().get() == 0
