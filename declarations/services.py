"""Writes. Keyword-only, typed, atomic; each raises a DomainError the API turns into a 4xx."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import notifications, rollup
from declarations.categories import KINDS_BY_CATEGORY
from declarations.extraction.demarches import codes_for_step
from declarations.extraction.types import ExtractedStep
from declarations.hours import category_hours, local_date, step_date_problem
from declarations.models import Beneficiary, Declaration, Notification, Review, Step

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain said no. `code` is stable for the app; `message` is French for people."""

    status_code = 400

    def __init__(self, code: str, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class Conflict(DomainError):
    status_code = 409


EDITABLE_STEP_FIELDS = (
    "category", "kind", "status", "date", "count", "organization", "job_title", "duration_minutes",
)


@dataclass(frozen=True)
class CreatedDeclaration:
    declaration: Declaration
    created: bool


def create_declaration(
    *,
    beneficiary: Beneficiary,
    client_id: uuid.UUID,
    recorded_at: datetime,
    audio: File[bytes] | None = None,
    text: str | None = None,
) -> CreatedDeclaration:
    """Store a note and queue it. Idempotent on (beneficiary, client_id): retries never duplicate."""
    existing = Declaration.objects.filter(beneficiary=beneficiary, client_id=client_id).first()
    if existing is not None:
        if existing.status == Declaration.Status.RECEIVED and existing.queued_at is None:
            # the phone retries a note whose message never reached the broker: send it now
            transaction.on_commit(lambda: publish(existing.pk))
        return CreatedDeclaration(existing, created=False)
    if (audio is None) == (text is None):
        raise DomainError("invalid_payload", _("Envoyez soit une note vocale, soit un texte."))
    if audio is not None and not audio.size:
        raise DomainError("audio_empty", _("La note vocale est vide. Enregistrez-la à nouveau."))
    if audio is not None and audio.size is not None and audio.size > settings.SPEECH_MAX_UPLOAD_BYTES:
        raise DomainError(
            "audio_too_large",
            _("La note vocale dépasse la taille maximale de %(size)s.")
            % {"size": filesizeformat(settings.SPEECH_MAX_UPLOAD_BYTES)},
            status_code=413,
        )
    duration = _audio_duration_within_limits(beneficiary, audio) if audio is not None else None
    declaration = Declaration(
        beneficiary=beneficiary,
        client_id=client_id,
        recorded_at=recorded_at,
        source=Declaration.Source.AUDIO if audio is not None else Declaration.Source.TEXT,
        transcript=text or "",
        audio_duration_s=duration,
    )
    if audio is not None:
        declaration.audio_size = audio.size
        declaration.audio.save("note", audio, save=False)
    try:
        with transaction.atomic():
            declaration.save()
    except IntegrityError:
        # A concurrent retry of the same note won the race: keep its declaration, drop our copy.
        if declaration.audio:
            declaration.audio.delete(save=False)
        winner = Declaration.objects.get(beneficiary=beneficiary, client_id=client_id)
        return CreatedDeclaration(winner, created=False)
    transaction.on_commit(lambda: _enqueue(declaration.pk))
    return CreatedDeclaration(declaration, created=True)


def _audio_duration_within_limits(beneficiary: Beneficiary, audio: File[bytes]) -> float | None:
    """The note's length from its container (None if it does not say: the worker measures it), refused
    at once when it is longer than a note may be, or when it would take the young person past
    SPEECH_DAILY_MINUTES of recordings today — one person cannot fill the workers."""
    from speech.audio import probe_duration

    duration = probe_duration(audio.file) if getattr(audio, "file", None) is not None else None
    if duration is not None and duration > settings.SPEECH_MAX_DURATION_S:
        raise DomainError(
            "audio_too_long",
            _("La note vocale dure plus de %(minutes)d minutes. Enregistrez une note plus courte.")
            % {"minutes": round(settings.SPEECH_MAX_DURATION_S / 60)},
            status_code=413,
        )
    limit_s = settings.SPEECH_DAILY_MINUTES * 60
    if duration is None or limit_s <= 0:
        return duration
    day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    used = (
        Declaration.objects.filter(beneficiary=beneficiary, source=Declaration.Source.AUDIO, created_at__gte=day_start)
        .aggregate(total=Sum("audio_duration_s"))["total"]
        or 0.0
    )
    if used + duration > limit_s:
        raise DomainError(
            "daily_audio_limit",
            _(
                "Vous avez déjà envoyé %(used)d min de notes vocales aujourd'hui, la limite est de %(limit)d min "
                "par jour. Écrivez votre note, ou envoyez-la demain."
            )
            % {"used": round(used / 60), "limit": settings.SPEECH_DAILY_MINUTES},
            status_code=429,
        )
    return duration


def _enqueue(declaration_id: int) -> None:
    publish(declaration_id)


def publish(declaration_id: int) -> bool:
    """Send the note to the pipeline and mark it queued (the outbox flag, Declaration.queued_at).

    The note is already safely stored: if the broker cannot be reached, the upload still succeeds,
    the failure is logged in one line, and tasks.publish_unqueued sends it within a minute — the
    phone is never answered 500 for a note that was kept.
    """
    from declarations.tasks import process_declaration

    try:
        process_declaration.apply_async(
            (declaration_id,), priority=_priority(declaration_id), queue=settings.PIPELINE_QUEUE
        )
    except Exception as exc:  # any broker or network error: the sweep will try again
        logger.warning("declaration %s stored but not queued (%s: %s)", declaration_id, type(exc).__name__, exc)
        return False
    Declaration.objects.filter(pk=declaration_id).update(queued_at=timezone.now())
    return True


def _priority(declaration_id: int) -> int | None:
    """Fair turns: a person's note waits behind everyone else's first notes by as many places as they
    already have notes waiting (so thirty uploads in an hour do not delay another young person's one).
    Redis serves 0 first; RabbitMQ serves the highest first (its queues declare x-max-priority)."""
    broker = str(settings.CELERY_BROKER_URL)
    if not broker.startswith(("redis", "rediss", "amqp", "pyamqp")):
        return None  # the embedded filesystem broker has no priorities: one machine, in order
    beneficiary_id = Declaration.objects.filter(pk=declaration_id).values_list("beneficiary_id", flat=True).first()
    waiting = (
        Declaration.objects.filter(beneficiary_id=beneficiary_id, status__in=Declaration.PROCESSING_STATUSES)
        .exclude(pk=declaration_id)
        .filter(created_at__gte=timezone.now() - timedelta(hours=1))
        .count()
    )
    steps = min(waiting, PRIORITY_STEPS - 1)
    return steps if broker.startswith("redis") else PRIORITY_STEPS - 1 - steps


PRIORITY_STEPS = 10


def unqueued_declarations(*, older_than_s: float) -> list[int]:
    """Ids of notes stored but never sent to the pipeline (the broker was down), oldest first."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    return list(
        Declaration.objects.filter(status=Declaration.Status.RECEIVED, queued_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def store_extracted_steps(
    *,
    declaration: Declaration,
    extracted: list[ExtractedStep],
    attention: list[list[dict[str, str]]] | None = None,
) -> list[Step]:
    """Replace the declaration's extracted steps (a re-run never duplicates them); `attention` gives
    each step's reasons to be checked (extraction/doubt.py), in the same order."""
    structure = declaration.beneficiary.structure
    declaration.steps.filter(origin=Step.Origin.EXTRACTED).delete()
    extracted = extracted[: settings.MAX_STEPS_PER_DECLARATION]  # a run-away note keeps its first ones
    steps = [
        Step(
            declaration=declaration,
            position=index,
            origin=Step.Origin.EXTRACTED,
            category=item.category,
            kind=item.kind,
            status=item.status,
            date=item.date,
            activity_date=item.date or local_date(declaration.recorded_at),
            count=item.count,
            organization=(item.organization or "")[:200],
            job_title=(item.job_title or "")[:200],
            rome_code=item.rome_code or "",
            duration_minutes=item.duration_minutes,
            evidence=item.evidence,
            evidence_start=item.start,
            evidence_end=item.end,
            confidence=item.confidence,
            attention=attention[index] if attention and index < len(attention) else [],
            demarche_pourquoi=item.demarche_pourquoi or "",
            demarche_quoi=item.demarche_quoi or "",
            demarche_comment=item.demarche_comment or "",
            hours=category_hours(structure, item.category),
        )
        for index, item in enumerate(extracted)
    ]
    created = Step.objects.bulk_create(steps)
    # bulk_create sends no signal: tell the report's roll-up (these steps count if the note is sent).
    rollup.steps_created(declaration, [step.activity_date for step in created])
    return created


def _require_status(declaration: Declaration, status: str, code: str, message: str) -> None:
    if declaration.status != status:
        raise Conflict(code, message)


def _require_beneficiary_can_edit(declaration: Declaration) -> None:
    _require_status(
        declaration,
        Declaration.Status.TO_CONFIRM,
        "declaration_not_editable",
        _("Cette déclaration ne peut plus être modifiée."),
    )


def _apply_step_fields(step: Step, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the given fields, keep kind and category coherent, return {field: [before, after]}."""
    changes: dict[str, list[Any]] = {}
    category = data.get("category", step.category)
    # A kind is never changed behind the person's back: a new category must come with a kind of its
    # own unless the step's kind already belongs to it.
    if data.get("kind", step.kind) not in KINDS_BY_CATEGORY.get(category, ()):
        if "kind" in data:
            message = _("Ce type de démarche n'appartient pas à cette catégorie.")
        else:
            message = _("Le type de démarche actuel n'appartient pas à la nouvelle catégorie : choisissez-en un.")
        raise DomainError("kind_category_mismatch", message)
    for field in EDITABLE_STEP_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in ("organization", "job_title"):
            value = value or ""
        before = getattr(step, field)
        if before != value:
            changes[field] = [_jsonable(before), _jsonable(value)]
            setattr(step, field, value)
    if step.pk is None or {"date", "status"} & data.keys():
        problem = step_date_problem(step.date, step.status, local_date(step.declaration.recorded_at))
        if problem is not None:
            raise DomainError("step_date_out_of_range", _(problem))
    step.activity_date = step.date or local_date(step.declaration.recorded_at)
    if step.pk is None or {"kind", "category", "organization"} & changes.keys():
        # France Travail's démarche codes follow the step's kind and organisation as people fix them.
        step.demarche_pourquoi, step.demarche_quoi, step.demarche_comment = codes_for_step(
            step.kind, step.evidence, step.organization
        )
    return changes


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def update_step(*, step: Step, data: dict[str, Any]) -> Step:
    declaration = Declaration.objects.select_for_update().get(pk=step.declaration_id)
    _require_beneficiary_can_edit(declaration)
    step.declaration = declaration
    changes = _apply_step_fields(step, data)
    if "category" in changes:
        step.hours = category_hours(declaration.beneficiary.structure, step.category)
    step.save()
    return step


@transaction.atomic
def add_step(*, declaration: Declaration, data: dict[str, Any]) -> Step:
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    _require_beneficiary_can_edit(declaration)
    position = declaration.steps.count()
    if position >= settings.MAX_STEPS_PER_DECLARATION:
        raise DomainError(
            "too_many_steps",
            _("Une déclaration ne peut pas compter plus de %(n)d démarches : envoyez-en une autre.")
            % {"n": settings.MAX_STEPS_PER_DECLARATION},
        )
    category = data["category"]
    if not data.get("kind"):
        raise DomainError("kind_required", _("Indiquez le type de la démarche."))
    step = Step(
        declaration=declaration,
        position=position,
        origin=Step.Origin.BENEFICIARY,
        category=category,
        kind=data["kind"],
        activity_date=local_date(declaration.recorded_at),
        hours=category_hours(declaration.beneficiary.structure, category),
    )
    _apply_step_fields(step, data)
    step.save()
    return step


@transaction.atomic
def delete_step(*, step: Step) -> None:
    declaration = Declaration.objects.select_for_update().get(pk=step.declaration_id)
    _require_beneficiary_can_edit(declaration)
    step.delete()


@transaction.atomic
def confirm_declaration(*, declaration: Declaration) -> Declaration:
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status == Declaration.Status.SUBMITTED:
        return declaration  # the app may retry a confirmation it did not see acknowledged
    _require_beneficiary_can_edit(declaration)
    # A note that declares nothing ("j'étais malade cette semaine") still reaches the counsellor, as a
    # message: they acknowledge it (acknowledge_empty_declaration) instead of deciding steps.
    declaration.status = Declaration.Status.SUBMITTED
    declaration.submitted_at = timezone.now()
    declaration.save(update_fields=["status", "submitted_at", "updated_at"])
    return declaration


@transaction.atomic
def acknowledge_empty_declaration(*, declaration: Declaration, reviewer: AbstractBaseUser) -> Declaration:
    """The counsellor has read a sent note that declares nothing: it is reviewed (and counted so)."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status == Declaration.Status.REVIEWED:
        return declaration
    if declaration.status != Declaration.Status.SUBMITTED:
        raise Conflict("not_submitted", _("Cette déclaration n'a pas encore été envoyée."))
    if declaration.steps.exists():
        raise Conflict("has_steps", _("Cette déclaration compte des démarches : décidez-les une à une."))
    declaration.status = Declaration.Status.REVIEWED
    declaration.reviewed_at = timezone.now()
    declaration.acknowledged_by = reviewer
    declaration.save(update_fields=["status", "reviewed_at", "acknowledged_by", "updated_at"])
    return declaration


@transaction.atomic
def reply_to_refusal(*, step: Step, comment: str) -> Step:
    """The young person answers a refused step, once (their reason, a proof, a correction to come)."""
    step = Step.objects.select_for_update().get(pk=step.pk)
    if step.decision != Step.Decision.REJECTED:
        raise Conflict("step_not_rejected", _("On ne peut répondre qu'à une démarche refusée."))
    if step.replied_at is not None:
        raise Conflict("already_replied", _("Vous avez déjà répondu à ce refus."))
    step.reply = comment.strip()
    step.replied_at = timezone.now()
    step.save(update_fields=["reply", "replied_at"])
    return step


@dataclass(frozen=True)
class BulkValidation:
    """What "Valider tout" will do: the pending steps it validates, and those left to decide one by one."""

    validable: list[Step]
    planned: list[Step]  # not done yet: validating would count hours for something that may not happen
    to_check: list[Step]  # flagged for the counsellor (Step.attention): a misheard word, say


def bulk_validation(steps: list[Step]) -> BulkValidation:
    pending = [step for step in steps if step.decision == Step.Decision.PENDING]
    planned = [step for step in pending if step.status == Step.Status.PLANNED]
    to_check = [step for step in pending if step.status != Step.Status.PLANNED and step.attention]
    held = {step.pk for step in planned + to_check}
    return BulkValidation([step for step in pending if step.pk not in held], planned, to_check)


def validate_remaining(*, declaration: Declaration, reviewer: AbstractBaseUser) -> BulkValidation:
    """Validate the pending steps that need no look of their own (done, not flagged), in one transaction
    and one recomputation of the report's roll-up; planned and flagged steps stay pending."""
    plan = bulk_validation(list(declaration.steps.all()))
    with transaction.atomic(), rollup.deferred():
        for step in plan.validable:
            review_step(step=step, reviewer=reviewer, decision=Step.Decision.VALIDATED)
    return plan


@transaction.atomic
@rollup.coalesced  # the step and, with the last decision, its declaration: one recomputation
def review_step(
    *,
    step: Step,
    reviewer: AbstractBaseUser,
    decision: str,
    corrections: dict[str, Any] | None = None,
    hours: Decimal | None = None,
    comment: str = "",
    reason: str = "",
) -> Step:
    """Record a counsellor's decision on one step, with any correction, in the audit trail.

    A refusal gives a reason from Review.Reason; "other" (the default when only a comment is given,
    as clients did before reasons existed) needs a comment."""
    declaration = Declaration.objects.select_for_update().get(pk=step.declaration_id)
    _require_status(
        declaration,
        Declaration.Status.SUBMITTED,
        "declaration_not_reviewable",
        _("Cette déclaration n'est pas en attente de validation."),
    )
    if decision == Step.Decision.REJECTED:
        reason = reason or Review.Reason.OTHER
        if reason == Review.Reason.OTHER and not comment.strip():
            raise DomainError("comment_required", _("Un commentaire est obligatoire pour refuser une démarche."))
    else:
        reason = ""
    step = Step.objects.select_for_update().get(pk=step.pk)
    step.declaration = declaration
    changes = _apply_step_fields(step, dict(corrections or {}))
    new_hours = hours
    if new_hours is None and "category" in changes:
        new_hours = category_hours(declaration.beneficiary.structure, step.category)
    if new_hours is not None and new_hours != step.hours:
        changes["hours"] = [_jsonable(step.hours), _jsonable(new_hours)]
        step.hours = new_hours
    step.decision = decision
    step.decided_at = timezone.now()
    step.decided_by = reviewer  # type: ignore[assignment]
    step.save()
    Review.objects.create(
        step=step, reviewer=reviewer, decision=decision, reason=reason, comment=comment, changes=changes
    )
    notifications.notify(
        user=declaration.beneficiary.user,
        kind=Notification.Kind.STEP_VALIDATED if decision == Step.Decision.VALIDATED else Notification.Kind.STEP_REJECTED,
        declaration=declaration,
        step=step,
    )
    if not declaration.steps.filter(decision=Step.Decision.PENDING).exists():
        declaration.status = Declaration.Status.REVIEWED
        declaration.reviewed_at = timezone.now()
        declaration.save(update_fields=["status", "reviewed_at", "updated_at"])
    return step
