"""Programme reports: the figures managers answer for, computed in SQL with a fixed number of queries.

One entry point, `overview`, returns a frozen dataclass used by the manager pages, the CSV export and
`GET /api/v1/reports/overview/`. Managers only ever get counts: no audio, no transcript, and health
(SANTE) steps appear as a number in their category, nothing more.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from declarations.categories import DEFAULT_WEEKLY_TARGET_HOURS, Category
from declarations.hours import PARIS, in_calendar, iso_week_label, week_start
from declarations.models import (
    ALL_CATEGORIES,
    Beneficiary,
    Counsellor,
    Declaration,
    ReportDeclarationWeek,
    ReportStepWeek,
    Step,
    Structure,
)
from declarations.selectors import AnyUser, role_of

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_WEEKS = 4


def structures_managed_by(user: AnyUser) -> QuerySet[Structure]:
    """The structures a manager reports on; nobody else has any."""
    if role_of(user) != "manager":
        return Structure.objects.none()
    return Structure.objects.filter(managers__user=user).order_by("name")  # type: ignore[misc]


class ReportQueryError(ValueError):
    """A report was asked with parameters that make no sense; the message is French."""


@dataclass(frozen=True)
class ReportQuery:
    structures: list[Structure]
    start: date
    end: date
    structure: Structure | None


def parse_report_query(user: AnyUser, params: Mapping[str, str], *, today: date) -> ReportQuery:
    """`from`, `to` (AAAA-MM-JJ, default: the last weeks) and `structure` (default: all of the manager's).

    A structure outside the manager's reach is a 404, as for any object out of reach.
    """
    structures = list(structures_managed_by(user))
    chosen: Structure | None = None
    structure_param = (params.get("structure") or "").strip()
    if structure_param:
        chosen = next((s for s in structures if str(s.pk) == structure_param), None)
        if chosen is None:
            raise Http404("structure out of reach")
    default_start, default_end = default_period(today)
    try:
        start = date.fromisoformat(params["from"]) if params.get("from") else default_start
        end = date.fromisoformat(params["to"]) if params.get("to") else default_end
    except ValueError as error:
        raise ReportQueryError(_("Indiquez les dates au format AAAA-MM-JJ.")) from error
    if not in_calendar(start) or not in_calendar(end):
        raise ReportQueryError(_("Les dates doivent être comprises entre le 01/01/2000 et le 31/12/2099."))
    if start > end:
        raise ReportQueryError(_("La date de début doit précéder la date de fin."))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ReportQueryError(_("La période demandée ne peut pas dépasser un an."))
    return ReportQuery(structures=[chosen] if chosen else structures, start=start, end=end, structure=chosen)


def default_period(today: date) -> tuple[date, date]:
    """The last DEFAULT_PERIOD_WEEKS CEJ weeks, the current one included."""
    monday = week_start(today)
    return monday - timedelta(weeks=DEFAULT_PERIOD_WEEKS - 1), monday + timedelta(days=6)


@dataclass(frozen=True)
class CategoryRow:
    category: str
    label: str
    steps: int
    validated: int
    rejected: int
    pending: int
    validated_hours: Decimal


@dataclass(frozen=True)
class WeekRow:
    week: str
    week_start: date
    declarations: int
    steps: int
    validated: int
    rejected: int
    validated_hours: Decimal
    beneficiaries_reaching_target: int
    beneficiaries: int

    @property
    def target_share(self) -> float | None:
        return self.beneficiaries_reaching_target / self.beneficiaries if self.beneficiaries else None


@dataclass(frozen=True)
class CounsellorRow:
    counsellor_id: int
    name: str
    structure: str
    beneficiaries: int
    pending_declarations: int
    pending_steps: int
    reviewed_declarations: int


@dataclass(frozen=True)
class Overview:
    structures: list[tuple[int, str]]
    start: date
    end: date
    declarations_received: int
    declarations_by_status: dict[str, int]
    steps: int
    steps_validated: int
    steps_rejected: int
    steps_pending: int
    validated_hours: Decimal
    median_review_hours: float | None
    reviewed_declarations: int
    beneficiaries: int
    beneficiary_weeks: int
    beneficiary_weeks_reaching_target: int
    # sent to the counsellor (submitted or reviewed) with no step: "aucune démarche déclarée"
    declarations_without_steps: int = 0
    categories: list[CategoryRow] = field(default_factory=list)
    weeks: list[WeekRow] = field(default_factory=list)
    counsellors: list[CounsellorRow] = field(default_factory=list)

    @property
    def decided_steps(self) -> int:
        return self.steps_validated + self.steps_rejected

    @property
    def validation_rate(self) -> float | None:
        return self.steps_validated / self.decided_steps if self.decided_steps else None

    @property
    def rejection_rate(self) -> float | None:
        return self.steps_rejected / self.decided_steps if self.decided_steps else None

    @property
    def target_share(self) -> float | None:
        if not self.beneficiary_weeks:
            return None
        return self.beneficiary_weeks_reaching_target / self.beneficiary_weeks


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _period_bounds(start: date, end: date) -> tuple[date, date, datetime, datetime]:
    first, last = week_start(start), week_start(end) + timedelta(days=6)
    since = datetime.combine(first, time.min, tzinfo=PARIS)
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=PARIS)
    return first, last, since, until


def overview(*, structures: Sequence[Structure], start: date, end: date) -> Overview:
    """Figures of the given structures over the CEJ weeks overlapping [start, end].

    - declarations received: recorded in the period (any status);
    - steps: done steps of sent declarations (submitted or reviewed) whose day falls in the period;
    - median review time: declarations reviewed in the period, from sending to the last decision;
    - target: beneficiary-weeks whose validated hours reach their structure's weekly target, over all
      beneficiaries of the structures times the weeks of the period.

    Declarations and steps are read from the weekly roll-up (`declarations.rollup`), a few rows per
    beneficiary-week kept exact on every change, instead of aggregating every step of the period.
    """
    first, last, since, until = _period_bounds(start, end)
    structure_ids = [structure.pk for structure in structures]
    weeks = [first + timedelta(weeks=index) for index in range((last - first).days // 7 + 1)]
    in_period = {"beneficiary__structure_id__in": structure_ids, "week__range": (first, last)}

    received_rows = (
        ReportDeclarationWeek.objects.filter(**in_period)
        .values("week", "status")
        .annotate(total=Sum("declarations"))
        .order_by()
    )
    by_status: dict[str, int] = {}
    received_by_week: dict[date, int] = {}
    for row in received_rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["total"]
        monday = _as_date(row["week"])
        received_by_week[monday] = received_by_week.get(monday, 0) + row["total"]

    step_weeks = ReportStepWeek.objects.filter(**in_period)
    step_rows = (
        step_weeks.exclude(category=ALL_CATEGORIES)
        .values("week", "category")
        .annotate(
            pending=Sum("steps_pending"),
            validated=Sum("steps_validated"),
            rejected=Sum("steps_rejected"),
            hours=Sum("validated_hours"),
        )
        .order_by()
    )
    per_category: dict[str, dict[str, Decimal | int]] = {}
    per_week: dict[date, dict[str, Decimal | int]] = {}
    for row in step_rows:
        for bucket in (
            per_category.setdefault(row["category"], {}),
            per_week.setdefault(_as_date(row["week"]), {}),
        ):
            for decision in Step.Decision.values:
                if row[decision]:
                    bucket["steps"] = bucket.get("steps", 0) + row[decision]
                    bucket[decision] = bucket.get(decision, 0) + row[decision]
            if row[Step.Decision.VALIDATED]:
                bucket["hours"] = bucket.get("hours", Decimal(0)) + row["hours"]

    categories = [
        CategoryRow(
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

    reviewed_in_period = Declaration.objects.filter(
        beneficiary__structure_id__in=structure_ids, reviewed_at__gte=since, reviewed_at__lt=until
    )
    # One grouped count gives both the counsellors' figure (every review) and the median's population
    # (notes that went through sending).
    reviewed_by_counsellor = list(
        reviewed_in_period.order_by()
        .values_list("beneficiary__counsellor")
        .annotate(total=Count("pk"), sent=Count("pk", filter=Q(submitted_at__isnull=False)))
    )
    reviewed_count = sum(sent for _counsellor, _total, sent in reviewed_by_counsellor)
    median_hours = _median_hours(
        reviewed_in_period.filter(submitted_at__isnull=False).annotate(review_delay=F("reviewed_at") - F("submitted_at")),
        reviewed_count,
    )

    beneficiary_count = Beneficiary.objects.filter(structure_id__in=structure_ids).count()
    reaching_by_week = _beneficiaries_reaching_target_by_week(step_weeks)
    without_steps = (
        Declaration.objects.filter(
            beneficiary__structure_id__in=structure_ids,
            recorded_at__gte=since,
            recorded_at__lt=until,
            status__in=(Declaration.Status.SUBMITTED, Declaration.Status.REVIEWED),
        )
        .filter(~Exists(Step.objects.filter(declaration=OuterRef("pk"))))
        .count()
    )

    week_rows = [
        WeekRow(
            week=iso_week_label(monday),
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

    return Overview(
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
        median_review_hours=median_hours,
        reviewed_declarations=reviewed_count,
        beneficiaries=beneficiary_count,
        beneficiary_weeks=beneficiary_count * len(weeks),
        beneficiary_weeks_reaching_target=sum(reaching_by_week.values()),
        declarations_without_steps=without_steps,
        categories=categories,
        weeks=week_rows,
        counsellors=_counsellor_workload(
            structure_ids, {counsellor: total for counsellor, total, _sent in reviewed_by_counsellor}
        ),
    )


def _median_hours(reviewed: QuerySet[Declaration], count: int) -> float | None:
    """The median without a database-specific percentile function: the middle row(s) by delay."""
    if not count:
        return None
    middle = list(
        reviewed.order_by("review_delay").values_list("review_delay", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    delays = [delay.total_seconds() if isinstance(delay, timedelta) else float(delay) / 1e6 for delay in middle]
    return sum(delays) / len(delays) / 3600


def _beneficiaries_reaching_target_by_week(step_weeks: QuerySet[ReportStepWeek]) -> dict[date, int]:
    """Per week, how many beneficiaries' validated hours reach their structure's target (one query)."""
    target = Coalesce(
        F("beneficiary__structure__weekly_target_hours"),
        Value(DEFAULT_WEEKLY_TARGET_HOURS, output_field=DecimalField(max_digits=5, decimal_places=2)),
    )
    # A week's all-categories row holds the beneficiary's validated hours: no regrouping needed.
    reaching = (
        step_weeks.filter(category=ALL_CATEGORIES, steps_validated__gt=0, validated_hours__gte=target)
        .values("week")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return {_as_date(row["week"]): row["total"] for row in reaching}


def _count_by_counsellor(queryset: QuerySet, counsellor_path: str) -> dict[int, int]:
    """One grouped COUNT per figure: predictable plans, whatever the number of counsellors."""
    rows = queryset.order_by().values(counsellor_path).annotate(total=Count("pk")).values_list(counsellor_path, "total")
    return dict(rows)


def _counsellor_workload(structure_ids: list[int], reviewed: dict[int, int]) -> list[CounsellorRow]:
    """Per counsellor: young people followed, what waits for them, what they reviewed in the period."""
    in_structures = {"beneficiary__structure_id__in": structure_ids}
    beneficiaries = _count_by_counsellor(Beneficiary.objects.filter(structure_id__in=structure_ids), "counsellor")
    # What waits for each counsellor, whatever its week: from the roll-up, not the steps.
    waiting = (
        ReportDeclarationWeek.objects.filter(status=Declaration.Status.SUBMITTED, **in_structures)
        .values_list("beneficiary__counsellor")
        .annotate(declarations=Sum("declarations"), steps=Sum("steps_pending"))
        .order_by()
    )
    pending_declarations = {counsellor: declarations for counsellor, declarations, _steps in waiting}
    pending_steps = {counsellor: steps for counsellor, _declarations, steps in waiting if steps}
    counsellors = (
        Counsellor.objects.filter(structure_id__in=structure_ids)
        .values("pk", "user__first_name", "user__last_name", "user__username", "structure__name")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    rows = [
        {
            **row,
            "beneficiary_count": beneficiaries.get(row["pk"], 0),
            "pending_declarations": pending_declarations.get(row["pk"], 0),
            "pending_steps": pending_steps.get(row["pk"], 0),
            "reviewed_declarations": reviewed.get(row["pk"], 0),
        }
        for row in counsellors
    ]
    rows.sort(key=lambda row: -row["pending_steps"])
    return [
        CounsellorRow(
            counsellor_id=row["pk"],
            name=f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__username"],
            structure=row["structure__name"],
            beneficiaries=row["beneficiary_count"],
            pending_declarations=row["pending_declarations"],
            pending_steps=row["pending_steps"],
            reviewed_declarations=row["reviewed_declarations"],
        )
        for row in rows
    ]


# --- Presentation shared by the page, the CSV export and the API ------------------------------------


def french_number(value: float | Decimal | int | None, decimals: int = 1) -> str:
    if value is None:
        return ""
    text = f"{float(value):,.{decimals}f}" if decimals else f"{round(float(value)):,}"
    return text.replace(",", "\u202f").replace(".", ",")


def french_percent(value: float | None) -> str:
    return "" if value is None else f"{french_number(value * 100, 1)}\u00a0%"


def overview_as_json(report: Overview) -> dict[str, object]:
    def rate(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {
        "structures": [{"id": pk, "name": name} for pk, name in report.structures],
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "declarations_received": report.declarations_received,
        "declarations_by_status": report.declarations_by_status,
        "declarations_without_steps": report.declarations_without_steps,
        "steps": report.steps,
        "steps_validated": report.steps_validated,
        "steps_rejected": report.steps_rejected,
        "steps_pending": report.steps_pending,
        "validation_rate": rate(report.validation_rate),
        "rejection_rate": rate(report.rejection_rate),
        "validated_hours": str(report.validated_hours),
        "median_review_hours": None if report.median_review_hours is None else round(report.median_review_hours, 2),
        "reviewed_declarations": report.reviewed_declarations,
        "beneficiaries": report.beneficiaries,
        "beneficiary_weeks": report.beneficiary_weeks,
        "beneficiary_weeks_reaching_target": report.beneficiary_weeks_reaching_target,
        "target_share": rate(report.target_share),
        "steps_by_category": [
            {
                "category": row.category, "steps": row.steps, "validated": row.validated,
                "rejected": row.rejected, "pending": row.pending, "validated_hours": str(row.validated_hours),
            }
            for row in report.categories
        ],
        "weeks": [
            {
                "week": row.week, "week_start": row.week_start.isoformat(), "declarations": row.declarations,
                "steps": row.steps, "validated": row.validated, "rejected": row.rejected,
                "validated_hours": str(row.validated_hours),
                "beneficiaries_reaching_target": row.beneficiaries_reaching_target,
                "beneficiaries": row.beneficiaries,
            }
            for row in report.weeks
        ],
        "counsellors": [
            {
                "id": row.counsellor_id, "name": row.name, "structure": row.structure,
                "beneficiaries": row.beneficiaries, "pending_declarations": row.pending_declarations,
                "pending_steps": row.pending_steps, "reviewed_declarations": row.reviewed_declarations,
            }
            for row in report.counsellors
        ],
    }


_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^-?\d[\d\s\u202f]*(?:,\d+)?\s?%?$")


def spreadsheet_safe(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula (=, +, -, @ first: a name such as
    "=HYPERLINK(…)" typed into a profile) is written with a leading quote; numbers are left alone."""
    if isinstance(cell, str) and _FORMULA_START.match(cell) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def overview_as_csv(report: Overview) -> str:
    """A French spreadsheet export: semicolon-separated, decimal commas, one section per table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def section(title: str, header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
        writer.writerow([title])
        writer.writerow(list(header))
        writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in rows])
        writer.writerow([])

    median = report.median_review_hours
    section(
        "Indicateurs",
        ["Indicateur", "Valeur"],
        [
            ["Structures", ", ".join(name for _, name in report.structures)],
            ["Du", report.start.strftime("%d/%m/%Y")],
            ["Au", report.end.strftime("%d/%m/%Y")],
            ["Déclarations reçues", report.declarations_received],
            ["Dont envoyées sans démarche déclarée", report.declarations_without_steps],
            ["Démarches déclarées", report.steps],
            ["Démarches validées", report.steps_validated],
            ["Démarches refusées", report.steps_rejected],
            ["Démarches à valider", report.steps_pending],
            ["Taux de validation", french_percent(report.validation_rate)],
            ["Taux de refus", french_percent(report.rejection_rate)],
            ["Heures validées", french_number(report.validated_hours)],
            ["Délai médian de traitement (heures)", french_number(median) if median is not None else ""],
            ["Jeunes suivis", report.beneficiaries],
            ["Semaines-jeunes à l'objectif", report.beneficiary_weeks_reaching_target],
            ["Part des semaines-jeunes à l'objectif", french_percent(report.target_share)],
        ],
    )
    section(
        "Démarches par catégorie",
        ["Catégorie", "Déclarées", "Validées", "Refusées", "À valider", "Heures validées"],
        [
            [row.label, row.steps, row.validated, row.rejected, row.pending, french_number(row.validated_hours)]
            for row in report.categories
        ],
    )
    section(
        "Semaines",
        ["Semaine", "Du", "Déclarations", "Démarches", "Validées", "Refusées", "Heures validées",
         "Jeunes à l'objectif", "Jeunes suivis"],
        [
            [row.week, row.week_start.strftime("%d/%m/%Y"), row.declarations, row.steps, row.validated,
             row.rejected, french_number(row.validated_hours), row.beneficiaries_reaching_target, row.beneficiaries]
            for row in report.weeks
        ],
    )
    section(
        "Charge des conseillers",
        ["Conseiller", "Structure", "Jeunes suivis", "Déclarations à traiter", "Démarches à valider",
         "Déclarations traitées sur la période"],
        [
            [row.name, row.structure, row.beneficiaries, row.pending_declarations, row.pending_steps,
             row.reviewed_declarations]
            for row in report.counsellors
        ],
    )
    return buffer.getvalue()
