"""The managers' report roll-up: per beneficiary and CEJ week, the counts `reports.overview` adds up.

Aggregating a period's steps on every request costs hundreds of milliseconds at full scale; the
roll-up has a few rows per beneficiary-week (`ReportStepWeek`, `ReportDeclarationWeek`).

How it stays exact: every save or delete of a Step or a Declaration (services, pipeline, erasure,
admin, factories) marks the (beneficiary, week) pairs it touches, and the rows of those pairs are
recomputed from the source rows inside the same transaction, the beneficiary's row locked so that two
writers of the same person take turns. A recomputation covers one person's weeks: small, exact and
idempotent. `deferred()` gathers the marks of a block (a decision saves a step, then maybe its
declaration) into one recomputation at its end. Bulk writes (`bulk_create`, `QuerySet.update`, raw
fixtures) send no signal: their caller runs `refresh` or `rebuild` (generate_load_data does), and
`manage.py rebuild_report_rollup` repairs anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import connection, transaction
from django.db.models import Count, DateField, DecimalField, F, Model, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncWeek

from declarations.hours import PARIS, local_date, week_start
from declarations.models import (
    ALL_CATEGORIES,
    Beneficiary,
    Declaration,
    ReportDeclarationWeek,
    ReportStepWeek,
    Step,
)
from declarations.selectors import COUNTED_DECLARATION_STATUSES

P = ParamSpec("P")
R = TypeVar("R")
Pair = tuple[int, date]  # (beneficiary id, Monday of the CEJ week)
Owner = tuple[int, str, date]  # a declaration's beneficiary id, status and week of recording

# Fields whose change moves a figure of the report; saving only other fields leaves the roll-up as is.
STEP_FIELDS = ("declaration_id", "activity_date", "category", "status", "hours", "decision")
DECLARATION_FIELDS = ("beneficiary_id", "recorded_at", "status")


@dataclass
class _State:
    depth: int = 0
    dirty: set[Pair] = field(default_factory=set)
    # declaration id -> its Owner: a cascade deletes many steps of few declarations.
    owners: dict[int, Owner] = field(default_factory=dict)


_local = threading.local()


def _state() -> _State:
    state: _State | None = getattr(_local, "state", None)
    if state is None:
        state = _local.state = _State()
    return state


@contextmanager
def deferred() -> Iterator[None]:
    """Recompute the pairs marked in the block once, when it ends, inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("rollup.deferred() must run inside transaction.atomic()")
    state = _state()
    state.depth += 1
    try:
        yield
    except BaseException:
        state.depth -= 1
        if not state.depth:  # the transaction rolls back: nothing to recompute
            state.dirty.clear()
            state.owners.clear()
        raise
    state.depth -= 1
    if not state.depth:
        pairs = set(state.dirty)
        state.dirty.clear()
        state.owners.clear()
        refresh(pairs)


def coalesced(function: Callable[P, R]) -> Callable[P, R]:
    """Run the function in `deferred()`; put it under `transaction.atomic`."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with deferred():
            return function(*args, **kwargs)

    return wrapper


def _mark(pairs: Iterable[Pair]) -> None:
    state = _state()
    if state.depth:
        state.dirty.update(pairs)
    else:
        refresh(pairs)


def _week_of_recording(recorded_at: datetime) -> date:
    return week_start(local_date(recorded_at))


def _owner(declaration_id: int, instance: Step | None = None) -> Owner | None:
    """Who a step belongs to, from its cached declaration when there is one."""
    if instance is not None and Step.declaration.is_cached(instance):  # type: ignore[attr-defined]
        declaration = instance.declaration
        return declaration.beneficiary_id, declaration.status, _week_of_recording(declaration.recorded_at)
    state = _state()
    if state.depth and declaration_id in state.owners:
        return state.owners[declaration_id]
    row = Declaration.objects.filter(pk=declaration_id).values_list("beneficiary_id", "status", "recorded_at").first()
    if row is None:
        return None
    owner = (row[0], row[1], _week_of_recording(row[2]))
    if state.depth:
        state.owners[declaration_id] = owner
    return owner


def _step_pairs(owner: Owner | None, activity_date: date) -> set[Pair]:
    """A step of a sent declaration counts in its activity week, and in its declaration's week (pending)."""
    if owner is None or not _counted(owner[1]):
        return set()
    return {(owner[0], week_start(activity_date)), (owner[0], owner[2])}


