from django.contrib import admin

from raci.models import Assignment, Matrix, MatrixRole, Task


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
