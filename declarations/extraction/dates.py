"""Day expressions in a normalised note, resolved against the recording day (Europe/Paris).

Mentions are found here; a bare weekday ("jeudi", "ce jeudi", "ce week-end"), a day of the month
("le 28") or a day and month ("le 12 octobre") depends on the tense of the sentence it governs, so it
is returned unresolved and resolved later with `resolve_mention` once the extractor knows whether the
sentence speaks of the past or the future. Arithmetic never overflows: past the calendar's ends a
day is unknown (None).
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
    DAY_OF_MONTH = "day_of_month"  # "le 28", "mardi 3": `day` set (and `weekday` if said); needs the tense
    DAY_MONTH = "day_month"  # "le 12 octobre": `day` and `month` set, no year; needs the tense
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
    day: int | None = None  # day of the month, for DAY_OF_MONTH and DAY_MONTH
    month: int | None = None  # for DAY_MONTH


def local_day(recorded_at: datetime) -> date:
    """The calendar day of the recording in Europe/Paris (naive timestamps are taken as Paris time)."""
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=PARIS)
    return recorded_at.astimezone(PARIS).date()


def shift_day(day: date, days: int) -> date | None:
    """`day` moved by `days`, or None past the calendar's ends (year 1, year 9999)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def resolve_weekday(weekday: int, today: date, direction: Direction) -> date | None:
    """The most recent such day strictly before today, or the next one strictly after."""
    if direction is Direction.PAST:
        return shift_day(today, -((today.weekday() - weekday) % 7 or 7))
    return shift_day(today, (weekday - today.weekday()) % 7 or 7)


def resolve_day_of_month(day: int, today: date, direction: Direction, weekday: int | None = None) -> date | None:
    """ "le 28" without a month: in the past the most recent day 28 on or before today (even in an
    earlier month), in the future the next one after today. With a weekday said too ("mardi 3"),
    the occurrence that falls on that weekday wins over the tense."""
    past = _month_walk(today, day, backwards=True)
    future = _month_walk(today, day, backwards=False)
    if weekday is not None:
        fitting = [d for d in (past, future) if d is not None and d.weekday() == weekday]
        if len(fitting) == 1:
            return fitting[0]
    return past if direction is Direction.PAST else future


def _month_walk(today: date, day: int, *, backwards: bool) -> date | None:
    year, month = today.year, today.month
    for _ in range(13):
        candidate = _safe_date(year, month, day) if 1 <= year <= 9999 else None
        if candidate is not None and (candidate <= today if backwards else candidate > today):
            return candidate
        month += -1 if backwards else 1
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
    return None


def resolve_day_month(day: int, month: int, today: date, direction: Direction) -> date | None:
    """ "le 12 octobre" without a year: the most recent one on or before today in the past, the next
    one after today in the future — unless that one is more than six months away, where the other
    reading is the likelier ("ils m'ont dit que je commence le 1er octobre", said in September)."""
    candidates = [d for y in range(today.year - 1, today.year + 2) if (d := _safe_date(y, month, day)) is not None]
    before = max((d for d in candidates if d <= today), default=None)
    after = min((d for d in candidates if d > today), default=None)
    preferred, other = (before, after) if direction is Direction.PAST else (after, before)
    if preferred is not None and abs((preferred - today).days) <= 183:
        return preferred
    return other if other is not None else preferred


def resolve_mention(mention: DateMention, direction: Direction, today: date) -> date | None:
    """The day a mention names, once the tense of its sentence is known (RELATIVE ones need the day
    before them: the extractor resolves those)."""
    if mention.kind is MentionKind.DAY:
        return mention.value
    if mention.kind is MentionKind.WEEKDAY and mention.weekday is not None:
        return resolve_weekday(mention.weekday, today, direction)
    if mention.kind is MentionKind.DAY_OF_MONTH and mention.day is not None:
        return resolve_day_of_month(mention.day, today, direction, mention.weekday)
    if mention.kind is MentionKind.DAY_MONTH and mention.day is not None and mention.month is not None:
        return resolve_day_month(mention.day, mention.month, today, direction)
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= year <= 9999 or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


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
) | frozenset(WEEKDAYS)  # "le 23 mardi": a day said twice
_SKIP_BEFORE = (("jusqu", "a"), ("depuis",), ("tous", "les"), ("chaque",), ("jusqu", "au"))


