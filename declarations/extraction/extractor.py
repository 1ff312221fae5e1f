"""The rule-based step extractor: normalised text → clauses → triggers → dated, described steps."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from declarations.extraction import grammar
from declarations.extraction.context import NoteContext, RuleDecider, StepDecider
from declarations.extraction.dates import (
    DateMention,
    Direction,
    MentionKind,
    find_date_mentions,
    local_day,
    resolve_mention,
    shift_day,
)
from declarations.extraction.demarches import comment_code
from declarations.extraction.drafts import (
    Draft,
    add,
    corrected_job,
    corrected_orgs,
    expand,
    merge,
    orgs_within,
    pick_orgs,
    prefer_volunteering,
)
from declarations.extraction.grammar import SUBJECTS, Morphology
from declarations.extraction.lexicon import OrgMatcher, OrgMention, OrgType
from declarations.extraction.normalize import NormalizedText, normalize
from declarations.extraction.numbers import find_durations, find_quantities
from declarations.extraction.rome import RomeIndex, default_index
from declarations.extraction.rules import demarche_codes, override_kind
from declarations.extraction.segment import Clause, Trigger, find_triggers, segment
from declarations.extraction.types import ExtractedStep

logger = logging.getLogger(__name__)

# spaCy is only asked for morphology; a note longer than this is read without it.
_MAX_SPACY_CHARS = 20_000
# A step's description (organisation, duration...) is looked for at most this far from its clause.
_MAX_SPAN_TOKENS = 45
_JOB_CATEGORIES = frozenset({"EMPLOI", "PROJET_PROFESSIONNEL", "FORMATION"})
# Between two days of one list: "samedi et dimanche", "jeudi, vendredi et samedi" (the comma is gone)
_LIST_GAPS = ([], ["et"], ["puis"], ["et", "puis"])


def _against_tense(values: list[date | None], direction: Direction, today: date) -> bool:
    known = [v for v in values if v is not None]
    if not known:
        return False
    if direction is Direction.FUTURE:
        return all(v < today for v in known)
    return all(v > today for v in known)


def corrected_days(nt: NormalizedText, mentions: list[DateMention]) -> list[DateMention]:
    """ "mardi… non, mercredi", "le 2, euh non, le 4": a day taken back is dropped, the last one said wins."""
    kept: list[DateMention] = []
    for m in mentions:
        if kept:
            gap = nt.words(kept[-1].last, m.first)
            if 0 < len(gap) <= 3 and any(w in grammar.CORRECTION for w in gap) and all(
                w in grammar.CORRECTION or w in {"euh", "pas", "en", "fait", "c", "est", "mais"} for w in gap
            ):
                kept.pop()
        kept.append(m)
    return kept


def _listed(nt: NormalizedText, mentions: list[DateMention], items: list[Any]) -> list[Any]:
    """Of days said one after the other, those that are a list: with an "et" somewhere ("jeudi,
    vendredi et samedi") all of them; without one, an apposition ("vendredi, hier quoi", "ce week-end,
    dimanche"): the last, most precise one."""
    if len(mentions) < 2:
        return items
    gaps = [nt.words(a.last, b.first) for a, b in zip(mentions, mentions[1:], strict=False)]
    if any(gap for gap in gaps):
        return items
    return items[-1:]


class RuleBasedExtractor:
    """Implements StepExtractor with general French rules, a lexicon of organisations and the ROME."""

    def __init__(
        self, nlp: Any | None = None, rome: RomeIndex | None = None, decider: StepDecider | None = None
    ) -> None:
        self._nlp = nlp
        self._decider: StepDecider = decider if decider is not None else RuleDecider()
        # one spaCy pipeline is shared by the threads of a worker; its calls are serialised
        self._nlp_lock = threading.Lock()
        self._rome = rome if rome is not None else default_index()
        self._orgs = OrgMatcher()

    def extract(self, text: str, *, recorded_at: datetime) -> list[ExtractedStep]:
        """The steps of one note. Raises on a bug: the pipeline catches and fails the note visibly."""
        ctx = self.analyse(text, recorded_at)
        return [] if ctx is None else self.steps(ctx)

    def steps(self, ctx: NoteContext, decider: StepDecider | None = None) -> list[ExtractedStep]:
        """The steps of an analysed note, decided by `decider` (default: this extractor's)."""
        return [step for step, _ in self.steps_with_drafts(ctx, decider)]

    def steps_with_drafts(
        self, ctx: NoteContext, decider: StepDecider | None = None
    ) -> list[tuple[ExtractedStep, Draft]]:
        """Each step with the draft it was made from (training reads the drafts' confidence signals)."""
        drafts = merge(self._drafts(ctx, decider or self._decider))
        return [(self._to_step(ctx.nt, d), d) for d in drafts for d in expand(d)]

    # ── pipeline ────────────────────────────────────────────────────────────────────────────────
    def analyse(self, text: str, recorded_at: datetime) -> NoteContext | None:
        """What the deterministic layers read in a note, and the rules' view of each clause."""
        if not isinstance(text, str) or not text.strip():
            return None
        nt = normalize(text)
        if not nt.tokens:
            return None
        today = local_day(recorded_at)
        doc = None
        if self._nlp is not None and len(text) <= _MAX_SPACY_CHARS:
            with self._nlp_lock:
                doc = self._nlp(text)
        morph = Morphology(nt, doc)
        mentions = find_date_mentions(nt, today)
        date_tokens = frozenset(k for m in mentions for k in range(m.first, m.last))
        cased = any(ch.isupper() for ch in text)
        orgs = self._orgs.find(nt, cased)
        triggers = find_triggers(nt, orgs, morph, self._rome)
        clauses = segment(nt, mentions, triggers, morph)
        ctx = NoteContext(nt, morph, today, recorded_at, mentions, date_tokens, orgs, clauses, cased)
        ctx.rule_directions = self._directions(nt, morph, clauses)
        for index, clause in enumerate(clauses):
            context = ""
            if index > 0 and not clause.leading:
                context = nt.phrase(clauses[index - 1].first, clauses[index - 1].last)
            main = self._main_trigger(nt, clause, context)
            ctx.rule_triggers.append(main)
            ctx.rule_steps.append(main is not None and self._is_step(nt, clauses, index, main))
        return ctx

    # ── steps ───────────────────────────────────────────────────────────────────────────────────
    def _drafts(self, ctx: NoteContext, decider: StepDecider) -> list[Draft]:
        nt, clauses, orgs, morph, today, date_tokens = (
            ctx.nt, ctx.clauses, ctx.orgs, ctx.morph, ctx.today, ctx.date_tokens
        )
        words = nt.norms
        drafts: list[Draft] = []
        running: DateMention | None = None
        running_value: date | None = None
        context_org: OrgMention | None = None  # "toute la journée j'étais à France Travail : d'abord..."
        advised: Draft | None = None  # "elle m'a conseillé d'écrire à Onet" (then "donc j'ai postulé")
        directions = decider.directions(ctx)
        consumed: set[int] = set()
        for index, clause in enumerate(clauses):
            direction = directions[index]
            resolved_leading = self._resolve_chain(clause.leading, direction, today, running_value)
            clause_text = " " + nt.phrase(clause.first, clause.last) + " "
            if clause.leading:
                context_org = None
            main = None if index in consumed else ctx.rule_triggers[index]
            if main is not None and main.kind == "_sent":
                main = self._sent_kind(main, drafts)
            rule_step = index not in consumed and ctx.rule_steps[index]
            repeats = main is None and bool(drafts) and self._repeats_previous(words, clause, clause_text)
            chosen = None if repeats or index in consumed else decider.decide(ctx, index, main, rule_step)
            if chosen is None and rule_step and main is not None and drafts and drafts[-1].kind == main.kind:
                if not clause.leading and not clause.local:
                    # "j'ai cherché un stage, j'ai appelé trois garages": the same step said on; the
                    # rules fold it into the one before, with its details (the count here)
                    chosen = main
            if chosen is not None:
                main = chosen
                span_end = self._span_end(clauses, index, words)
                dates, explicit = self._dates_for(
                    nt,
                    clause,
                    main,
                    direction,
                    today,
                    running,
                    running_value,
                    resolved_leading,
                    morph,
                    clauses[index + 1] if index + 1 < len(clauses) else None,
                    carries=decider.carries(ctx, index),
                )
                if not explicit and drafts and grammar.SAME_DAY.search(clause_text):
                    dates, explicit = [drafts[-1].dates[-1]], True
                offer = self._offer_dates(nt, clauses, index, main, today, running_value, consumed)
                if offer is not None:
                    dates, explicit = offer, True
                draft = self._describe(
                    nt,
                    clause,
                    main,
                    dates,
                    span_end,
                    orgs,
                    morph,
                    today,
                    date_tokens,
                    self._span_start(clauses, index, consumed),
                )
                draft.explicit_date = explicit
                if not draft.organizations and context_org is not None:
                    draft.organizations = [context_org]
                self._inherit(nt, clauses, index, main, draft, drafts, orgs, clause_text)
                if advised is not None and advised.kind == draft.kind:
                    draft.organizations = draft.organizations or advised.organizations
                    draft.job = draft.job or advised.job
                advised = None
                draft.confidence = decider.confidence(ctx, index, main, draft)
                add(drafts, draft)
                extra = self._starting_later(nt, clause, main, draft, direction, today)
                if extra is not None:
                    add(drafts, extra)
            elif main is not None:
                advised = self._advised(nt, clauses, index, main, orgs, morph, today, date_tokens)
            elif clause.leading and drafts and self._is_ellipsis(words, clause):
                # "et vendredi aussi": no verb of its own, the day is read in the tense of the step repeated
                same_tense = Direction.PAST if drafts[-1].status == "done" else Direction.FUTURE
                day = self._resolve_chain(clause.leading, same_tense, today, running_value)[-1]
                add(drafts, self._repeat(nt, drafts[-1], clause, day, morph, today, keep_duration=True))
            elif drafts and (clause.leading or clause.local) and grammar.RETURN.search(clause_text):
                # "Jeudi j'y repasse pour les donner": the same errand, on the day said now
                day = self._resolve((clause.leading + clause.local)[-1], direction, today, running_value)
                add(drafts, self._repeat(nt, drafts[-1], clause, day, morph, today, keep_duration=False))
            else:
                places = [
                    o
                    for o in orgs_within(orgs, clause.first, clause.last)
                    if o.type not in {OrgType.JOB_SITE, OrgType.HOUSING_SITE}
                ]
                if places:
                    context_org = places[-1]
            if clause.leading:
                running = clause.leading[-1]
                running_value = resolved_leading[-1] if resolved_leading else None
        return prefer_volunteering(drafts)

    def _repeat(
        self,
        nt: NormalizedText,
        previous: Draft,
        clause: Clause,
        day: date | None,
        morph: Morphology,
        today: date,
        keep_duration: bool,
    ) -> Draft:
        """The previous step again, on another day, described by its own clause."""
        duration = self._duration(nt, clause.first, clause.last)
        return replace(
            previous,
            dates=[day],
            status=self._status([day], morph, clause, today),
            first=clause.first,
            last=clause.last,
            count=None if not keep_duration else previous.count,
            duration=duration if duration is not None or not keep_duration else previous.duration,
            explicit_date=True,
        )

    def _inherit(
        self,
        nt: NormalizedText,
        clauses: list[Clause],
        index: int,
        trig: Trigger,
        draft: Draft,
        drafts: list[Draft],
        orgs: list[OrgMention],
        clause_text: str,
    ) -> None:
        """What a step leaves unsaid but the note said just before."""
        previous = drafts[-1] if drafts else None
        if previous is not None:
            # "je l'ai envoyée" (the letter for Intersport); "je commence lundi" after the interview;
            # "juste après, j'ai vu ma conseillère" (still at the Mission Locale)
            sent = trig.rule.kind == "_sent" or (
                draft.kind == "candidature" and previous.kind in {"cv", "lettre_motivation"}
            )
            hired = draft.kind == "emploi" and previous.kind == "entretien_embauche"
            if draft.category == "FORMATION" and previous.category == "FORMATION" and not draft.organizations:
                # the same training talked about from one step to the next
                draft.organizations = [o for o in previous.organizations if o.type is OrgType.PUBLIC][:1]
            linked = bool(grammar.SAME_DAY.search(clause_text))
            if (sent or hired or linked) and len(previous.organizations) == 1:
                draft.organizations = draft.organizations or list(previous.organizations)
            if sent or hired:
                draft.job = draft.job or previous.job
        demonstrative = grammar.DEMONSTRATIVE.search(clause_text)
        if demonstrative and (not draft.organizations or draft.job is None):
            # "les papiers pour m'inscrire à ce stage": the formation named before
            noun = demonstrative.group(1) or demonstrative.group(2)
            words = nt.norms
            for earlier in reversed(clauses[:index]):
                if noun not in words[earlier.first : earlier.last]:
                    continue
                places = [
                    o
                    for o in orgs_within(orgs, earlier.first, earlier.last)
                    if o.type not in {OrgType.JOB_SITE, OrgType.HOUSING_SITE}
                ]
                draft.organizations = draft.organizations or places[:1]
                if draft.job is None and draft.category in _JOB_CATEGORIES:
                    jobs = self._rome.find(nt, earlier.first, earlier.last)
                    if jobs:
                        draft.job = (jobs[0].first, jobs[0].last, jobs[0].code)
                break
        if draft.count is None and grammar.DISTRIBUTIVE.search(clause_text) and index > 0:
            # "j'ai vu quatre recruteurs et j'ai donné mon CV à chacun"
            earlier = clauses[index - 1]
            quantities = find_quantities(nt, earlier.first, earlier.last)
            if quantities:
                draft.count = quantities[-1].value

    @staticmethod
    def _sent_kind(trig: Trigger, drafts: list[Draft]) -> Trigger:
        """ "je l'ai envoyée": a letter or CV sent is an application; any other file keeps its kind."""
        previous = drafts[-1] if drafts else None
        if previous is None or previous.kind in {"cv", "lettre_motivation", "candidature"}:
            return replace(trig, category="EMPLOI", kind="candidature")
        return replace(trig, category=previous.category, kind=previous.kind)

    def _advised(
        self,
        nt: NormalizedText,
        clauses: list[Clause],
        index: int,
        trig: Trigger,
        orgs: list[OrgMention],
        morph: Morphology,
        today: date,
        date_tokens: frozenset[int],
    ) -> Draft | None:
        """The description of an advised activity, for the step that carries it out next."""
        clause = clauses[index]
        before = nt.phrase(clause.first, trig.first)
        if not grammar.ADVICE.search(before):
            return None
        return self._describe(nt, clause, trig, [None], clause.last, orgs, morph, today, date_tokens)

    def _offer_dates(
        self,
        nt: NormalizedText,
        clauses: list[Clause],
        index: int,
        trig: Trigger,
        today: date,
        running_value: date | None,
        consumed: set[int],
    ) -> list[date | None] | None:
        """An offer taken up ("m'a proposé un atelier, je m'y suis inscrite, c'est mardi prochain")
        happens on the day said with the commitment."""
        words = nt.norms
        before = " ".join(words[clauses[index].first : trig.first])
        # an offer ("il m'a proposé une immersion") or a purpose ("appelé une crèche pour faire une
        # immersion") becomes the step only with what follows: "du coup, je commence lundi"
        purpose = self._is_purpose(words, clauses[index], trig)
        if not grammar.OFFERED.search(before) and not purpose:
            return None
        for offset, nxt in enumerate(clauses[index + 1 : index + 4], start=index + 1):
            mentions = nxt.leading + nxt.local
            if purpose and not grammar.COMMITMENT.search(nt.phrase(nxt.first, nxt.last)):
                if nxt.triggers or nxt.leading:
                    break
                continue
            if mentions:
                consumed.add(offset)  # "je commence lundi" is that offer, not another step
                return [self._resolve(mentions[-1], Direction.FUTURE, today, running_value)]
            if nxt.triggers:
                break
        return None

    def _main_trigger(self, nt: NormalizedText, clause: Clause, context: str = "") -> Trigger | None:
        if not clause.triggers:
            return None
        words = nt.norms
        usable: list[Trigger] = []
        for trig in clause.triggers:
            before = " ".join(words[clause.first : trig.first])
            if grammar.MENTION_ONLY.search(before) and not grammar.OFFERED.search(before):
                continue
            if trig.kind == "entretien_embauche" and grammar.PREPARATION.search(before):
                continue
            usable.append(trig)
        if not usable:
            return None
        # an infinitive of purpose ("pour postuler") describes the main action, unless it is the only one
        main_actions = [t for t in usable if not self._is_purpose(words, clause, t)]
        pool = main_actions or usable
        best = max(pool, key=lambda t: (t.rule.priority, -t.first))
        return self._contextual_kind(nt, clause, best, context)

    @staticmethod
    def _is_purpose(words: list[str], clause: Clause, trig: Trigger) -> bool:
        before = words[max(clause.first, trig.first - 3) : trig.first]
        return "pour" in before or "afin" in before

    def _contextual_kind(self, nt: NormalizedText, clause: Clause, trig: Trigger, context: str) -> Trigger:
        """The trigger's kind as the words around it make it (rules.KIND_OVERRIDES)."""
        text = nt.phrase(clause.first, clause.last)
        texts = {"clause": text, "context": context + " " + text, "before": nt.phrase(clause.first, trig.first)}
        moved = override_kind(trig.rule, trig.kind, texts)
        if moved is None:
            return trig
        category, kind = moved
        return replace(trig, category=category, kind=kind)

    def _is_step(self, nt: NormalizedText, clauses: list[Clause], index: int, trig: Trigger) -> bool:
        """False for cancelled, failed, negated, retracted or advised activities and vague intentions."""
        clause = clauses[index]
        words = nt.norms
        before_words = words[clause.first : trig.first]
        before = " ".join(before_words)
        after = nt.phrase(trig.last, clause.last)
        negated = any(
            w in grammar.NEGATIONS
            and (k + 1 >= len(before_words) or before_words[k + 1] not in {"mal", "que"})
            for k, w in enumerate(before_words)
        )
        if negated or grammar.INTENT.search(" " + before + " ") or grammar.ADVICE.search(before):
            return False
        if grammar.CANCELLED.search(after):
            return False
        following = clauses[index + 1 : index + 3]
        for n, nxt in enumerate(following):
            nxt_text = nt.phrase(nxt.first, nxt.last)
            # "… ça compte pas" right after takes this step back, unless that clause opened a day
            # and an activity of its own: then it takes back its own activity.
            if grammar.RETRACTED.search(nxt_text) and n == 0 and not nxt.leading:
                return False
            if grammar.CANCELLED.search(nxt_text) and (
                not nxt.triggers or re.match(r"(?:mais|et|finalement|sauf)\b", nxt_text)
            ):
                return False
            if nxt.triggers or nxt.leading:
                break
        if grammar.RETRACTED.search(after):
            return False
        if grammar.OFFERED.search(before):
            for nxt in clauses[index + 1 : index + 4]:
                if grammar.COMMITMENT.search(nt.phrase(nxt.first, nxt.last)):
                    return True
            return False
        return True

    @staticmethod
    def _span_start(clauses: list[Clause], index: int, consumed: set[int]) -> int:
        """Where a step's description starts: back over clauses without an activity of their own to
        the one that gave the day ("Jeudi, j'ai appelé un électricien, il m'a expliqué son métier")."""
        start = clauses[index].first
        if clauses[index].leading:
            return start
        for k in range(index - 1, -1, -1):
            earlier = clauses[k]
            if earlier.triggers or k in consumed or clauses[index].first - earlier.first > _MAX_SPAN_TOKENS:
                break
            if earlier.leading:
                return earlier.first
        return start

    @staticmethod
    def _span_end(clauses: list[Clause], index: int, words: list[str] | None = None) -> int:
        """Where a step's description stops: the next clause that starts another step or another day
        (a self-correction, "non, c'est pas Indeed, c'est…", continues the same step)."""
        start = clauses[index].first
        for nxt in clauses[index + 1 :]:
            correction = words is not None and words[nxt.first : nxt.first + 1] == ["non"]
            if correction:
                continue
            if nxt.triggers or nxt.leading or nxt.first - start > _MAX_SPAN_TOKENS:
                return nxt.first
        return clauses[-1].last

    # ── dates ───────────────────────────────────────────────────────────────────────────────────
    @staticmethod
    def _own_direction(nt: NormalizedText, morph: Morphology, clause: Clause) -> Direction | None:
        """Past or future as the clause's verbs say; None for a clause without a verb."""
        if morph.is_future(clause.first, clause.last):
            return Direction.FUTURE
        if morph.is_past(clause.first, clause.last):
            return Direction.PAST
        has_verb = any(
            nt.tokens[k].norm in SUBJECTS or morph.morphs[k].pos in {"VERB", "AUX"}
            for k in range(clause.first, clause.last)
        )
        return Direction.FUTURE if has_verb else None

    def _directions(self, nt: NormalizedText, morph: Morphology, clauses: list[Clause]) -> list[Direction]:
        """A clause without a verb ("Enfin l'examen du code.") takes the tense of its neighbour:
        the next clause when it only sets a day ("Mercredi…"), else the previous one."""
        own = [self._own_direction(nt, morph, c) for c in clauses]
        out: list[Direction] = []
        for i, direction in enumerate(own):
            if direction is None and clauses[i].leading and not clauses[i].triggers:
                direction = next((d for d in own[i + 1 :] if d is not None), None)
            if direction is None:
                direction = (
                    out[-1] if out else next((d for d in own[i + 1 :] if d is not None), Direction.PAST)
                )
            out.append(direction)
        return out

    @staticmethod
    def _resolve(
        mention: DateMention, direction: Direction, today: date, previous: date | None
    ) -> date | None:
        if mention.kind is MentionKind.RELATIVE:
            return shift_day(previous, mention.shift) if previous else None
        return resolve_mention(mention, direction, today)

    def _resolve_chain(
        self, chain: list[DateMention], direction: Direction, today: date, previous: date | None
    ) -> list[date | None]:
        values: list[date | None] = []
        for mention in chain:
            value = self._resolve(mention, direction, today, previous)
            values.append(value)
            previous = value if value is not None else previous
        return values

    def _coordinated(self, nt: NormalizedText, chain: list[DateMention], last_index: int) -> list[int]:
        """Indices of the mentions listed together ending at `last_index` ("samedi et dimanche")."""
        picked = [last_index]
        k = last_index
        while k > 0:
            gap = nt.words(chain[k - 1].last, chain[k].first)
            if gap in _LIST_GAPS:
                picked.insert(0, k - 1)
                k -= 1
            else:
                break
        return _listed(nt, [chain[i] for i in picked], picked)

    def _day_list(self, nt: NormalizedText, mentions: list[DateMention]) -> list[DateMention]:
        """The days listed from the first of `mentions` on ("le 30 et le 31", "jeudi, vendredi et samedi")."""
        mentions = corrected_days(nt, mentions)
        chain = [mentions[0]]
        for m in mentions[1:]:
            if nt.words(chain[-1].last, m.first) in _LIST_GAPS:
                chain.append(m)
            else:
                break
        return _listed(nt, chain, chain)

    def _dates_for(
        self,
        nt: NormalizedText,
        clause: Clause,
        trig: Trigger,
        direction: Direction,
        today: date,
        running: DateMention | None,
        running_value: date | None,
        resolved_leading: list[date | None],
        morph: Morphology,
        next_clause: Clause | None = None,
        carries: bool = True,
    ) -> tuple[list[date | None], bool]:
        """The day(s) of a step: said in its clause, or (when `carries`) the day said before it."""
        words = nt.norms
        local_after: list[DateMention] = []
        # a day said up front wins over one said later, unless it is a week-end to be made precise
        precise_lead = any(not m.weekend and m.kind is not MentionKind.NO_DAY for m in clause.leading)
        if precise_lead and _against_tense(resolved_leading, direction, today):
            # "(…appelée) hier, du coup j'ai un entretien le 5": a day before the clause that its tense
            # contradicts belongs to what came before; the day said with the activity wins
            precise_lead = False
        for m in clause.local:
            if m.first < trig.last:
                continue
            ahead = self._infinitive_direction(nt, morph, m, direction) is Direction.FUTURE
            if precise_lead and not (ahead and direction is Direction.PAST):
                continue
            between = words[trig.last : m.first]
            if any(w in SUBJECTS and w not in {"c"} for w in between):
                continue
            if trig.kind == "recherche_formation" and grammar.START_WORDS.search(" ".join(between[-3:])):
                continue
            local_after.append(m)
        if not local_after and next_clause is not None and not next_clause.triggers:
            head = words[next_clause.first : next_clause.first + 3]
            if head[:2] in (["c", "est"], ["c", "etait"], ["ce", "sera"]) and next_clause.local:
                if next_clause.local[0].first <= next_clause.first + 3:
                    local_after = [next_clause.local[0]]
        if local_after:
            chain = self._day_list(nt, local_after)
            values = [
                self._resolve(m, self._infinitive_direction(nt, morph, m, direction), today, running_value)
                for m in chain
            ]
            return values, True
        # "je suis passé à France Travail jeudi pour l'info collective": the day said before the activity
        local_before = [
            m
            for m in clause.local
            if m.last <= trig.first and not any(w in SUBJECTS for w in words[m.last : trig.first])
        ]
        if local_before:
            return [self._resolve(local_before[-1], direction, today, running_value)], True
        if clause.leading:
            indices = self._coordinated(nt, clause.leading, len(clause.leading) - 1)
            return [resolved_leading[i] for i in indices], True
        if running is None or running_value is None or not carries:
            return [None], False
        return [running_value], True

    @staticmethod
    def _infinitive_direction(
        nt: NormalizedText, morph: Morphology, mention: DateMention, direction: Direction
    ) -> Direction:
        """ "pour les déposer vendredi": a day after an infinitive is ahead."""
        for k in range(max(0, mention.first - 2), mention.first):
            if morph.morphs[k].verb_form == "Inf" or nt.tokens[k].norm in {"deposer", "envoyer", "postuler"}:
                return Direction.FUTURE
        return direction

    def _starting_later(
        self,
        nt: NormalizedText,
        clause: Clause,
        trig: Trigger,
        draft: Draft,
        direction: Direction,
        today: date,
    ) -> Draft | None:
        """ "inscrite à la formation qui commence le 12": the course itself is a planned step too."""
        if trig.kind != "recherche_formation":
            return None
        words = nt.norms
        for m in clause.local:
            if m.first < trig.last:
                continue
            if grammar.START_WORDS.search(" ".join(words[max(trig.last, m.first - 3) : m.first])):
                value = self._resolve(m, Direction.FUTURE, today, None)
                if value is None or value <= today:
                    return None
                return replace(
                    draft,
                    kind="formation",
                    dates=[value],
                    status="planned",
                    first=trig.first,
                    last=m.last,
                    organizations=list(draft.organizations),
                )
        return None

    # ── description ─────────────────────────────────────────────────────────────────────────────
    def _describe(
        self,
        nt: NormalizedText,
        clause: Clause,
        trig: Trigger,
        dates: list[date | None],
        span_end: int,
        orgs: list[OrgMention],
        morph: Morphology,
        today: date,
        date_tokens: frozenset[int],
        span_start: int | None = None,
    ) -> Draft:
        span_start = clause.first if span_start is None else span_start
        first, last = span_start, max(clause.last, trig.last)
        status = self._status(dates, morph, clause, today)
        draft = Draft(trig.category, trig.kind, dates, status, first, last)
        span_orgs = corrected_orgs(nt.norms, orgs_within(orgs, first, span_end))
        draft.organizations = pick_orgs(trig, span_orgs, nt.norms)
        if not draft.organizations and grammar.BACK_REFERENCE.search(" " + nt.phrase(first, last) + " "):
            earlier = orgs_within(orgs, max(0, first - _MAX_SPAN_TOKENS * 4), first)
            if earlier:
                draft.organizations = [earlier[-1]]
        draft.duration = self._duration(nt, first, span_end)
        excluded = {k for o in span_orgs for k in range(o.first, o.last)} | date_tokens
        quantities = find_quantities(nt, first, span_end, excluded)
        if quantities and len(draft.organizations) < 2:
            after = [q for q in quantities if q.first >= trig.first - 3]
            draft.count = (after or quantities)[0].value
        if trig.category in _JOB_CATEGORIES and trig.kind != "rendez_vous_conseiller":
            jobs = self._rome.find(nt, trig.first, span_end) or self._rome.find(nt, first, trig.first)
            # "chez Traiteur Dumas": a trade inside a business's name is not the job applied for
            jobs = [j for j in jobs if not any(o.first <= j.first < o.last for o in span_orgs)]
            if jobs:
                job = corrected_job(nt, jobs)
                draft.job = (job.first, job.last, job.code)
        elif trig.kind == "benevolat":
            jobs = self._rome.find(nt, first, span_end)
            if jobs:
                draft.job = (jobs[0].first, jobs[0].last, jobs[0].code)
        draft.last = max(draft.last, min(span_end, clause.last))
        return draft

    @staticmethod
    def _status(dates: list[date | None], morph: Morphology, clause: Clause, today: date) -> str:
        known = [d for d in dates if d is not None]
        if known:
            if known[0] > today:
                return "planned"
            if known[0] < today:
                return "done"
            # today: "ce soir je vais au cinéma" is ahead, "ce matin j'ai couru" is done
            if not morph.is_past(clause.first, clause.last) and morph.has_verb(clause.first, clause.last):
                return "planned"
        return "planned" if morph.is_future(clause.first, clause.last) else "done"

    @staticmethod
    def _duration(nt: NormalizedText, first: int, last: int) -> int | None:
        durations = find_durations(nt, first, last)
        return durations[0].minutes if durations else None

    def _repeats_previous(self, words: list[str], clause: Clause, clause_text: str) -> bool:
        """ "et vendredi aussi", "jeudi j'y retourne": the previous step again (rules decide these)."""
        if clause.leading and self._is_ellipsis(words, clause):
            return True
        return bool((clause.leading or clause.local) and grammar.RETURN.search(clause_text))

    @staticmethod
    def _is_ellipsis(words: list[str], clause: Clause) -> bool:
        head = words[clause.leading[-1].last : min(clause.last, clause.leading[-1].last + 2)]
        return any(w in grammar.ELLIPSIS for w in head)

    def _to_step(self, nt: NormalizedText, draft: Draft) -> ExtractedStep:
        start, end = nt.char_span(draft.first, draft.last)
        evidence = nt.original[start:end]
        job_title = rome_code = None
        if draft.job is not None:
            j_start, j_end = nt.char_span(draft.job[0], draft.job[1])
            job_title = nt.original[j_start:j_end].lower()
            rome_code = draft.job[2]
        phrase = nt.phrase(draft.first, draft.last)
        pourquoi, quoi = demarche_codes(draft.kind, phrase)
        comment = comment_code(quoi, phrase, (org.type for org in draft.organizations))
        day = draft.dates[0] if draft.dates else None
        confidence = draft.confidence
        if confidence is None:  # the rules alone: a rough prior, not calibrated
            confidence = min(
                0.55
                + (0.2 if draft.explicit_date or day is None else 0.0)
                + (0.1 if draft.organizations else 0.0),
                0.95,
            )
        return ExtractedStep(
            category=draft.category,
            kind=draft.kind,
            status=draft.status,
            date=day,
            count=draft.count,
            organization=draft.organizations[0].name if draft.organizations else None,
            job_title=job_title,
            rome_code=rome_code,
            duration_minutes=draft.duration,
            evidence=evidence,
            start=start,
            end=end,
            confidence=round(confidence, 2),
            demarche_pourquoi=pourquoi,
            demarche_quoi=quoi,
            demarche_comment=comment,
        )
