"""Job titles → ROME codes, through the derived index in data/rome_index.tsv (see build_rome_index.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from declarations.extraction.normalize import NormalizedText, fold_phrase

INDEX_PATH = Path(__file__).resolve().parent / "data" / "rome_index.tsv"

# Appellation heads that, in a young person's week, name someone met rather than a job sought.
_NOT_A_JOB_HERE = frozenset(
    "mission missions emploi stage stages service formateur premier premiere "
    "formatrice patron patronne responsable directeur directrice chef cheffe client clients ami amie "
    "mere pere frere soeur cousin cousine oncle tante pote copain copine agent agents aide aides "
    "employe employes employee commercial commerciale technicien metier metiers entretien professionnel "
    "professionnelle professionnels benevole benevoles".split()
)
# Heads of a job phrase that need their complement ("agent de service", "employé libre-service").
_NEEDS_COMPLEMENT = frozenset(
    "agent agents agente aide aides employe employee employes commercial commerciale technicien chef "
    "conseiller conseillere conseillers conseilleres".split()
)


_JOB_CUES = frozenset(
    "etre devenir poste postes offre offres comme metier metiers job jobs boulot fais faire formation "
    "projet annonces annonce pour un une chez aupres candidature candidatures emploi emplois travail "
    "entretien stage pmsmp alternance contrat cdd cdi mission missions interim que qu etais suis etait "
    "devenu devenue non enfin plutot".split()
)
_AUXILIARIES = frozenset("ai as a avons avez ont avais avait".split())
_COMPLEMENT_STOP = frozenset(
    "pour chez a au aux sur et mais avec dans par comme qui que j je on il elle c ca hier demain aujourd "
    "lundi mardi mercredi jeudi vendredi samedi dimanche ce cette mon ma mes un une genre voila".split()
)


@dataclass(frozen=True)
class JobMention:
    first: int
    last: int
    label: str  # as the ROME writes it, lower case
    code: str


@dataclass(frozen=True)
class RomeIndex:
    entries: dict[tuple[str, ...], tuple[str, str]]
    max_words: int

    @classmethod
    def load(cls, path: Path = INDEX_PATH) -> RomeIndex:
        entries: dict[tuple[str, ...], tuple[str, str]] = {}
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                key, label, code = line.rstrip("\n").split("\t")
                entries[tuple(key.split())] = (label, code)
        return cls(entries, max((len(k) for k in entries), default=1))

    def lookup(self, title: str) -> tuple[str, str] | None:
        """(label, ROME code) of a job title as said, masculine, feminine or plural."""
        words = tuple(fold_phrase(title).split())
        for n in range(len(words), 0, -1):
            hit = self.entries.get(words[:n])
            if hit is not None:
                return hit
        return None

    def find(self, nt: NormalizedText, first: int, last: int) -> list[JobMention]:
        """Job titles inside tokens [first, last), longest match first."""
        words = nt.norms
        found: list[JobMention] = []
        i = first
        while i < last:
            best: JobMention | None = None
            for n in range(min(self.max_words, last - i), 0, -1):
                key = tuple(words[i : i + n])
                hit = self.entries.get(key)
                if hit is None:
                    continue
                if n == 1 and key[0] in _NEEDS_COMPLEMENT:
                    best = self._with_complement(words, i, last, hit) if self._cued(words, i) else None
                    break
                if n == 1 and (key[0] in _NOT_A_JOB_HERE or len(key[0]) < 4 or not self._cued(words, i)):
                    continue
                best = JobMention(i, i + n, hit[0], hit[1])
                break
            if best is None:
                i += 1
                continue
            found.append(best)
            i = best.last
        return found

    @staticmethod
    def _cued(words: list[str], i: int) -> bool:
        """A one-word title needs a word that announces a job before it ("pour être", "poste de"),
        and is no participle ("j'ai envoyé" is not the job "envoyé")."""
        if i > 0 and words[i - 1] in _AUXILIARIES:
            return False
        return any(w in _JOB_CUES for w in words[max(0, i - 3) : i])

    @staticmethod
    def _with_complement(words: list[str], i: int, last: int, hit: tuple[str, str]) -> JobMention | None:
        """A generic head said with its complement, as said: "employé libre-service", "agente commerciale"."""
        k = i + 1
        while k < min(last, i + 4) and words[k] not in _COMPLEMENT_STOP and not words[k].isdigit():
            k += 1
        while k > i + 1 and words[k - 1] in {"de", "d", "du", "des", "en", "la", "le", "l"}:
            k -= 1
        if k == i + 1:
            return None
        return JobMention(i, k, hit[0], hit[1])


@lru_cache(maxsize=1)
def default_index() -> RomeIndex:
    return RomeIndex.load()
