from django.contrib import admin

from orgs.models import ApiToken, Invitation, Membership, Organization, Person, Role, RoleHolding, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "headcount", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, RoleInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "level"]
    list_filter = ["level", "organization"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "organization", "order"]
    list_filter = ["organization"]
    list_select_related = ["organization"]
    search_fields = ["code", "name"]


class RoleHoldingInline(admin.TabularInline):
    model = RoleHolding
    extra = 0
    raw_id_fields = ["role", "team"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "path"]
    list_select_related = ["organization"]
    search_fields = ["name"]
    raw_id_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organization", "active"]
    list_filter = ["active", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "email"]
    filter_horizontal = ["teams"]
    raw_id_fields = ["user"]
    inlines = [RoleHoldingInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "read_only", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["read_only"]
    list_select_related = ["user"]
    # Only a hash is stored; there is nothing to show or edit but the metadata.
    exclude = ["key_hash"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and frozen revisions are never edited, not even by staff."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "level", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["level", "organization"]
    list_select_related = ["organization"]
    search_fields = ["email"]
    # The key is what the emailed link signs: never shown, never edited by hand.
    exclude = ["key"]
    readonly_fields = ["accepted_at", "accepted_by", "created_at"]
    autocomplete_fields = ["organization", "invited_by"]
    raw_id_fields = ["person"]
