"""Load data for the benchmarks: structures, counsellors, young people, declarations, steps, reviews.

Everything goes in with bulk_create in batches, then the report's roll-up is rebuilt; progress is shown
on stderr. Accounts are named `<prefix>-…` and share one password, so the command refuses to run with
DEBUG off unless --force.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from declarations import rollup
from declarations.categories import DEFAULT_CATEGORY_HOURS
from declarations.hours import local_date
from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Review, Step, Structure

# (category, kind, sentence): what young people say, one sentence per step.
SENTENCES: list[tuple[str, str, str]] = [
    ("EMPLOI", "candidature", "j'ai envoyé trois candidatures chez Carrefour pour être employé de rayon"),
    ("EMPLOI", "entretien_embauche", "j'ai eu un entretien d'embauche chez Decathlon"),
    ("EMPLOI", "cv", "j'ai refait mon CV avec la conseillère"),
    ("EMPLOI", "recherche_offres", "j'ai cherché des offres sur le site de France Travail"),
    ("PROJET_PROFESSIONNEL", "immersion", "j'ai fait une immersion dans une boulangerie"),
    ("PROJET_PROFESSIONNEL", "rendez_vous_conseiller", "j'ai vu ma conseillère à la Mission Locale"),
    ("FORMATION", "atelier", "j'ai participé à un atelier sur l'entretien d'embauche"),
    ("FORMATION", "formation", "j'ai suivi ma formation de cariste"),
    ("CITOYENNETE", "permis_conduire", "j'ai pris une leçon de conduite"),
    ("CITOYENNETE", "demarche_administrative", "j'ai fait mon dossier à la CAF"),
    ("LOGEMENT", "visite_logement", "j'ai visité un studio avec le foyer"),
    ("SANTE", "rendez_vous_medical", "j'ai eu un rendez-vous chez le médecin"),
    ("CULTURE_SPORT_LOISIRS", "sport", "je suis allé à la salle de sport"),
    ("NON_SNP", "autre", "j'ai aidé mon frère à déménager"),
]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


class Command(BaseCommand):
    help = "Génère des données de charge (déclarations, démarches, décisions) pour les mesures de performance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--declarations", type=int, default=100_000)
        parser.add_argument("--steps-per-declaration", type=int, default=10)
        parser.add_argument("--structures", type=int, default=10)
        parser.add_argument("--counsellors-per-structure", type=int, default=10)
        parser.add_argument("--beneficiaries-per-counsellor", type=int, default=30)
        parser.add_argument("--weeks", type=int, default=26, help="spread the notes over this many weeks")
        parser.add_argument("--batch-size", type=int, default=2_000, help="declarations per batch")
        parser.add_argument("--prefix", default="charge", help="prefix of the accounts and structures")
        parser.add_argument("--password", default="demo1234")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="allow running with DEBUG off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("generate_load_data creates known passwords: refusing with DEBUG off (use --force).")
        prefix: str = options["prefix"]
        if Structure.objects.filter(name__startswith=f"{prefix} ").exists():
            raise CommandError(f"Load data with prefix {prefix!r} already exists: use another --prefix.")
        self.rng = random.Random(options["seed"])
        self.started = time.monotonic()
        counsellors, beneficiaries = self._people(options)
        self._declarations(options, counsellors, beneficiaries)
        self._analyze()
        # bulk_create sends no signal: the managers' report roll-up is computed once, at the end.
        result = rollup.rebuild()
        rollup.vacuum()
        self._progress(
            f"agrégat du tableau de bord recalculé : {result.step_rows:,} lignes démarches, "
            f"{result.declaration_rows:,} lignes déclarations".replace(",", " ")
        )
        self._progress(f"terminé en {time.monotonic() - self.started:.0f} s")

    def _analyze(self) -> None:
        """Fresh planner statistics: right after a bulk load the planner would guess a handful of rows.

        On PostgreSQL, VACUUM too (outside a transaction): a database in service has had autovacuum mark
        its pages all-visible, which index-only scans rely on; a bulk load measured before autovacuum
        passes (or where it is off) would make every index read visit the table as well.
        """
        models = (get_user_model(), Structure, Counsellor, Beneficiary, Declaration, Step, Review)
        tables = [model._meta.db_table for model in models]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                vacuum = "VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE"
                cursor.execute(f"{vacuum} {', '.join(tables)}")
            elif connection.vendor == "sqlite":
                cursor.execute("ANALYZE")
        self._progress("statistiques du planificateur à jour (VACUUM ANALYZE)")

    def _progress(self, message: str) -> None:
        self.stderr.write(
            f"[generate_load_data {time.monotonic() - self.started:6.1f} s] {message}", style_func=lambda text: text
        )
        self.stderr.flush()

    @transaction.atomic
    def _people(self, options: dict[str, Any]) -> tuple[list[Counsellor], list[Beneficiary]]:
        prefix = options["prefix"]
        users = get_user_model()
        password = make_password(options["password"])  # hashed once: every account shares it
        structures = Structure.objects.bulk_create(
            Structure(name=f"{prefix} Mission Locale {index + 1:03d}") for index in range(options["structures"])
        )
        per_structure = options["counsellors_per_structure"]
        counsellor_users = users.objects.bulk_create(
            users(username=f"{prefix}-conseiller-{index + 1}", first_name="Conseiller", last_name=f"n°{index + 1}",
                  password=password)
            for index in range(len(structures) * per_structure)
        )
        counsellors = Counsellor.objects.bulk_create(
            Counsellor(user=user, structure=structures[index // per_structure])
            for index, user in enumerate(counsellor_users)
        )
        per_counsellor = options["beneficiaries_per_counsellor"]
        beneficiary_users = users.objects.bulk_create(
            (
                users(username=f"{prefix}-jeune-{index + 1}", first_name="Jeune", last_name=f"n°{index + 1}",
                      password=password)
                for index in range(len(counsellors) * per_counsellor)
            ),
            batch_size=5_000,
        )
        beneficiaries = Beneficiary.objects.bulk_create(
            (
                Beneficiary(
                    user=user,
                    counsellor=counsellors[index // per_counsellor],
                    structure_id=counsellors[index // per_counsellor].structure_id,
                )
                for index, user in enumerate(beneficiary_users)
            ),
            batch_size=5_000,
        )
        manager = Manager.objects.create(
            user=users.objects.create(username=f"{prefix}-responsable", password=password, first_name="Responsable")
        )
        manager.structures.set(structures)
        self._progress(
            f"{len(structures)} structures, {len(counsellors)} conseillers, {len(beneficiaries)} jeunes, "
            f"responsable {prefix}-responsable"
        )
        return counsellors, beneficiaries

    def _declarations(
        self, options: dict[str, Any], counsellors: list[Counsellor], beneficiaries: list[Beneficiary]
    ) -> None:
        total: int = options["declarations"]
        batch_size: int = options["batch_size"]
        steps_per: int = options["steps_per_declaration"]
        now = timezone.now()
        span = timedelta(weeks=options["weeks"])
        reviewer_of = {counsellor.pk: counsellor.user_id for counsellor in counsellors}
        made = steps_made = 0
        while made < total:
            count = min(batch_size, total - made)
            with transaction.atomic():
                declarations, plans = [], []
                for _ in range(count):
                    beneficiary = self.rng.choice(beneficiaries)
                    recorded_at = now - span * self.rng.random()
                    chosen = [self.rng.choice(SENTENCES) for _ in range(steps_per)]
                    transcript, offsets = self._transcript(chosen)
                    # Counsellors keep up: notes older than a fortnight are reviewed; recent ones wait
                    # for review, or for the young person's confirmation.
                    roll = self.rng.random()
                    recent = now - recorded_at < timedelta(weeks=2)
                    status = (
                        Declaration.Status.REVIEWED if not recent or roll < 0.4
                        else Declaration.Status.SUBMITTED if roll < 0.9
                        else Declaration.Status.TO_CONFIRM
                    )
                    submitted_at = (
                        None if status == Declaration.Status.TO_CONFIRM
                        else min(recorded_at + timedelta(minutes=self.rng.randint(2, 2 * 24 * 60)), now)
                    )
                    reviewed_at = (
                        min(submitted_at + timedelta(minutes=self.rng.randint(30, 5 * 24 * 60)), now)
                        if status == Declaration.Status.REVIEWED and submitted_at is not None
                        else None
                    )
                    declarations.append(
                        Declaration(
                            beneficiary=beneficiary,
                            client_id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                            recorded_at=recorded_at,
                            source=Declaration.Source.AUDIO,
                            status=status,
                            transcript=transcript,
                            words=self._words(transcript),
                            engine="vosk",
                            audio_duration_s=round(len(transcript.split()) * 0.4, 1),
                            processed_at=recorded_at,
                            submitted_at=submitted_at,
                            reviewed_at=reviewed_at,
                        )
                    )
                    plans.append((chosen, offsets, reviewer_of[beneficiary.counsellor_id]))
                declarations = Declaration.objects.bulk_create(declarations)
                steps, decided = [], []
                for declaration, (chosen, offsets, reviewer_id) in zip(declarations, plans, strict=True):
                    day = local_date(declaration.recorded_at)
                    for position, ((category, kind, sentence), (start, end)) in enumerate(
                        zip(chosen, offsets, strict=True)
                    ):
                        decision = Step.Decision.PENDING
                        if declaration.status == Declaration.Status.REVIEWED:
                            decision = Step.Decision.VALIDATED if self.rng.random() < 0.85 else Step.Decision.REJECTED
                        steps.append(
                            Step(
                                declaration=declaration, position=position, category=category, kind=kind,
                                activity_date=day, evidence=sentence, evidence_start=start, evidence_end=end,
                                confidence=round(self.rng.uniform(0.4, 0.99), 2),
                                hours=DEFAULT_CATEGORY_HOURS[category], decision=decision,
                                decided_at=declaration.reviewed_at if decision != Step.Decision.PENDING else None,
                                decided_by_id=reviewer_id if decision != Step.Decision.PENDING else None,
                            )
                        )
                        if decision != Step.Decision.PENDING:
                            decided.append((len(steps) - 1, reviewer_id, decision))
                steps = Step.objects.bulk_create(steps, batch_size=5_000)
                Review.objects.bulk_create(
                    (
                        Review(
                            step=steps[index], reviewer_id=reviewer_id, decision=decision,
                            comment="" if decision == Step.Decision.VALIDATED else "Justificatif manquant.",
                        )
                        for index, reviewer_id, decision in decided
                    ),
                    batch_size=5_000,
                )
            made += count
            steps_made += len(steps)
            self._progress(f"déclarations : {made:,} / {total:,} · démarches : {steps_made:,}".replace(",", " "))

    def _transcript(self, chosen: list[tuple[str, str, str]]) -> tuple[str, list[tuple[int, int]]]:
        parts: list[str] = []
        offsets: list[tuple[int, int]] = []
        length = 0
        for _, _, sentence in chosen:
            lead = f"{self.rng.choice(DAYS).capitalize()} "
            start = length + len(lead)
            offsets.append((start, start + len(sentence)))
            piece = f"{lead}{sentence}. "
            parts.append(piece)
            length += len(piece)
        return "".join(parts).rstrip(), offsets

    def _words(self, transcript: str) -> list[dict[str, Any]]:
        return [
            {"word": word.strip(".,"), "start": round(index * 0.4, 2), "end": round(index * 0.4 + 0.35, 2),
             "conf": round(self.rng.uniform(0.3, 1.0), 2)}
            for index, word in enumerate(transcript.split())
        ]

