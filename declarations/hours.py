"""Hours rules: how much a step counts, the weekly target, and CEJ weeks (Monday–Sunday, Paris)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from declarations.categories import DEFAULT_CATEGORY_HOURS, DEFAULT_WEEKLY_TARGET_HOURS
from declarations.models import Structure

PARIS = ZoneInfo("Europe/Paris")


def local_date(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def category_hours(structure: Structure, category: str) -> Decimal:
    """Hours a step of this category counts in this structure (its override, else the CEJ default)."""
    for weight in structure.category_weights.all():
        if weight.category == category:
            return weight.hours
    return DEFAULT_CATEGORY_HOURS.get(category, Decimal(0))


def weekly_target(structure: Structure) -> Decimal:
    if structure.weekly_target_hours is not None:
        return structure.weekly_target_hours
    return DEFAULT_WEEKLY_TARGET_HOURS