def _counted(status: str) -> bool:
    return status in COUNTED_DECLARATION_STATUSES


def _relevant(instance: Model, update_fields: Iterable[str] | None) -> bool:
    if update_fields is None:
        return True
    tracked = STEP_FIELDS if isinstance(instance, Step) else DECLARATION_FIELDS
    names = {name.removesuffix("_id") for name in tracked}
    return any(name.removesuffix("_id") in names for name in update_fields)


def before_save(instance: Model, *, raw: bool, update_fields: Iterable[str] | None) -> None:
    """Remember what the row counted for before the change (its old week may lose a step)."""
    instance.__dict__.pop("_rollup_before", None)
    if raw or instance._state.adding or instance.pk is None or not _relevant(instance, update_fields):
        return
    if isinstance(instance, Step):
        old = Step.objects.filter(pk=instance.pk).values_list(*STEP_FIELDS).first()
    elif isinstance(instance, Declaration):
        old = Declaration.objects.filter(pk=instance.pk).values_list(*DECLARATION_FIELDS).first()
    else:
        return
    instance.__dict__["_rollup_before"] = old


def after_save(instance: Model, *, raw: bool, update_fields: Iterable[str] | None) -> None:
    old = instance.__dict__.pop("_rollup_before", None)
    if raw or not _relevant(instance, update_fields):
        return
    if isinstance(instance, Step):
        _step_changed(instance, old)
    elif isinstance(instance, Declaration):
        _declaration_changed(instance, old)


def after_delete(instance: Model) -> None:
    if isinstance(instance, Step):
        pairs = _step_pairs(_owner(instance.declaration_id, instance), instance.activity_date)
        if pairs:
            _mark(pairs)
    elif isinstance(instance, Declaration):
        # Its steps went first (they cascade), each marking its own week.
        _mark([(instance.beneficiary_id, _week_of_recording(instance.recorded_at))])


def _step_changed(step: Step, old: tuple[Any, ...] | None) -> None:
    new = tuple(getattr(step, name) for name in STEP_FIELDS)
    if old == new:
        return
    pairs: set[Pair] = set()
    for values in (old, new):
        if values is not None:
            pairs |= _step_pairs(_owner(values[0], step if values is new else None), values[1])
    if pairs:
        _mark(pairs)


def _declaration_changed(declaration: Declaration, old: tuple[Any, ...] | None) -> None:
    new = (declaration.beneficiary_id, declaration.recorded_at, declaration.status)
    if old == new:
        return
    pairs = {(new[0], _week_of_recording(new[1]))}
    if old is not None:
        pairs.add((old[0], _week_of_recording(old[1])))
    # Its steps count only while it is sent: a change of that (or of owner) moves them in or out.
    if old is None or _counted(old[2]) != _counted(new[2]) or old[0] != new[0]:
        days = set(Step.objects.filter(declaration_id=declaration.pk).values_list("activity_date", flat=True))
        owners = {new[0]} if old is None else {old[0], new[0]}
        pairs.update((owner, week_start(day)) for owner in owners for day in days)
    state = _state()
    if state.depth:
        state.owners[declaration.pk] = (new[0], new[2], _week_of_recording(new[1]))
    _mark(pairs)


def steps_created(declaration: Declaration, days: Iterable[date]) -> None:
    """Steps written with bulk_create (no signal) on these days: recompute their weeks if they count."""
    owner = (declaration.beneficiary_id, declaration.status, _week_of_recording(declaration.recorded_at))
    pairs: set[Pair] = set()
    for day in days:
        pairs |= _step_pairs(owner, day)
    if pairs:
        _mark(pairs)


