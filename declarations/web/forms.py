"""Forms of the counsellor and manager pages. They validate input; services decide."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from declarations.categories import KINDS_BY_CATEGORY, Category, Kind
from declarations.hours import in_calendar
from declarations.models import Beneficiary, Declaration, Review, Step

QUEUE_STATUSES = (
    (Declaration.Status.SUBMITTED, _("À traiter")),
    (Declaration.Status.REVIEWED, _("Traitées")),
    ("all", _("Toutes")),
)


def kind_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Kinds grouped by category, as <optgroup>s the page filters when the category changes."""
    labels = dict(Kind.choices)
    return [
        (str(category_label), [(kind, str(labels[kind])) for kind in KINDS_BY_CATEGORY[category]])
        for category, category_label in Category.choices
    ]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=QUEUE_STATUSES, required=False)
    beneficiary = forms.ModelChoiceField(
        label=_("Jeune"), queryset=Beneficiary.objects.none(), required=False, empty_label=_("Tous les jeunes")
    )
    week = forms.CharField(
        label=_("Semaine d'enregistrement"),
        required=False,
        widget=forms.TextInput(attrs={"type": "week"}),
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", _("Toutes les catégories")), *Category.choices], required=False
    )

    def __init__(self, *args: Any, beneficiaries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["beneficiary"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = beneficiaries

    def select_options(self, people: Iterable[tuple[Any, str]]) -> dict[str, SafeString]:
        """The filter <option>s, built in Python: Django's per-option widget templates cost more than the
        rest of the queue page. `people`: (id, name shown) of the portfolio's young people."""
        chosen = {name: str(self[name].value() or "") for name in ("beneficiary", "category")}
        people_options = [("", str(_("Tous les jeunes")))] + [(str(pk), name) for pk, name in people]
        categories = [("", str(_("Toutes les catégories"))), *Category.choices]
        return {
            name: format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((value, " selected" if value == chosen[name] else "", label) for value, label in options),
            )
            for name, options in (("beneficiary", people_options), ("category", categories))
        }

    def clean_week(self) -> date | None:
        value: str = self.cleaned_data["week"].strip()
        if not value:
            return None
        try:
            year, week = value.split("-W")
            monday = date.fromisocalendar(int(year), int(week), 1)
        except ValueError as error:
            raise forms.ValidationError(_("Indiquez une semaine au format AAAA-Wss.")) from error
        if not in_calendar(monday):
            raise forms.ValidationError(_("Indiquez une semaine entre 2000 et 2099."))
        return monday


@lru_cache(maxsize=64)
def category_options(selected: str) -> SafeString:
    """<option>s of the category select, built once per selected value (pages list many steps)."""
    return format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((code, " selected" if code == selected else "", label) for code, label in Category.choices),
    )


@lru_cache(maxsize=64)
def kind_options(selected: str) -> SafeString:
    groups = [
        format_html(
            '<optgroup label="{}">{}</optgroup>',
            group,
            format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((kind, " selected" if kind == selected else "", label) for kind, label in kinds),
            ),
        )
        for group, kinds in kind_choices()
    ]
    return mark_safe("".join(groups))  # noqa: S308 - built by format_html


def _formatted(values: dict[str, Any]) -> dict[str, Any]:
    if isinstance(values["date"], date):
        values["date"] = values["date"].isoformat()
    if isinstance(values["hours"], Decimal):
        values["hours"] = f"{values['hours'].normalize():f}".replace(".", ",")
    values["category_options"] = category_options(str(values["category"] or ""))
    values["kind_options"] = kind_options(str(values["kind"] or ""))
    return values


class ReviewStepForm(forms.Form):
    category = forms.ChoiceField(label=_("Catégorie"), choices=Category.choices)
    kind = forms.ChoiceField(label=_("Type de démarche"), choices=kind_choices)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hours = forms.DecimalField(
        label=_("Heures"), min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2,
        localize=True,
    )
    organization = forms.CharField(label=_("Organisme"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Métier"), max_length=200, required=False)
    reason = forms.ChoiceField(
        label=_("Motif en cas de refus"), required=False, choices=[("", "—"), *Review.Reason.choices]
    )
    comment = forms.CharField(
        label=_("Commentaire"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.ChoiceField(
        choices=[(Step.Decision.VALIDATED, _("Valider")), (Step.Decision.REJECTED, _("Refuser"))]
    )

    @classmethod
    def for_step(cls, step: Step, data: Any = None) -> ReviewStepForm:
        return cls(
            data,
            prefix=f"step-{step.pk}",
            initial={
                "category": step.category, "kind": step.kind, "date": step.date, "hours": step.hours,
                "organization": step.organization, "job_title": step.job_title,
            },
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A kind is never changed behind the counsellor's back: one left over from the previous
        # category is an error to fix on the page, not a silent switch.
        if data.get("category") and data.get("kind") and data["kind"] not in KINDS_BY_CATEGORY.get(data["category"], ()):
            self.add_error("kind", _("Ce type de démarche n'appartient pas à la catégorie choisie : choisissez-en un."))
        return data

    def input_values(self) -> dict[str, Any]:
        """What each input shows after an error: the text the person posted."""
        return _formatted({name: self[name].value() for name in self.fields})

    @staticmethod
    def step_values(step: Step) -> dict[str, Any]:
        """What each input shows before any post: the step as it is (no form instance needed: a page
        lists many steps and each form would deep-copy its fields)."""
        return _formatted(
            {
                "category": step.category, "kind": step.kind, "date": step.date, "hours": step.hours,
                "organization": step.organization, "job_title": step.job_title, "comment": "",
            }
        )

    def review_arguments(self, step: Step) -> dict[str, Any]:
        """What to pass to services.review_step: corrections, hours only when the person changed them."""
        data = self.cleaned_data
        corrections: dict[str, Any] = {
            "category": data["category"],
            "date": data["date"],
            "organization": data["organization"],
            "job_title": data["job_title"],
            "kind": data["kind"],
        }
        # Unchanged hours follow the (possibly corrected) category's weight.
        hours = data["hours"] if data["hours"] != step.hours else None
        return {
            "decision": data["decision"],
            "corrections": corrections,
            "hours": hours,
            "comment": data["comment"].strip(),
            "reason": data.get("reason") or "",
        }
