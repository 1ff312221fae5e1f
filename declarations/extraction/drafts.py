"""Steps while they are built: one per activity said, folded, split per day and organisation."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from datetime import date

from declarations.extraction import grammar
from declarations.extraction.lexicon import OrgMention, OrgType
from declarations.extraction.normalize import NormalizedText
from declarations.extraction.rome import JobMention
from declarations.extraction.segment import Trigger

# Kinds that take one step per employer named ("chez Aldi, et puis aussi chez Casino").
SPLIT_KINDS = frozenset({"candidature", "entretien_embauche", "emploi", "recherche_alternance"})
# Searches: one step per site named together ("sur Indeed et HelloWork").
SEARCH_KINDS = frozenset({"recherche_offres", "recherche_logement", "recherche_stage"})
_EMPLOYER_TYPES = frozenset(
    {OrgType.EMPLOYER, OrgType.INTERIM, OrgType.LOCAL, OrgType.PUBLIC, OrgType.ASSOCIATION}
)


@dataclass
class Draft:
    """A step while it is being built (token offsets, before conversion to ExtractedStep)."""

    category: str
    kind: str
    dates: list[date | None]
    status: str
    first: int
    last: int
    count: int | None = None
    organizations: list[OrgMention] = field(default_factory=list)
    job: tuple[int, int, str | None] | None = None  # token range, ROME code
    duration: int | None = None
    explicit_date: bool = False
    confidence: float | None = None  # the learned layer's, when it decided the step
    signals: tuple[str, ...] = ()  # what that confidence was read from (learned.confidence_signals)


def orgs_within(orgs: list[OrgMention], first: int, last: int) -> list[OrgMention]:
    """Mentions starting in tokens [first, last) (`orgs` is in text order)."""
    starts = [o.first for o in orgs]
    return orgs[bisect.bisect_left(starts, first) : bisect.bisect_left(starts, last)]


def corrected_job(nt: NormalizedText, jobs: list[JobMention]) -> JobMention:
    """ "serveur, enfin commis de salle", "maçon… euh non, de peintre": the last one said."""
    chosen = jobs[0]
    for job in jobs[1:]:
        between = nt.norms[chosen.last : job.first]
        if len(between) <= 4 and any(w in grammar.CORRECTION for w in between):
            chosen = job
        else:
            break
    return chosen


def corrected_orgs(words: list[str], orgs: list[OrgMention]) -> list[OrgMention]:
    """ "avec la Croix-Rouge… non, avec l'Ordre de Malte": the organisation corrected is dropped."""
    kept: list[OrgMention] = []
    for org in orgs:
        if kept:
            between = words[kept[-1].last : org.first]
            if len(between) <= 4 and any(w in grammar.CORRECTION for w in between):
                kept.pop()
        kept.append(org)
    return kept


def _coordinated_orgs(words: list[str], left: OrgMention, right: OrgMention) -> bool:
    """ "chez Aldi, et puis aussi chez Casino", "une chez Intermarché et une chez Monoprix": a list of
    employers, one step each ("pour le service civique à Unis-Cité" is not a list)."""
    between = words[left.last : right.first]
    both_chez = words[left.first - 1 : left.first] == ["chez"] and between[-1:] == ["chez"]
    listed = not between or any(w in {"et", "ou", "puis", "aussi"} for w in between)  # "Aldi, Netto et…"
    return len(between) <= 4 and (both_chez or listed)


def pick_orgs(trig: Trigger, span_orgs: list[OrgMention], words: list[str]) -> list[OrgMention]:
    """The organisation(s) of a step: the employer(s) of an application, the site of a search."""
    if not span_orgs:
        return []
    if trig.kind in SPLIT_KINDS or trig.kind in {"lettre_motivation", "cv"}:
        employers = [o for o in span_orgs if o.type in _EMPLOYER_TYPES]
        if trig.kind in SPLIT_KINDS:
            distinct: list[OrgMention] = []
            for org in employers:
                if org.first < trig.first - 2 or any(org.name == d.name for d in distinct):
                    continue
                if distinct and not _coordinated_orgs(words, distinct[-1], org):
                    break
                distinct.append(org)
            if distinct:
                return distinct
        return employers[:1]
    if trig.kind in SEARCH_KINDS:
        sites = [o for o in span_orgs if o.type in {OrgType.JOB_SITE, OrgType.HOUSING_SITE, OrgType.PUBLIC}]
        chosen = sites or span_orgs
        # "sur Indeed et HelloWork", "sur SeLoger + Leboncoin": one search per site named together
        listed = chosen[:1]
        for org in chosen[1:]:
            if org.name in {o.name for o in listed} or not _coordinated_orgs(words, listed[-1], org):
                break
            listed.append(org)
        return listed
    if trig.kind == "rendez_vous_conseiller":
        public = [o for o in span_orgs if o.type is OrgType.PUBLIC]
        return (public or span_orgs)[:1]
    after = [o for o in span_orgs if o.first >= trig.first]
    return (after or span_orgs)[:1]


def prefer_volunteering(drafts: list[Draft]) -> list[Draft]:
    """Volunteering on an outing is volunteering: drop the outing declared beside it."""
    kept: list[Draft] = []
    for n, draft in enumerate(drafts):
        if draft.category == "CULTURE_SPORT_LOISIRS":
            neighbours = drafts[max(0, n - 1) : n] + drafts[n + 1 : n + 2]
            if any(o.kind == "benevolat" and o.dates == draft.dates for o in neighbours):
                continue
        kept.append(draft)
    return kept


def merge(drafts: list[Draft]) -> list[Draft]:
    """Fold the steps said twice over (see `add`)."""
    merged: list[Draft] = []
    for draft in drafts:
        add(merged, draft)
    return merged


def add(drafts: list[Draft], draft: Draft) -> None:
    """Append, or fold into the previous step when it is the same step said in two clauses
    ("une enquête métier : j'ai questionné un boulanger...")."""
    if drafts:
        prev = drafts[-1]
        same = (prev.category, prev.kind, prev.dates, prev.status) == (
            draft.category,
            draft.kind,
            draft.dates,
            draft.status,
        )
        prev_names = {o.name for o in prev.organizations}
        names = {o.name for o in draft.organizations}
        orgs_ok = not prev_names or not names or prev_names == names
        if same and orgs_ok and not (prev.count and draft.count) and len(prev.organizations) < 2:
            prev.last = max(prev.last, draft.last)
            prev.organizations = prev.organizations or draft.organizations
            prev.count = draft.count if draft.count is not None else prev.count
            prev.duration = prev.duration if prev.duration is not None else draft.duration
            prev.job = prev.job or draft.job
            return
    drafts.append(draft)


def expand(draft: Draft) -> list[Draft]:
    """One step per stated day and per named organisation."""
    out: list[Draft] = []
    orgs: list[OrgMention | None] = list(draft.organizations) or [None]
    for day in draft.dates:
        for org in orgs:
            out.append(
                replace(
                    draft,
                    dates=[day],
                    organizations=[org] if org else [],
                    count=draft.count if len(orgs) == 1 else None,
                )
            )
    return out
