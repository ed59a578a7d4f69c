from __future__ import annotations

from django.contrib import admin

from orgs.admin import ReadOnlyAdmin
from raci.discussion.models import Comment, Thread


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    """Looked at, not edited: members discuss on the matrix's pages or the API."""

    list_display = ["id", "matrix", "task", "role", "created_at", "resolved_at", "resolved_revision"]
    list_select_related = ["matrix", "task", "role"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "thread", "author", "created_at"]
    list_select_related = ["author"]
