"""The queue's SQL (declarations/web/queue.py) against the ORM's scope and a computation in Python.

Random notes for two counsellors of one structure and one of another, every status (those the queue must
not show too), recorded on either side of Paris midnights and week boundaries, steps of every decision
with hours that floats would round; then every filter combination and every page is compared.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from declarations import selectors
from declarations.categories import Category, Kind
from declarations.hours import PARIS, local_date
from declarations.models import Beneficiary, Counsellor, Declaration, Step
from declarations.web import queue as queue_sql
from tests.factories import BeneficiaryFactory, CounsellorFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
WEEKS = [MONDAY + timedelta(weeks=index) for index in range(3)]
QUEUE = (Declaration.Status.SUBMITTED, Declaration.Status.REVIEWED)
KIND_OF = {Category.EMPLOI: Kind.CANDIDATURE, Category.FORMATION: Kind.ATELIER, Category.SANTE: Kind.RENDEZ_VOUS_MEDICAL}


def make_notes(rng: random.Random, people: list[Beneficiary], count: int) -> None:
    sent = datetime(2026, 3, 23, 9, 0, tzinfo=PARIS)
    for _ in range(count):
        # Around midnight on Sundays and Mondays, Paris time: the week filter must cut there.
        day = rng.choice(WEEKS) + timedelta(days=rng.choice([-1, 0, 3, 6, 7]))
        recorded = datetime(day.year, day.month, day.day, tzinfo=PARIS) + timedelta(minutes=rng.choice([-20, 20, 600]))
        declaration = Declaration.objects.create(
            beneficiary=rng.choice(people),
            client_id=uuid.uuid4(),
            recorded_at=recorded,
            source=rng.choice(list(Declaration.Source)),
            transcript=rng.choice(["", "Court.", "Élodie a postulé chez Décathlon — " * rng.randint(1, 9)]),
            status=rng.choice([*QUEUE, *QUEUE, Declaration.Status.TO_CONFIRM, Declaration.Status.FAILED]),
            # Equal sending times on purpose: the id breaks ties.
            submitted_at=sent + timedelta(minutes=rng.randint(0, count // 3)),
        )
        for position in range(rng.randint(0, 4)):
            category = rng.choice(list(KIND_OF))
            Step.objects.create(
                declaration=declaration, position=position, category=category, kind=KIND_OF[category],
                activity_date=local_date(recorded), decision=rng.choice(list(Step.Decision)),
                hours=Decimal(rng.choice(["0.1", "0.2", "1.15", "2", "3.33"])),
            )


def expected(user: Any, filters: queue_sql.QueueFilters) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """The same page computed another way: the ORM's scope for this counsellor, the rest in Python."""
    notes = []
    for declaration in selectors.declarations_visible_to(user).prefetch_related("steps"):
        steps = list(declaration.steps.all())
        if filters.beneficiary_id is not None and declaration.beneficiary_id != filters.beneficiary_id:
            continue
        if filters.week is not None:
            monday = local_date(declaration.recorded_at) - timedelta(days=local_date(declaration.recorded_at).weekday())
            if monday != filters.week:
                continue
        if filters.category and not any(step.category == filters.category for step in steps):
            continue
        notes.append((declaration, steps))
    counts = {status: sum(1 for declaration, _ in notes if declaration.status == status) for status in QUEUE}
    shown = [
        {
            "id": declaration.pk, "status": declaration.status, "source": declaration.source,
            "recorded_at": declaration.recorded_at, "submitted_at": declaration.submitted_at,
            "name": declaration.beneficiary.user.get_full_name() or declaration.beneficiary.user.username,
            "step_count": len(steps),
            "pending_count": sum(1 for step in steps if step.decision == Step.Decision.PENDING),
            "declared_hours": sum(
                (step.hours for step in steps if step.decision != Step.Decision.REJECTED), Decimal("0.00")
            ),
            "preview": declaration.transcript[:160],
        }
        for declaration, steps in sorted(notes, key=lambda note: (note[0].submitted_at, note[0].pk))
        if filters.status == "all" or declaration.status == filters.status
    ]
    return counts, shown


def test_queue_sql_gives_the_counsellors_notes_under_every_filter_and_page() -> None:
    rng = random.Random(20261123)
    counsellor = CounsellorFactory()
    colleague = CounsellorFactory(structure=counsellor.structure)
    elsewhere = CounsellorFactory()
    mine = [BeneficiaryFactory(counsellor=counsellor) for _ in range(3)]
    make_notes(rng, mine + [BeneficiaryFactory(counsellor=colleague), BeneficiaryFactory(counsellor=elsewhere)], 90)

    checked_rows = 0
    for status in (*QUEUE, "all"):
        for beneficiary_id in (None, mine[0].pk):
            for week in (None, *WEEKS):
                for category in (None, Category.EMPLOI, Category.SANTE):
                    filters = queue_sql.QueueFilters(status, beneficiary_id, week, category)
                    counts, shown = expected(counsellor.user, filters)
                    assert queue_sql.portfolio(counsellor.pk, filters).counts == counts, filters
                    pages = [
                        queue_sql.rows(counsellor.pk, filters, offset=offset, limit=7)
                        for offset in range(0, len(shown) + 7, 7)
                    ]
                    assert [row for page in pages for row in page] == shown, filters
                    assert pages[-1] == []
                    checked_rows += len(shown)
    # The data must make the comparison meaningful: many rows, each status and filter non-empty.
    assert checked_rows > 300
    assert all(expected(counsellor.user, queue_sql.QueueFilters(status))[1] for status in QUEUE)


def test_queue_people_are_the_portfolio_by_last_then_first_name() -> None:
    """Whatever the filters: the list stays whole when a week or a young person is chosen."""
    counsellor = CounsellorFactory()
    named = [("Zoé", "Abel"), ("Adam", "Abel"), ("Léa", "Ba"), ("", "")]
    people = [
        BeneficiaryFactory(counsellor=counsellor, user=UserFactory(first_name=first, last_name=last))
        for first, last in named
    ]
    BeneficiaryFactory(counsellor=CounsellorFactory(structure=counsellor.structure))  # a colleague's

    listed = queue_sql.portfolio(counsellor.pk, queue_sql.QueueFilters()).people

    unnamed = people[3].user.username
    assert listed == [(people[3].pk, unnamed), (people[1].pk, "Adam Abel"), (people[0].pk, "Zoé Abel"), (people[2].pk, "Léa Ba")]
    narrowed = queue_sql.QueueFilters("all", people[0].pk, MONDAY, Category.SANTE)
    assert queue_sql.portfolio(counsellor.pk, narrowed).people == listed
    assert {pk for pk, _ in listed} == set(
        selectors.beneficiaries_visible_to(counsellor.user).values_list("pk", flat=True)
    )


def test_queue_counts_are_zero_for_an_empty_portfolio() -> None:
    counsellor: Counsellor = CounsellorFactory()
    filters = queue_sql.QueueFilters("all")
    assert queue_sql.portfolio(counsellor.pk, filters) == queue_sql.Portfolio([], dict.fromkeys(QUEUE, 0))
    assert queue_sql.rows(counsellor.pk, filters, offset=0, limit=25) == []


def test_the_queue_index_is_built_by_the_migrations_with_the_id_last() -> None:
    """Migration 0006 (CONCURRENTLY on PostgreSQL, plain on SQLite) leaves the covering index alone."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Declaration._meta.db_table)
    assert constraints["declaration_queue_page_idx"]["columns"] == ["beneficiary_id", "status", "submitted_at", "id"]
    assert "declaration_queue_idx" not in constraints
