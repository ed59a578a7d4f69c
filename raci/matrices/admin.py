from __future__ import annotations

from django.contrib import admin

from orgs.admin import ReadOnlyAdmin
from raci.matrices.models import Assignment, ChangeRecord, Matrix, MatrixRole, Task


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
