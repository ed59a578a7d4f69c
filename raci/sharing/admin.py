from __future__ import annotations

from django.contrib import admin

from orgs.admin import ReadOnlyAdmin
from raci.sharing.models import ShareLink


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    """Looked at, not edited: owners make and revoke links on the matrix's page or the API."""

    list_display = ["name", "matrix", "created_at", "expires_at", "revoked_at", "use_count"]
    list_select_related = ["matrix"]
    exclude = ["key_hash"]
