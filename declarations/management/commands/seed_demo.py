"""Demo data: two Missions Locales, their counsellors and young people, a manager over both."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from declarations.extraction.types import ExtractedStep
from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Structure
from declarations.services import store_extracted_steps

DEMO_NOTES = [
    (
        2,
        "Lundi j'ai envoyé trois candidatures chez Carrefour pour être employé de rayon, "
        "et mercredi j'ai eu un entretien chez Decathlon.",
        [
            ExtractedStep("EMPLOI", "candidature", count=3, organization="Carrefour", job_title="employé de rayon",
                          evidence="Lundi j'ai envoyé trois candidatures chez Carrefour pour être employé de rayon"),
            ExtractedStep("EMPLOI", "entretien_embauche", organization="Decathlon",
                          evidence="mercredi j'ai eu un entretien chez Decathlon"),
        ],
    ),
    (
        1,
        "Hier j'ai vu ma conseillère à la Mission Locale pendant une heure.",
        [
            ExtractedStep("PROJET_PROFESSIONNEL", "rendez_vous_conseiller", organization="Mission Locale",
                          duration_minutes=60,
                          evidence="Hier j'ai vu ma conseillère à la Mission Locale pendant une heure"),
        ],
    ),
]


class Command(BaseCommand):
    help = "Crée les données de démonstration (structures, conseillers, jeunes, responsable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="demo1234")
        parser.add_argument("--force", action="store_true", help="allow running with DEBUG off")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates known passwords: refusing with DEBUG off (use --force).")
        password: str = options["password"]
        lyon, _ = Structure.objects.get_or_create(name="Mission Locale de Lyon")
        grenoble, _ = Structure.objects.get_or_create(name="Mission Locale de Grenoble")

        conseiller = Counsellor.objects.get_or_create(
            user=self._user("conseiller", password, "Claire", "Martin"), defaults={"structure": lyon}
        )[0]
        conseiller2 = Counsellor.objects.get_or_create(
            user=self._user("conseiller2", password, "Karim", "Benali"), defaults={"structure": grenoble}
        )[0]
        people = [
            ("jeune1", "Léa", "Dubois", lyon, conseiller),
            ("jeune2", "Yanis", "Moreau", lyon, conseiller),
            ("jeune3", "Inès", "Garcia", grenoble, conseiller2),
        ]
        beneficiaries = [
            Beneficiary.objects.get_or_create(
                user=self._user(username, password, first, last),
                defaults={"structure": structure, "counsellor": counsellor},
            )[0]
            for username, first, last, structure, counsellor in people
        ]
        manager = Manager.objects.get_or_create(user=self._user("manager", password, "Sophie", "Lambert"))[0]
        manager.structures.set([lyon, grenoble])

        created = 0
        for beneficiary in beneficiaries:
            for days_ago, text, steps in DEMO_NOTES:
                client_id = uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{beneficiary.user.username}:{days_ago}")
                declaration, was_created = Declaration.objects.get_or_create(
                    beneficiary=beneficiary,
                    client_id=client_id,
                    defaults={
                        "recorded_at": timezone.now() - timedelta(days=days_ago),
                        "source": Declaration.Source.TEXT,
                        "transcript": text,
                        "status": Declaration.Status.SUBMITTED,
                        "submitted_at": timezone.now(),
                    },
                )
                if was_created:
                    for step in steps:
                        step.start = text.find(step.evidence)
                        step.end = step.start + len(step.evidence)
                    store_extracted_steps(declaration=declaration, extracted=steps)
                    created += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes ({created} déclarations créées). "
                f"Comptes : conseiller, conseiller2, jeune1, jeune2, jeune3, manager — mot de passe : {password}"
            )
        )

    def _user(self, username: str, password: str, first_name: str, last_name: str) -> Any:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        return user
