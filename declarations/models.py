"""The domain: structures, people and their roles, declarations, steps and the review trail."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from declarations.categories import Category, Kind


class Structure(models.Model):
    class Kind(models.TextChoices):
        MISSION_LOCALE = "mission_locale", _("Mission Locale")
        FRANCE_TRAVAIL = "france_travail", _("Agence France Travail")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices, default=Kind.MISSION_LOCALE)
    # Hours rules are data: null means the CEJ default (15 h).
    weekly_target_hours = models.DecimalField(
        _("objectif hebdomadaire (heures)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CategoryWeight(models.Model):
    """A structure's override of the hours a validated step of a category counts."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="category_weights")
    category = models.CharField(_("catégorie"), max_length=32, choices=Category.choices)
    hours = models.DecimalField(_("heures"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("pondération de catégorie")
        verbose_name_plural = _("pondérations de catégorie")
        constraints = [
            models.UniqueConstraint(fields=["structure", "category"], name="unique_weight_per_category"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="weight_hours_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.structure} · {self.category} = {self.hours} h"


class Counsellor(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counsellor")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="counsellors")
    # the day the morning email last went (declarations/digest.py): never twice a day
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("conseiller")
        verbose_name_plural = _("conseillers")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Beneficiary(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="beneficiary"
    )
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="beneficiaries")
    counsellor = models.ForeignKey(
        Counsellor, on_delete=models.PROTECT, related_name="portfolio", null=True, blank=True
    )
    cej_start = models.DateField(_("début du CEJ"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeune")
        verbose_name_plural = _("jeunes")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Manager(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager")
    structures = models.ManyToManyField(Structure, related_name="managers")

    class Meta:
        verbose_name = _("responsable de programme")
        verbose_name_plural = _("responsables de programme")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


def audio_storage_key(instance: Declaration, filename: str) -> str:
    # Storage keys never derive from user input: neither the client's file name nor its content type.
    return f"audio/{instance.recorded_at:%Y/%m}/{uuid.uuid4().hex}"


class Declaration(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("reçue")
        TRANSCRIBING = "transcribing", _("transcription en cours")
        EXTRACTING = "extracting", _("analyse en cours")
        TO_CONFIRM = "to_confirm", _("à confirmer")
        SUBMITTED = "submitted", _("envoyée au conseiller")
        REVIEWED = "reviewed", _("traitée par le conseiller")
        FAILED = "failed", _("échec")

    class Source(models.TextChoices):
        AUDIO = "audio", _("note vocale")
        TEXT = "text", _("texte")

    PROCESSING_STATUSES = (Status.RECEIVED, Status.TRANSCRIBING, Status.EXTRACTING)

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="declarations")
    client_id = models.UUIDField(_("identifiant de l'application"))
    recorded_at = models.DateTimeField(_("enregistrée le"))
    source = models.CharField(max_length=8, choices=Source.choices)
    audio = models.FileField(upload_to=audio_storage_key, max_length=255, blank=True)
    audio_size = models.PositiveBigIntegerField(null=True, blank=True)
    # Set when the retention policy deleted the audio: transcript and steps stay.
    audio_purged_at = models.DateTimeField(_("audio supprimé le"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    transcript = models.TextField(_("transcription"), blank=True)
    words = models.JSONField(default=list, blank=True)
    engine = models.CharField(max_length=32, blank=True)
    engine_model = models.CharField(max_length=200, blank=True)
    audio_duration_s = models.FloatField(null=True, blank=True)
    decode_seconds = models.FloatField(null=True, blank=True)
    transcribe_seconds = models.FloatField(null=True, blank=True)
    extract_seconds = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The outbox flag: set once the pipeline's message reached the broker. A note stored while the
    # broker was down keeps it empty, and the minute sweep (tasks.publish_unqueued) sends it.
    queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # a note that declares nothing is acknowledged, not reviewed step by step: by whom (the audit)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("déclaration")
        verbose_name_plural = _("déclarations")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            # Phones retry uploads: the same client_id must never create a second declaration.
            models.UniqueConstraint(fields=["beneficiary", "client_id"], name="unique_client_id_per_beneficiary"),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["beneficiary", "-recorded_at"]),
            # The counsellor's queue: their young people's notes of one status, oldest sent first. The id
            # (the order's tie-break) makes it covering: a page's ids come from the index alone. Without
            # it, PostgreSQL walked the (status, submitted_at) index across every portfolio instead.
            models.Index(fields=["beneficiary", "status", "submitted_at", "id"], name="declaration_queue_page_idx"),
            # The managers' report: declarations reviewed in a period, their review time, per counsellor.
            models.Index(fields=["reviewed_at", "submitted_at", "beneficiary"], name="declaration_reviewed_idx"),
        ]

    def __str__(self) -> str:
        return f"Déclaration {self.pk} ({self.get_status_display()})"


class Step(models.Model):
    class Status(models.TextChoices):
        DONE = "done", _("réalisée")
        PLANNED = "planned", _("prévue")

    class Decision(models.TextChoices):
        PENDING = "pending", _("à valider")
        VALIDATED = "validated", _("validée")
        REJECTED = "rejected", _("refusée")

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", _("reconnue automatiquement")
        BENEFICIARY = "beneficiary", _("ajoutée par le jeune")

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.EXTRACTED)
    category = models.CharField(_("catégorie"), max_length=32, choices=Category.choices)
    kind = models.CharField(_("type de démarche"), max_length=32, choices=Kind.choices)
    status = models.CharField(_("réalisation"), max_length=8, choices=Status.choices, default=Status.DONE)
    date = models.DateField(_("date"), null=True, blank=True)
    # The day the step counts for: its date, else the recording day (Europe/Paris).
    activity_date = models.DateField()
    count = models.PositiveIntegerField(_("nombre"), null=True, blank=True)
    organization = models.CharField(_("organisme"), max_length=200, blank=True)
    job_title = models.CharField(_("métier"), max_length=200, blank=True)
    rome_code = models.CharField(_("code ROME"), max_length=5, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    evidence = models.TextField(_("extrait"), blank=True)
    evidence_start = models.PositiveIntegerField(null=True, blank=True)
    evidence_end = models.PositiveIntegerField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    # Why the counsellor should look twice, set at extraction: [{"code", "message"}], e.g. a word of the
    # evidence the recogniser was unsure of ("mot incertain : jeudi ?"). See extraction/doubt.py.
    attention = models.JSONField(default=list, blank=True)
    demarche_pourquoi = models.CharField(max_length=16, blank=True)
    demarche_quoi = models.CharField(max_length=16, blank=True)
    # The "comment" (how) code France Travail requires for most démarches, e.g. C12.02 "Sur internet".
    demarche_comment = models.CharField(max_length=16, blank=True)
    hours = models.DecimalField(_("heures"), max_digits=5, decimal_places=2, default=Decimal("0"))
    decision = models.CharField(
        _("décision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # after a refusal, the young person may answer once; the counsellor sees it beside the decision
    reply = models.TextField(_("réponse du jeune"), blank=True, default="", max_length=1000)
    replied_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")
        ordering = ["declaration_id", "position", "id"]
        indexes = [
            models.Index(fields=["activity_date", "decision"]),
            models.Index(fields=["category"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="step_hours_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.activity_date:%d/%m/%Y})"

    @property
    def is_health(self) -> bool:
        return self.category == Category.SANTE


class AppendOnlyError(Exception):
    pass


class ReviewQuerySet(models.QuerySet["Review"]):
    # Bulk writes would bypass Review.save()/delete(). Erasing a beneficiary still removes their
    # reviews: the deletion collector cascades through the base manager, not through this queryset.
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("reviews are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("reviews are append-only")


class Review(models.Model):
    """One counsellor decision on one step. Append-only: the audit trail is never rewritten."""

    class Reason(models.TextChoices):
        """Why a step is refused: the young person reads it, the programme counts it."""

        DATE_MISSING = "date_missing", _("date manquante")
        ALREADY_DECLARED = "already_declared", _("déjà déclarée")
        NOT_DONE_YET = "not_done_yet", _("pas encore réalisée")
        NOT_ELIGIBLE = "not_eligible", _("non éligible")
        OTHER = "other", _("autre")

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=16, choices=Step.Decision.choices)
    # a refusal's reason (empty for a validation); "other" needs a comment
    reason = models.CharField(_("motif"), max_length=32, choices=Reason.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    # {"field": [before, after]} for every field the counsellor corrected with this decision.
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} par {self.reviewer} le {self.created_at:%d/%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("reviews are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("reviews are append-only")


class Notification(models.Model):
    """What a person is told: kept here (the app reads them with `since`), then handed to the push
    adapter the settings name (declarations/notifications.py). The text names no step, place or
    health matter: a push shows on a locked phone's screen."""

    class Kind(models.TextChoices):
        READY = "ready", _("note prête à confirmer")
        FAILED = "failed", _("note en échec")
        STEP_VALIDATED = "step_validated", _("démarche validée")
        STEP_REJECTED = "step_rejected", _("démarche refusée")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    declaration = models.ForeignKey(
        "Declaration", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    step = models.ForeignKey("Step", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(_("titre"), max_length=120)
    body = models.CharField(_("texte"), max_length=300)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["delivered_at", "created_at"]),
        ]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class ErasureRecord(models.Model):
    """Proof that a beneficiary's data was erased (RGPD art. 17), keeping no personal data of theirs.

    `subject_ref` is a keyed hash of the erased beneficiary's id: after restoring a backup, it tells
    which restored person must be erased again, and without the key it identifies nobody.
    """

    class RequestedBy(models.TextChoices):
        ADMIN = "admin", _("administrateur")
        COUNSELLOR = "counsellor", _("conseiller")
        OPERATOR = "operator", _("exploitant (commande)")

    subject_ref = models.CharField(_("référence pseudonyme"), max_length=64, db_index=True)
    structure = models.ForeignKey(
        Structure, on_delete=models.SET_NULL, null=True, blank=True, related_name="erasures"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by_role = models.CharField(_("demandé par"), max_length=16, choices=RequestedBy.choices)
    declarations = models.PositiveIntegerField(_("déclarations"), default=0)
    steps = models.PositiveIntegerField(_("démarches"), default=0)
    reviews = models.PositiveIntegerField(_("décisions"), default=0)
    audio_files = models.PositiveIntegerField(_("fichiers audio"), default=0)
    erased_at = models.DateTimeField(_("effacé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("effacement RGPD")
        verbose_name_plural = _("effacements RGPD")
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"Effacement {self.subject_ref[:12]} le {self.erased_at:%d/%m/%Y}"


@receiver(post_delete, sender=Declaration)
def _delete_audio_with_declaration(sender: type[Declaration], instance: Declaration, **kwargs: Any) -> None:
    # Whatever deletes a declaration (erasure, the admin, a cascade), its recording goes too, once the
    # deletion is committed: a rolled-back deletion must not leave rows pointing at a missing file.
    name = instance.audio.name
    if name:
        storage = instance.audio.storage
        transaction.on_commit(lambda: storage.delete(name))


# --- The managers' report roll-up --------------------------------------------------------------------
# Derived data, never edited by hand: `declarations.rollup` recomputes the rows of a (beneficiary, week)
# inside the transaction of every change, and `manage.py rebuild_report_rollup` recomputes them all.
# The beneficiary link has no database constraint on purpose: an erasure deletes the person first and
# their rows when its transaction ends, and the report joins through live beneficiaries only.


ALL_CATEGORIES = ""  # ReportStepWeek.category of a beneficiary-week's all-categories row


class ReportStepWeek(models.Model):
    """Counted steps (done steps of sent declarations) of one beneficiary, CEJ week and category; one more
    row per beneficiary-week, category ALL_CATEGORIES, sums them all (whether the week reaches the target
    is read there, without regrouping the categories)."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    week = models.DateField(_("semaine (lundi)"))
    category = models.CharField(_("catégorie"), max_length=32, choices=Category.choices, blank=True)
    steps_pending = models.PositiveIntegerField(default=0)
    steps_validated = models.PositiveIntegerField(default=0)
    steps_rejected = models.PositiveIntegerField(default=0)
    validated_hours = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("agrégat hebdomadaire de démarches")
        verbose_name_plural = _("agrégats hebdomadaires de démarches")
        # Week first: the report reads a range of weeks, a recomputation a few weeks of one person.
        constraints = [
            models.UniqueConstraint(fields=["week", "beneficiary", "category"], name="unique_report_step_week"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_id} · {self.week:%d/%m/%Y} · {self.category}"


class ReportDeclarationWeek(models.Model):
    """Declarations of one beneficiary recorded in one CEJ week (Europe/Paris), per status; for submitted
    ones, how many of their steps wait for the counsellor's decision (the counsellors' workload)."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    week = models.DateField(_("semaine (lundi)"))
    status = models.CharField(_("statut"), max_length=16, choices=Declaration.Status.choices)
    declarations = models.PositiveIntegerField(default=0)
    steps_pending = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agrégat hebdomadaire de déclarations")
        verbose_name_plural = _("agrégats hebdomadaires de déclarations")
        constraints = [
            models.UniqueConstraint(fields=["week", "beneficiary", "status"], name="unique_report_declaration_week"),
        ]
        indexes = [models.Index(fields=["status"], name="report_declaration_week_status")]

    def __str__(self) -> str:
        return f"{self.beneficiary_id} · {self.week:%d/%m/%Y} · {self.status}"


@receiver(pre_save, sender=Step)
@receiver(pre_save, sender=Declaration)
def _report_rollup_before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from declarations import rollup

    rollup.before_save(instance, raw=kwargs.get("raw", False), update_fields=kwargs.get("update_fields"))


@receiver(post_save, sender=Step)
@receiver(post_save, sender=Declaration)
def _report_rollup_after_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from declarations import rollup

    rollup.after_save(instance, raw=kwargs.get("raw", False), update_fields=kwargs.get("update_fields"))


@receiver(post_delete, sender=Step)
@receiver(post_delete, sender=Declaration)
def _report_rollup_after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from declarations import rollup

    rollup.after_delete(instance)
