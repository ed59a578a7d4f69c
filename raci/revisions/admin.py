from __future__ import annotations

from django.contrib import admin

from orgs.admin import ReadOnlyAdmin
from raci.revisions.models import Acknowledgement, Revision, SignOff


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
