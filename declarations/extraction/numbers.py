"""Quantities and durations in a normalised note (numbers are already digits, see normalize.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from declarations.extraction.normalize import NormalizedText

APPROXIMATE_COUNTS = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "centaine": 100,
}

# What a counted step counts: applications, offers, places contacted.
COUNTABLE_NOUNS = frozenset(
    "candidatures candidature cv offres offre entretiens entretien mini annonces annonce lettres "
    "magasins entreprises entreprise salons garages boutiques postes agences employeurs restaurants "
    "sites appels mails emails messages structures commerces boulangeries restos hotels pharmacies "
    "supermarches enseignes societes recruteurs cabinets creches ecoles coiffeurs patrons "
    "missions jobs stages contrats appartements apparts logements studios chambres colocations maisons "
    "visites formations ecoles dossiers restaurants".split()
)
_UNITS = frozenset(
    "h heure heures minute minutes min jour jours journee journees semaine semaines mois an ans annee "
    "annees euros euro fois ieme eme er km kilometres ans".split()
)


@dataclass(frozen=True)
class Quantity:
    first: int
    last: int
    value: int


@dataclass(frozen=True)
class Duration:
    first: int
    last: int
    minutes: int


def _word_number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word in {"un", "une"}:
        return 1
    return None


_HOUR = r"(?:h|heures?)"
_CLOCK_SPAN = re.compile(
    r"(?:de|entre) (?P<h1>\d{1,2})(?: " + _HOUR + r")?(?: (?P<m1>\d{1,2}|et demie))?"
    r" (?:a|et|jusqu a) (?P<h2>\d{1,2}|midi|minuit)(?: " + _HOUR + r")?(?: (?P<m2>\d{1,2}|et demie))?"
)
_AMOUNT = re.compile(
    r"(?P<half>une demi heure|1 demi heure|une demie heure)"
    r"|(?P<quarter>un quart d heure|1 quart d heure)"
    r"|(?P<quarters>\d+) quarts? d heure"
    r"|(?P<h>\d+|une|un) " + _HOUR + r"(?: (?P<m>\d{1,2})(?: minutes?)?| et (?P<frac>demie|demi|quart))?"
    r"|(?P<min>\d+) (?:minutes?|min)"
)
_CLOCK_BEFORE = frozenset({"a", "vers", "des", "avant", "jusqu", "apres", "pour", "depuis"})


def _clock_minutes(hours: str, minutes: str | None) -> int | None:
    if hours == "midi":
        value = 12 * 60
    elif hours == "minuit":
        value = 24 * 60
    else:
        value = int(hours) * 60
    if minutes == "et demie":
        value += 30
    elif minutes:
        value += int(minutes)
    return value


def find_durations(nt: NormalizedText, first: int = 0, last: int | None = None) -> list[Duration]:
    """Stated durations inside tokens [first, last): "deux heures", "de 6h à 13h", "3 quarts d'heure"."""
    last = len(nt) if last is None else last
    durations: list[Duration] = []
    taken: set[int] = set()
    for match in nt.finditer(_CLOCK_SPAN, first, last):
        i, j = nt.token_span(match)
        if j > last:
            break
        has_unit = (
            "h" in match.group(0).split()
            or "heure" in match.group(0)
            or match.group("h2")
            in {
                "midi",
                "minuit",
            }
        )
        if not has_unit:
            continue
        start = _clock_minutes(match.group("h1"), match.group("m1"))
        end = _clock_minutes(match.group("h2"), match.group("m2"))
        if start is None or end is None:
            continue
        if end <= start:
            end += 12 * 60 if end + 12 * 60 > start else 24 * 60
        if 0 < end - start <= 16 * 60:
            durations.append(Duration(i, j, end - start))
            taken.update(range(i, j))
    for match in nt.finditer(_AMOUNT, first, last):
        i, j = nt.token_span(match)
        if j > last:
            break
        if taken.intersection(range(i, j)):
            continue
        if i > 0 and nt.tokens[i - 1].norm in _CLOCK_BEFORE and match.group("h"):
            continue  # "à dix heures" is a time of day
        if match.group("half"):
            minutes = 30
        elif match.group("quarter"):
            minutes = 15
        elif match.group("quarters"):
            minutes = 15 * int(match.group("quarters"))
        elif match.group("min"):
            minutes = int(match.group("min"))
        else:
            hours = _word_number(match.group("h")) or 0
            minutes = hours * 60
            if match.group("m"):
                minutes += int(match.group("m"))
            frac = match.group("frac")
            if frac in {"demie", "demi"}:
                minutes += 30
            elif frac == "quart":
                minutes += 15
        if 0 < minutes <= 16 * 60:
            durations.append(Duration(i, j, minutes))
    return sorted(durations, key=lambda d: d.first)


def find_quantities(
    nt: NormalizedText, first: int, last: int, excluded: Iterable[int] = ()
) -> list[Quantity]:
    """Stated counts of 2 or more in [first, last); a corrected count ("4, non, 5") keeps the last."""
    skip = set(excluded)
    found: list[Quantity] = []
    k = first
    while k < last:
        token = nt.tokens[k].norm
        following = nt.tokens[k + 1].norm if k + 1 < len(nt) else ""
        if k in skip:
            k += 1
            continue
        if token in {"une", "un"} and following in APPROXIMATE_COUNTS:
            found.append(Quantity(k, k + 2, APPROXIMATE_COUNTS[following]))
            k += 2
            continue
        if token.isdigit() and following not in _UNITS:
            previous = nt.tokens[k - 1].norm if k > 0 else ""
            if previous in {"h", "heure", "heures"}:  # the minutes of a clock time, "11h30"
                k += 1
                continue
            value = int(token)
            countable = (
                following in COUNTABLE_NOUNS
                or following in {"", "non", "ou", "et", "a"}
                or (
                    nt.tokens[k + 1].comma_before or nt.tokens[k + 1].sentence_start
                    if k + 1 < len(nt)
                    else True
                )
            )
            if previous in {"genre", "environ", "presque", "dans", "a", "non", "envoye", "relance"}:
                countable = countable or previous != "a"
            if previous == "non" and found:
                found[-1] = Quantity(found[-1].first, k + 1, value)
            elif countable and 2 <= value <= 200:
                found.append(Quantity(k, k + 1, value))
        k += 1
    return found
