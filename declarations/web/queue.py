"""The counsellor queue's reads, in SQL: the page counsellors open most, between every two decisions.

Built with the ORM, its queries (counts per status, the page's rows with their step figures, the filter's
list of young people) cost ~15 ms of query building and compiling per request on our reference
machine, for ~6 ms of database work (benchmarks/bench_pages.py, README "Pages"). Here they are two
queries written once, with parameters only, for PostgreSQL and the embedded SQLite alike.

Scope: the portfolio is the young people whose counsellor is this one, and the queue shows their notes
sent or reviewed, as `selectors.declarations_visible_to` does for a counsellor; tests/web/test_queue.py
checks both give the same notes, whatever the filters, on both databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_datetime

from declarations.hours import PARIS
from declarations.models import Beneficiary, Declaration, Step

DECLARATION = Declaration._meta.db_table
BENEFICIARY = Beneficiary._meta.db_table
STEP = Step._meta.db_table
USER = Beneficiary._meta.get_field("user").related_model._meta.db_table  # type: ignore[union-attr]
STATUSES = (Declaration.Status.SUBMITTED, Declaration.Status.REVIEWED)
PREVIEW_CHARS = 160
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class QueueFilters:
    status: str = Declaration.Status.SUBMITTED  # submitted, reviewed or "all"
    beneficiary_id: int | None = None
    week: date | None = None  # the Monday of a week: notes recorded that week, Paris time
    category: str | None = None


@dataclass(frozen=True)
class Portfolio:
    people: list[tuple[int, str]]  # (id, name shown), by last then first name
    counts: dict[str, int]  # notes per status under the filters (each tab shows its count)


def _note_conditions(filters: QueueFilters) -> tuple[list[str], list[Any]]:
    """The week and category filters, as conditions on the declaration `d`, with their parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.week is not None:
        since = datetime.combine(filters.week, time.min, tzinfo=PARIS)
        clauses.append("d.recorded_at >= %s AND d.recorded_at < %s")
        params += [connection.ops.adapt_datetimefield_value(moment) for moment in (since, since + timedelta(days=7))]
    if filters.category:
        clauses.append(f"EXISTS (SELECT 1 FROM {STEP} s WHERE s.declaration_id = d.id AND s.category = %s)")
        params.append(filters.category)
    return clauses, params


def portfolio(counsellor_id: int, filters: QueueFilters) -> Portfolio:
    """The young people for the filter and, in the same query, each one's notes per status under the
    week and category filters (summed here, over the young person chosen if any)."""
    clauses, params = _note_conditions(filters)
    conditions = "".join(f" AND {clause}" for clause in clauses)
    per_status = ", ".join(
        f"(SELECT COUNT(*) FROM {DECLARATION} d WHERE d.beneficiary_id = b.id AND d.status = %s{conditions})"
        for _ in STATUSES
    )
    sql = (
        f"SELECT b.id, u.first_name, u.last_name, u.username, {per_status} FROM {BENEFICIARY} b "
        f"JOIN {USER} u ON u.id = b.user_id WHERE b.counsellor_id = %s ORDER BY u.last_name, u.first_name, b.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for status in STATUSES for value in (status, *params)] + [counsellor_id])
        found = cursor.fetchall()
    counted = [row for row in found if filters.beneficiary_id in (None, row[0])]
    return Portfolio(
        people=[(pk, _name(first, last, username)) for pk, first, last, username, *_ in found],
        counts={status: sum(row[4 + index] for row in counted) for index, status in enumerate(STATUSES)},
    )


def rows(counsellor_id: int, filters: QueueFilters, *, offset: int, limit: int) -> list[dict[str, Any]]:
    """One page of notes, oldest sent first, with their step figures.

    The page's ids come first, from the queue index alone (declaration_queue_page_idx); only those notes
    are then read and their steps counted: joining the steps of a whole portfolio to sort it would read
    every note of a long "Traitées" tab."""
    statuses = STATUSES if filters.status == "all" else (filters.status,)
    clauses, filter_params = _note_conditions(filters)
    clauses = ["b.counsellor_id = %s", f"d.status IN ({', '.join(['%s'] * len(statuses))})", *clauses]
    params: list[Any] = [counsellor_id, *statuses, *filter_params]
    if filters.beneficiary_id is not None:
        clauses.append("d.beneficiary_id = %s")
        params.append(filters.beneficiary_id)
    where = " AND ".join(clauses)
    sql = f"""
        SELECT d.id, d.status, d.source, d.recorded_at, d.submitted_at, u.first_name, u.last_name, u.username,
            (SELECT COUNT(*) FROM {STEP} s WHERE s.declaration_id = d.id),
            (SELECT COUNT(*) FROM {STEP} s WHERE s.declaration_id = d.id AND s.decision = %s),
            (SELECT COALESCE(SUM(s.hours), 0) FROM {STEP} s WHERE s.declaration_id = d.id AND s.decision <> %s),
            SUBSTR(d.transcript, 1, %s)
        FROM {DECLARATION} d
        JOIN {BENEFICIARY} b ON b.id = d.beneficiary_id
        JOIN {USER} u ON u.id = b.user_id
        WHERE d.id IN (
            SELECT d.id FROM {DECLARATION} d JOIN {BENEFICIARY} b ON b.id = d.beneficiary_id
            WHERE {where} ORDER BY d.submitted_at, d.id LIMIT %s OFFSET %s
        )
        ORDER BY d.submitted_at, d.id
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [Step.Decision.PENDING, Step.Decision.REJECTED, PREVIEW_CHARS, *params, limit, offset]
        )
        found = cursor.fetchall()
    return [
        {
            "id": row[0], "status": row[1], "source": row[2], "recorded_at": _moment(row[3]),
            "submitted_at": _moment(row[4]), "name": _name(row[5], row[6], row[7]),
            "step_count": row[8], "pending_count": row[9],
            # SQLite sums decimals as floats: back to the field's two decimals.
            "declared_hours": Decimal(str(row[10])).quantize(CENTS),
            "preview": row[11],
        }
        for row in found
    ]


def _name(first_name: str, last_name: str, username: str) -> str:
    """The name shown, as User.get_full_name(), else the username."""
    return f"{first_name} {last_name}".strip() or username


def _moment(value: datetime | str | None) -> datetime | None:
    """An aware datetime: PostgreSQL gives one; SQLite gives UTC without a zone (or text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
