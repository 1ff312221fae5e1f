"""Reads. The only place that filters by who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet, Sum

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
