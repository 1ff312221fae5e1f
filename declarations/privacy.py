"""Personal data over its lifetime (RGPD): audio retention, a beneficiary's export, their erasure."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from declarations import rollup
from declarations.models import Beneficiary, Declaration, ErasureRecord, Review, Step
from declarations.services import Conflict, DomainError

logger = logging.getLogger(__name__)

EXPORT_FORMAT_VERSION = 1


# --- Retention --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    declaration_ids: list[int]
    cutoff: datetime
    unsent_cutoff: datetime


def _audio_storage() -> Storage:
    return Declaration._meta.get_field("audio").storage  # type: ignore[attr-defined,no-any-return]


def purge_expired_audio(
    *,
    days: int | None = None,
    unsent_days: int | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Delete recordings nobody needs any more; keep transcript and steps.

    Two rules: a note reviewed more than `days` ago (AUDIO_RETENTION_DAYS_AFTER_REVIEW), and a note never
    sent to the counsellor — failed, or left unconfirmed — untouched for `unsent_days`
    (AUDIO_RETENTION_DAYS_UNSENT). Notes waiting for their counsellor keep their audio whatever their age.

    Idempotent and safe to interrupt: each file is deleted before its row forgets it, so a crash
    between the two leaves a row the next run finishes, never a file nobody points at.
    """
    days = settings.AUDIO_RETENTION_DAYS_AFTER_REVIEW if days is None else days
    unsent_days = settings.AUDIO_RETENTION_DAYS_UNSENT if unsent_days is None else unsent_days
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    unsent_cutoff = now - timedelta(days=unsent_days)
    unsent = (Declaration.Status.FAILED, Declaration.Status.TO_CONFIRM)
    expired = (
        Declaration.objects.filter(
            Q(status=Declaration.Status.REVIEWED, reviewed_at__lte=cutoff)
            | Q(status__in=unsent, updated_at__lte=unsent_cutoff)
        )
        .exclude(audio="")
        .order_by("pk")
        .values_list("pk", "audio")
    )
    storage = _audio_storage()
    purged: list[int] = []
    for declaration_id, name in expired.iterator():
        if not dry_run:
            storage.delete(name)
            Declaration.objects.filter(pk=declaration_id, audio=name).update(audio="", audio_purged_at=now)
        purged.append(declaration_id)
    if purged and not dry_run:
        logger.info(
            "purged the audio of %d declarations (reviewed before %s, or unsent since %s)",
            len(purged),
            cutoff.isoformat(),
            unsent_cutoff.isoformat(),
        )
    return PurgeResult(purged=len(purged), declaration_ids=purged, cutoff=cutoff, unsent_cutoff=unsent_cutoff)


# --- Export (right of access, art. 15) ------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _review_data(review: Review) -> dict[str, Any]:
    # The decision and its reasons are the young person's; who at the structure took it is the staff
    # member's own data. Their role is enough to read the trail.
    return {
        "decision": review.decision,
        "reason": str(review.get_reason_display()) if review.reason else "",
        "comment": review.comment,
        "changes": review.changes,
        "reviewer_role": "conseiller",
        "created_at": _iso(review.created_at),
    }


def _step_data(step: Step) -> dict[str, Any]:
    return {
        "id": step.pk,
        "position": step.position,
        "origin": step.origin,
        "category": step.category,
        "kind": step.kind,
        "status": step.status,
        "date": _iso(step.date),
        "activity_date": _iso(step.activity_date),
        "count": step.count,
        "organization": step.organization,
        "job_title": step.job_title,
        "rome_code": step.rome_code,
        "duration_minutes": step.duration_minutes,
        "evidence": step.evidence,
        "evidence_start": step.evidence_start,
        "evidence_end": step.evidence_end,
        "confidence": step.confidence,
        "demarche_pourquoi": step.demarche_pourquoi,
        "demarche_quoi": step.demarche_quoi,
        "demarche_comment": step.demarche_comment,
        "hours": _number(step.hours),
        "decision": step.decision,
        "decided_at": _iso(step.decided_at),
        "reviews": [_review_data(review) for review in step.reviews.all()],
    }


def _audio_data(declaration: Declaration) -> dict[str, Any]:
    return {
        "declaration_id": declaration.pk,
        "recorded_at": _iso(declaration.recorded_at),
        "stored": bool(declaration.audio),
        "size_bytes": declaration.audio_size,
        "duration_s": declaration.audio_duration_s,
        "deleted_at": _iso(declaration.audio_purged_at),
    }


def _declaration_data(declaration: Declaration) -> dict[str, Any]:
    return {
        "id": declaration.pk,
        "client_id": str(declaration.client_id),
        "recorded_at": _iso(declaration.recorded_at),
        "source": declaration.source,
        "status": declaration.status,
        "error": declaration.error,
        "error_code": declaration.error_code,
        "transcript": declaration.transcript,
        "words": declaration.words,
        "engine": declaration.engine,
        "audio": _audio_data(declaration) if declaration.source == Declaration.Source.AUDIO else None,
        "created_at": _iso(declaration.created_at),
        "processed_at": _iso(declaration.processed_at),
        "submitted_at": _iso(declaration.submitted_at),
        "reviewed_at": _iso(declaration.reviewed_at),
        "steps": [_step_data(step) for step in declaration.steps.all()],
    }


