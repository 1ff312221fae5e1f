"""Organisations a young person in the CEJ names: employers, interim agencies, public bodies, job sites.

A general lexicon of French employers and bodies (not a list of the development corpus), matched on
the normalised tokens exactly, then approximately (rapidfuzz) to survive misheard or misspelled
brand names ("carfour"), plus a pattern for named local businesses ("la boulangerie Martin").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz

from declarations.extraction.normalize import NormalizedText, fold_phrase


class OrgType(Enum):
    EMPLOYER = "employer"
    INTERIM = "interim"
    PUBLIC = "public"  # public service or body that follows people (France Travail, CAF, ...)
    ASSOCIATION = "association"
    JOB_SITE = "job_site"
    HOUSING_SITE = "housing_site"
    LOCAL = "local"  # a named local business ("Boulangerie Martin")


# canonical name → aliases as spoken (folded at import). The canonical name is always an alias.
_EMPLOYERS: dict[str, tuple[str, ...]] = {
    # food retail
    "Carrefour": ("carrefour",),
    "Carrefour Market": ("carrefour market",),
    "Carrefour City": ("carrefour city",),
    "Carrefour Express": ("carrefour express",),
    "Carrefour Contact": ("carrefour contact",),
    "Leclerc": ("leclerc", "e leclerc", "centre leclerc"),
    "Auchan": ("auchan",),
    "Lidl": ("lidl", "lidel"),
    "Aldi": ("aldi",),
    "Intermarché": ("intermarche", "intermarcher", "intermarche super"),
    "Super U": ("super u", "hyper u", "magasin u", "systeme u", "u express"),
    "Casino": ("geant casino", "supermarche casino", "petit casino"),
    "Monoprix": ("monoprix",),
    "Franprix": ("franprix",),
    "Netto": ("netto",),
    "Leader Price": ("leader price",),
    "Grand Frais": ("grand frais",),
    "Picard": ("picard",),
    "Biocoop": ("biocoop",),
    "Naturalia": ("naturalia",),
    "Metro": ("metro cash", "magasin metro"),
    "Cora": ("hypermarche cora",),
    "Spar": ("spar",),
    "Costco": ("costco",),
    # restaurants, fast food
    "McDonald's": (
        "mcdonald s",
        "mcdonalds",
        "mcdonald",
        "mc donald s",
        "mc donalds",
        "mc donald",
        "mcdo",
        "mc do",
        "macdo",
        "mac do",
        "mac donald",
        "mac donalds",
        "macdonald",
        "mac donald s",
    ),
    "Burger King": ("burger king", "burgerking"),
    "KFC": ("kfc", "k f c"),
    "Quick": ("quick",),
    "Subway": ("subway",),
    "Domino's Pizza": ("domino s pizza", "dominos pizza", "domino s", "dominos", "domino pizza"),
    "Pizza Hut": ("pizza hut",),
    "Five Guys": ("five guys",),
    "O'Tacos": ("o tacos", "otacos"),
    "Starbucks": ("starbucks",),
    "Brioche Dorée": ("brioche doree",),
    "Pomme de Pain": ("pomme de pain",),
    "Columbus Café": ("columbus cafe", "columbus"),
    "Flunch": ("flunch",),
    "Buffalo Grill": ("buffalo grill",),
    "Courtepaille": ("courtepaille",),
    "Hippopotamus": ("hippopotamus", "hippo"),
    "Del Arte": ("del arte",),
    "Sushi Shop": ("sushi shop",),
    "Popeyes": ("popeyes",),
    "Taco Bell": ("taco bell",),
    "Burger & Co": ("burger and co",),
    # non-food retail
    "Kiabi": ("kiabi",),
    "Zara": ("zara",),
    "H&M": ("h m", "h et m", "hetm", "h and m"),
    "Primark": ("primark",),
    "Jules": ("jules",),
    "Celio": ("celio",),
    "Bershka": ("bershka",),
    "Pull&Bear": ("pull and bear", "pull bear"),
    "Mango": ("mango",),
    "Uniqlo": ("uniqlo",),
    "Gémo": ("gemo",),
    "La Halle": ("la halle",),
    "Chaussea": ("chaussea",),
    "Etam": ("etam",),
    "Promod": ("promod",),
    "Pimkie": ("pimkie",),
    "Jennyfer": ("jennyfer",),
    "Okaïdi": ("okaidi",),
    "Foot Locker": ("foot locker", "footlocker"),
    "JD Sports": ("jd sports", "jd sport", "j d sports"),
    "Snipes": ("snipes",),
    "Decathlon": ("decathlon",),
    "Intersport": ("intersport",),
    "Go Sport": ("go sport",),
    "Sport 2000": ("sport 2000",),
    "Sephora": ("sephora",),
    "Nocibé": ("nocibe",),
    "Marionnaud": ("marionnaud",),
    "Yves Rocher": ("yves rocher",),
    "Lush": ("lush",),
    "Kiko": ("kiko",),
    "Histoire d'Or": ("histoire d or",),
    "Franck Provost": ("franck provost", "frank provost"),
    "Jean Louis David": ("jean louis david",),
    "Dessange": ("dessange",),
    "Tchip": ("tchip",),
    "Saint Algue": ("saint algue",),
    "Camille Albane": ("camille albane",),
    "OpenClassrooms": ("openclassrooms", "open classrooms", "open classroom"),
    "Fnac": ("fnac",),
    "Darty": ("darty",),
    "Cultura": ("cultura",),
    "Micromania": ("micromania",),
    "IKEA": ("ikea",),
    "Conforama": ("conforama",),
    "Maisons du Monde": ("maisons du monde", "maison du monde"),
    "Leroy Merlin": ("leroy merlin",),
    "Castorama": ("castorama", "casto"),
    "Brico Dépôt": ("brico depot",),
    "Bricomarché": ("bricomarche",),
    "Mr Bricolage": ("mr bricolage", "monsieur bricolage"),
    "Weldom": ("weldom",),
    "Point P": ("point p",),
    "Gifi": ("gifi",),
    "Noz": ("noz",),
    "Centrakor": ("centrakor",),
    "Stokomani": ("stokomani",),
    "La Foir'Fouille": ("la foir fouille", "foir fouille", "foirfouille"),
    "Hema": ("hema",),
    "Flying Tiger": ("flying tiger",),
    "Jardiland": ("jardiland",),
    "Truffaut": ("truffaut",),
    "Botanic": ("botanic",),
    "Maxi Zoo": ("maxi zoo",),
    "Animalis": ("animalis",),
    "Norauto": ("norauto",),
    "Feu Vert": ("feu vert",),
    "Speedy": ("speedy",),
    "Midas": ("midas",),
    "Point S": ("point s",),
    "Euromaster": ("euromaster",),
    "Optic 2000": ("optic 2000",),
    "Afflelou": ("afflelou", "alain afflelou"),
    "Krys": ("krys",),
    # logistics, delivery, transport
    "Amazon": ("amazon",),
    "Cdiscount": ("cdiscount", "c discount"),
    "La Poste": ("la poste",),
    "Chronopost": ("chronopost",),
    "Colissimo": ("colissimo",),
    "DHL": ("dhl",),
    "UPS": ("ups",),
    "FedEx": ("fedex", "fed ex"),
    "DPD": ("dpd",),
    "GLS": ("gls",),
    "Geodis": ("geodis",),
    "XPO Logistics": ("xpo",),
    "Uber Eats": ("uber eats", "ubereats", "uber eat"),
    "Uber": ("uber",),
    "Deliveroo": ("deliveroo", "delivero"),
    "Just Eat": ("just eat",),
    "Stuart": ("stuart",),
    "SNCF": ("sncf",),
    "RATP": ("ratp",),
    "Keolis": ("keolis",),
    "Transdev": ("transdev",),
    "Air France": ("air france",),
    "Disneyland Paris": ("disneyland", "disney"),
    # services, facilities, industry
    "Kiloutou": ("kiloutou",),
    "Loxam": ("loxam",),
    "Onet": ("onet",),
    "Elior": ("elior",),
    "Sodexo": ("sodexo",),
    "Compass": ("compass",),
    "Derichebourg": ("derichebourg",),
    "Veolia": ("veolia",),
    "Suez": ("suez",),
    "Samsic": ("samsic",),
    "Atalian": ("atalian",),
    "Securitas": ("securitas",),
    "SFR": ("sfr",),
    "Bouygues": ("bouygues",),
    "EDF": ("edf",),
    "Engie": ("engie",),
    "Vinci": ("vinci",),
    "Eiffage": ("eiffage",),
    "Spie": ("spie",),
    "Korian": ("korian",),
    "Emeis": ("emeis", "orpea"),
    "Leclerc Drive": ("leclerc drive",),
    # home help and care networks, big employers of young people without diplomas
    "ADMR": ("admr",),
    "O2 Care Services": ("o2 care services", "o2"),
    "Domidom": ("domidom",),
    "Shiva": ("shiva",),
    "Petits-fils": ("petits fils",),
}

_INTERIM: dict[str, tuple[str, ...]] = {
    "Adecco": ("adecco", "adeco"),
    "Manpower": ("manpower", "man power"),
    "Randstad": ("randstad", "ranstad"),
    "Synergie": ("synergie",),
    "Start People": ("start people",),
    "Crit": ("crit", "crit interim"),
    "Proman": ("proman",),
    "Partnaire": ("partnaire",),
    "Samsic Emploi": ("samsic emploi",),
    "Temporis": ("temporis",),
    "Supplay": ("supplay",),
    "Actual": ("actual", "groupe actual"),
    "Gojob": ("gojob", "go job"),
    "Expectra": ("expectra",),
    "Adéquat": ("adequat",),
    "Appel Médical": ("appel medical",),
    "Domino RH": ("domino rh",),
    "Triangle Intérim": ("triangle interim",),
    "Ergalis": ("ergalis",),
    "Leader Intérim": ("leader interim",),
    "Welljob": ("welljob",),
    "Interaction Intérim": ("interaction interim",),
    "StaffMe": ("staffme", "staff me"),
    "Brigad": ("brigad",),
    "Qapa": ("qapa",),
}

_PUBLIC: dict[str, tuple[str, ...]] = {
    "France Travail": ("france travail", "pole emploi", "pole emplois", "anpe"),
    "Mission Locale": ("mission locale", "missions locales", "milo"),
    "CAF": ("caf", "caisse d allocations familiales", "caisse d allocation familiale", "k a f"),
    "CPAM": ("cpam", "assurance maladie", "securite sociale", "secu", "ameli"),
    "AFPA": ("afpa",),
    "APEC": ("apec",),
    "Cap Emploi": ("cap emploi",),
    "CIO": ("cio",),
    "Point Information Jeunesse": (
        "point information jeunesse",
        "pij",
        "bij",
        "crij",
        "information jeunesse",
    ),
    "MSA": ("msa",),
    "URSSAF": ("urssaf",),
    "CROUS": ("crous",),
    "Action Logement": ("action logement",),
    "Visale": ("visale",),
    "E2C": ("e2c", "ecole de la 2e chance", "ecole de la deuxieme chance", "ecole de la 2 chance"),
    "EPIDE": ("epide",),
    "GRETA": ("greta",),
    "IFAS": ("ifas", "institut de formation d aides soignants"),
    "IFSI": ("ifsi", "institut de formation en soins infirmiers"),
    "CNED": ("cned",),
    "CCI": ("cci", "chambre de commerce"),
    "Chambre de Métiers": ("chambre des metiers", "chambre de metiers", "cma"),
    "ANTS": ("ants",),
    "La Banque Postale": ("banque postale",),
    "Armée de Terre": ("armee de terre",),
    "Gendarmerie": ("gendarmerie",),
    "Agence du Service Civique": ("agence du service civique",),
    "impots.gouv": ("impots gouv",),
}

_ASSOCIATIONS: dict[str, tuple[str, ...]] = {
    "Croix-Rouge": ("croix rouge",),
    "Secours populaire": ("secours populaire",),
    "Secours catholique": ("secours catholique",),
    "Restos du Cœur": ("restos du coeur", "resto du coeur", "restaurants du coeur", "restau du coeur"),
    "Banque Alimentaire": ("banque alimentaire",),
    "Emmaüs": ("emmaus",),
    "Apprentis d'Auteuil": ("apprentis d auteuil",),
    "Unis-Cité": ("unis cite", "uniscite"),
    "Petits Frères des Pauvres": ("petits freres des pauvres",),
    "SPA": ("spa",),
    "Armée du Salut": ("armee du salut",),
    "Habitat et Humanisme": ("habitat et humanisme",),
    "Samu social": ("samu social",),
    "Ordre de Malte": ("ordre de malte",),
    "Secours islamique": ("secours islamique",),
    "Fondation Abbé Pierre": ("fondation abbe pierre",),
    "Médecins du Monde": ("medecins du monde",),
    "AFEV": ("afev",),
    "La Cravate Solidaire": ("cravate solidaire", "la cravate solidaire"),
    "Article 1": ("article 1", "article un"),
    "Nos Quartiers ont du Talent": ("nos quartiers ont du talent", "nqt"),
    "Scouts et Guides de France": ("scouts et guides de france", "scouts de france"),
}

_JOB_SITES: dict[str, tuple[str, ...]] = {
    "Indeed": ("indeed", "indid", "indide"),
    "HelloWork": ("hellowork", "hello work"),
    "LinkedIn": ("linkedin", "linked in"),
    "Monster": ("monster",),
    "Welcome to the Jungle": ("welcome to the jungle",),
    "JobTeaser": ("jobteaser", "job teaser"),
    "StepStone": ("stepstone",),
    "Meteojob": ("meteojob", "meteo job"),
    "Jobijoba": ("jobijoba",),
    "Cadremploi": ("cadremploi",),
    "RegionsJob": ("regionsjob", "regions job"),
    "La Bonne Alternance": ("la bonne alternance", "bonne alternance"),
    "1jeune1solution": ("1jeune1solution", "1 jeune 1 solution", "un jeune une solution"),
    "StudentJob": ("studentjob", "student job"),
    "Jobteaser": ("jobteaser",),
    "Facebook": ("facebook",),
}

_HOUSING_SITES: dict[str, tuple[str, ...]] = {
    "Leboncoin": ("leboncoin", "le bon coin", "bon coin"),
    "SeLoger": ("seloger", "se loger"),
    "PAP": ("pap", "particulier a particulier"),
    "Bien'ici": ("bienici", "bien ici"),
    "Logic-Immo": ("logic immo", "logicimmo"),
    "La Carte des Colocs": ("la carte des colocs", "carte des colocs"),
    "Appartager": ("appartager",),
    "Lokaviz": ("lokaviz",),
    "Studapart": ("studapart",),
}

# Kinds of places that take a proper name after them ("la boulangerie Martin", "le garage Dupuis").
BUSINESS_NOUNS = (
    "boulangerie",
    "patisserie",
    "pharmacie",
    "clinique veterinaire",
    "cabinet veterinaire",
    "clinique",
    "creche",
    "ehpad",
    "garage",
    "restaurant",
    "hotel",
    "salon de coiffure",
    "entreprise",
    "societe",
    "magasin",
    "boutique",
    "cabinet",
    "agence",
    "association",
    "camping",
    "ferme",
    "mas",
    "domaine",
    "chateau",
    "vergers",
    "mediatheque",
    "bibliotheque",
    "piscine",
    "office de tourisme",
    "village vacances",
    "centre de loisirs",
    "maison des habitants",
    "maison de quartier",
    "centre social",
    "hopital",
    "cinema",
    "theatre",
    "brasserie",
    "epicerie",
    "boucherie",
    "fleuriste",
    "librairie",
    "supermarche",
    "residence",
    "maison de retraite",
    "auto ecole",
    "menuiserie",
    "imprimerie",
    "laverie",
    "pizzeria",
    "cafe",
    "bar",
    "traiteur",
    "institut",
    "centre equestre",
    "haras",
    "start up",
    "startup",
    "boite",
)
# Words that end a spoken name: grammar words, pronouns, time words.
_NAME_STOP = frozenset(
    "pour comme avec et mais a au aux en dans sur par chez qui que qu j je on il elle ils elles c ca "
    "hier demain aujourd ce cet cette ou donc alors puis apres avant pendant depuis y voila enfin "
    "non oui genre quoi lundi mardi mercredi jeudi vendredi samedi dimanche mon ma mes son sa ses "
    "un une est etait sont ai as avait avais".split()
)
_NAME_PARTICLES = frozenset({"du", "de", "des", "la", "le", "les", "l", "d"})
# After "chez": articles, pronouns and the like, which introduce no name.
_NOT_AFTER_CHEZ = frozenset(
    "le la les l un une des du de d mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs moi toi "
    "lui elle eux elles nous vous soi quelqu ce cet cette ces certains plusieurs tous toutes eux autres "
    "mamie papi mami papy tata tonton aussi puis apres ensuite encore meme surtout notamment genre enfin "
    "donc alors bien deja plus tout rien autre".split()
)
# Capitalised words that are not names of employers: pronouns, days, months, diplomas, contracts.
_NOT_A_NAME = frozenset(
    "je j moi lui elle eux nous vous lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars "
    "avril mai juin juillet aout septembre octobre novembre decembre cv cap bts bac cdd cdi apl cej pmsmp "
    "caces sst haccp mooc rsa dut but bafa noel monsieur madame mme m mon ma mes un une le la les".split()
)


def _names_a_place(nt: NormalizedText, i: int) -> bool:
    """ "au Palm Hôtel", "aux Vergers Combe", "à la Bobine": a capitalised name after a contracted or
    lower-case article is a place (a town rarely takes one: "à La Clusaz", "à Beaucaire" are left)."""
    before = nt.original[nt.tokens[i - 1].start : nt.tokens[i - 1].end]
    if before in {"au", "aux"}:
        return True
    return i >= 2 and before in {"la", "l"} and nt.norms[i - 2] == "a"


@dataclass(frozen=True)
class OrgMention:
    first: int
    last: int
    name: str
    type: OrgType


def _build_alias_table() -> dict[tuple[str, ...], tuple[str, OrgType]]:
    table: dict[tuple[str, ...], tuple[str, OrgType]] = {}
    for group, org_type in (
        (_EMPLOYERS, OrgType.EMPLOYER),
        (_INTERIM, OrgType.INTERIM),
        (_PUBLIC, OrgType.PUBLIC),
        (_ASSOCIATIONS, OrgType.ASSOCIATION),
        (_JOB_SITES, OrgType.JOB_SITE),
        (_HOUSING_SITES, OrgType.HOUSING_SITE),
    ):
        # only the spoken forms listed are aliases: a canonical name may be a common word ("Metro")
        for canonical, aliases in group.items():
            for alias in aliases:
                key = tuple(fold_phrase(alias).split())
                if key:
                    table.setdefault(key, (canonical, org_type))
    return table


ALIASES = _build_alias_table()
_MAX_ALIAS_LEN = max(len(key) for key in ALIASES)
# Approximate matching only for distinctive names (5+ letters), joined without spaces.
_FUZZY_CHOICES: dict[str, list[tuple[str, tuple[str, OrgType]]]] = {}
for _key, _value in ALIASES.items():
    _joined = "".join(_key)
    if len(_joined) >= 5:
        _FUZZY_CHOICES.setdefault(_joined[:2], []).append((_joined, _value))
_FUZZY_THRESHOLD = 86.0
_BUSINESS_KEYS: dict[str, list[tuple[str, ...]]] = {}
for _noun in sorted((tuple(fold_phrase(n).split()) for n in BUSINESS_NOUNS), key=len, reverse=True):
    _BUSINESS_KEYS.setdefault(_noun[0], []).append(_noun)


class OrgMatcher:
    """Finds organisation mentions in a normalised note."""

    def find(self, nt: NormalizedText, cased: bool) -> list[OrgMention]:
        words = nt.norms
        mentions: list[OrgMention] = []
        i = 0
        while i < len(words):
            mention = (
                self._exact(words, i)
                or self._local_business(nt, i, cased)
                or self._fuzzy(words, i)
                or (self._proper_name(nt, i, mentions) if cased else self._spoken_name(nt, i, mentions))
            )
            if mention is None:
                mention = self._reference(words, i, mentions)
            if mention is None:
                i += 1
                continue
            mentions.append(mention)
            i = mention.last
        return mentions

    @staticmethod
    def _reference(words: list[str], i: int, earlier: list[OrgMention]) -> OrgMention | None:
        """ "à l'accueil du garage" after "le garage Dupuis": the place named before."""
        if i == 0 or words[i - 1] not in {"l", "la", "le", "au", "du"}:
            return None
        for key in _BUSINESS_KEYS.get(words[i], ()):
            if tuple(words[i : i + len(key)]) != key:
                continue
            for org in reversed(earlier):
                if org.type is OrgType.LOCAL and fold_phrase(org.name).split()[: len(key)] == list(key):
                    return OrgMention(i, i + len(key), org.name, OrgType.LOCAL)
        return None

    def _exact(self, words: list[str], i: int) -> OrgMention | None:
        for n in range(min(_MAX_ALIAS_LEN, len(words) - i), 0, -1):
            hit = ALIASES.get(tuple(words[i : i + n]))
            if hit is not None:
                return OrgMention(i, i + n, hit[0], hit[1])
        return self._spelled(words, i)

    @staticmethod
    def _spelled(words: list[str], i: int) -> OrgMention | None:
        """An acronym spelled letter by letter, as recognisers write it: "l a n t s" → ANTS."""
        end = i
        while end < len(words) and len(words[end]) == 1 and words[end].isalpha():
            end += 1
        # The longest run of 3+ letters first; a leading "l" may be the article ("l'ANTS").
        for start in (i, i + 1):
            for stop in range(end, start + 2, -1):
                hit = ALIASES.get(("".join(words[start:stop]),))
                if hit is not None and (start == i or words[i] == "l"):
                    return OrgMention(start, stop, hit[0], hit[1])
        return None

    def _fuzzy(self, words: list[str], i: int) -> OrgMention | None:
        for n in (2, 1):
            if i + n > len(words):
                continue
            candidate = "".join(words[i : i + n])
            if len(candidate) < 5 or not candidate.isalpha():
                continue
            best: tuple[str, OrgType] | None = None
            best_score = 0.0
            for alias, value in _FUZZY_CHOICES.get(candidate[:2], ()):
                if abs(len(alias) - len(candidate)) > 2:
                    continue
                score = fuzz.ratio(candidate, alias)
                if score > best_score:
                    best, best_score = value, score
            if best is not None and best_score >= _FUZZY_THRESHOLD:
                return OrgMention(i, i + n, best[0], best[1])
        return None

    @staticmethod
    def _spoken_name(nt: NormalizedText, i: int, earlier: list[OrgMention]) -> OrgMention | None:
        """ "chez action", "chez gifi noz et action" in a lower-case transcript: after "chez", or closing a
        list of employers, a word that is no article, pronoun, day or grammar word is a name."""
        if i == 0:
            return None
        closes_list = nt.norms[i - 1] in {"et", "ou"} and bool(earlier) and earlier[-1].last == i - 1
        if nt.norms[i - 1] != "chez" and not closes_list:
            return None
        word = nt.norms[i]
        if (
            word in _NOT_AFTER_CHEZ
            or word in _NOT_A_NAME
            or word in _NAME_STOP
            or word.isdigit()
            or len(word) < 3
        ):
            return None
        start, end = nt.char_span(i, i + 1)
        return OrgMention(i, i + 1, nt.original[start:end].capitalize(), OrgType.EMPLOYER)

    @staticmethod
    def _proper_name(nt: NormalizedText, i: int, earlier: list[OrgMention]) -> OrgMention | None:
        """A capitalised name after "chez" ("chez Action"), or closing a list of employers ("chez Gifi,
        Noz et Action"), in a cased transcript."""
        if i == 0 or nt.tokens[i].sentence_start:
            return None
        closes_list = nt.norms[i - 1] in {"et", "ou"} and bool(earlier) and earlier[-1].last == i - 1
        if nt.norms[i - 1] != "chez" and not closes_list and not _names_a_place(nt, i):
            return None
        k = i
        while k < len(nt) and k - i < 5:
            original = nt.original[nt.tokens[k].start : nt.tokens[k].end]
            # a particle inside the name ("Grand Café des Arts") when a capitalised word follows it
            inner = (
                k > i
                and nt.norms[k] in _NAME_PARTICLES
                and k + 1 < len(nt)
                and nt.original[nt.tokens[k + 1].start : nt.tokens[k + 1].end][:1].isupper()
            )
            if (
                not (original[:1].isupper() or inner)
                or nt.norms[k] in _NOT_A_NAME
                or (k > i and nt.tokens[k].comma_before)
            ):
                break
            k += 1
        if k == i:
            return None
        start, end = nt.char_span(i, k)
        return OrgMention(i, k, nt.original[start:end], OrgType.EMPLOYER)

    def _local_business(self, nt: NormalizedText, i: int, cased: bool) -> OrgMention | None:
        words = nt.norms
        for key in _BUSINESS_KEYS.get(words[i], ()):
            n = len(key)
            if tuple(words[i : i + n]) != key:
                continue
            name_end = i + n
            k = name_end
            name_words: list[int] = []
            while k < len(words) and len(name_words) < 5:
                word = words[k]
                if word in _NAME_STOP or word.isdigit():
                    break
                original = nt.original[nt.tokens[k].start : nt.tokens[k].end]
                if word in _NAME_PARTICLES:
                    name_words.append(k)
                elif cased and not original[:1].isupper():
                    break
                else:
                    name_words.append(k)
                k += 1
            while name_words and words[name_words[-1]] in _NAME_PARTICLES:
                name_words.pop()
            if not name_words or all(words[w] in _NAME_PARTICLES for w in name_words):
                return None
            if sum(words[w] not in _NAME_PARTICLES for w in name_words) > 3:
                return None
            start, end = nt.char_span(i, name_words[-1] + 1)
            label = nt.original[start:end]
            label = (
                label[:1].upper() + label[1:]
                if cased
                else " ".join(
                    w if w in _NAME_PARTICLES and j > 0 else w.capitalize()
                    for j, w in enumerate(nt.original[start:end].lower().split())
                )
            )
            if key in {("entreprise",), ("societe",), ("start", "up"), ("startup",), ("boite",)}:
                name_start, _ = nt.char_span(name_words[0], name_words[0] + 1)
                label = nt.original[name_start:end]
                label = label[:1].upper() + label[1:]
            return OrgMention(i, name_words[-1] + 1, label, OrgType.LOCAL)
        return None