# --- Recomputation ---------------------------------------------------------------------------------


def _monday(expression: Any) -> Cast:
    return Cast(expression, DateField())


def step_rows(steps: QuerySet[Step], *, per_category: bool = True) -> QuerySet[Step]:
    """The ReportStepWeek rows of the given steps, computed in SQL: one per category, or the week's
    all-categories row (category ALL_CATEGORIES) with per_category=False."""
    validated = Q(decision=Step.Decision.VALIDATED)
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=9, decimal_places=2))
    return (
        steps.filter(declaration__status__in=COUNTED_DECLARATION_STATUSES, status=Step.Status.DONE)
        .annotate(
            rollup_beneficiary=F("declaration__beneficiary_id"),
            rollup_week=_monday(TruncWeek("activity_date")),
            rollup_category=F("category") if per_category else Value(ALL_CATEGORIES),
        )
        .values("rollup_beneficiary", "rollup_week", "rollup_category")
        .annotate(
            rollup_pending=Count("pk", filter=Q(decision=Step.Decision.PENDING)),
            rollup_validated=Count("pk", filter=validated),
            rollup_rejected=Count("pk", filter=Q(decision=Step.Decision.REJECTED)),
            rollup_hours=Coalesce(Sum("hours", filter=validated), zero),
        )
        .order_by()
    )


STEP_COLUMNS = {
    "beneficiary_id": "rollup_beneficiary", "week": "rollup_week", "category": "rollup_category",
    "steps_pending": "rollup_pending", "steps_validated": "rollup_validated",
    "steps_rejected": "rollup_rejected", "validated_hours": "rollup_hours",
}


def declaration_rows(declarations: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """The ReportDeclarationWeek rows of the given declarations, computed in SQL."""
    return (
        declarations.annotate(
            rollup_beneficiary=F("beneficiary_id"),
            rollup_week=_monday(TruncWeek("recorded_at", tzinfo=PARIS)),
            rollup_status=F("status"),
        )
        .values("rollup_beneficiary", "rollup_week", "rollup_status")
        .annotate(
            # Counted over the join with the steps: one row per step, hence distinct.
            rollup_declarations=Count("pk", distinct=True),
            # Only what waits for the counsellor: steps of a note still being written are the young person's.
            rollup_pending=Count(
                "steps", filter=Q(status=Declaration.Status.SUBMITTED, steps__decision=Step.Decision.PENDING)
            ),
        )
        .order_by()
    )


DECLARATION_COLUMNS = {
    "beneficiary_id": "rollup_beneficiary", "week": "rollup_week", "status": "rollup_status",
    "declarations": "rollup_declarations", "steps_pending": "rollup_pending",
}


def _insert_select(
    model: type[Model], columns: dict[str, str], source: QuerySet[Any], *, in_week_order: bool = False
) -> int:
    """INSERT … SELECT of an aggregated queryset: the rows never travel through Python. In week order, a
    period's rows sit together on disk, as they do when weeks fill up one after the other."""
    quote = connection.ops.quote_name
    sql, params = source.query.sql_with_params()
    targets = ", ".join(quote(column) for column in columns)
    picked = ", ".join(f"source.{quote(alias)}" for alias in columns.values())
    order = f" ORDER BY source.{quote(columns['week'])}, source.{quote(columns['beneficiary_id'])}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({targets}) SELECT {picked} FROM ({sql}) source"
            + (order if in_week_order else ""),
            params,
        )
        return cursor.rowcount


