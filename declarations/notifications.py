"""Notifications: an outbox in the database, then delivery through one adapter chosen by settings.

The app reads its notifications with `GET /api/v1/notifications/?since=` (it works with no push at all,
on a phone that was offline). When `NOTIFICATION_ADAPTER` names a push gateway, a periodic task hands
each new notification to it and marks it delivered; a failed delivery is tried again on the next run,
for `NOTIFICATION_RETRY_HOURS`.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from declarations.hours import local_date
from declarations.models import Declaration, Notification, Step

logger = logging.getLogger(__name__)


class DeliveryAdapter(Protocol):
    def deliver(self, notification: Notification) -> bool:
        """True once the notification was handed over; False to try again later."""


class OutboxOnly:
    """No push: the app reads the outbox itself. Nothing is ever marked delivered."""

    enabled = False

    def deliver(self, notification: Notification) -> bool:
        return False


class HttpPushGateway:
    """POST each notification as JSON to a push gateway (web-push or FCM relay run by the operator):
    `NOTIFICATION_PUSH_URL`, with `Authorization: Bearer NOTIFICATION_PUSH_TOKEN`."""

    enabled = True

    def __init__(self, url: str | None = None, token: str | None = None, timeout_s: float = 5.0) -> None:
        self.url = url or settings.NOTIFICATION_PUSH_URL
        self.token = token if token is not None else settings.NOTIFICATION_PUSH_TOKEN
        self.timeout_s = timeout_s

    def deliver(self, notification: Notification) -> bool:
        payload = {
            "id": notification.pk,
            "user": notification.user_id,
            "kind": notification.kind,
            "title": notification.title,
            "body": notification.body,
            "declaration": notification.declaration_id,
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 (operator's URL)
                return 200 <= response.status < 300
        except OSError as error:
            logger.warning("push gateway refused notification %s: %s", notification.pk, error)
            return False


def adapter() -> DeliveryAdapter:
    return import_string(settings.NOTIFICATION_ADAPTER)()  # type: ignore[no-any-return]


def _day(declaration: Declaration) -> str:
    return local_date(declaration.recorded_at).strftime("%d/%m/%Y")


def _texts(kind: str, declaration: Declaration) -> tuple[str, str]:
    day = _day(declaration)
    if kind == Notification.Kind.READY:
        return _("Votre note est prête"), _("Vérifiez ce qui a été compris dans votre note du %(day)s, puis envoyez-la.") % {"day": day}
    if kind == Notification.Kind.FAILED:
        return _("Votre note n'a pas pu être traitée"), _("Ouvrez l'application pour voir pourquoi et renvoyer votre note du %(day)s.") % {"day": day}
    if kind == Notification.Kind.STEP_VALIDATED:
        return _("Démarche validée"), _("Votre conseiller a validé une démarche de votre note du %(day)s.") % {"day": day}
    return _("Démarche refusée"), _("Votre conseiller a refusé une démarche de votre note du %(day)s : ouvrez l'application pour lire son commentaire.") % {"day": day}


def notify(*, user: AbstractBaseUser, kind: str, declaration: Declaration, step: Step | None = None) -> Notification:
    """Add a notification to the outbox (in the caller's transaction)."""
    title, body = _texts(kind, declaration)
    return Notification.objects.create(user=user, kind=kind, declaration=declaration, step=step, title=title, body=body)


def deliver_pending(delivery: DeliveryAdapter | None = None, *, limit: int = 500) -> int:
    """Hand undelivered notifications of the last NOTIFICATION_RETRY_HOURS to the adapter; their count."""
    delivery = delivery or adapter()
    if not getattr(delivery, "enabled", True):
        return 0
    since = timezone.now() - timedelta(hours=settings.NOTIFICATION_RETRY_HOURS)
    delivered = 0
    pending = Notification.objects.filter(delivered_at__isnull=True, created_at__gte=since).order_by("created_at", "id")
    for notification in pending[:limit]:
        if delivery.deliver(notification):
            with transaction.atomic():
                Notification.objects.filter(pk=notification.pk, delivered_at__isnull=True).update(delivered_at=timezone.now())
            delivered += 1
    return delivered
