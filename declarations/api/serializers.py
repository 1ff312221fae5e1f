"""Input and output shapes of the API. No business logic here: services decide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from declarations import selectors
from declarations.categories import Category, Kind
from declarations.hours import EARLIEST_DATE, LATEST_DATE, in_calendar, week_start
from declarations.models import Declaration, Review, Step
from declarations.people import display_name
from declarations.selectors import QueueEstimate


class ReviewOutputSerializer(serializers.ModelSerializer):
    """A decision as anyone may read it: who made it by name and role, never by login name."""

    reviewer = serializers.SerializerMethodField()
    reviewer_role = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["decision", "reason", "reason_label", "comment", "changes", "reviewer", "reviewer_role", "created_at"]

    reason_label = serializers.SerializerMethodField(help_text="Le motif du refus en français (vide pour une validation).")

    def get_reason_label(self, review: Review) -> str:
        return str(review.get_reason_display()) if review.reason else ""

    def get_reviewer(self, review: Review) -> str:
        return display_name(review.reviewer, "counsellor")

    def get_reviewer_role(self, review: Review) -> str:
        return "conseiller"


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class StepReplySerializer(serializers.Serializer):
    comment = serializers.CharField()
    replied_at = serializers.DateTimeField()


class ReplyInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=1000, trim_whitespace=True)


class AttentionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code stable, par exemple doubtful_word.")
    message = serializers.CharField(help_text="En français, par exemple « mot incertain : jeudi ? ».")


class StepOutputSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(allow_null=True)
    needs_attention = serializers.SerializerMethodField(
        help_text="Vrai quand la démarche est à vérifier de près (voir attention)."
    )
    attention = AttentionSerializer(many=True, read_only=True, help_text="Pourquoi la vérifier.")
    job_title = serializers.CharField(allow_null=True)
    review = serializers.SerializerMethodField()
    reply = serializers.SerializerMethodField(help_text="La réponse du jeune à un refus, s'il a répondu.")

    class Meta:
        model = Step
        fields = [
            "id", "category", "kind", "status", "date", "count", "organization", "job_title", "rome_code",
            "duration_minutes", "evidence", "evidence_start", "evidence_end", "confidence",
            "needs_attention", "attention", "demarche_pourquoi", "demarche_quoi", "demarche_comment", "origin", "hours", "decision", "review",
            "reply",
        ]

    def to_representation(self, instance: Step) -> dict[str, Any]:
        data = super().to_representation(instance)
        for field in ("organization", "job_title"):
            data[field] = data[field] or None
        if instance.decision == Step.Decision.REJECTED:
            data["hours"] = "0.00"  # a refused step counts for nothing, wherever it is shown
        return data

    def get_needs_attention(self, step: Step) -> bool:
        return bool(step.attention)

    @extend_schema_field(StepReplySerializer(allow_null=True))
    def get_reply(self, step: Step) -> dict[str, Any] | None:
        return {"comment": step.reply, "replied_at": step.replied_at} if step.replied_at else None

    def get_review(self, step: Step) -> dict[str, Any] | None:
        reviews = list(step.reviews.all())
        return ReviewOutputSerializer(reviews[-1]).data if reviews else None


class DeclarationOutputSerializer(serializers.ModelSerializer):
    steps = StepOutputSerializer(many=True, read_only=True)
    beneficiary = serializers.SerializerMethodField()
    queue_position = serializers.SerializerMethodField(
        help_text="Tant que la note attend (received) : sa place dans la file (1 = la prochaine)."
    )
    estimated_ready_at = serializers.SerializerMethodField(
        help_text="Tant que la note attend : quand elle devrait être prête à confirmer (estimation)."
    )

    class Meta:
        model = Declaration
        fields = [
            "id", "client_id", "status", "error", "error_code", "recorded_at", "source", "transcript",
            "words", "audio_duration_s", "created_at", "updated_at", "submitted_at", "reviewed_at",
            "beneficiary", "queue_position", "estimated_ready_at", "steps",
        ]

    @extend_schema_field(PersonRefSerializer)
    def get_beneficiary(self, declaration: Declaration) -> dict[str, Any]:
        return {"id": declaration.beneficiary_id, "display_name": display_name(declaration.beneficiary.user, "beneficiary")}

    def _wait(self, declaration: Declaration) -> QueueEstimate | None:
        if declaration.status != Declaration.Status.RECEIVED:
            return None
        cache = self.context.setdefault("queue_estimates", {})
        if declaration.pk not in cache:
            cache[declaration.pk] = selectors.queue_estimate(declaration)
        return cache[declaration.pk]  # type: ignore[no-any-return]

    def get_queue_position(self, declaration: Declaration) -> int | None:
        wait = self._wait(declaration)
        return wait.position if wait else None

    def get_estimated_ready_at(self, declaration: Declaration) -> datetime | None:
        wait = self._wait(declaration)
        return wait.ready_at if wait else None


class DeclarationPageOutputSerializer(serializers.Serializer):
    """One page of declarations, as PageNumberPagination answers it."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DeclarationOutputSerializer(many=True)


