"""CEJ qualification codes (step categories), fine-grained kinds, and the default hours of each.

Codes and default hours are the programme's own (pass-emploi `qualification.ts`); labels are what
counsellors read. A structure may override hours and target (see `hours.py`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    EMPLOI = "EMPLOI", _("Emploi")
    PROJET_PROFESSIONNEL = "PROJET_PROFESSIONNEL", _("Projet professionnel")
    FORMATION = "FORMATION", _("Formation")
    CITOYENNETE = "CITOYENNETE", _("Citoyenneté")
    LOGEMENT = "LOGEMENT", _("Logement")
    SANTE = "SANTE", _("Santé")
    CULTURE_SPORT_LOISIRS = "CULTURE_SPORT_LOISIRS", _("Loisir, sport, culture")
    NON_SNP = "NON_SNP", _("Action non comptabilisée")


class Kind(models.TextChoices):
    CV = "cv", _("CV")
    LETTRE_MOTIVATION = "lettre_motivation", _("Lettre de motivation")
    RECHERCHE_OFFRES = "recherche_offres", _("Recherche d'offres")
    CANDIDATURE = "candidature", _("Candidature")
    ENTRETIEN_EMBAUCHE = "entretien_embauche", _("Entretien d'embauche")
    EMPLOI = "emploi", _("Travail, mission")
    RECHERCHE_STAGE = "recherche_stage", _("Recherche de stage")
    ENQUETE_METIER = "enquete_metier", _("Enquête métier")
    IMMERSION = "immersion", _("Immersion, stage découverte")
    RECHERCHE_ALTERNANCE = "recherche_alternance", _("Recherche d'alternance")
    FORUM_EMPLOI = "forum_emploi", _("Forum, salon, job dating")
    RENDEZ_VOUS_CONSEILLER = "rendez_vous_conseiller", _("Rendez-vous conseiller")
    FORMATION = "formation", _("Formation suivie")
    RECHERCHE_FORMATION = "recherche_formation", _("Recherche de formation")
    ATELIER = "atelier", _("Atelier, information collective")
    PERMIS_CONDUIRE = "permis_conduire", _("Permis de conduire")
    DEMARCHE_ADMINISTRATIVE = "demarche_administrative", _("Démarche administrative")
    BENEVOLAT = "benevolat", _("Bénévolat")
    RECHERCHE_LOGEMENT = "recherche_logement", _("Recherche de logement")
    VISITE_LOGEMENT = "visite_logement", _("Visite de logement")
    DOSSIER_LOGEMENT = "dossier_logement", _("Dossier logement")
    RENDEZ_VOUS_MEDICAL = "rendez_vous_medical", _("Rendez-vous médical")
    DEMARCHE_SANTE = "demarche_sante", _("Démarche santé")
    SPORT = "sport", _("Sport")
    CULTURE = "culture", _("Sortie culturelle")
    LOISIR = "loisir", _("Loisir")
    AUTRE = "autre", _("Autre")


KINDS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    Category.EMPLOI: (
        Kind.CV, Kind.LETTRE_MOTIVATION, Kind.RECHERCHE_OFFRES, Kind.CANDIDATURE,
        Kind.ENTRETIEN_EMBAUCHE, Kind.EMPLOI, Kind.RECHERCHE_STAGE,
    ),
    Category.PROJET_PROFESSIONNEL: (
        Kind.ENQUETE_METIER, Kind.IMMERSION, Kind.RECHERCHE_ALTERNANCE, Kind.FORUM_EMPLOI,
        Kind.RENDEZ_VOUS_CONSEILLER,
    ),
    Category.FORMATION: (Kind.FORMATION, Kind.RECHERCHE_FORMATION, Kind.ATELIER),
    Category.CITOYENNETE: (Kind.PERMIS_CONDUIRE, Kind.DEMARCHE_ADMINISTRATIVE, Kind.BENEVOLAT),
    Category.LOGEMENT: (Kind.RECHERCHE_LOGEMENT, Kind.VISITE_LOGEMENT, Kind.DOSSIER_LOGEMENT),
    Category.SANTE: (Kind.RENDEZ_VOUS_MEDICAL, Kind.DEMARCHE_SANTE),
    Category.CULTURE_SPORT_LOISIRS: (Kind.SPORT, Kind.CULTURE, Kind.LOISIR),
    Category.NON_SNP: (Kind.AUTRE,),
}

CATEGORY_OF_KIND: dict[str, str] = {
    kind: category for category, kinds in KINDS_BY_CATEGORY.items() for kind in kinds
}

DEFAULT_CATEGORY_HOURS: dict[str, Decimal] = {
    Category.EMPLOI: Decimal(3),
    Category.FORMATION: Decimal(3),
    Category.PROJET_PROFESSIONNEL: Decimal(2),
    Category.CITOYENNETE: Decimal(2),
    Category.LOGEMENT: Decimal(2),
    Category.SANTE: Decimal(2),
    Category.CULTURE_SPORT_LOISIRS: Decimal(2),
    Category.NON_SNP: Decimal(0),
}

DEFAULT_WEEKLY_TARGET_HOURS = Decimal(15)


def kind_belongs_to(kind: str, category: str) -> bool:
    return CATEGORY_OF_KIND.get(kind) == category


def default_kind(category: str) -> str:
    return KINDS_BY_CATEGORY[category][0]
