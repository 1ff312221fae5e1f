"""Re-derive a gold step's date from its `date_expr` and the note's `recorded_at`.

Annotators write, beside each ISO `date`, the expression they read it from; this script computes the
date from that expression and the recording day in Europe/Paris, so a slip in day arithmetic (or in a
month or year boundary) cannot reach the gold. Standard library only: the annotators run it too.

Expressions (K is a 0-based index into the same note's steps):
  null                       no day given (date null)
  today | yesterday | day_before_yesterday | tomorrow | day_after_tomorrow
  days_ago:N | days_ahead:N
  past_weekday:W             bare weekday in a past sentence, or "W dernier": most recent W strictly before
  next_weekday:W             bare weekday in a future sentence, or "W prochain": next W strictly after
  last_week:W | next_week:W  "W de la semaine dernière / prochaine": W in the ISO week before / after
  past_day:N | next_day:N    "le N" without a month: most recent day N on or before / next day N after
  past_date:DD-MM | next_date:DD-MM   day and month, no year: most recent on or before / next after
  date:YYYY-MM-DD            a date with its year said
  past_weekend | next_weekend   "le week-end (dernier)" → its Saturday strictly before / after
  same_as:K                  the date of step K ("le jour même", "juste après", "là-bas")
  day_after:K                the day after step K's date ("le lendemain")
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SIMPLE = {"today": 0, "yesterday": -1, "day_before_yesterday": -2, "tomorrow": 1, "day_after_tomorrow": 2}


class DateExprError(ValueError):
    pass


def recording_day(recorded_at: str) -> date:
    moment = datetime.fromisoformat(recorded_at)
    if moment.tzinfo is None:
        raise DateExprError(f"recorded_at without an offset: {recorded_at}")
    return moment.astimezone(PARIS).date()


def _weekday(name: str) -> int:
    try:
        return WEEKDAYS.index(name.strip().lower())
    except ValueError as exc:
        raise DateExprError(f"unknown weekday {name!r} (use one of {', '.join(WEEKDAYS)})") from exc


def _day_of_month(today: date, day: int, past: bool) -> date:
    if not 1 <= day <= 31:
        raise DateExprError(f"day of month out of range: {day}")
    year, month = today.year, today.month
    for _ in range(14):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and ((past and candidate <= today) or (not past and candidate > today)):
            return candidate
        month += -1 if past else 1
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
    raise DateExprError(f"no day {day} found near {today}")


def _day_and_month(today: date, day: int, month: int, past: bool) -> date:
    candidates = []
    for year in range(today.year - 2, today.year + 3):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if past:
        options = [c for c in candidates if c <= today]
        if options:
            return max(options)
    else:
        options = [c for c in candidates if c > today]
        if options:
            return min(options)
    raise DateExprError(f"impossible date {day:02d}-{month:02d}")


def derive(expr: str | None, recorded_at: str, resolved: list[date | None] | None = None) -> date | None:
    """The date `expr` means for a note recorded at `recorded_at`; `resolved` holds earlier steps' dates."""
    if expr is None or expr == "null":
        return None
    today = recording_day(recorded_at)
    head, _, arg = expr.partition(":")
    head = head.strip()
    if head in SIMPLE and not arg:
        return today + timedelta(days=SIMPLE[head])
    if head in {"days_ago", "days_ahead"}:
        n = int(arg)
        return today + timedelta(days=-n if head == "days_ago" else n)
    if head in {"past_weekday", "next_weekday"}:
        wd = _weekday(arg)
        if head == "past_weekday":
            delta = (today.weekday() - wd) % 7 or 7
            return today - timedelta(days=delta)
        delta = (wd - today.weekday()) % 7 or 7
        return today + timedelta(days=delta)
    if head in {"last_week", "next_week"}:
        monday = today - timedelta(days=today.weekday())
        monday += timedelta(days=-7 if head == "last_week" else 7)
        return monday + timedelta(days=_weekday(arg))
    if head in {"past_day", "next_day"}:
        return _day_of_month(today, int(arg), head == "past_day")
    if head in {"past_date", "next_date"}:
        dd, _, mm = arg.partition("-")
        return _day_and_month(today, int(dd), int(mm), head == "past_date")
    if head == "date":
        return date.fromisoformat(arg)
    if head in {"past_weekend", "next_weekend"} and not arg:
        return derive("past_weekday:samedi" if head == "past_weekend" else "next_weekday:samedi", recorded_at)
    if head in {"same_as", "day_after"}:
        k = int(arg)
        if resolved is None or not 0 <= k < len(resolved):
            raise DateExprError(f"{expr}: no earlier step {k} in this note")
        base = resolved[k]
        if base is None:
            raise DateExprError(f"{expr}: step {k} has no date")
        return base if head == "same_as" else base + timedelta(days=1)
    raise DateExprError(f"unknown date expression {expr!r}")


def derive_note(record: dict) -> list[date | None]:
    """Dates of every step of a note, in order (same_as/day_after may point at any other step)."""
    steps = record.get("steps") or []
    out: list[date | None] = [None] * len(steps)
    done: set[int] = set()
    for _ in range(len(steps)):
        for i, step in enumerate(steps):
            if i in done:
                continue
            expr = step.get("date_expr")
            head, _, arg = (expr or "").partition(":")
            if head in {"same_as", "day_after"} and arg.strip().isdigit() and int(arg) not in done:
                continue  # its reference is not resolved yet
            out[i] = derive(expr, record["recorded_at"], out)
            done.add(i)
    for i, step in enumerate(steps):
        if i not in done:
            raise DateExprError(f"step {i}: {step.get('date_expr')} refers in a circle")
    return out
