from django.contrib import admin

from raci.models import (
    Acknowledgement,
    Assignment,
    ChangeRecord,
    Matrix,
    MatrixRole,
    OutboxEvent,
    Revision,
    SignOff,
    Task,
    WebhookDelivery,
    WebhookEndpoint,
)


class MatrixRoleInline(admin.TabularInline):
    model = MatrixRole
    extra = 0
    raw_id_fields = ["role"]


@admin.register(Matrix)
class MatrixAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "scheme", "status", "version", "updated_at"]
    list_filter = ["status", "scheme", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [MatrixRoleInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "matrix", "order", "archived"]
    list_filter = ["archived", "matrix"]
    list_select_related = ["matrix"]
    search_fields = ["name", "stage"]
    raw_id_fields = ["activity"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "role", "letters"]
    list_filter = ["task__matrix"]
    list_select_related = ["task", "role"]
    raw_id_fields = ["task", "role"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and frozen revisions are never edited, not even by staff."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "matrix",
        "actor",
        "channel",
        "kind",
        "field",
        "task_name",
        "role_code",
        "before",
        "after",
    ]
    list_filter = ["channel", "kind"]
    list_select_related = ["matrix", "actor"]
    search_fields = ["task_name", "role_code"]


class SignOffInline(admin.TabularInline):
    model = SignOff
    extra = 0
    can_delete = False
    readonly_fields = ["person", "decision", "comment", "decided_at", "decided_by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = [
        "matrix",
        "number",
        "published_at",
        "published_by",
        "health",
        "error_count",
        "signoff_required",
    ]
    list_select_related = ["matrix", "published_by"]
    exclude = ["snapshot"]
    inlines = [SignOffInline]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["revision", "person", "at"]
    list_select_related = ["revision__matrix", "person"]


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "organization", "dispatched_at", "attempts", "last_error"]
    list_filter = ["kind"]
    list_select_related = ["organization"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "organization", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    list_select_related = ["organization"]
    # The signing secret is never shown again after creation.
    exclude = ["secret"]
    readonly_fields = ["consecutive_failures", "disabled_at", "created_by", "created_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["endpoint"]