def refresh(pairs: Iterable[Pair]) -> None:
    """Recompute the roll-up rows of these (beneficiary, week) pairs from the steps and declarations."""
    weeks_of: dict[int, set[date]] = {}
    for beneficiary_id, monday in pairs:
        weeks_of.setdefault(beneficiary_id, set()).add(monday)
    if not weeks_of:
        return
    # Joins the caller's transaction when there is one (no savepoint round trips), else makes one.
    with transaction.atomic(savepoint=False):
        for beneficiary_id in sorted(weeks_of):  # one lock order for everyone: no deadlock between two
            _refresh_beneficiary(beneficiary_id, sorted(weeks_of[beneficiary_id]))


def _refresh_beneficiary(beneficiary_id: int, weeks: list[date]) -> None:
    # Serialises writers of the same person: the next one recomputes after this one commits and sees
    # its rows (READ COMMITTED takes a fresh snapshot per statement). NO KEY: inserting a declaration
    # of theirs (a foreign key check) is not blocked.
    list(Beneficiary.objects.select_for_update(no_key=True).filter(pk=beneficiary_id).values_list("pk"))
    ReportStepWeek.objects.filter(beneficiary_id=beneficiary_id, week__in=weeks).delete()
    ReportDeclarationWeek.objects.filter(beneficiary_id=beneficiary_id, week__in=weeks).delete()
    days = Q()
    for monday in weeks:
        days |= Q(activity_date__range=(monday, monday + timedelta(days=6)))
    steps = Step.objects.filter(days, declaration__beneficiary_id=beneficiary_id)
    _insert_select(ReportStepWeek, STEP_COLUMNS, step_rows(steps))
    _insert_select(ReportStepWeek, STEP_COLUMNS, step_rows(steps, per_category=False))
    moments = Q()
    for monday in weeks:
        since = datetime.combine(monday, time.min, tzinfo=PARIS)
        moments |= Q(recorded_at__gte=since, recorded_at__lt=since + timedelta(days=7))
    _insert_select(
        ReportDeclarationWeek,
        DECLARATION_COLUMNS,
        declaration_rows(Declaration.objects.filter(moments, beneficiary_id=beneficiary_id)),
    )


@dataclass(frozen=True)
class RebuildResult:
    step_rows: int
    declaration_rows: int


@transaction.atomic
def rebuild() -> RebuildResult:
    """Recompute the whole roll-up from the steps and declarations (after a bulk load, or to repair)."""
    return rebuild_from(
        beneficiaries=Beneficiary.objects, steps=Step.objects, declarations=Declaration.objects,
        step_weeks=ReportStepWeek, declaration_weeks=ReportDeclarationWeek,
    )


def rebuild_from(
    *, beneficiaries: Any, steps: Any, declarations: Any, step_weeks: type[Model], declaration_weeks: type[Model]
) -> RebuildResult:
    """`rebuild` over the given managers and models (migration 0004 passes its historical ones)."""
    # Writers of any person wait until the new rows are in (they lock their beneficiary, then refresh).
    list(beneficiaries.select_for_update(no_key=True).values_list("pk"))
    tables = [connection.ops.quote_name(model._meta.db_table) for model in (step_weeks, declaration_weeks)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Unlike DELETE, leaves no dead rows behind for the report to wade through; readers wait the
            # few seconds of the rebuild (it holds the tables' exclusive lock until it commits).
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    step_count = sum(
        _insert_select(step_weeks, STEP_COLUMNS, step_rows(steps.all(), per_category=per_category), in_week_order=True)
        for per_category in (True, False)
    )
    declaration_count = _insert_select(
        declaration_weeks, DECLARATION_COLUMNS, declaration_rows(declarations.all()), in_week_order=True
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {step_weeks._meta.db_table}, {declaration_weeks._meta.db_table}")
    return RebuildResult(step_rows=step_count, declaration_rows=declaration_count)


def vacuum() -> None:
    """After a rebuild on PostgreSQL: reclaim the replaced rows and mark pages all-visible (index-only
    scans). VACUUM cannot run in a transaction, hence a step of its own."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {ReportStepWeek._meta.db_table}, {ReportDeclarationWeek._meta.db_table}")
