"""Settings pages for an organization (roles, people, members) and the user's API tokens."""

from __future__ import annotations

from django.urls import path

from orgs import invitation_views, team_views
from orgs import settings_views as views

settings = "o/<slug:org_slug>/settings/"

urlpatterns = [
    path(settings + "roles/", views.roles, name="settings-roles"),
    path(settings + "roles/split-pairs/", views.split_pairs, name="settings-split-pairs"),
    path(settings + "roles/<int:role_id>/edit/", views.role_edit, name="settings-role-edit"),
    path(settings + "roles/<int:role_id>/delete/", views.role_delete, name="settings-role-delete"),
    path(settings + "people/", views.people, name="settings-people"),
    path(settings + "people/<int:person_id>/edit/", views.person_edit, name="settings-person-edit"),
    path(
        settings + "people/<int:person_id>/deactivate/",
        views.person_set_active,
        {"active": False},
        name="settings-person-deactivate",
    ),
    path(
        settings + "people/<int:person_id>/reactivate/",
        views.person_set_active,
        {"active": True},
        name="settings-person-reactivate",
    ),
    path(settings + "people/<int:person_id>/delete/", views.person_delete, name="settings-person-delete"),
    path(settings + "teams/", team_views.teams, name="settings-teams"),
    path(settings + "teams/<int:team_id>/", team_views.team_detail, name="settings-team"),
    path(settings + "teams/<int:team_id>/delete/", team_views.team_delete, name="settings-team-delete"),
    path(
        settings + "teams/<int:team_id>/holdings/<int:holding_id>/remove/",
        team_views.team_holding_remove,
        name="settings-team-holding-remove",
    ),
    path(settings + "members/", views.members, name="settings-members"),
    path(settings + "members/<int:member_id>/level/", views.member_level, name="settings-member-level"),
    path(settings + "members/<int:member_id>/remove/", views.member_remove, name="settings-member-remove"),
    path(settings + "members/<int:member_id>/unlock/", views.member_unlock, name="settings-member-unlock"),
    path(settings + "members/invite/", invitation_views.invite, name="settings-invite"),
    path(settings + "members/discussion/", views.discussion_setting, name="settings-discussion"),
    path(settings + "members/sso/", invitation_views.sso_domain, name="settings-sso-domain"),
    path(
        settings + "invitations/<int:invitation_id>/resend/",
        invitation_views.resend,
        name="settings-invitation-resend",
    ),
    path(
        settings + "invitations/<int:invitation_id>/revoke/",
        invitation_views.revoke,
        name="settings-invitation-revoke",
    ),
    path("account/tokens/", views.api_tokens, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
