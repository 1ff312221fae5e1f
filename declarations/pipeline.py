"""The queued part of the flow: audio → transcript → steps → "to_confirm", or "failed" with a reason."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import notifications
from declarations.extraction import get_extractor
from declarations.extraction.doubt import apply_doubt, shipped_recalibration
from declarations.models import Declaration, Notification
from declarations.services import store_extracted_steps
from speech.errors import SpeechError
from speech.services import transcribe_audio

logger = logging.getLogger(__name__)

PROCESSING_ERROR_CODE = "processing_error"
ABORTED_ERROR_CODE = "processing_aborted"


def _claim(declaration_id: int) -> Declaration | None:
    """Move a queued declaration into processing; None when there is nothing (left) to do."""
    with transaction.atomic():
        declaration = (
            Declaration.objects.select_for_update()
            .select_related("beneficiary__structure")
            .filter(pk=declaration_id)
            .first()
        )
        if declaration is None or declaration.status not in Declaration.PROCESSING_STATUSES:
            return None
        if declaration.attempts >= settings.PIPELINE_MAX_ATTEMPTS:
            # A note that killed its worker every time (memory, crash) must not loop forever.
            _fail(
                declaration,
                ABORTED_ERROR_CODE,
                _("La note n'a pas pu être traitée après plusieurs essais. Elle sera examinée."),
            )
            return None
        declaration.attempts += 1
        declaration.status = (
            Declaration.Status.TRANSCRIBING
            if declaration.source == Declaration.Source.AUDIO
            else Declaration.Status.EXTRACTING
        )
        declaration.save(update_fields=["attempts", "status", "updated_at"])
        return declaration


class _Heartbeat:
    """While a note is processed, its updated_at is touched every PIPELINE_HEARTBEAT_S from a thread
    of its own: a note whose heartbeat stopped (its worker was killed, whatever the broker) is found by
    the sweep within PIPELINE_STUCK_AFTER_S, which can be minutes, not the longest note's duration."""

    def __init__(self, declaration_id: int) -> None:
        self.declaration_id = declaration_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{declaration_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.PIPELINE_HEARTBEAT_S):
                Declaration.objects.filter(
                    pk=self.declaration_id, status__in=Declaration.PROCESSING_STATUSES
                ).update(updated_at=timezone.now())
        except Exception:  # a heartbeat must never take the note down with it
            logger.exception("heartbeat of declaration %s stopped", self.declaration_id)
        finally:
            connections.close_all()


def process_declaration(declaration_id: int) -> str | None:
    """Run the pipeline once. Idempotent: a declaration past processing is left as it is."""
    declaration = _claim(declaration_id)
    if declaration is None:
        return None
    with _Heartbeat(declaration_id):
        return _process(declaration, declaration_id)


def _process(declaration: Declaration, declaration_id: int) -> str | None:
    try:
        if declaration.source == Declaration.Source.AUDIO:
            with default_storage.open(declaration.audio.name, "rb") as audio:
                result = transcribe_audio(audio)
            declaration.transcript = result.text
            declaration.words = [word.as_dict() for word in result.words]
            declaration.engine = result.engine
            declaration.engine_model = result.model
            declaration.audio_duration_s = result.duration_s
            declaration.decode_seconds = result.decode_seconds
            declaration.transcribe_seconds = result.transcribe_seconds
            declaration.status = Declaration.Status.EXTRACTING
            with transaction.atomic():  # the report's roll-up follows the status in the same transaction
                declaration.save()
        started = time.perf_counter()
        extracted = get_extractor().extract(declaration.transcript, recorded_at=declaration.recorded_at)
        attention = apply_doubt(
            extracted,
            declaration.transcript,
            declaration.words or [],
            threshold=settings.SPEECH_DOUBTFUL_WORD_CONF,
            attention_below=settings.SPEECH_ATTENTION_BELOW,
            recalibration=shipped_recalibration(),
        )
        with transaction.atomic():
            store_extracted_steps(declaration=declaration, extracted=extracted, attention=attention)
            declaration.extract_seconds = time.perf_counter() - started
            declaration.status = Declaration.Status.TO_CONFIRM
            declaration.processed_at = timezone.now()
            declaration.error = declaration.error_code = ""
            declaration.save()
            notifications.notify(
                user=declaration.beneficiary.user, kind=Notification.Kind.READY, declaration=declaration
            )
    except SpeechError as exc:
        logger.info("declaration %s failed: %s (%s)", declaration_id, exc.code, exc.detail)
        _fail(declaration, exc.code, exc.message)
    except Exception:
        logger.exception("declaration %s failed unexpectedly", declaration_id)
        _fail(
            declaration,
            PROCESSING_ERROR_CODE,
            _("Une erreur est survenue pendant le traitement de la note. Elle sera examinée."),
        )
    return declaration.status


def _fail(declaration: Declaration, code: str, message: str) -> None:
    declaration.status = Declaration.Status.FAILED
    declaration.error_code = code
    declaration.error = message
    declaration.processed_at = timezone.now()
    with transaction.atomic():  # the report's roll-up follows the status in the same transaction
        declaration.save(update_fields=["status", "error_code", "error", "processed_at", "updated_at"])
        notifications.notify(user=declaration.beneficiary.user, kind=Notification.Kind.FAILED, declaration=declaration)


def requeue_stuck(*, older_than_s: float, queued_lost_after_s: float | None = None) -> list[int]:
    """Ids of declarations to queue again: started but silent for `older_than_s` (their heartbeat
    stopped: the worker died), or queued and never started for `queued_lost_after_s` (the broker lost
    the message). Processing is idempotent, so a late duplicate is harmless."""
    now = timezone.now()
    started = (Declaration.Status.TRANSCRIBING, Declaration.Status.EXTRACTING)
    lost = queued_lost_after_s if queued_lost_after_s is not None else settings.PIPELINE_QUEUED_LOST_AFTER_S
    stuck = Declaration.objects.filter(
        Q(status__in=started, updated_at__lt=now - timedelta(seconds=older_than_s))
        | Q(status=Declaration.Status.RECEIVED, queued_at__lt=now - timedelta(seconds=lost))
    )
    return list(stuck.order_by("updated_at").values_list("pk", flat=True)[:500])


def reset_for_reprocessing(declaration: Declaration) -> bool:
    """Put a failed or stuck declaration back in the queue's hands; False when its steps belong to people
    now (to confirm, sent or reviewed) and must not be overwritten, or when its recording is gone."""
    if declaration.status not in (Declaration.Status.FAILED, *Declaration.PROCESSING_STATUSES):
        return False
    if declaration.source == Declaration.Source.AUDIO and not declaration.audio:
        return False  # the recording was deleted by the retention policy: nothing to transcribe again
    declaration.status = Declaration.Status.RECEIVED
    declaration.error = declaration.error_code = ""
    declaration.attempts = 0
    with transaction.atomic():  # the report's roll-up follows the status in the same transaction
        declaration.save(update_fields=["status", "error", "error_code", "attempts", "updated_at"])
    return True
