from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from declarations import pipeline


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_declaration(declaration_id: int) -> str | None:
    return pipeline.process_declaration(declaration_id)


logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def requeue_stuck_declarations() -> int:
    """Periodic sweep (celery beat): queue again what a lost message or a dead worker left behind."""
    from declarations import services

    ids = pipeline.requeue_stuck(older_than_s=settings.PIPELINE_STUCK_AFTER_S)
    for declaration_id in ids:
        services.publish(declaration_id)
    if ids:
        logger.warning("re-queued %d stuck declarations: %s", len(ids), ids)
    return len(ids)


@shared_task(ignore_result=True)
def publish_unqueued() -> int:
    """Periodic sweep (celery beat, every PIPELINE_OUTBOX_EVERY_S): send the notes stored while the
    broker was down. Returns how many were sent."""
    from declarations import services

    ids = services.unqueued_declarations(older_than_s=settings.PIPELINE_OUTBOX_GRACE_S)
    sent = sum(services.publish(declaration_id) for declaration_id in ids)
    if ids:
        logger.warning("outbox: %d of %d unqueued declarations sent", sent, len(ids))
    return sent


@shared_task(ignore_result=True)
def purge_expired_audio() -> int:
    """Periodic (celery beat): delete recordings past the retention period after review."""
    from declarations import privacy

    return privacy.purge_expired_audio().purged


@shared_task(ignore_result=True)
def clear_expired_sessions() -> int:
    """Periodic (celery beat): delete staff sessions past their expiry (who was logged in, and from when,
    is not kept longer than the session itself). Returns how many went."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(ignore_result=True)
def deliver_notifications() -> int:
    """Periodic (celery beat): hand new notifications to the push adapter the settings name."""
    from declarations import notifications

    return notifications.deliver_pending()


@shared_task(ignore_result=True)
def send_counsellor_digests() -> int:
    """Periodic (celery beat, working days in the morning): each counsellor with notes waiting gets
    one email saying how many. Returns how many emails went."""
    from declarations import digest

    return digest.send_digests()
