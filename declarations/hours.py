"""Hours rules: how much a step counts, the weekly target, and CEJ weeks (Monday–Sunday, Paris)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from declarations.categories import DEFAULT_CATEGORY_HOURS, DEFAULT_WEEKLY_TARGET_HOURS
from declarations.models import Structure

PARIS = ZoneInfo("Europe/Paris")


# Any date a person or a client may give: the programme's calendar, far inside what Python, the
# databases and time zones can all represent (year 1 in Paris time is before year 1 in UTC).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
# A step's day, around the note's recording day: done within the year before it, planned within the
# year after (issue: no step dated next year as done, nor in year 1).
STEP_DAYS_BEFORE = 366
STEP_DAYS_AFTER = 366


def in_calendar(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def step_date_problem(day: date | None, status: str, recorded_on: date) -> str | None:
    """None when a step's date fits its status and its note's recording day, else the French reason."""
    if day is None:
        return None
    if day < recorded_on - timedelta(days=STEP_DAYS_BEFORE):
        return "Cette date est plus d'un an avant l'enregistrement de la note."
    if status == "done" and day > recorded_on:
        return "Une démarche réalisée ne peut pas être datée après l'enregistrement de la note."
    if day > recorded_on + timedelta(days=STEP_DAYS_AFTER):
        return "Une démarche prévue ne peut pas être datée plus d'un an après l'enregistrement de la note."
    return None


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
