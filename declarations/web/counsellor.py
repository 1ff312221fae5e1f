"""Counsellor pages: the queue, a declaration to review, a young person's hours.

Every object is read through the selectors, which scope it to the counsellor's portfolio: anything
else is a 404. Decisions go through services.review_step, the one place that records them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from declarations import selectors, services
from declarations.categories import KINDS_BY_CATEGORY, Category, Kind
from declarations.hours import local_date, week_start
from declarations.models import Declaration, Review, Step
from declarations.web import queue as queue_sql
from declarations.web import transcript
from declarations.web.access import role_required
from declarations.web.audio import audio_response
from declarations.web.charts import grouped_columns
from declarations.web.forms import QueueFilterForm, ReviewStepForm

PAGE_SIZE = 25
KIND_LABELS = dict(Kind.choices)
CATEGORY_LABELS = dict(Category.choices)
DECISION_LABELS = dict(Step.Decision.choices)
HISTORY_WEEKS = 8
FIELD_LABELS = {
    "category": gettext_lazy("catégorie"), "kind": gettext_lazy("type"), "status": gettext_lazy("réalisation"),
    "date": gettext_lazy("date"), "count": gettext_lazy("nombre"), "organization": gettext_lazy("organisme"),
    "job_title": gettext_lazy("métier"), "duration_minutes": gettext_lazy("durée"),
    "hours": gettext_lazy("heures"),
}


ID_PLACEHOLDER = 987_654_321_987


def _with_step_counts(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=7, decimal_places=2))
    return queryset.annotate(
        step_count=Count("steps"),
        pending_count=Count("steps", filter=Q(steps__decision=Step.Decision.PENDING)),
        declared_hours=Coalesce(Sum("steps__hours", filter=~Q(steps__decision=Step.Decision.REJECTED)), zero),
        preview=Substr("transcript", 1, 160),
    ).only(
        "id", "status", "source", "recorded_at", "submitted_at", "reviewed_at", "audio_duration_s",
        "beneficiary__id", "beneficiary__user__first_name", "beneficiary__user__last_name",
        "beneficiary__user__username",
    )


@role_required("counsellor")
def queue(request: HttpRequest) -> HttpResponse:
    counsellor = request.user.counsellor  # type: ignore[union-attr]
    form = QueueFilterForm(request.GET or None, beneficiaries=selectors.beneficiaries_visible_to(request.user))
    cleaned: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = queue_sql.QueueFilters(
        status=cleaned.get("status") or Declaration.Status.SUBMITTED,
        beneficiary_id=cleaned["beneficiary"].pk if cleaned.get("beneficiary") else None,
        week=cleaned.get("week"),
        category=cleaned.get("category") or None,
    )
    portfolio = queue_sql.portfolio(counsellor.pk, filters)
    counts = portfolio.counts
    total = sum(counts.values()) if filters.status == "all" else counts[filters.status]
    page = Paginator(range(total), PAGE_SIZE).get_page(request.GET.get("page"))  # numbers only: rows below
    rows = _queue_rows(
        queue_sql.rows(counsellor.pk, filters, offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    )
    query = request.GET.copy()
    query.pop("page", None)
    tab_query = query.copy()
    tab_query.pop("status", None)
    return render(
        request,
        "declarations/counsellor/queue.html",
        {
            "form": form,
            "options": form.select_options(portfolio.people),
            "page": page,
            "rows": rows,
            "status": filters.status,
            "count_submitted": counts[Declaration.Status.SUBMITTED],
            "count_reviewed": counts[Declaration.Status.REVIEWED],
            "query": query.urlencode(),
            "tab_query": tab_query.urlencode(),
        },
    )


def _when(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M") if moment is not None else "—"


def _queue_rows(declarations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's text, formatted once here from plain values: the template engine's filters, tags and
    attribute lookups across related objects cost more, per row, than the query that found them."""
    zone = timezone.get_current_timezone()  # what the template's date filter would use
    # reverse() per row would cost as much as the rest of the row: once, then each id goes in its place.
    link = reverse("web:declaration", args=[ID_PLACEHOLDER])
    return [
        {
            "id": row["id"],
            "url": link.replace(str(ID_PLACEHOLDER), str(row["id"])),
            "name": row["name"],
            "submitted": _when(row["submitted_at"], zone),
            "recorded": _when(row["recorded_at"], zone),
            "audio": row["source"] == Declaration.Source.AUDIO,
            "preview": row["preview"],
            # Text, not numbers: the template would pass each through number formatting.
            "steps": str(row["step_count"]),
            "pending": str(row["pending_count"]) if row["pending_count"] else "",
            "hours": floatformat(row["declared_hours"], "-1g"),
            "to_review": row["status"] == Declaration.Status.SUBMITTED,
        }
        for row in declarations
    ]


