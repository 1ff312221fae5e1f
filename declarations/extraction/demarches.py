"""France Travail's démarche catalogue (data/demarches.json) and the "comment" (how) of a step.

France Travail asks, for most démarches, *how* it was done ("Sur internet", "Avec une agence d'intérim",
"Par un autre moyen"...): the catalogue marks those with `comment_required`. The extractor picks the
comment from what the young person said around the step — the means named in the evidence, or the kind
of organisation involved — and falls back to "Par un autre moyen" only where a comment is required.
Comments are chosen by their label, so a code renumbered in a new catalogue is picked up by rebuilding
the data file (`build_demarche_index.py`), not by editing rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from declarations.extraction.lexicon import OrgType

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "demarches.json"

OTHER_MEANS = "Par un autre moyen"
CONTACT_MEANS = "En contactant un employeur"

# Means as they are said (folded text), most specific first. Each names a comment label of the catalogue;
# a means only applies to a démarche whose catalogue entry offers that label. Said means come before
# what the organisation suggests: "chez Carrefour, sur leur site" was done on the internet.
_NETWORK = re.compile(
    r"\b(?:reseau|amie?s?|potes?|cousine?s?|oncle|tante|freres?|soeurs?|pere|mere|parents|daronn?e?"
    r"|voisine?s?|connaissances?|bouche a oreille|piston)\b"
)
_MEANS: tuple[tuple[str, re.Pattern[str] | None, frozenset[OrgType]], ...] = (
    (
        "Avec une agence d'intérim",
        re.compile(r"\binterim\b|\bboites? d interim\b"),
        frozenset({OrgType.INTERIM}),
    ),
    (
        "Avec un cabinet de recrutement",
        re.compile(r"cabinets? de recrutement|chasseurs? de tete"),
        frozenset(),
    ),
    ("Avec un bilan de compétences", re.compile(r"bilan de competences?"), frozenset()),
    ("En participant à un Job dating hors France Travail", re.compile(r"\bjob ?datings?\b"), frozenset()),
    (
        "En publiant mon profil/mon CV sur internet",
        re.compile(
            r"(?:publi|poste|mis en ligne|mets en ligne|mettre en ligne|depose|cree)[a-z]* (?:mon |le |un )?(?:cv|profil)\b"
            r"[a-z ]{0,20}\b(?:sur|en ligne|internet|site)"
        ),
        frozenset(),
    ),
    (
        "En créant ou en mettant à jour mon CV et ou ma lettre de motivation",
        re.compile(r"\bcv\b|\blettres? de motivation\b"),
        frozenset(),
    ),
    ("En utilisant mon réseau personnel", _NETWORK, frozenset()),
    (
        "En déposant une annonce pour trouver un employeur",
        re.compile(r"\b(?:mis|pose|publie|depose|passe)e?s? (?:une |des )?annonces?\b"),
        frozenset(),
    ),
    (
        "Sur internet",
        re.compile(r"\b(?:internet|en ligne|sites?|sur le net|applis?|application|web|linkedin|visio)\b"),
        frozenset({OrgType.JOB_SITE}),
    ),
    (
        "En contactant un employeur",
        re.compile(
            r"\b(?:depose|deposer|main propre|porte a porte|passe voir|appele|appeler|telephone|contacte)"
        ),
        frozenset(),
    ),
)


@cache
def catalogue() -> dict[str, dict]:
    return json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))["quoi"]


def comment_code(quoi: str | None, evidence_norm: str, org_types: Iterable[OrgType] = ()) -> str | None:
    """The comment code of démarche `quoi` for a step whose folded evidence is `evidence_norm`."""
    entry = catalogue().get(quoi or "")
    if entry is None or not entry["comments"]:
        return None
    by_label = {label: code for code, label in entry["comments"].items()}
    types = set(org_types)
    for label, words, via_org in _MEANS:
        code = by_label.get(label)
        if code is None:
            continue
        if (words is not None and words.search(evidence_norm)) or types & via_org:
            return code
    # Naming an employer without saying how: the young person went to, or called, the employer.
    contact = by_label.get(CONTACT_MEANS)
    if contact is not None and types & {OrgType.EMPLOYER, OrgType.LOCAL}:
        return contact
    return by_label.get(OTHER_MEANS) if entry["comment_required"] else None


def labels(pourquoi: str | None, quoi: str | None, comment: str | None) -> dict[str, str]:
    """Human labels of a (pourquoi, quoi, comment) triple, for pages and exports."""
    entry = catalogue().get(quoi or "")
    if entry is None:
        return {}
    out = {"pourquoi": entry["pourquoi_label"], "quoi": entry["label"]}
    if comment and comment in entry["comments"]:
        out["comment"] = entry["comments"][comment]
    return out


def codes_for_step(kind: str, evidence: str, organization: str = "") -> tuple[str, str, str]:
    """(pourquoi, quoi, comment) of a step as stored, for a step added or edited by a person.

    The extractor computes codes from the note itself; after someone changes a step's kind or
    organisation, the codes must follow, else France Travail would get the old démarche.
    """
    from declarations.extraction.lexicon import ALIASES, OrgMatcher
    from declarations.extraction.normalize import fold_phrase, normalize
    from declarations.extraction.rules import demarche_codes

    nt = normalize(evidence)
    folded = nt.text
    pourquoi, quoi = demarche_codes(kind, folded)
    org_types = [mention.type for mention in OrgMatcher().find(nt, cased=evidence != evidence.lower())]
    if organization:
        known = ALIASES.get(tuple(fold_phrase(organization).split()))
        org_types.append(known[1] if known else OrgType.LOCAL)
    comment = comment_code(quoi, folded, org_types)
    return pourquoi or "", quoi or "", comment or ""
