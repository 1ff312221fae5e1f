"""Reads. The only place that filters by who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import FloatField, Prefetch, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from declarations.hours import iso_week_label, week_start, weekly_target
from declarations.models import Beneficiary, Declaration, Review, Step

Role = Literal["beneficiary", "counsellor", "manager"]
AnyUser = AbstractBaseUser | AnonymousUser

COUNTED_DECLARATION_STATUSES = (Declaration.Status.SUBMITTED, Declaration.Status.REVIEWED)


def role_of(user: AnyUser | None) -> Role | None:
    if user is None or not user.is_authenticated:
        return None
    for role in ("beneficiary", "counsellor", "manager"):
        if hasattr(user, role):
            return role  # type: ignore[return-value]
    return None


def declarations_visible_to(user: AnyUser) -> QuerySet[Declaration]:
    """Declarations a person may read: their own; for a counsellor, those their portfolio sent them
    (a note still being processed or confirmed is the young person's alone). Managers read none."""
    role = role_of(user)
    queryset = Declaration.objects.select_related("beneficiary__user")
    if role == "beneficiary":
        return queryset.filter(beneficiary=user.beneficiary)  # type: ignore[union-attr]
    if role == "counsellor":
        return queryset.filter(
            beneficiary__counsellor=user.counsellor,  # type: ignore[union-attr]
            status__in=COUNTED_DECLARATION_STATUSES,
        )
    return queryset.none()


def declarations_with_steps(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    reviews = Review.objects.select_related("reviewer").order_by("created_at", "id")
    steps = Step.objects.order_by("position", "id").prefetch_related(Prefetch("reviews", queryset=reviews))
    return queryset.prefetch_related(Prefetch("steps", queryset=steps))


def steps_visible_to(user: AnyUser) -> QuerySet[Step]:
    return Step.objects.select_related(
        "declaration__beneficiary__structure", "declaration__beneficiary__counsellor"
    ).filter(declaration__in=declarations_visible_to(user))


def beneficiaries_visible_to(user: AnyUser) -> QuerySet[Beneficiary]:
    role = role_of(user)
    queryset = Beneficiary.objects.select_related("user", "structure")
    if role == "beneficiary":
        return queryset.filter(pk=user.beneficiary.pk)  # type: ignore[union-attr]
    if role == "counsellor":
        return queryset.filter(counsellor=user.counsellor)  # type: ignore[union-attr]
    return queryset.none()


@dataclass(frozen=True)
class WeekHours:
    week: str
    week_start: date
    declared_hours: Decimal
    validated_hours: Decimal
    target_hours: Decimal


def weekly_hours(beneficiary: Beneficiary, *, start: date, end: date) -> list[WeekHours]:
    """Declared and validated hours per CEJ week (Monday–Sunday) overlapping [start, end].

    Declared: done steps of declarations the beneficiary sent (not rejected). Validated: done steps
    the counsellor validated. Planned steps count once they are declared done in a later note.
    """
    first, last = week_start(start), week_start(end) + timedelta(days=6)
    steps = Step.objects.filter(
        declaration__beneficiary=beneficiary,
        declaration__status__in=COUNTED_DECLARATION_STATUSES,
        status=Step.Status.DONE,
        activity_date__range=(first, last),
    )
    declared: dict[date, Decimal] = {}
    validated: dict[date, Decimal] = {}
    rows = (
        steps.exclude(decision=Step.Decision.REJECTED)
        .values("activity_date", "decision")
        .annotate(total=Sum("hours"))
    )
    for row in rows:
        monday = week_start(row["activity_date"])
        declared[monday] = declared.get(monday, Decimal(0)) + row["total"]
        if row["decision"] == Step.Decision.VALIDATED:
            validated[monday] = validated.get(monday, Decimal(0)) + row["total"]
    target = weekly_target(beneficiary.structure)
    weeks: list[WeekHours] = []
    monday = first
    while monday <= last:
        weeks.append(
            WeekHours(
                week=iso_week_label(monday),
                week_start=monday,
                declared_hours=declared.get(monday, Decimal(0)),
                validated_hours=validated.get(monday, Decimal(0)),
                target_hours=target,
            )
        )
        monday += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class QueueEstimate:
    position: int  # 1: the next note a worker takes
    ready_at: datetime


# A note's own overhead besides recognition (decoding, extraction, model warm caches), in seconds.
_NOTE_OVERHEAD_S = 3.0
_UNKNOWN_LENGTH_S = 30.0


def recent_recognition_speed() -> float:
    """Seconds of recognition per second of audio, the median of the last 50 notes processed
    (PIPELINE_EXPECTED_RTF until there are any)."""
    rows = list(
        Declaration.objects.filter(audio_duration_s__gt=0, transcribe_seconds__isnull=False)
        .order_by("-processed_at")
        .values_list("transcribe_seconds", "audio_duration_s")[:50]
    )
    if not rows:
        return float(settings.PIPELINE_EXPECTED_RTF)
    ratios = sorted(t / d for t, d in rows)
    return ratios[len(ratios) // 2]


def queue_estimate(declaration: Declaration) -> QueueEstimate:
    """Where a waiting note stands: the notes received before it and still waiting or in progress,
    and when it should be ready, from their lengths and the speed measured on recent notes."""
    ahead = Declaration.objects.filter(
        status__in=Declaration.PROCESSING_STATUSES, created_at__lt=declaration.created_at
    )
    count = ahead.count()
    audio_ahead = ahead.aggregate(
        total=Sum(Coalesce("audio_duration_s", Value(_UNKNOWN_LENGTH_S)), output_field=FloatField())
    )["total"] or 0.0
    own = declaration.audio_duration_s if declaration.source == Declaration.Source.AUDIO else 0.0
    if own is None:
        own = _UNKNOWN_LENGTH_S
    workers = max(1, settings.PIPELINE_WORKERS)
    seconds = ((audio_ahead + own) * recent_recognition_speed() + (count + 1) * _NOTE_OVERHEAD_S) / workers
    return QueueEstimate(position=count + 1, ready_at=timezone.now() + timedelta(seconds=seconds))
