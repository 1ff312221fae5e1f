"""The counsellor's morning email: how many sent notes wait for them, never whose or what.

An email leaves the service's control (forwarded, read on a shared screen): it says how many notes
wait and since when, with a link to the queue, and nothing about any young person. Sent once a day on
working days by celery beat (`send_counsellor_digests`), only to counsellors with notes waiting.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from declarations.models import Counsellor, Declaration
from declarations.people import display_name


def send_digests(*, today: date | None = None) -> int:
    """Email each counsellor with sent notes waiting, once per day; returns how many were sent."""
    today = today or timezone.localdate()
    waiting = Q(portfolio__declarations__status=Declaration.Status.SUBMITTED)
    counsellors = (
        Counsellor.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .exclude(digest_sent_on=today)
        .annotate(waiting=Count("portfolio__declarations", filter=waiting))
        .annotate(oldest=Min("portfolio__declarations__submitted_at", filter=waiting))
        .filter(waiting__gt=0)
        .select_related("user")
    )
    sent = 0
    for counsellor in counsellors:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(counsellor, counsellor.waiting, counsellor.oldest)  # type: ignore[attr-defined]
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [counsellor.user.email])
        Counsellor.objects.filter(pk=counsellor.pk).update(digest_sent_on=today)
        sent += 1
    return sent


def _message(counsellor: Counsellor, waiting: int, oldest: object) -> tuple[str, str]:
    subject = ngettext("CEJ : %(count)s note à traiter", "CEJ : %(count)s notes à traiter", waiting) % {
        "count": waiting
    }
    since = formats.date_format(timezone.localtime(oldest), "l j F") if oldest else ""  # type: ignore[arg-type]
    lines = [
        _("Bonjour %(name)s,") % {"name": display_name(counsellor.user, "counsellor")},
        "",
        ngettext(
            "%(count)s note envoyée par vos jeunes attend votre validation (depuis le %(since)s).",
            "%(count)s notes envoyées par vos jeunes attendent votre validation (la plus ancienne depuis le %(since)s).",
            waiting,
        )
        % {"count": waiting, "since": since},
        "",
        _("Les traiter : %(url)s") % {"url": settings.SITE_URL.rstrip("/") + reverse("web:queue")},
        "",
        _("Ce message ne contient aucune donnée sur les jeunes : elles restent dans l'application."),
    ]
    return subject, "\n".join(lines)