def export_beneficiary_data(beneficiary: Beneficiary) -> dict[str, Any]:
    """Everything stored about one beneficiary, as JSON-ready values (nothing about anyone else)."""
    from declarations.selectors import declarations_with_steps

    user = beneficiary.user
    counsellor = beneficiary.counsellor
    declarations = list(
        declarations_with_steps(Declaration.objects.filter(beneficiary=beneficiary)).order_by("recorded_at", "pk")
    )
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
        "profile": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "structure": {"name": beneficiary.structure.name, "kind": beneficiary.structure.kind},
            # Who follows them is part of the young person's own file.
            "counsellor": (
                (counsellor.user.get_full_name() or counsellor.user.get_username()) if counsellor else None
            ),
        },
        "declarations": [_declaration_data(declaration) for declaration in declarations],
        "notifications": [
            {"kind": n.kind, "title": n.title, "body": n.body, "declaration": n.declaration_id,
             "created_at": _iso(n.created_at), "delivered_at": _iso(n.delivered_at)}
            for n in user.notifications.order_by("created_at", "id")
        ],
        "audio_files": [
            _audio_data(declaration)
            for declaration in declarations
            if declaration.source == Declaration.Source.AUDIO
        ],
    }


# --- Erasure (right to erasure, art. 17) ----------------------------------------------------------


def subject_ref(beneficiary_id: int) -> str:
    """A keyed hash of a beneficiary's id: recognises them in a restored backup, names nobody."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"beneficiary:{beneficiary_id}".encode(), hashlib.sha256).hexdigest()


def _requester_role(beneficiary: Beneficiary, requested_by: AbstractBaseUser | None) -> str:
    # The right is exercised through the structure: an administrator, or the young person's own
    # counsellor. `None` is an operator at the command line.
    if requested_by is None:
        return ErasureRecord.RequestedBy.OPERATOR
    if getattr(requested_by, "is_superuser", False) or getattr(requested_by, "is_staff", False):
        return ErasureRecord.RequestedBy.ADMIN
    counsellor = getattr(requested_by, "counsellor", None)
    if counsellor is not None and beneficiary.counsellor_id == counsellor.pk:
        return ErasureRecord.RequestedBy.COUNSELLOR
    raise DomainError(
        "permission_denied",
        _("Seul le conseiller du jeune ou un administrateur peut effacer ses données."),
        status_code=403,
    )


def _delete_sessions_of(user_id: int) -> int:
    """Session rows (and their cached copies) that log this person in: a session stores the user's
    id inside its encoded data, so each live one is decoded — erasures are rare, sessions few."""
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session

    deleted = 0
    for session in Session.objects.filter(expire_date__gte=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            SessionStore(session_key=session.session_key).delete()
            deleted += 1
    return deleted


def erase_beneficiary(*, beneficiary: Beneficiary, requested_by: AbstractBaseUser | None) -> ErasureRecord:
    """Delete a beneficiary, their account, declarations, steps, reviews and recordings.

    What remains is an ErasureRecord: a keyed hash, the structure, counts, when and who asked.
    Recordings are deleted once the transaction commits (see the post_delete receiver on Declaration).
    """
    role = _requester_role(beneficiary, requested_by)
    user = beneficiary.user
    if user.is_staff or user.is_superuser or hasattr(user, "counsellor") or hasattr(user, "manager"):
        raise Conflict(
            "erasure_account_has_other_roles",
            _("Ce compte a aussi un rôle dans la structure : retirez ce rôle avant l'effacement."),
        )
    with transaction.atomic():
        declarations = Declaration.objects.filter(beneficiary=beneficiary)
        record = ErasureRecord(
            subject_ref=subject_ref(beneficiary.pk),
            structure_id=beneficiary.structure_id,
            requested_by=requested_by,
            requested_by_role=role,
            declarations=declarations.count(),
            steps=Step.objects.filter(declaration__beneficiary=beneficiary).count(),
            reviews=Review.objects.filter(step__declaration__beneficiary=beneficiary).count(),
            audio_files=declarations.exclude(audio="").count(),
        )
        # The admin's history names the person in its object labels; tokens carry the account id.
        for model, object_id in ((get_user_model(), user.pk), (Beneficiary, beneficiary.pk)):
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id=str(object_id)
            ).delete()
        OutstandingToken.objects.filter(user=user).delete()
        _delete_sessions_of(user.pk)
        # Cascades to the beneficiary, their declarations, steps and reviews (the deletion collector
        # goes through the base manager, so the reviews' append-only queryset does not stand in the way).
        # The report's roll-up forgets the person's weeks once, when everything is deleted.
        with rollup.deferred():
            user.delete()
        record.save()
    logger.info("erased beneficiary %s (%s)", record.subject_ref[:12], role)
    return record
