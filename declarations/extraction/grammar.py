"""Clauses, tense and the words that make a mention not a step (negation, cancellation, advice).

spaCy's morphology (VerbForm, Tense) is read for each normalised token when a pipeline is given;
lexical markers ("je vais", "prochain", the auxiliaries) complete it, and are enough on their own.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from declarations.extraction.normalize import NormalizedText

SUBJECTS = frozenset({"j", "je", "on", "il", "elle", "ils", "elles", "nous", "tu", "c", "ca"})
# Words that may come between a clause start and its subject or leading day expression.
CONNECTORS = frozenset(
    "et puis mais alors donc du coup ensuite apres aussi sinon bon voila enfin la ouais oui ah ok "
    "en fait bref attends genre quoi non pardon plutot juste meme sinon le jour".split()
)
_AUX = frozenset(
    "ai as avons avez ont avais avait avions aviez avaient suis es est sommes etes sont etais etait "
    "etions etiez etaient".split()
)
_BETWEEN_AUX_AND_PARTICIPLE = frozenset(
    "pas rien jamais deja aussi bien encore enfin y en tout meme vraiment juste plus trop finalement "
    "enfin toujours souvent mal tous toutes".split()
)
KNOWN_PARTICIPLES = frozenset(
    "fait faite eu ete alle allee alles passe passee envoye envoyee postule postulee travaille bosse "
    "depose deposee cherche regarde vu lu pris prise mis mise dit rencontre rencontree participe visite "
    "rempli remplie commence commencee termine terminee fini finie refait refaite redige redigee appele "
    "appelee relance inscrit inscrite interviewe emmene range couru nage ajoute obtenu recu rendu venu "
    "venue sorti sortie parti partie reste restee trouve contacte consulte parle prepare imprime corrige "
    "modifie cree ecrit joue assiste suivi complete valide telephone echange discute repondu decroche "
    "signe demande rejoint retourne revu accompagne aide donne apporte amene fait recu gagne perdu "
    "entraine essaye tente mange dormi attendu".split()
)
_PARTICIPLE_SUFFIX = re.compile(r"^[a-z]{2,}(?:e|ee|es|ees|i|ie|is|ies|u|ue|us|ues|it|ite|ert|erte|eint)$")
_IMPERFECT = re.compile(r"^[a-z]{2,}(?:ais|ait|aient)$")
_INFINITIVE = re.compile(r"^[a-z]{2,}(?:er|ir|re|oir)$")
_FUTURE_AUX = frozenset({"vais", "va", "vas", "allons", "allez", "vont"})
_FUTURE_WORDS = frozenset({"prochain", "prochaine", "bientot", "demain"})


@dataclass(frozen=True)
class TokenMorph:
    pos: str = ""
    verb_form: str = ""
    tense: str = ""


class Morphology:
    """Per normalised token: spaCy's part of speech, VerbForm and Tense (empty when unknown)."""

    def __init__(self, nt: NormalizedText, doc: Any | None) -> None:
        self.nt = nt
        self.morphs: list[TokenMorph] = [TokenMorph() for _ in nt.tokens]
        if doc is None:
            return
        spacy_tokens = list(doc)
        starts = [sp.idx for sp in spacy_tokens]
        for i, token in enumerate(nt.tokens):
            k = bisect.bisect_right(starts, token.start) - 1
            if k < 0:
                continue
            sp = spacy_tokens[k]
            if token.start >= sp.idx + len(sp.text):
                continue
            verb_form = sp.morph.get("VerbForm")
            tense = sp.morph.get("Tense")
            self.morphs[i] = TokenMorph(sp.pos_, verb_form[0] if verb_form else "", tense[0] if tense else "")

    def _is_aux(self, i: int) -> bool:
        word = self.nt.tokens[i].norm
        if word in _AUX:
            return True
        # "a" is both "à" and "a": an auxiliary only after a subject or a clitic.
        return (
            word == "a"
            and i > 0
            and self.nt.tokens[i - 1].norm
            in {
                "il",
                "elle",
                "on",
                "ca",
                "c",
                "qui",
                "m",
                "l",
                "y",
                "en",
                "t",
                "s",
                "n",
                "me",
                "nous",
                "vous",
            }
        )

    def _is_participle(self, i: int) -> bool:
        word = self.nt.tokens[i].norm
        if word in KNOWN_PARTICIPLES:
            return True
        morph = self.morphs[i]
        if morph.verb_form == "Part" and morph.pos in {"VERB", "AUX"} and word not in {"rendez"}:
            return True
        return bool(_PARTICIPLE_SUFFIX.match(word)) and morph.pos in {"VERB", "AUX"}

    def is_past(self, first: int, last: int) -> bool:
        """Passé composé, plus-que-parfait or imparfait inside tokens [first, last)."""
        tokens = self.nt.tokens
        for i in range(first, min(last, len(tokens))):
            if self._is_aux(i):
                k = i + 1
                while k < min(last + 3, len(tokens)) and tokens[k].norm in _BETWEEN_AUX_AND_PARTICIPLE:
                    k += 1
                if k < len(tokens) and self._is_participle(k):
                    return True
            word = tokens[i].norm
            if word in {"etais", "etait", "avais", "avait", "etaient"}:
                return True
            if (
                word in {"viens", "vient", "venons"}
                and i + 1 < len(tokens)
                and tokens[i + 1].norm in {"de", "d"}
            ):
                return True  # "je viens de postuler": just done
            morph = self.morphs[i]
            if morph.tense == "Imp" and morph.pos in {"VERB", "AUX"} and _IMPERFECT.match(word):
                return True
        return False

    def has_verb(self, first: int, last: int) -> bool:
        """A conjugated verb or a subject pronoun inside tokens [first, last)."""
        return any(
            self.nt.tokens[k].norm in SUBJECTS or self.morphs[k].pos in {"VERB", "AUX"}
            for k in range(first, min(last, len(self.nt.tokens)))
        )

    def is_future(self, first: int, last: int) -> bool:
        """ "je vais postuler", a future tense, "prochain" inside tokens [first, last)."""
        tokens = self.nt.tokens
        for i in range(first, min(last, len(tokens))):
            word = tokens[i].norm
            if word in _FUTURE_WORDS:
                return True
            if word in _FUTURE_AUX and i + 1 < len(tokens):
                following = tokens[i + 1].norm
                if _INFINITIVE.match(following) or following in {"faire", "aller", "voir", "passer"}:
                    return True
            morph = self.morphs[i]
            if morph.tense == "Fut" and morph.pos in {"VERB", "AUX"}:
                return True
        return False


