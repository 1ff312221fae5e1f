"""Triggers and clauses: where activities are named, and how the note divides into clauses.

A clause starts at a subject ("j'ai", "je", "on", "mon conseiller m'a…"), at a sentence boundary when
the transcript has punctuation, or at a day that opens what follows ("et vendredi aussi"). The days
said before a clause's verb are its *leading* days; the others are *local* to it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from declarations.extraction import grammar
from declarations.extraction.dates import DateMention, MentionKind
from declarations.extraction.grammar import CONNECTORS, SUBJECTS, Morphology
from declarations.extraction.lexicon import OrgMention, OrgType
from declarations.extraction.normalize import NormalizedText
from declarations.extraction.numbers import find_durations
from declarations.extraction.rome import RomeIndex
from declarations.extraction.rules import RULES, TriggerRule

_NOT_A_SUBJECT_AFTER = frozenset(
    {"avec", "pour", "chez", "a", "de", "d", "sans", "que", "qu", "ou", "dont", "qui"}
)
_RELATIVE = frozenset({"ou", "que", "qu", "qui", "dont", "quand", "si", "comment"})
_PARTS_OF_DAY = (("le", "matin"), ("l", "apres", "midi"), ("le", "soir"), ("la", "matinee"), ("le", "midi"))
_PREPOSITIONS = frozenset(
    {"de", "d", "du", "avec", "a", "au", "aux", "pour", "chez", "par", "sur", "vers", "sans"}
)
_POSSESSIVES = frozenset({"ma", "mon", "mes", "sa", "son", "ses", "le", "la", "les", "l"})


@dataclass
class Trigger:
    """Words naming an activity, with the kind they name (possibly changed by their context)."""

    first: int
    last: int
    rule: TriggerRule
    category: str
    kind: str


@dataclass
class Clause:
    first: int
    last: int
    leading: list[DateMention] = field(default_factory=list)
    local: list[DateMention] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)


def find_triggers(
    nt: NormalizedText, orgs: Sequence[OrgMention], morph: Morphology, rome: RomeIndex
) -> list[Trigger]:
    """Non-overlapping activity words, the highest priority first where two overlap."""
    blocked: set[int] = set()
    for org in orgs:
        if org.type not in {OrgType.PUBLIC, OrgType.ASSOCIATION}:
            blocked.update(range(org.first, org.last))
    for job in rome.find(nt, 0, len(nt)):
        # "offres d'agent d'entretien": a word inside a job title is not an activity
        if job.last - job.first >= 2:
            blocked.update(range(job.first + 1, job.last))
    candidates: list[Trigger] = []
    for rule in RULES:
        for match in nt.finditer(rule.pattern):
            first, last = nt.token_span(match)
            if blocked.intersection(range(first, last)) or _in_relative_clause(nt, morph, first):
                continue
            candidates.append(Trigger(first, last, rule, rule.category, rule.kind))
    candidates.sort(key=lambda t: (-t.rule.priority, -(t.last - t.first), t.first))
    taken: set[int] = set()
    kept: list[Trigger] = []
    for trig in candidates:
        if taken.intersection(range(trig.first, trig.last)):
            continue
        taken.update(range(trig.first, trig.last))
        kept.append(trig)
    return sorted(kept, key=lambda t: t.first)


def _in_relative_clause(nt: NormalizedText, morph: Morphology, first: int) -> bool:
    """ "les boîtes où j'avais envoyé mon CV": background, not a step of its own ("il m'a dit que je
    commence jeudi" is not a relative clause: "que" follows a verb there)."""
    words = nt.norms
    for k in range(max(1, first - 4), first - 1):
        if words[k] in _RELATIVE and words[k + 1] in SUBJECTS:
            if words[k] in {"que", "qu"} and morph.morphs[k - 1].pos in {"VERB", "AUX", "ADJ"}:
                continue
            return True
    return False


def segment(
    nt: NormalizedText, mentions: list[DateMention], triggers: list[Trigger], morph: Morphology
) -> list[Clause]:
    """The clauses of a note, each with its leading and local days and its triggers."""
    words = nt.norms
    mention_at: dict[int, DateMention] = {m.first: m for m in mentions}
    mention_of = {k: m for m in mentions for k in range(m.first, m.last)}
    in_mention = set(mention_of)

    duration_of = {k: d for d in find_durations(nt) for k in range(d.first, d.last)}

    def walk_back(i: int) -> int:
        """Start of the clause whose subject is at i: back over connectors and leading days."""
        k = i
        crossed: list[DateMention] = []
        while k > 0 and not nt.tokens[k].sentence_start:
            previous = k - 1
            if words[previous] in CONNECTORS or words[previous] == "finalement":
                if crossed and nt.tokens[previous].comma_before and _ends_a_day_list(nt, mention_of, previous):
                    # "j'ai bossé jeudi, vendredi et samedi, et samedi c'était…": the list ends the
                    # clause before; only the day after ", et" opens this one
                    break
                k = previous
            elif previous in mention_of:
                mention = mention_of[previous]
                if _closes_previous_clause(nt, morph, mention):
                    break  # "je le repasse le 3, ma mère peut m'emmener": the day is the verb's
                crossed.append(mention)
                k = mention.first
            elif (clock := _clock_time_ending_at(words, previous)) is not None and clock - 1 in mention_of:
                # "demain à 14h j'ai rendez-vous": the hour said between the day and the verb
                k = clock
            elif (
                previous in duration_of
                and duration_of[previous].first - 1 in mention_of
                and words[i] in {"j", "je", "on", "nous"}
            ):
                # "mardi de 14h30 à 18h j'ai gardé…": the hours said between the day and the verb
                # ("aujourd'hui de 8h à 17h c'est physique" keeps them with what came before)
                k = duration_of[previous].first
            else:
                break
        same_kind = all(m.kind is MentionKind.WEEKDAY and m.last - m.first == 1 for m in crossed)
        if len(crossed) > 1 and not same_kind and k > 0 and not nt.tokens[k].sentence_start:
            # "je bosse jeudi matin et samedi soir j'ai…": only the nearest day opens this
            # clause; the others end the previous one
            k = crossed[0].first
            while k > 0 and words[k - 1] in {"et", "puis", "mais"} and not nt.tokens[k].sentence_start:
                k -= 1
        return k

    starts = {0}
    for i, token in enumerate(nt.tokens):
        if token.sentence_start:
            starts.add(i)
        if words[i] in SUBJECTS and _is_subject(words, i):
            starts.add(walk_back(i))
        for part in _PARTS_OF_DAY:
            if tuple(words[i : i + len(part)]) == part and i not in in_mention:
                starts.add(walk_back(i))
        after_object_slot = i > 0 and (
            words[i - 1] in _PREPOSITIONS or morph.morphs[i - 1].pos in {"VERB", "AUX"}
        )
        if i > 0 and not after_object_slot and _noun_subject_at(nt, morph, i):
            starts.add(walk_back(i))
        mention = mention_at.get(i)
        if mention is not None and i > 0 and mention.last < len(words):
            following = words[mention.last]
            # "et vendredi aussi": an elliptical clause repeating the previous step on another day;
            # "samedi rien": a day with nothing in it
            elliptical = following in grammar.ELLIPSIS and morph.morphs[i - 1].pos not in {"VERB", "AUX"}
            if elliptical or following == "rien" or _noun_subject_at(nt, morph, mention.last):
                starts.add(walk_back(i))
            elif _opens_verbless_line(nt, morph, mention) and mention.last not in in_mention:
                starts.add(i)
            elif _after_a_turn(nt, mention_of, mention):
                # "… un rendez-vous chez le dentiste enfin ce matin j'ai débuté une immersion": a
                # day after "enfin", "sinon", "puis"… opens what follows, in a text without punctuation
                starts.add(i - 1)
    ordered = sorted(starts)
    clauses = [
        Clause(s, ordered[n + 1] if n + 1 < len(ordered) else len(words)) for n, s in enumerate(ordered)
    ]
    firsts = [c.first for c in clauses]
    for m in mentions:
        clause = clause_of(clauses, firsts, m.first)
        head = range(clause.first, m.first)
        leading = all(words[k] in CONNECTORS or k in in_mention or words[k] == "finalement" for k in head)
        (clause.leading if leading else clause.local).append(m)
    for trig in triggers:
        clause_of(clauses, firsts, trig.first).triggers.append(trig)
    return _split_dated_triggers(words, clauses)


def _split_dated_triggers(words: list[str], clauses: list[Clause]) -> list[Clause]:
    """ "une simulation d'entretien, pour mon entretien chez Sephora qui est lundi": a later trigger
    followed by its own day is a step of its own, said inside the clause of another."""
    out: list[Clause] = []
    for clause in clauses:
        pieces = [clause]
        for trig in clause.triggers[1:]:
            current = pieces[-1]
            if trig.first <= current.first:
                continue
            own_day = [
                m
                for m in current.local
                if m.first >= trig.last and not any(w in SUBJECTS for w in words[trig.last : m.first])
            ]
            earlier = [t for t in current.triggers if t.first < trig.first]
            if not own_day or not earlier:
                continue
            head = Clause(current.first, trig.first, current.leading)
            tail = Clause(trig.first, current.last)
            for m in current.local:
                (tail.local if m.first >= trig.first else head.local).append(m)
            for t in current.triggers:
                (tail.triggers if t.first >= trig.first else head.triggers).append(t)
            pieces[-1:] = [head, tail]
        out.extend(pieces)
    return out


_TURNS = frozenset({"enfin", "sinon", "puis", "ensuite", "apres", "alors", "mais", "donc", "bref"})


def _after_a_turn(nt: NormalizedText, mention_of: dict[int, DateMention], mention: DateMention) -> bool:
    first = mention.first
    if first < 2 or nt.norms[first - 1] not in _TURNS or nt.tokens[first - 1].sentence_start:
        return False
    if first - 2 in mention_of or mention.last in mention_of:
        return False  # a list of days, or a correction of one ("lundi enfin mardi")
    return mention.kind is not MentionKind.NO_DAY


def _clock_time_ending_at(words: list[str], k: int) -> int | None:
    """Start of "à 14h", "vers 9h30", "à 10 heures", "à midi" ending at token k, else None."""
    for shape in (("a|vers", "#", "h|heures", "#"), ("a|vers", "#", "h|heures"), ("a|vers", "midi|minuit")):
        start = k - len(shape) + 1
        if start < 0:
            continue
        ok = True
        for word, allowed in zip(words[start : k + 1], shape, strict=True):
            if allowed == "#":
                ok = word.isdigit()
            else:
                ok = word in allowed.split("|")
            if not ok:
                break
        if ok:
            return start
    return None


def _opens_verbless_line(nt: NormalizedText, morph: Morphology, mention: DateMention) -> bool:
    """ "… ça s'est bien passé jeudi examen de français hier foot avec les gars": in a list told
    without verbs (and, in a recogniser's text, without punctuation) a day followed by the thing done
    opens a line of its own. A day after a preposition ("depuis lundi") or followed by one ("lundi
    chez Lidl") stays where it is."""
    first, last = mention.first, mention.last
    if first == 0 or last >= len(nt) or nt.tokens[last].comma_before:
        return False
    if nt.norms[first - 1] in _PREPOSITIONS or nt.norms[first - 1] in {"depuis", "jusqu", "et", "ou"}:
        return False
    if morph.morphs[first - 1].pos in {"VERB", "AUX"}:
        return False
    following = morph.morphs[last]
    return following.pos == "NOUN" or (following.pos == "VERB" and following.verb_form == "Inf")


def _closes_previous_clause(nt: NormalizedText, morph: Morphology, mention: DateMention) -> bool:
    """A day said right after a verb, then a comma, completes that verb's clause."""
    before, after = mention.first - 1, mention.last
    if before < 0 or after >= len(nt) or not nt.tokens[after].comma_before:
        return False
    first = nt.tokens[mention.first]
    if first.sentence_start or first.comma_before or nt.norms[before] in CONNECTORS:
        return False
    return morph.morphs[before].pos in {"VERB", "AUX"} or nt.norms[before] in _PREPOSITIONS


def _ends_a_day_list(nt: NormalizedText, mention_of: dict[int, DateMention], k: int) -> bool:
    """Tokens before `k` are days said after a verb phrase, in the same sentence ("bossé jeudi, vendredi")."""
    j = k - 1
    if j not in mention_of:
        return False
    while j >= 0 and (j in mention_of or nt.norms[j] == "et"):
        if nt.tokens[j].sentence_start:
            return False
        j = mention_of[j].first - 1 if j in mention_of else j - 1
    return j >= 0 and nt.norms[j] not in CONNECTORS


def _noun_subject_at(nt: NormalizedText, morph: Morphology, i: int) -> bool:
    """ "(ce matin) ma conseillère m'a conseillé…": a clause with a noun subject starts at i."""
    if i + 2 >= len(nt) or nt.norms[i] not in _POSSESSIVES:
        return False
    noun, verb = morph.morphs[i + 1], morph.morphs[i + 2]
    return noun.pos in {"NOUN", "PROPN"} and (verb.pos in {"AUX", "VERB"} or nt.norms[i + 2] in {"m", "nous"})


def _is_subject(words: list[str], i: int) -> bool:
    word = words[i]
    previous = words[i - 1] if i > 0 else ""
    if previous in _NOT_A_SUBJECT_AFTER:
        return False
    if word in {"c", "ca"}:
        return i + 1 < len(words) and words[i + 1] in {"est", "etait", "a", "m", "fait", "sera", "va"}
    if word in {"il", "elle", "on", "ils", "elles", "nous", "tu"}:
        return i + 1 < len(words) and words[i + 1] not in {"et", "aussi"}
    return True


def clause_of(clauses: list[Clause], firsts: list[int], token: int) -> Clause:
    index = bisect.bisect_right(firsts, token) - 1
    return clauses[max(index, 0)]
