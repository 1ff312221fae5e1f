"""What a step looks like in speech: trigger patterns per category and kind, and the words around them.

Patterns run on the normalised text (lower case, no accents, tokens separated by one space, numbers
as digits). Within one clause the trigger with the highest priority names the step; the others are
part of its description ("un atelier CV": an atelier, not a CV). Context words may move a step to
another kind ("envoyé deux candidatures" in a sentence about alternance is `recherche_alternance`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_W = r"(?:[a-z0-9]+ )"  # any one token followed by a space
_FLAT = r"(?:[tf] (?:[1-6]|un|deux|trois|quatre|bis))"  # "T1", "F2" (tokenised "t 1"), "t un"


@dataclass(frozen=True)
class TriggerRule:
    category: str
    kind: str
    pattern: re.Pattern[str]
    priority: int
    name: str = ""  # for the rules a kind override refers to ("appointment", "start")


def _rule(category: str, kind: str, priority: int, pattern: str, name: str = "") -> TriggerRule:
    return TriggerRule(category, kind, re.compile(pattern), priority, name)


RULES: list[TriggerRule] = [
    # ── EMPLOI ──────────────────────────────────────────────────────────────────────────────────
    _rule(
        "EMPLOI",
        "candidature",
        60,
        r"postul[a-z]*|candidatures?(?: spontanees?)?|candidat(?:e|es|ent|er)"
        r"|(?:repondu|repond|repondre|repondrai) (?:a|aux) " + _W + r"{0,3}(?:offres?|annonces?)",
    ),
    _rule(
        "EMPLOI",
        "candidature",
        62,
        r"(?:envoy|envoi|renvoy|renvoi|depos|redepos|donn|transmis|transmet|laiss|apport|amen|distribu|imprim)[a-z]* "
        + _W
        + r"{0,5}?(?:cv|lettres? de motivation|candidatures?)",
    ),
    _rule("EMPLOI", "candidature", 58, r"relanc[a-z]*|en main propre|candidature spontanee"),
    # contacting employers directly: "j'ai appelé trois restaurants pour demander s'ils embauchent"
    _rule(
        "EMPLOI",
        "candidature",
        52,
        r"(?:appele|contacte|demarche|sollicite|telephone a|ecrit a)[a-z]* (?:\d+|des|plusieurs|quelques|les) "
        r"(?:restaurants|restos|magasins|entreprises|boutiques|commerces|employeurs|agences|garages|boulangeries"
        r"|hotels|salons|supermarches|enseignes|societes|cabinets|creches|pharmacies)",
    ),
    # "je l'ai envoyée", "je l'envoie demain": sending what was just prepared (kind from the previous step)
    _rule(
        "EMPLOI",
        "_sent",
        54,
        r"(?:l|les) (?:ai |avons )?(?:envoye|envoyee|envoyes|envoyees|envoie|envoient|enverrai|depose|deposee"
        r"|deposes|deposees|depose|deposerai|donne|donnee|transmis|transmise|poste|postee)",
    ),
    _rule("EMPLOI", "cv", 40, r"cv|curriculum(?: vitae)?"),
    _rule("EMPLOI", "lettre_motivation", 45, r"lettres? de motivation|lettre de motiv"),
    _rule(
        "EMPLOI",
        "recherche_offres",
        50,
        r"(?:(?:regard|cherch|consult|parcour|epluch|fouill|recherch|repere|trouv|scroll)[a-z]*|lu|vu) "
        + _W
        + r"{0,3}?(?:offres?|annonces?)(?: d emploi)?",
    ),
    _rule(
        "EMPLOI",
        "recherche_offres",
        48,
        r"(?:cherch|recherch)[a-z]* " + _W + r"{0,2}?(?:travail|boulot|job|emploi|taf|taff|poste)"
        r"|recherches? d emploi",
    ),
    _rule(
        "EMPLOI",
        "entretien_embauche",
        55,
        r"(?:mini )?entretiens?(?: d embauche| de recrutement| d embauches| telephonique| en visio)?"
        r"|(?:fait|passe|eu) (?:un |une )?(?:essai|journee d essai)|job interview"
        r"|tests? (?:de recrutement|d embauche|de selection|psychotechniques?)|(?:un |des )?tests? chez",
    ),
    _rule(
        "EMPLOI",
        "emploi",
        50,
        r"(?:travaill|boss|taff)[a-z]*(?! sur)|missions?(?! locales?)|journee d interim|interim"
        r"|remplacement|extras?|vacations?|(?:mon|ma|un|une|le|la) (?:shift|service)|cdd|cdi"
        r"|cueillettes?|recoltes?|(?:fini|finis|fait|fais|commence|attaque)[a-z]* (?:ma|une|la) journee (?:au|a|chez|de)"
        r"|(?:fait|commence|repris|reprends|repars|debute|fini) (?:un |une |mon |ma |le |la )?"
        r"(?:job|boulot|taf|taff|contrat|poste|saison)|baby sitting|babysitting|garde d enfants"
        r"|vendanges|(?:journee|jour|journees|jours|semaine|matinee|soiree|nuit) de (?:travail|boulot|taf|taff)"
        r"|(?:fait|faisais|fais) (?:la|le|l) (?:plonge|mise en rayon|inventaire|caisse|menage|manutention"
        r"|nettoyage|livraison|livraisons|service|ramassage|preparation de commandes)",
    ),
    # starting work ("je commence lundi", "premier jour chez Norauto") when nothing more precise is said
    _rule(
        "EMPLOI",
        "emploi",
        25,
        r"(?:je|j|ai|a) (?:commence|debute|demarre)(?= (?:a|au|chez|le|la|l|lundi|mardi|mercredi|jeudi|vendredi"
        r"|samedi|dimanche|demain|ce|cette|mon|ma|en|comme|\d))|premier jour|premiere journee",
        name="start",
    ),
    _rule(
        "EMPLOI",
        "recherche_stage",
        57,
        r"(?:cherch|recherch|trouv|demand)[a-z]* "
        + _W
        + r"{0,2}?stages?(?! (?:de )?(?:decouverte|d observation))"
        r"|convention de stage",
    ),
    _rule("EMPLOI", "recherche_stage", 30, r"stages?(?! (?:de )?(?:decouverte|d observation))"),
    # ── PROJET_PROFESSIONNEL ────────────────────────────────────────────────────────────────────
    _rule(
        "PROJET_PROFESSIONNEL",
        "enquete_metier",
        65,
        r"enquetes? (?:metiers?|professionnelles?)|interview[a-z]*"
        r"|(?:explique|presente|raconte|parle de|decrit) (?:son|leur|le|ce|un) (?:metier|boulot|travail)"
        r"|(?:comprendre|connaitre|decouvrir|savoir) " + _W + r"{0,5}?(?:son|leur|le|ce) metier"
        r"|rencontre " + _W + r"{0,3}?professionnels?"
        r"|(?:regarde|vu|lu|cherche|renseigne|informe|decouvert|ecoute)[a-z]* " + _W + r"{0,4}?"
        r"(?:sur|du|le|les) (?:le |les )?metiers? (?:d|de|du)",
    ),
    _rule(
        "PROJET_PROFESSIONNEL",
        "immersion",
        66,
        r"immersions?|pmsmp|stages? (?:de )?(?:decouverte|d observation)"
        r"|(?:journee|journees|jours?|semaine|matinee) (?:de )?(?:decouverte|d observation)"
        r"|mise en situation (?:en milieu )?professionnelle",
    ),
    _rule(
        "PROJET_PROFESSIONNEL",
        "recherche_alternance",
        62,
        r"alternance|apprentissage|apprenti|contrat pro(?:fessionnalisation)?|contrat de professionnalisation",
    ),
    _rule(
        "PROJET_PROFESSIONNEL",
        "forum_emploi",
        70,
        r"(?:salons?|forums?) (?:de l |des |du |d )?(?:emploi|apprentissage|alternance|etudiant|etudiants"
        r"|orientation|metiers?|formations?|recrutement|jobs?|entreprises|handicap|professionnel)"
        r"|forums?|job ?dating|jobdating|portes? ouvertes?",
    ),
    _rule(
        "PROJET_PROFESSIONNEL",
        "rendez_vous_conseiller",
        68,
        r"(?:eu|vu|voir|vois|rencontre|rencontrer|appele|appeler|rappele|contacte|parle a|parle avec|echange avec"
        r"|appel de|appel avec|coup de fil de|coup de fil avec|visio avec|telephone avec|mail de|message de"
        r"|rendez vous avec|rdv avec|entretien avec|point avec|bilan avec|simulation d entretien avec|avec)"
        r" (?:mon |ma |la |le )?(?:nouvelle |nouveau )?(?:conseill[a-z]*|referent[a-z]*|educat[a-z]*)"
        r"|simulation d entretien|entretien individuel",
    ),
    # told to the counsellor: "on se voit le 2", "nous nous voyons mercredi"
    _rule(
        "PROJET_PROFESSIONNEL",
        "rendez_vous_conseiller",
        55,
        r"on se (?:voit|revoit|verra|reverra)|nous nous (?:voyons|reverrons|verrons|revoyons)"
        r"|(?:notre|votre|mon|le) prochain (?:rendez vous|rdv)",
    ),
    # generic appointment: the kind comes from the words around it (see APPOINTMENT_CONTEXT)
    _rule("PROJET_PROFESSIONNEL", "rendez_vous_conseiller", 56, r"rendez vous|rdv", name="appointment"),
    # ── FORMATION ───────────────────────────────────────────────────────────────────────────────
    _rule(
        "FORMATION",
        "atelier",
        72,
        r"ateliers?|informations? collectives?|infos? coll[a-z]*|reunions? d information|sessions? d information",
    ),
    _rule(
        "FORMATION",
        "formation",
        50,
        r"formations?|mooc|e learning|elearning|caces|sst|haccp|premiers secours|psc1|bafa"
        r"|cours (?:de |d )(?!code|conduite)[a-z]+|(?:les|mes|des) cours(?! (?:de |d )(?:code|conduite))"
        r"|openclassrooms|examens?|certifications?|delf|dalf|tcf|tosa|toeic|voltaire",
    ),
    _rule(
        "FORMATION",
        "recherche_formation",
        64,
        r"(?:cherch|recherch|renseign|regard|trouv|compar)[a-z]* " + _W + r"{0,3}?"
        r"(?:formations?|ecoles?|cfa|bts|cap|bac pro|licence|cursus|diplomes?)"
        r"|(?:inscrit|inscrite|inscription|inscrire|inscris)[a-z]* (?:a |au |aux |en |pour )" + _W + r"{0,2}?"
        r"(?:formations?|cfa|ecole|bts|cap|cours|greta|afpa|stage|session|tests?|concours|epreuves?|selections?)"
        r"|dossier d inscription|parcoursup|dossier (?:de candidature |d admission )?(?:pour|a) "
        + _W
        + r"{0,2}?formations?"
        r"|(?:passe|passer|passerai|passais)[a-z]* (?:les |des |mes )(?:tests?|concours|epreuves?)"
        r"(?: d entree| de selection| d admission)?"
        r"|(?:pris|prendre|demande)[a-z]* (?:des |les )?(?:infos|informations|renseignements) (?:sur|pour) "
        + _W
        + r"{0,2}?(?:bts|cap|formations?|ecoles?|bac|licence|diplomes?|but|cfa)",
    ),
    # ── CITOYENNETE ─────────────────────────────────────────────────────────────────────────────
    _rule(
        "CITOYENNETE",
        "permis_conduire",
        60,
        r"code(?: de la route)?(?! (?:postal|promo|barre|pin|wifi|secret))|(?:lecons?|heures?|cours|seances?) "
        r"(?:de |d )(?:conduite|code)|conduite(?: accompagnee)?|auto ecole|permis(?: de conduire| b)?",
    ),
    # enrolling at a driving school is about the licence, not a training search
    _rule(
        "CITOYENNETE",
        "permis_conduire",
        66,
        r"(?:inscrit|inscrite|inscription|inscrire)[a-z]* (?:a |au |en |dans )?(?:l |une )?auto ecole",
    ),
    _rule(
        "CITOYENNETE",
        "demarche_administrative",
        52,
        r"carte d identite|passeport|titre de sejour|carte de sejour|cni|compte (?:bancaire|en banque)"
        r"|rib|impots?|declaration de revenus|prime d activite|allocations?(?: cej| du cej)?|attestations?"
        r"|justificatifs?|papiers|recensement|jdc|journee defense",
    ),
    # places: an administrative errand when nothing more specific is said there
    _rule("CITOYENNETE", "demarche_administrative", 35, r"mairie|prefecture|caf|ants|banque|tresor public"),
    _rule(
        "CITOYENNETE",
        "benevolat",
        75,
        r"benevol[a-z]*|volontariat|service civique|maraudes?|distribution alimentaire"
        r"|secours populaire|secours catholique|restos du coeur|banque alimentaire|croix rouge|emmaus"
        r"|aid[a-z]* (?:a |au |aux )?(?:l |une |mon |notre )?(?:asso|association)s?"
        r"|nettoy[a-z]* (?:la |les |une )?plages?|ramassage de dechets",
    ),
    # ── LOGEMENT ────────────────────────────────────────────────────────────────────────────────
    # (_FLAT: "T1", "F2" as the normaliser splits them, and as recognisers spell them, "t un")
    _rule(
        "LOGEMENT",
        "recherche_logement",
        55,
        r"(?:cherch|recherch|regard|consult|trouv|scroll|parcour|epluch)[a-z]* " + _W + r"{0,3}?"
        r"(?:logements?|apparts?|appartements?|studios?|chambres?|coll?ocs?|coll?ocations?|"
        + _FLAT
        + r"|maisons?)"
        # the site's name is an organisation, never part of a trigger: the verb before it is
        r"|cherch[a-z]* (?:aussi )?(?:sur|dans)(?= (?:leboncoin|le bon coin|seloger|se loger|pap|lokaviz|appartager)\b)",
    ),
    # "j'ai appelé Foncia pour un studio": what the call was for (the agency's name is the organisation)
    _rule(
        "LOGEMENT",
        "recherche_logement",
        40,
        r"pour (?:un|une|des|mon|ma) (?:logements?|apparts?|appartements?|studios?|coll?ocs?|coll?ocations?|"
        + _FLAT
        + r")",
    ),
    _rule(
        "LOGEMENT",
        "visite_logement",
        66,
        r"visit[a-z]* " + _W + r"{0,2}?(?:apparts?|appartements?|studios?|logements?|chambres?|coll?ocs?"
        r"|coll?ocations?|" + _FLAT + r"|maisons?)|visites? d (?:une |un )?(?:apparts?|appartements?|logements?|studios?|coll?ocs?|coll?ocations?)"
        # "je vais voir une coloc", "on a vu un studio": seeing a flat is visiting it
        r"|(?:voir|vu|revoir|revu) (?:un|une|le|la|l|deux|2) (?:apparts?|appartements?|studios?|coll?ocs?"
        r"|coll?ocations?|" + _FLAT + r")",
    ),
    _rule(
        "LOGEMENT",
        "dossier_logement",
        68,
        r"dossier " + _W + r"{0,5}?(?:logement|foyer|fjt|apl|visale|hlm|bailleur|location|locatif|apparts?"
        r"|appartement)|apl|visale|logement social|hlm|demande de logement|action logement"
        r"|foyer de jeunes travailleurs|fjt",
    ),
    # ── SANTE ───────────────────────────────────────────────────────────────────────────────────
    _rule(
        "SANTE",
        "rendez_vous_medical",
        60,
        r"medecin(?: traitant| generaliste)?|docteur|dentiste|kine[a-z]*|gyneco[a-z]*|dermato[a-z]*"
        r"|ophtalmo[a-z]*|psychologue|psy|psychiatre|orthophoniste|osteo[a-z]*|generaliste|sage femme"
        r"|podologue|orthodontiste|radiologue|hopital|urgences|visite medicale|prise de sang|vaccin[a-z]*"
        r"|radio|echographie|analyses? de sang|cardiologue|opticien|infirmiere",
    ),
    _rule(
        "SANTE",
        "demarche_sante",
        62,
        r"carte vitale|mutuelle|complementaire sante(?: solidaire)?|css|cmu|ameli|cpam|bilan de sante"
        r"|securite sociale|assurance maladie|check up",
    ),
    # ── CULTURE_SPORT_LOISIRS ───────────────────────────────────────────────────────────────────
    _rule(
        "CULTURE_SPORT_LOISIRS",
        "sport",
        50,
        r"sport|jogging|footing|courir|couru|course a pied|running|foot|football|futsal|basket|handball|hand"
        r"|rugby|tennis|muscu[a-z]*|salle de sport|fitness|natation|nage|nager|piscine|(?:fait|faire|fais) du velo|(?:tour|heures?|sortie|seance) de velo|vtt|boxe|judo"
        r"|karate|danse|yoga|randonnee|rando|escalade|entrainement|ping pong|badminton|volley|skate|roller"
        r"|crossfit|athletisme|balade|promenade|marche a pied|pilates|zumba|equitation|surf|ski|match|patinoire"
        r"|patin a glace|trampoline|accrobranche|karting|paintball|bowling|piscine|golf|paddle|kayak|canoe"
        r"|(?:on a|nous avons|j ai) (?:joue|gagne|perdu) (?:a|au|contre|le|notre|un|3|2)"
        r"|marque (?:un |deux |2 |3 )?(?:essais?|buts?|paniers?)",
    ),
    _rule(
        "CULTURE_SPORT_LOISIRS",
        "culture",
        52,
        r"cinema|cine|musee|concert|theatre|expo|exposition|spectacle|festival|opera|visite guidee"
        r"|monument|chateau|zoo|aquarium|planetarium|ballet|cirque|escape game|laser game"
        r"|feux? d artifice|carnaval|defile|fete de la musique",
    ),
    # watching a match is an outing, playing one is sport
    _rule(
        "CULTURE_SPORT_LOISIRS",
        "culture",
        53,
        r"(?:voir|vu|regarder|regarde|assister a|assiste a) (?:un|le|des) match",
    ),
    _rule(
        "CULTURE_SPORT_LOISIRS",
        "loisir",
        45,
        r"lu (?:un|une|des|le|la|tout|toute|mon|ma) [a-z]+|lire|lecture|roman|manga|bd|dessin[a-z]*|dessine"
        r"|guitare|piano|musique|jeux? video|jeu de societe|jardinage|tricot|couture|echecs"
        r"|range (?:ma|mon|la|le) [a-z]+|peinture|photographie|photos|ecriture|ecrit (?:un |des )poeme"
        r"|crochet|broderie|poterie|ceramique|aquarelle|scrapbooking|tricote|peint|peindre|des toiles",
    ),
]

# Around a generic "rendez-vous": which kind it is.
MEDICAL_WORDS = re.compile(
    r"(?:medecin|docteur|dentiste|kine|gyneco|dermato|ophtalmo|psychologue|psy|orthophoniste|osteo|generaliste"
    r"|sage femme|podologue|orthodontiste|hopital|clinique|cabinet medical|radio|prise de sang|cardiologue)[a-z]*"
)
COUNSELLOR_WORDS = re.compile(
    r"conseill[a-z]*|referent[a-z]*|mission locale|france travail|pole emploi|cap emploi|educat[a-z]*"
)
ADMIN_WORDS = re.compile(r"mairie|prefecture|caf|banque|impots|ants|urssaf")
HOUSING_WORDS = re.compile(
    r"logements?|apparts?|appartements?|studios?|coll?ocs?|coll?ocations?|loyer|bailleur|proprio|proprietaire"
    r"|leboncoin|le bon coin|seloger|se loger|foyer|fjt|residence|chambres?"
)
ALTERNANCE_WORDS = re.compile(r"alternance|apprentissage|apprenti|contrat pro")
DISCOVERY_WORDS = re.compile(r"decouverte|observation|immersion|pmsmp")
DISCOVERY_PURPOSE = re.compile(r"\bpour (?:decouvrir|voir|connaitre) (?:le|un|ce|les|leur) metiers?\b")
STAGE_WORDS = re.compile(r"\bstages?\b(?! (?:de )?(?:decouverte|d observation))")
FORMATION_SEARCH_VERBS = re.compile(
    r"(?:cherch|recherch|renseign|regard|trouv|compar|inscri|inscrit|inscription|dossier|candidat)[a-z]*"
)
SCHOOL_WORDS = re.compile(
    r"\b(?:lycee|cfa|ecole|cap|bts|bac|formation|formations|ifsi|ifas|iut|fac|universite|campus)\b"
)

@dataclass(frozen=True)
class KindOverride:
    """A named rule that moves a step to another kind from the words around its trigger.

    `kinds` (or `rule`: a TriggerRule's name) says which triggers it applies to; `words` must occur in
    `where` — "clause", "context" (the previous clause and this one) or "before" (the clause up to the
    trigger). `to` is the new (category, kind), or None to keep the trigger's and stop looking. The
    first override that applies wins.
    """

    name: str
    words: re.Pattern[str]
    to: tuple[str, str] | None
    kinds: frozenset[str] = frozenset()
    rule: str = ""
    where: str = "clause"


KIND_OVERRIDES: tuple[KindOverride, ...] = (
    KindOverride("appointment with a doctor", MEDICAL_WORDS, ("SANTE", "rendez_vous_medical"), rule="appointment"),
    KindOverride("appointment with a counsellor", COUNSELLOR_WORDS, None, rule="appointment"),
    KindOverride("appointment at an office", ADMIN_WORDS, ("CITOYENNETE", "demarche_administrative"), rule="appointment"),
    KindOverride("appointment for a flat", HOUSING_WORDS, ("LOGEMENT", "visite_logement"), rule="appointment"),
    KindOverride(
        "application for an apprenticeship",
        ALTERNANCE_WORDS,
        ("PROJET_PROFESSIONNEL", "recherche_alternance"),
        kinds=frozenset({"candidature", "recherche_offres"}),
        where="context",
    ),
    KindOverride(
        "application for an internship", STAGE_WORDS, ("EMPLOI", "recherche_stage"),
        kinds=frozenset({"candidature"}), where="context",
    ),
    KindOverride(
        "search for a flat", HOUSING_WORDS, ("LOGEMENT", "recherche_logement"), kinds=frozenset({"recherche_offres"})
    ),
    KindOverride(
        "discovery internship", DISCOVERY_WORDS, ("PROJET_PROFESSIONNEL", "immersion"),
        kinds=frozenset({"recherche_stage"}),
    ),
    # starting somewhere "pour découvrir le métier" is a discovery period, not a job
    KindOverride("starting to discover a trade", DISCOVERY_PURPOSE, ("PROJET_PROFESSIONNEL", "immersion"), rule="start"),
    KindOverride(
        "looking for a training", FORMATION_SEARCH_VERBS, ("FORMATION", "recherche_formation"),
        kinds=frozenset({"formation"}), where="before",
    ),
    KindOverride(
        "a school's open day", re.compile(r"portes ouvertes.*" + SCHOOL_WORDS.pattern + r"|" + SCHOOL_WORDS.pattern
                                          + r".*portes ouvertes"),
        ("FORMATION", "recherche_formation"), kinds=frozenset({"forum_emploi"}),
    ),
    KindOverride(
        "housing aid at an office", re.compile(r"\bapl\b"), ("LOGEMENT", "dossier_logement"),
        kinds=frozenset({"demarche_administrative"}),
    ),
)


def override_kind(rule: TriggerRule, kind: str, texts: dict[str, str]) -> tuple[str, str] | None:
    """The (category, kind) the first applicable override gives, or None to keep the trigger's."""
    for override in KIND_OVERRIDES:
        if override.rule and override.rule != rule.name:
            continue
        if override.kinds and kind not in override.kinds:
            continue
        if override.words.search(texts[override.where]):
            return override.to
    return None


# Démarche codes of the France Travail catalogue (cej_referentiels.json, demarche_catalogue).
DEMARCHE_CODES: dict[str, tuple[str, str | None]] = {
    "cv": ("P03", "Q11"),
    "lettre_motivation": ("P03", "Q11"),
    "recherche_offres": ("P03", "Q12"),
    "candidature": ("P03", "Q14"),
    "recherche_stage": ("P03", "Q12"),
    "entretien_embauche": ("P04", "Q18"),
    "enquete_metier": ("P01", "Q04"),
    "immersion": ("P01", "Q03"),
    "forum_emploi": ("P01", "Q05"),
    "recherche_alternance": ("P03", "Q14"),
    "rendez_vous_conseiller": ("P06", None),
    "recherche_formation": ("P02", "Q07"),
    "formation": ("P02", "Q08"),
    "demarche_administrative": ("P07", "Q39"),
    "permis_conduire": ("P07", "Q39"),
    "recherche_logement": ("P07", "Q39"),
    "visite_logement": ("P07", "Q39"),
    "dossier_logement": ("P07", "Q39"),
    "rendez_vous_medical": ("P07", "Q39"),
    "demarche_sante": ("P07", "Q39"),
}


def demarche_codes(kind: str, evidence_norm: str) -> tuple[str | None, str | None]:
    """The (pourquoi, quoi) pair of a step, refined by a few words of its evidence."""
    if kind == "candidature":
        if re.search(r"relanc", evidence_norm):
            return "P03", "Q16"
        if re.search(r"spontanee|depose|main propre|passe", evidence_norm):
            return "P03", "Q15"
    if kind == "atelier":
        if "entretien" in evidence_norm:
            return "P04", "Q17"
        if re.search(r"cv|candidature|lettre|recherche d emploi", evidence_norm):
            return "P03", "Q11"
        if re.search(r"numerique|informatique|internet|ordinateur", evidence_norm):
            return "P02", "Q37"
        return "P02", "Q06"
    if kind == "recherche_formation" and re.search(r"infos|informations|renseign|cherch", evidence_norm):
        return "P02", "Q06"
    if kind == "forum_emploi" and re.search(r"formation|etudiant|orientation|apprentissage", evidence_norm):
        return "P02", "Q09"
    codes = DEMARCHE_CODES.get(kind)
    return codes if codes is not None else (None, None)