# ── words that make a trigger not a step ────────────────────────────────────────────────────────
NEGATIONS = frozenset({"pas", "jamais", "rien", "aucun", "aucune"})
INTENT = re.compile(
    r"(?:^| )(?:devais|devait|voulais|voulait|voulu|voudrais|aimerais|pensais|comptais|esperais|avais prevu|avait prevu"
    r"|il faudrait|faudrait|je pourrais|j aurais du|j allais|envie de|intention de|peut etre|prochainement"
    r"|un de ces jours|un jour)(?: |$)"
)
CANCELLED = re.compile(
    r"\b(?:annul[a-z]*|decale[a-z]*|report[a-z]*|pas pu|pu pas|pas reussi|reussi pas|pas eu lieu|tombe a l eau"
    r"|rate|loupe|oublie|pas venu|pas venue|finalement pas|pas pu y aller|pas ete possible|pas marche"
    r"|marche pas|a pas marche|bugue|beugue|beuguait|buguait|plante"
    r")\b"
)
RETRACTED = re.compile(
    r"\b(?:je rigole|je plaisante|je blague|ca compte pas|ca compte plus|compte pas|c est pas vrai|laisse tomber"
    r"|oublie ca|non rien"
    r")\b"
)
ADVICE = re.compile(
    r"\b(?:m a|m ont|nous a|m avait|on m a|il faut que|faut que) (?:dit|conseille|suggere|recommande|demande"
    r"|propose|dit qu il faudrait) (?:de|d|qu)\b"
)
OFFERED = re.compile(
    r"\b(?:m a|m ont|nous a|on m a|m avait) (?:propose|parle|offert|conseille|suggere|trouve|envoye|donne)"
    r"|parle (?:de |d |du |des )"
)
COMMITMENT = re.compile(
    r"\b(?:inscrit[a-z]*|commence|commencer|debute|accepte|signe|j y vais|on y va|demarre|c est (?:le |ce )?"
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|demain|\d))\b"
)
MENTION_ONLY = re.compile(r"parle (?:de|d|du|des)(?: la| le| l| mon| ma| mes| une| un| des| cette| ce)?$")
START_WORDS = re.compile(r"\b(?:commence|commencer|debute|demarre|a lieu|aura lieu)\b")
ELLIPSIS = frozenset({"aussi", "pareil", "egalement", "encore", "idem", "rebelote", "bis"})
CORRECTION = frozenset({"non", "enfin", "plutot", "pardon", "attends"})
BACK_REFERENCE = re.compile(
    r"(?:^| )(?:la bas|y suis|y retourne|y suis retourne|j y|y ai|y etais|chez eux|avec eux|chez elle|chez lui)(?: |$)"
)
# "samedi j'y repasse": the same errand again, on another day
RETURN = re.compile(
    r"(?:^| )(?:j y retourne|j y repasse|j y vais|j y retournerai|j y reviens|j y suis retourne"
    r"|j y suis retournee|on y retourne)(?: |$)"
)
# "juste après", "le jour même": the day of the step just told
SAME_DAY = re.compile(
    r"(?:^| )(?:juste apres|le jour meme|dans la foulee|apres ca|juste avant|ensuite|la bas)(?: |$)"
)
# "cette formation", "ce poste": the one named earlier in the note
DEMONSTRATIVE = re.compile(
    r" (?:cette|ce|cet|ces) (formation|stage|poste|offre|entreprise|ecole|atelier|mission|job|boulot|magasin"
    r"|salon|forum|annonce|immersion|alternance|restaurant|agence) "
    r"| (?:aux|ces|les) (?:\d+ )?(offres|annonces|postes) "
)
DISTRIBUTIVE = re.compile(r" (?:a|pour) (?:chacune|chacun|toutes|tous) ")
# "on a préparé mon entretien": getting ready for an activity is not the activity
PREPARATION = re.compile(
    r"(?:prepar[a-z]*|simulation d|simulation de|entrainer pour|reviser pour)(?: [a-z]+){0,2}$"
)