def _declaration_for(request: HttpRequest, declaration_id: int) -> Declaration:
    queryset = selectors.declarations_with_steps(selectors.declarations_visible_to(request.user))
    return get_object_or_404(queryset, pk=declaration_id)


def _trail(step: Step) -> list[dict[str, Any]]:
    def shown(field: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        if field == "category":
            return str(CATEGORY_LABELS.get(value, value))
        if field == "kind":
            return str(KIND_LABELS.get(value, value))
        if field == "date":
            return datetime.fromisoformat(value).strftime("%d/%m/%Y")
        if field == "hours":
            return f"{Decimal(value).normalize():f}".replace(".", ",") + " h"
        return str(value)

    return [
        {
            "review": review,
            "decision": DECISION_LABELS.get(review.decision, review.decision),
            "changes": [
                (FIELD_LABELS.get(field, field), shown(field, before), shown(field, after))
                for field, (before, after) in review.changes.items()
            ],
        }
        for review in step.reviews.all()
    ]


def _render_declaration(
    request: HttpRequest, declaration: Declaration, bound: ReviewStepForm | None = None, status: int = 200
) -> HttpResponse:
    steps = list(declaration.steps.all())
    cards = []
    # One reverse() for the page, each step's id then put in its place (as for the queue's links).
    review_url = reverse("web:review-step", args=[declaration.pk, ID_PLACEHOLDER])
    for step in steps:
        prefix = f"step-{step.pk}"
        posted = bound if bound is not None and bound.prefix == prefix else None
        errors = posted.errors if posted is not None else {}
        cards.append(
            {
                "step": step,
                "prefix": prefix,
                "review_url": review_url.replace(str(ID_PLACEHOLDER), str(step.pk)),
                "values": posted.input_values() if posted is not None else ReviewStepForm.step_values(step),
                # Every field has an entry: a missing key makes the template engine call dir() each time.
                "errors": {
                    **{name: errors.get(name, "") for name in ReviewStepForm.base_fields},
                    "non_field": errors.get("__all__", ""),
                },
                "trail": _trail(step),
                # get_FOO_display() rebuilds and hashes every choice, translating each label: look them up.
                "kind_label": KIND_LABELS.get(step.kind, step.kind),
                "category_label": CATEGORY_LABELS.get(step.category, step.category),
                "decision_label": DECISION_LABELS.get(step.decision, step.decision),
            }
        )
    next_declaration = (
        selectors.declarations_visible_to(request.user)
        .filter(status=Declaration.Status.SUBMITTED)
        .exclude(pk=declaration.pk)
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    bulk = services.bulk_validation(steps)
    validable = {step.pk for step in bulk.validable}
    return render(
        request,
        "declarations/counsellor/declaration.html",
        {
            "declaration": declaration,
            "beneficiary": declaration.beneficiary,
            "cards": cards,
            "transcript_html": transcript.render(transcript.passages(declaration.transcript, declaration.words, steps)),
            "has_words": bool(declaration.words),
            "reviewable": declaration.status == Declaration.Status.SUBMITTED,
            "pending": sum(1 for step in steps if step.decision == Step.Decision.PENDING),
            "bulk_cards": [card for card in cards if card["step"].pk in validable],
            "reasons": [("", "—"), *Review.Reason.choices],
            "bulk_held": _held_text(len(bulk.planned), len(bulk.to_check)),
            "next_declaration": next_declaration,
            "kinds_by_category": {category: list(kinds) for category, kinds in KINDS_BY_CATEGORY.items()},
        },
        status=status,
    )


@role_required("counsellor")
def declaration_detail(request: HttpRequest, declaration_id: int) -> HttpResponse:
    return _render_declaration(request, _declaration_for(request, declaration_id))


@require_POST
@role_required("counsellor")
def review_step(request: HttpRequest, declaration_id: int, step_id: int) -> HttpResponse:
    declaration = _declaration_for(request, declaration_id)
    step = next((step for step in declaration.steps.all() if step.pk == step_id), None)
    if step is None:
        raise Http404("step out of reach")
    form = ReviewStepForm.for_step(step, request.POST)
    if not form.is_valid():
        messages.error(request, _("La démarche n'a pas été enregistrée : corrigez les champs signalés."))
        return _render_declaration(request, declaration, bound=form, status=400)
    arguments = form.review_arguments(step)
    try:
        services.review_step(step=step, reviewer=request.user, **arguments)
    except services.DomainError as error:
        if error.code == "comment_required":
            form.add_error("comment", error.message)
            return _render_declaration(request, _declaration_for(request, declaration_id), bound=form, status=400)
        messages.error(request, error.message)
        return redirect(f"{reverse('web:declaration', args=[declaration_id])}#step-{step_id}")
    if arguments["decision"] == Step.Decision.VALIDATED:
        messages.success(request, _("Démarche validée."))
    else:
        messages.success(request, _("Démarche refusée. Le jeune verra votre commentaire."))
    return _after_decision(request, declaration_id, step_id)


def _after_decision(request: HttpRequest, declaration_id: int, step_id: int | None = None) -> HttpResponse:
    url = reverse("web:declaration", args=[declaration_id])
    still_pending = Step.objects.filter(
        declaration_id=declaration_id, decision=Step.Decision.PENDING
    ).values_list("pk", flat=True)
    next_step = next(iter(still_pending.order_by("position", "id")), None)
    if next_step is not None:
        return redirect(f"{url}#step-{next_step}")
    messages.info(request, _("Toutes les démarches de cette déclaration sont traitées."))
    return redirect(f"{url}#step-{step_id}" if step_id else url)


@require_POST
@role_required("counsellor")
def validate_remaining(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = _declaration_for(request, declaration_id)
    try:
        plan = services.validate_remaining(declaration=declaration, reviewer=request.user)
    except services.DomainError as error:
        messages.error(request, error.message)
        return redirect("web:declaration", declaration_id=declaration_id)
    text = ngettext("%(count)s démarche validée.", "%(count)s démarches validées.", len(plan.validable)) % {
        "count": len(plan.validable)
    }
    held = _held_text(len(plan.planned), len(plan.to_check))
    messages.success(request, f"{text} {held}" if held else text)
    return _after_decision(request, declaration_id)


def _held_text(planned: int, to_check: int) -> str:
    parts = []
    if planned:
        parts.append(ngettext("%(n)s prévue", "%(n)s prévues", planned) % {"n": planned})
    if to_check:
        parts.append(ngettext("%(n)s à vérifier", "%(n)s à vérifier", to_check) % {"n": to_check})
    return _("Restent à décider une par une : %(held)s.") % {"held": " et ".join(parts)} if parts else ""


@require_POST
@role_required("counsellor")
def acknowledge(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """A sent note that declares nothing: the counsellor marks it read."""
    declaration = _declaration_for(request, declaration_id)
    try:
        services.acknowledge_empty_declaration(declaration=declaration, reviewer=request.user)
    except services.DomainError as error:
        messages.error(request, error.message)
        return redirect("web:declaration", declaration_id=declaration_id)
    messages.success(request, _("Note marquée comme lue."))
    return _after_decision(request, declaration_id)


@role_required("counsellor")
def declaration_audio(request: HttpRequest, declaration_id: int) -> HttpResponseBase:
    declaration = get_object_or_404(
        selectors.declarations_visible_to(request.user).select_related(None).only("id", "audio"),
        pk=declaration_id,
    )
    if not declaration.audio:
        raise Http404("no audio")
    return audio_response(declaration.audio.name, request.headers.get("Range"))


@role_required("counsellor")
def beneficiary_detail(request: HttpRequest, beneficiary_id: int) -> HttpResponse:
    beneficiary = get_object_or_404(selectors.beneficiaries_visible_to(request.user), pk=beneficiary_id)
    today = local_date(timezone.now())
    weeks = selectors.weekly_hours(
        beneficiary, start=week_start(today) - timedelta(weeks=HISTORY_WEEKS - 1), end=today
    )
    current = weeks[-1]
    target = current.target_hours or Decimal(1)
    chart = grouped_columns(
        [
            (
                week.week_start.strftime("%d/%m"),
                [
                    (week.declared_hours, "declared", _("Déclarées : %(h)s h") % {"h": week.declared_hours}),
                    (week.validated_hours, "validated", _("Validées : %(h)s h") % {"h": week.validated_hours}),
                ],
            )
            for week in weeks
        ],
        reference=current.target_hours,
        reference_text=_("objectif"),
        unit=" h",
    )
    recent = _with_step_counts(
        selectors.declarations_visible_to(request.user).filter(beneficiary=beneficiary)
    ).order_by("-recorded_at", "-id")[:10]
    return render(
        request,
        "declarations/counsellor/beneficiary.html",
        {
            "beneficiary": beneficiary,
            "weeks": list(reversed(weeks)),
            "current": current,
            "declared_percent": min(float(current.declared_hours / target * 100), 100),
            "validated_percent": min(float(current.validated_hours / target * 100), 100),
            "chart": chart,
            "recent": recent,
        },
    )
