"""Day expressions in a normalised note, resolved against the recording day (Europe/Paris).

Mentions are found here; a bare weekday ("jeudi", "ce jeudi", "ce week-end") depends on the tense
of the sentence it governs, so it is returned unresolved with its weekday and resolved later with
`resolve_weekday` once the extractor knows whether the sentence speaks of the past or the future.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from declarations.extraction.normalize import NormalizedText

PARIS = ZoneInfo("Europe/Paris")

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
)
_WD = "|".join(WEEKDAYS)
_MONTH = "|".join(MONTHS)
_PART = r"(?: (?:matin|soir|midi|apres midi|aprem|soiree|matinee|dans la matinee|en fin de journee))?"


class Direction(Enum):
    PAST = "past"
    FUTURE = "future"


class MentionKind(Enum):
    DAY = "day"  # resolved to one date
    WEEKDAY = "weekday"  # needs the tense: `weekday` is set
    NO_DAY = "no_day"  # "cette semaine", "la semaine dernière": the step has no date
    RELATIVE = "relative"  # "le lendemain", "la veille": `shift` days from the previous mention


@dataclass(frozen=True)
class DateMention:
    first: int  # token range in the NormalizedText
    last: int
    kind: MentionKind
    value: date | None = None
    weekday: int | None = None  # 0 = Monday
    shift: int = 0
    weekend: bool = False  # "le week-end dernier": a day named after it is more precise


def local_day(recorded_at: datetime) -> date:
    """The calendar day of the recording in Europe/Paris (naive timestamps are taken as Paris time)."""
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=PARIS)
    return recorded_at.astimezone(PARIS).date()


def resolve_weekday(weekday: int, today: date, direction: Direction) -> date:
    """The most recent such day strictly before today, or the next one strictly after."""
    if direction is Direction.PAST:
        delta = (today.weekday() - weekday) % 7 or 7
        return today - timedelta(days=delta)
    delta = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=delta)


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _nearest_year(month: int, day: int, today: date) -> date | None:
    """A day-and-month without year: the occurrence within six months of the recording."""
    candidate = _safe_date(today.year, month, day)
    if candidate is None:
        return None
    if (candidate - today).days > 183:
        return _safe_date(today.year - 1, month, day)
    if (today - candidate).days > 183:
        return _safe_date(today.year + 1, month, day)
    return candidate


_NUMBER_OF = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quelques": 0}

# Order matters: the first alternative that matches at a position wins, longest forms first.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ago", re.compile(r"il y a (?P<n>\d+|un|une|quelques) (?P<unit>jours?|semaines?)")),
    (
        "no_day",
        re.compile(
            r"(?:la|cette) semaine (?:derniere|passee|prochaine|d avant|d apres)|cette semaine|dans la semaine"
            r"|en semaine|toute la semaine|le mois (?:dernier|prochain)|ce mois ci|ces derniers jours"
            r"|l autre jour|recemment|la semaine"
        ),
    ),
    (
        "offset",
        re.compile(
            r"(?P<word>avant hier|apres demain|hier|demain|aujourd hui|ce matin|ce midi|ce soir|cette nuit"
            r"|cet apres midi|cette apres midi|cet aprem|cette aprem|tout a l heure|tout a l heure"
            r"|(?:juste )?avant d enregistrer|ce jour)" + _PART
        ),
    ),
    ("weekend", re.compile(r"(?:le |ce )?week end(?: (?P<which>dernier|passe|prochain))?")),
    (
        "weekday",
        re.compile(
            r"(?P<det>le |ce |cet )?(?P<wd>"
            + _WD
            + r")(?: (?P<day>\d{1,2}(?: er)?|premier)(?! (?:h|heures?|minutes?|min|fois)\b)(?: (?P<month>"
            + _MONTH
            + r"))?)?(?: (?P<which>dernier|passe|prochain|d apres|qui vient))?"
            + _PART
        ),
    ),
    (
        "daymonth",
        re.compile(
            r"(?:le )?(?P<day>\d{1,2}(?: er)?|premier) (?P<month>"
            + _MONTH
            + r")(?: (?P<year>20\d\d))?"
            + _PART
        ),
    ),
    ("day", re.compile(r"le (?P<day>\d{1,2}(?: er)?|premier)")),
    ("next", re.compile(r"le lendemain|la veille")),
]

_MONTH_INDEX = {name: i + 1 for i, name in enumerate(MONTHS)}
# After "le 3" the next word shows it is a date, not "le 3 candidatures".
_AFTER_BARE_DAY = frozenset(
    "j je on il elle ils elles nous donc et non enfin c ca au a matin soir apres dans pour y voila alors "
    "hier aujourd demain du coup ou".split()
)
_SKIP_BEFORE = (("jusqu", "a"), ("depuis",), ("tous", "les"), ("chaque",), ("jusqu", "au"))


def _day_number(raw: str) -> int:
    return 1 if raw in {"1 er", "premier"} else int(raw.split()[0])


def _preceded_by_skip(nt: NormalizedText, first: int) -> bool:
    for words in _SKIP_BEFORE:
        n = len(words)
        if first >= n and tuple(nt.words(first - n, first)) == words:
            return True
    return False


def find_date_mentions(nt: NormalizedText, today: date) -> list[DateMention]:
    """All day expressions, left to right, without overlaps."""
    mentions: list[DateMention] = []
    taken = [False] * len(nt)
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for name, pattern in _PATTERNS:
        for match in nt.finditer(pattern):
            first, last = nt.token_span(match)
            if any(taken[first:last]):
                continue
            found.append((first, last, name, match))
            for k in range(first, last):
                taken[k] = True
    for first, last, name, match in sorted(found, key=lambda item: item[0]):
        mention = _to_mention(nt, first, last, name, match, today)
        if mention is not None and not _preceded_by_skip(nt, first):
            mentions.append(mention)
    return mentions


def _to_mention(
    nt: NormalizedText, first: int, last: int, name: str, match: re.Match[str], today: date
) -> DateMention | None:
    if name == "ago":
        n = match.group("n")
        count = int(n) if n.isdigit() else _NUMBER_OF[n]
        if count == 0:
            return DateMention(first, last, MentionKind.NO_DAY)
        days = count * (7 if match.group("unit").startswith("semaine") else 1)
        return DateMention(first, last, MentionKind.DAY, today - timedelta(days=days))
    if name == "no_day":
        return DateMention(first, last, MentionKind.NO_DAY)
    if name == "offset":
        word = match.group("word")
        offset = {"avant hier": -2, "hier": -1, "demain": 1, "apres demain": 2}.get(word, 0)
        return DateMention(first, last, MentionKind.DAY, today + timedelta(days=offset))
    if name == "weekend":
        which = match.group("which")
        if which in {"dernier", "passe"}:
            return DateMention(
                first, last, MentionKind.DAY, resolve_weekday(5, today, Direction.PAST), weekend=True
            )
        if which == "prochain":
            return DateMention(
                first, last, MentionKind.DAY, resolve_weekday(5, today, Direction.FUTURE), weekend=True
            )
        if match.group(0).startswith("le ") and (first == 0 or nt.tokens[first - 1].norm != "tout"):
            return None  # "vendeuse le week-end": a habit, not a day ("tout le week-end" is one)
        return DateMention(first, last, MentionKind.WEEKDAY, weekday=5, weekend=True)
    if name == "weekday":
        weekday = WEEKDAYS.index(match.group("wd"))
        day = match.group("day")
        if day is not None:
            month = _MONTH_INDEX[match.group("month")] if match.group("month") else today.month
            value = _nearest_year(month, _day_number(day), today)
            return DateMention(first, last, MentionKind.DAY, value) if value else None
        which = match.group("which")
        if which in {"dernier", "passe"}:
            return DateMention(first, last, MentionKind.DAY, resolve_weekday(weekday, today, Direction.PAST))
        if which in {"prochain", "d apres", "qui vient"}:
            return DateMention(
                first, last, MentionKind.DAY, resolve_weekday(weekday, today, Direction.FUTURE)
            )
        if match.group("det") == "le " and (last >= len(nt) or nt.tokens[last].norm != "dernier"):
            return None  # "le vendredi": a habit, not a day
        return DateMention(first, last, MentionKind.WEEKDAY, weekday=weekday)
    if name == "daymonth":
        year = match.group("year")
        month = _MONTH_INDEX[match.group("month")]
        day_number = _day_number(match.group("day"))
        value = _safe_date(int(year), month, day_number) if year else _nearest_year(month, day_number, today)
        return DateMention(first, last, MentionKind.DAY, value) if value else None
    if name == "day":
        following = nt.tokens[last] if last < len(nt) else None
        if following is not None and not (
            following.norm in _AFTER_BARE_DAY or following.sentence_start or following.comma_before
        ):
            return None
        value = _safe_date(today.year, today.month, _day_number(match.group("day")))
        return DateMention(first, last, MentionKind.DAY, value) if value else None
    if name == "next":
        shift = 1 if match.group(0) == "le lendemain" else -1
        return DateMention(first, last, MentionKind.RELATIVE, shift=shift)
    return None