def _reads_as_date(nt: NormalizedText, following: int, match: re.Match[str], day_end: int) -> bool:
    """After "mardi 3": the end, a sentence break, a comma or a word that cannot take a count."""
    if match.end() > day_end:  # "mardi 3 matin", "mardi 3 prochain": more of the date follows
        return True
    if following >= len(nt):
        return True
    token = nt.tokens[following]
    return token.norm in _AFTER_BARE_DAY or token.sentence_start or token.comma_before


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
        # past the calendar's ends the day is unknown, but it was said: the step is undated
        return DateMention(first, last, MentionKind.DAY, shift_day(today, -days))
    if name == "no_day":
        return DateMention(first, last, MentionKind.NO_DAY)
    if name == "offset":
        word = match.group("word")
        offset = {"avant hier": -2, "hier": -1, "demain": 1, "apres demain": 2}.get(word, 0)
        return DateMention(first, last, MentionKind.DAY, shift_day(today, offset))
    if name == "weekend":
        which = match.group("which")
        if which in {"dernier", "passe", "prochain"}:
            value = resolve_weekday(5, today, Direction.FUTURE if which == "prochain" else Direction.PAST)
            return DateMention(first, last, MentionKind.DAY, value, weekend=True)
        if match.group(0).startswith("le ") and (first == 0 or nt.tokens[first - 1].norm != "tout"):
            return None  # "vendeuse le week-end": a habit, not a day ("tout le week-end" is one)
        return DateMention(first, last, MentionKind.WEEKDAY, weekday=5, weekend=True)
    if name == "weekday":
        weekday = WEEKDAYS.index(match.group("wd"))
        day = match.group("day")
        after_day = match.end("day") if day is not None else -1
        if day is not None and not match.group("month") and not _reads_as_date(nt, nt.token_at(after_day) + 1, match, after_day):
            # "Jeudi : trois candidatures": a count after the weekday, not its day of the month
            day = None
            last = nt.token_at(match.start("day")) if match.start("day") > 0 else last
            last = max(last, first + 1)
        if day is not None:
            number = _day_number(day)
            if match.group("month"):
                return DateMention(
                    first, last, MentionKind.DAY_MONTH, weekday=weekday, day=number,
                    month=_MONTH_INDEX[match.group("month")],
                )
            return DateMention(first, last, MentionKind.DAY_OF_MONTH, weekday=weekday, day=number)
        which = match.group("which")
        if which in {"dernier", "passe", "prochain", "d apres", "qui vient"}:
            ahead = which not in {"dernier", "passe"}
            value = resolve_weekday(weekday, today, Direction.FUTURE if ahead else Direction.PAST)
            return DateMention(first, last, MentionKind.DAY, value)
        if match.group("det") == "le " and (last >= len(nt) or nt.tokens[last].norm != "dernier"):
            return None  # "le vendredi": a habit, not a day
        return DateMention(first, last, MentionKind.WEEKDAY, weekday=weekday)
    if name == "daymonth":
        year = match.group("year")
        month = _MONTH_INDEX[match.group("month")]
        day_number = _day_number(match.group("day"))
        if year:
            value = _safe_date(int(year), month, day_number)
            return DateMention(first, last, MentionKind.DAY, value) if value else None
        if _safe_date(2024, month, day_number) is None:  # no such day in any year ("31 février")
            return None
        return DateMention(first, last, MentionKind.DAY_MONTH, day=day_number, month=month)
    if name == "day":
        following = nt.tokens[last] if last < len(nt) else None
        if following is not None and not (
            following.norm in _AFTER_BARE_DAY or following.sentence_start or following.comma_before
        ):
            return None
        number = _day_number(match.group("day"))
        if not 1 <= number <= 31:
            return None
        return DateMention(first, last, MentionKind.DAY_OF_MONTH, day=number)
    if name == "next":
        shift = 1 if match.group(0) == "le lendemain" else -1
        return DateMention(first, last, MentionKind.RELATIVE, shift=shift)
    return None
