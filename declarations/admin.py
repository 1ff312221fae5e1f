from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from declarations import privacy
from declarations.models import (
    Beneficiary,
    CategoryWeight,
    Counsellor,
    Declaration,
    ErasureRecord,
    Manager,
    Review,
    Step,
    Structure,
)
from declarations.services import DomainError


class CategoryWeightInline(admin.TabularInline):
    model = CategoryWeight
    extra = 0


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "weekly_target_hours"]
    inlines = [CategoryWeightInline]


@admin.register(Counsellor)
class CounsellorAdmin(admin.ModelAdmin):
    list_display = ["user", "structure"]
    list_select_related = ["user", "structure"]


@admin.register(Beneficiary)
class BeneficiaryAdmin(admin.ModelAdmin):
    """Deleting a young person here is their RGPD erasure: account, data and recordings go, an
    ErasureRecord stays (and the admin's own history keeps no label naming them)."""

    list_display = ["user", "structure", "counsellor"]
    list_select_related = ["user", "structure", "counsellor__user"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            function, name, _ = actions["delete_selected"]
            actions["delete_selected"] = (function, name, "Effacer les données des jeunes sélectionnés (RGPD)")
        return actions

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, set[str], Any]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Reviews are append-only in the admin, yet an erasure takes them along with the rest.
        perms_needed.discard(str(Review._meta.verbose_name))
        return deleted, counts, perms_needed, protected

    def log_deletions(self, request: HttpRequest, queryset: Any) -> list[Any]:
        return []  # an entry would carry the person's name; the ErasureRecord is the trace

    def delete_model(self, request: HttpRequest, obj: Beneficiary) -> None:
        self.delete_queryset(request, Beneficiary.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Beneficiary]) -> None:
        for beneficiary in queryset.select_related("user"):
            try:
                privacy.erase_beneficiary(beneficiary=beneficiary, requested_by=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)


@admin.register(Manager)
class ManagerAdmin(admin.ModelAdmin):
    list_display = ["user"]
    filter_horizontal = ["structures"]


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    # Transcripts and audio are personal data: the admin shows processing facts, not content.
    list_display = ["id", "beneficiary", "status", "error_code", "recorded_at", "engine", "created_at"]
    list_filter = ["status", "source", "engine"]
    list_select_related = ["beneficiary__user"]
    fields = [
        "beneficiary", "client_id", "recorded_at", "source", "status", "error", "error_code", "engine",
        "engine_model", "audio_duration_s", "decode_seconds", "transcribe_seconds", "extract_seconds",
        "attempts", "created_at", "processed_at", "submitted_at", "reviewed_at",
    ]
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["step", "decision", "reviewer", "created_at"]
    readonly_fields = ["step", "reviewer", "decision", "comment", "changes", "created_at"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(Step)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ["erased_at", "subject_ref", "structure", "requested_by_role", "declarations", "audio_files"]
    list_filter = ["requested_by_role", "structure"]
    readonly_fields = [
        "subject_ref", "structure", "requested_by", "requested_by_role", "declarations", "steps", "reviews",
        "audio_files", "erased_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