# A note recorded before this, or more than a year ahead of the server's clock, is a broken client, not
# a note (and dates before 1911 would come back in Paris' local mean time, +00:09:21, no valid offset).
EARLIEST_RECORDING = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_RECORDING_AHEAD = timedelta(days=366)


class DeclarationCreateInputSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    recorded_at = serializers.DateTimeField()
    audio = serializers.FileField(required=False, allow_empty_file=True)
    text = serializers.CharField(required=False, max_length=20_000, trim_whitespace=True)

    def validate_recorded_at(self, value: datetime) -> datetime:
        if not EARLIEST_RECORDING <= value <= timezone.now() + LATEST_RECORDING_AHEAD:
            raise serializers.ValidationError(_("Cette date d'enregistrement n'est pas plausible."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("audio" in attrs) == ("text" in attrs):
            raise serializers.ValidationError(_("Envoyez soit une note vocale (audio), soit un texte (text)."))
        return attrs


class StepFieldsInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Step.Status.choices, required=False)
    date = serializers.DateField(required=False, allow_null=True)
    count = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000)
    organization = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=200)
    job_title = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=200)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=24 * 60)


class StepCorrectionInputSerializer(StepFieldsInputSerializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False)


class ReviewInputSerializer(StepCorrectionInputSerializer):
    decision = serializers.ChoiceField(choices=[Step.Decision.VALIDATED, Step.Decision.REJECTED])
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    reason = serializers.ChoiceField(
        choices=Review.Reason.choices,
        required=False,
        help_text="Motif d'un refus ; « other » (par défaut) demande un commentaire.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


DEFAULT_WEEKS = 8


class WeeksQueryInputSerializer(serializers.Serializer):
    # `from` is a Python keyword: declared below with its public name. Both default to the last
    # DEFAULT_WEEKS weeks, the current one included.
    to = serializers.DateField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not all(in_calendar(attrs[name]) for name in ("from", "to") if name in attrs):
            raise serializers.ValidationError(_("Les dates doivent être comprises entre le 01/01/2000 et le 31/12/2099."))
        span = timedelta(weeks=DEFAULT_WEEKS)
        if "from" in attrs and "to" not in attrs:
            attrs["to"] = min(week_start(attrs["from"]) + span - timedelta(days=1), LATEST_DATE)
        attrs.setdefault("to", timezone.localdate())
        attrs.setdefault("from", max(week_start(attrs["to"]) - span + timedelta(days=7), EARLIEST_DATE))
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError(_("La date de début doit précéder la date de fin."))
        if (attrs["to"] - attrs["from"]).days > 366:
            raise serializers.ValidationError(_("La période demandée ne peut pas dépasser un an."))
        return attrs


class WeekOutputSerializer(serializers.Serializer):
    week = serializers.CharField()
    week_start = serializers.DateField()
    declared_hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    validated_hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    target_hours = serializers.DecimalField(max_digits=7, decimal_places=2)
