from django.contrib import admin

from declarations.models import (
    Beneficiary,
    CategoryWeight,
    Counsellor,
    Declaration,
    Manager,
    Review,
    Step,
    Structure,
)


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
    list_display = ["user", "structure", "counsellor"]
    list_select_related = ["user", "structure", "counsellor__user"]


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
