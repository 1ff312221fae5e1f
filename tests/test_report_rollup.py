"""The managers' report read from the weekly roll-up gives the figures of the direct computation over the
steps, and the roll-up stays exact through every way data changes (services, pipeline, erasure, admin-like
saves, factories), as a full rebuild would compute it."""

from __future__ import annotations

import io
import random
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from declarations import privacy, reports, rollup, services
from declarations.categories import DEFAULT_WEEKLY_TARGET_HOURS, KINDS_BY_CATEGORY, Category
from declarations.hours import PARIS, local_date, week_start
from declarations.models import (
    ALL_CATEGORIES,
    Beneficiary,
    CategoryWeight,
    Counsellor,
    Declaration,
    ReportDeclarationWeek,
    ReportStepWeek,
    Step,
    Structure,
)
from declarations.pipeline import _fail, reset_for_reprocessing
from declarations.selectors import COUNTED_DECLARATION_STATUSES
from tests.factories import (
    BeneficiaryFactory,
    CounsellorFactory,
    DeclarationFactory,
    StepFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db

FIRST_MONDAY = date(2026, 1, 5)
WEEKS = 5
CATEGORIES = list(Category.values)
HOURS = [Decimal(0), Decimal("0.5"), Decimal("1.25"), Decimal(2), Decimal(3), Decimal("7.75")]


# --- The direct computation the report did before the roll-up (the reference) ------------------------


def _reaching_by_week(steps: QuerySet[Step]) -> dict[date, int]:
    target = Coalesce(
        F("declaration__beneficiary__structure__weekly_target_hours"),
        Value(DEFAULT_WEEKLY_TARGET_HOURS, output_field=DecimalField(max_digits=5, decimal_places=2)),
    )
    reaching = (
        steps.filter(decision=Step.Decision.VALIDATED)
        .annotate(week=TruncWeek("activity_date"), target=target)
        .values("declaration__beneficiary_id", "week", "target")
        .annotate(validated=Sum("hours"))
        .filter(validated__gte=F("target"))
        .order_by()
        .values("week")
    )
    sql, params = reaching.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reaching.week, COUNT(*) FROM ({sql}) reaching GROUP BY reaching.week", params)
        return {reports._as_date(week): total for week, total in cursor.fetchall()}


def _direct_workload(structure_ids: list[int], since: datetime, until: datetime) -> list[reports.CounsellorRow]:
    def count_by(queryset: QuerySet[Any], path: str) -> dict[int, int]:
        return dict(queryset.order_by().values(path).annotate(total=Count("pk")).values_list(path, "total"))

    in_structures = {"beneficiary__structure_id__in": structure_ids}
    beneficiaries = count_by(Beneficiary.objects.filter(structure_id__in=structure_ids), "counsellor")
    pending_declarations = count_by(
        Declaration.objects.filter(status=Declaration.Status.SUBMITTED, **in_structures), "beneficiary__counsellor"
    )
    pending_steps = count_by(
        Step.objects.filter(
            declaration__status=Declaration.Status.SUBMITTED,
            declaration__beneficiary__structure_id__in=structure_ids,
            decision=Step.Decision.PENDING,
        ),
        "declaration__beneficiary__counsellor",
    )
    reviewed = count_by(
        Declaration.objects.filter(reviewed_at__gte=since, reviewed_at__lt=until, **in_structures),
        "beneficiary__counsellor",
    )
    rows = [
        reports.CounsellorRow(
            counsellor_id=counsellor.pk,
            name=counsellor.user.get_full_name() or counsellor.user.get_username(),
            structure=counsellor.structure.name,
            beneficiaries=beneficiaries.get(counsellor.pk, 0),
            pending_declarations=pending_declarations.get(counsellor.pk, 0),
            pending_steps=pending_steps.get(counsellor.pk, 0),
            reviewed_declarations=reviewed.get(counsellor.pk, 0),
        )
        for counsellor in Counsellor.objects.filter(structure_id__in=structure_ids)
        .select_related("user", "structure")
        .order_by("user__last_name", "user__first_name", "pk")
    ]
    rows.sort(key=lambda row: -row.pending_steps)
    return rows


def direct_overview(*, structures: Sequence[Structure], start: date, end: date) -> reports.Overview:
    first, last, since, until = reports._period_bounds(start, end)
    structure_ids = [structure.pk for structure in structures]
    weeks = [first + timedelta(weeks=index) for index in range((last - first).days // 7 + 1)]
    declarations = Declaration.objects.filter(beneficiary__structure_id__in=structure_ids)
    received_rows = (
        declarations.filter(recorded_at__gte=since, recorded_at__lt=until)
        .annotate(week=TruncWeek("recorded_at", tzinfo=PARIS))
        .values("week", "status")
        .annotate(total=Count("id"))
        .order_by()
    )
    by_status: dict[str, int] = {}
    received_by_week: dict[date, int] = {}
    for row in received_rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["total"]
        monday = reports._as_date(row["week"])
        received_by_week[monday] = received_by_week.get(monday, 0) + row["total"]
    steps = Step.objects.filter(
        declaration__beneficiary__structure_id__in=structure_ids,
        declaration__status__in=COUNTED_DECLARATION_STATUSES,
        status=Step.Status.DONE,
        activity_date__range=(first, last),
    )
    zero_hours = Value(Decimal(0), output_field=DecimalField(max_digits=9, decimal_places=2))
    step_rows = (
        steps.annotate(week=TruncWeek("activity_date"))
        .values("week", "category", "decision")
        .annotate(total=Count("id"), hours=Coalesce(Sum("hours"), zero_hours))
        .order_by()
    )
    per_category: dict[str, dict[str, Any]] = {}
    per_week: dict[date, dict[str, Any]] = {}
    for row in step_rows:
        for bucket in (per_category.setdefault(row["category"], {}), per_week.setdefault(reports._as_date(row["week"]), {})):
            bucket["steps"] = bucket.get("steps", 0) + row["total"]
            bucket[row["decision"]] = bucket.get(row["decision"], 0) + row["total"]
            if row["decision"] == Step.Decision.VALIDATED:
                bucket["hours"] = bucket.get("hours", Decimal(0)) + row["hours"]
    categories = [
        reports.CategoryRow(
            category=code,
            label=str(label),
            steps=int(per_category.get(code, {}).get("steps", 0)),
            validated=int(per_category.get(code, {}).get(Step.Decision.VALIDATED, 0)),
            rejected=int(per_category.get(code, {}).get(Step.Decision.REJECTED, 0)),
            pending=int(per_category.get(code, {}).get(Step.Decision.PENDING, 0)),
            validated_hours=Decimal(per_category.get(code, {}).get("hours", Decimal(0))),
        )
        for code, label in Category.choices
    ]
    reviewed = declarations.filter(
        reviewed_at__gte=since, reviewed_at__lt=until, submitted_at__isnull=False
    ).annotate(review_delay=F("reviewed_at") - F("submitted_at"))
    reviewed_count = reviewed.count()
    beneficiary_count = Beneficiary.objects.filter(structure_id__in=structure_ids).count()
    reaching_by_week = _reaching_by_week(steps)
    week_rows = [
        reports.WeekRow(
            week=reports.iso_week_label(monday),
            week_start=monday,
            declarations=received_by_week.get(monday, 0),
            steps=int(per_week.get(monday, {}).get("steps", 0)),
            validated=int(per_week.get(monday, {}).get(Step.Decision.VALIDATED, 0)),
            rejected=int(per_week.get(monday, {}).get(Step.Decision.REJECTED, 0)),
            validated_hours=Decimal(per_week.get(monday, {}).get("hours", Decimal(0))),
            beneficiaries_reaching_target=reaching_by_week.get(monday, 0),
            beneficiaries=beneficiary_count,
        )
        for monday in weeks
    ]
    return reports.Overview(
        structures=[(structure.pk, structure.name) for structure in structures],
        start=first,
        end=last,
        declarations_received=sum(by_status.values()),
        declarations_by_status=by_status,
        steps=sum(row.steps for row in categories),
        steps_validated=sum(row.validated for row in categories),
        steps_rejected=sum(row.rejected for row in categories),
        steps_pending=sum(row.pending for row in categories),
        validated_hours=sum((row.validated_hours for row in categories), Decimal(0)),
        median_review_hours=reports._median_hours(reviewed, reviewed_count),
        reviewed_declarations=reviewed_count,
        beneficiaries=beneficiary_count,
        beneficiary_weeks=beneficiary_count * len(weeks),
        beneficiary_weeks_reaching_target=sum(reaching_by_week.values()),
        declarations_without_steps=sum(
            1
            for d in declarations.filter(recorded_at__gte=since, recorded_at__lt=until).prefetch_related("steps")
            if d.status in ("submitted", "reviewed") and not d.steps.all()
        ),
        categories=categories,
        weeks=week_rows,
        counsellors=_direct_workload(structure_ids, since, until),
    )


# --- Random data, written the ways the application writes it --------------------------------------


def random_moment(rng: random.Random) -> datetime:
    """Some notes just before or after midnight between Sunday and Monday, Paris time."""
    monday = FIRST_MONDAY + timedelta(weeks=rng.randrange(WEEKS))
    if rng.random() < 0.2:
        edge = datetime.combine(monday, datetime.min.time(), tzinfo=PARIS)
        return edge + timedelta(minutes=rng.choice([-30, -1, 0, 1, 30]))
    return datetime.combine(monday, datetime.min.time(), tzinfo=PARIS) + timedelta(minutes=rng.randrange(7 * 24 * 60))


def make_programme(rng: random.Random) -> dict[str, Any]:
    lyon = StructureFactory(name="Mission Locale de Lyon", weekly_target_hours=Decimal("6.5"))
    grenoble = StructureFactory(name="Mission Locale de Grenoble")
    CategoryWeight.objects.create(structure=grenoble, category=Category.SANTE, hours=Decimal("1.5"))
    counsellors = [CounsellorFactory(structure=structure) for structure in (lyon, lyon, grenoble)]
    people = [BeneficiaryFactory(counsellor=rng.choice(counsellors)) for _ in range(7)]
    declarations: list[Declaration] = []
    for _ in range(30):
        person = rng.choice(people)
        recorded_at = random_moment(rng)
        status = rng.choice(list(Declaration.Status.values))
        submitted_at = recorded_at + timedelta(minutes=rng.randrange(1, 3000))
        reviewed = status == Declaration.Status.REVIEWED
        declaration = DeclarationFactory(
            beneficiary=person,
            recorded_at=recorded_at,
            status=status,
            submitted_at=submitted_at if status in COUNTED_DECLARATION_STATUSES else None,
            reviewed_at=submitted_at + timedelta(minutes=rng.randrange(5, 9000)) if reviewed else None,
        )
        for position in range(rng.randrange(0, 6)):
            category = rng.choice(CATEGORIES)
            day = local_date(recorded_at) + timedelta(days=rng.choice([0, 0, 0, -1, -3, 2, 8]))
            StepFactory(
                declaration=declaration,
                position=position,
                category=category,
                kind=KINDS_BY_CATEGORY[category][0],
                status=rng.choice([Step.Status.DONE, Step.Status.DONE, Step.Status.PLANNED]),
                activity_date=day,
                date=day,
                hours=rng.choice(HOURS),
                decision=(
                    rng.choice([Step.Decision.VALIDATED, Step.Decision.VALIDATED, Step.Decision.REJECTED])
                    if reviewed
                    else Step.Decision.PENDING
                ),
            )
        declarations.append(declaration)
    return {"structures": [lyon, grenoble], "counsellors": counsellors, "people": people, "declarations": declarations}


def change_randomly(rng: random.Random, programme: dict[str, Any], rounds: int) -> None:
    """Decisions, corrections, confirmations, edits, pipeline transitions and direct saves."""
    for _ in range(rounds):
        declaration = Declaration.objects.get(pk=rng.choice(programme["declarations"]).pk)
        steps = list(declaration.steps.all())
        action = rng.randrange(8)
        try:
            if action == 0 and declaration.status == Declaration.Status.SUBMITTED and steps:
                step = rng.choice(steps)
                counsellor = declaration.beneficiary.counsellor
                assert counsellor is not None
                corrections: dict[str, Any] = {}
                if rng.random() < 0.4:
                    category = rng.choice(CATEGORIES)
                    corrections = {"category": category, "kind": KINDS_BY_CATEGORY[category][0]}
                if rng.random() < 0.3:
                    corrections["date"] = step.activity_date + timedelta(days=rng.choice([-7, -2, 5]))
                services.review_step(
                    step=step,
                    reviewer=counsellor.user,
                    decision=rng.choice([Step.Decision.VALIDATED, Step.Decision.REJECTED]),
                    corrections=corrections,
                    hours=rng.choice([None, Decimal("4.5")]),
                    comment="Justificatif demandé.",
                )
            elif action == 1 and declaration.status == Declaration.Status.TO_CONFIRM:
                if steps and rng.random() < 0.5:
                    services.update_step(step=rng.choice(steps), data={"category": rng.choice(CATEGORIES)})
                if steps and rng.random() < 0.3:
                    services.delete_step(step=rng.choice(steps))
                services.add_step(declaration=declaration, data={"category": rng.choice(CATEGORIES)})
                services.confirm_declaration(declaration=declaration)
            elif action == 2 and declaration.status in Declaration.PROCESSING_STATUSES:
                _fail(declaration, "processing_error", "Erreur de test.")
            elif action == 3 and declaration.status == Declaration.Status.FAILED:
                reset_for_reprocessing(declaration)
            elif action == 4 and steps:  # an administrator edits a step in the admin: a plain save()
                step = rng.choice(steps)
                step.hours = rng.choice(HOURS)
                step.activity_date += timedelta(days=rng.choice([-7, 1, 7]))
                step.status = rng.choice(list(Step.Status.values))
                step.save()
            elif action == 5 and steps:
                rng.choice(steps).delete()
            elif action == 6 and declaration.status in (Declaration.Status.EXTRACTING, Declaration.Status.RECEIVED):
                with transaction.atomic():
                    services.store_extracted_steps(declaration=declaration, extracted=[])
                    declaration.status = Declaration.Status.TO_CONFIRM
                    declaration.save()
            elif action == 7:
                StepFactory(
                    declaration=declaration,
                    category=rng.choice(CATEGORIES),
                    hours=rng.choice(HOURS),
                    activity_date=local_date(declaration.recorded_at),
                )
        except services.DomainError:
            pass


def rollup_rows() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    steps = set(
        ReportStepWeek.objects.values_list(
            "beneficiary_id", "week", "category", "steps_pending", "steps_validated", "steps_rejected", "validated_hours"
        )
    )
    declarations = set(
        ReportDeclarationWeek.objects.values_list("beneficiary_id", "week", "status", "declarations", "steps_pending")
    )
    return steps, declarations


def assert_rollup_is_exact() -> None:
    kept = rollup_rows()
    rollup.rebuild()
    assert kept == rollup_rows()


def assert_same_figures(structures: list[Structure]) -> None:
    periods = [
        (FIRST_MONDAY, FIRST_MONDAY + timedelta(weeks=WEEKS) - timedelta(days=1)),
        (FIRST_MONDAY + timedelta(days=9), FIRST_MONDAY + timedelta(days=16)),
        (FIRST_MONDAY - timedelta(weeks=3), FIRST_MONDAY + timedelta(days=2)),
    ]
    for chosen in ([structures[0]], [structures[1]], structures):
        for start, end in periods:
            from_rollup = reports.overview(structures=chosen, start=start, end=end)
            direct = direct_overview(structures=chosen, start=start, end=end)
            assert reports.overview_as_json(from_rollup) == reports.overview_as_json(direct), (chosen, start)
            assert reports.overview_as_csv(from_rollup) == reports.overview_as_csv(direct)
            assert from_rollup == direct


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_report_from_the_rollup_matches_the_direct_computation_over_random_data(seed: int) -> None:
    rng = random.Random(seed)
    programme = make_programme(rng)
    assert ReportStepWeek.objects.exists() and ReportDeclarationWeek.objects.exists()
    assert_rollup_is_exact()
    assert_same_figures(programme["structures"])

    change_randomly(rng, programme, rounds=60)
    assert_rollup_is_exact()
    assert_same_figures(programme["structures"])

    # A structure's target changes: who reaches it is worked out at reading time.
    lyon = programme["structures"][0]
    lyon.weekly_target_hours = Decimal(3)
    lyon.save()
    assert_same_figures(programme["structures"])

    # An erasure takes the person's weeks out of the report.
    erased = max(programme["people"], key=lambda person: person.declarations.count())
    privacy.erase_beneficiary(beneficiary=erased, requested_by=None)
    assert not ReportStepWeek.objects.filter(beneficiary_id=erased.pk).exists()
    assert not ReportDeclarationWeek.objects.filter(beneficiary_id=erased.pk).exists()
    assert_rollup_is_exact()
    assert_same_figures(programme["structures"])


def test_a_decision_moves_a_step_between_weeks_and_categories_in_the_rollup(jeune: Beneficiary, conseiller: Counsellor) -> None:
    recorded_at = datetime(2026, 1, 7, 18, 0, tzinfo=PARIS)
    declaration = DeclarationFactory(
        beneficiary=jeune, recorded_at=recorded_at, status=Declaration.Status.SUBMITTED, submitted_at=recorded_at
    )
    step = StepFactory(declaration=declaration)
    first_week = week_start(step.activity_date)
    assert set(ReportStepWeek.objects.values_list("week", "category", "steps_pending")) == {
        (first_week, Category.EMPLOI, 1),
        (first_week, ALL_CATEGORIES, 1),
    }

    services.review_step(
        step=step,
        reviewer=conseiller.user,
        decision=Step.Decision.VALIDATED,
        corrections={"category": Category.FORMATION, "kind": "formation", "date": first_week - timedelta(days=7)},
    )

    assert set(ReportStepWeek.objects.values_list("week", "category", "steps_validated", "validated_hours")) == {
        (first_week - timedelta(days=7), Category.FORMATION, 1, Decimal(3)),
        (first_week - timedelta(days=7), ALL_CATEGORIES, 1, Decimal(3)),
    }
    assert list(ReportDeclarationWeek.objects.values_list("week", "status", "declarations")) == [
        (first_week, Declaration.Status.REVIEWED, 1)
    ]


def test_the_rebuild_command_repairs_a_damaged_rollup(jeune: Beneficiary) -> None:
    declaration = DeclarationFactory(beneficiary=jeune, status=Declaration.Status.SUBMITTED, submitted_at=timezone.now())
    StepFactory(declaration=declaration)
    expected = rollup_rows()
    ReportStepWeek.objects.update(steps_pending=99)
    ReportDeclarationWeek.objects.all().delete()

    output = io.StringIO()
    call_command("rebuild_report_rollup", stdout=output)

    assert rollup_rows() == expected
    assert "2 step-week rows, 1 declaration-week rows" in output.getvalue()


@pytest.mark.django_db(transaction=True)
def test_deferred_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError), rollup.deferred():
        pass


@pytest.mark.django_db(transaction=True)
def test_two_counsellors_deciding_at_once_on_the_same_week_leave_an_exact_rollup(conseiller: Counsellor, jeune: Beneficiary) -> None:
    """Two declarations of one young person, same week, decided in two transactions at the same time:
    each recomputation waits for the other's commit (the beneficiary's row is locked), none is lost."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite runs one writer at a time)")
    recorded_at = datetime(2026, 1, 7, 18, 0, tzinfo=PARIS)
    steps = []
    for _ in range(2):
        declaration = DeclarationFactory(
            beneficiary=jeune, recorded_at=recorded_at, status=Declaration.Status.SUBMITTED, submitted_at=recorded_at
        )
        steps.append(StepFactory(declaration=declaration))
        StepFactory(declaration=declaration, position=1)
    first_decided = threading.Event()
    errors: list[BaseException] = []

    def decide(step: Step, *, first: bool) -> None:
        try:
            if not first:
                first_decided.wait(timeout=10)
            with transaction.atomic():
                services.review_step(step=step, reviewer=conseiller.user, decision=Step.Decision.VALIDATED)
                if first:  # keep the transaction open while the other one recomputes the same week
                    first_decided.set()
                    time.sleep(0.5)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            first_decided.set()
            connection.close()

    threads = [threading.Thread(target=decide, args=(step,), kwargs={"first": index == 0}) for index, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    row = ReportStepWeek.objects.get(beneficiary=jeune, category=ALL_CATEGORIES)
    assert (row.steps_validated, row.steps_pending) == (2, 2)
    assert_rollup_is_exact()


def test_the_rollup_names_nobody_and_holds_no_content() -> None:
    names = {field.name for model in (ReportStepWeek, ReportDeclarationWeek) for field in model._meta.get_fields()}
    assert names == {
        "id", "beneficiary", "week", "category", "steps_pending", "steps_validated", "steps_rejected",
        "validated_hours", "status", "declarations",
    }


def test_validating_the_remaining_steps_on_the_page_leaves_an_exact_rollup(
    client: Client, conseiller: Counsellor, jeune: Beneficiary
) -> None:
    declaration = DeclarationFactory(
        beneficiary=jeune, status=Declaration.Status.SUBMITTED, submitted_at=timezone.now()
    )
    for position in range(3):
        category = CATEGORIES[position]
        StepFactory(declaration=declaration, position=position, category=category, kind=KINDS_BY_CATEGORY[category][0])
    client.force_login(conseiller.user)

    response = client.post(reverse("web:validate-remaining", args=[declaration.pk]))

    assert response.status_code == 302
    row = ReportStepWeek.objects.get(beneficiary=jeune, category=ALL_CATEGORIES)
    assert (row.steps_validated, row.steps_pending) == (3, 0)
    assert ReportDeclarationWeek.objects.get(beneficiary=jeune).status == Declaration.Status.REVIEWED
    assert_rollup_is_exact()
