"""Organizations, members, roles and people under ``/api/v1/``."""

from __future__ import annotations

from django.urls import path

from orgs.api import invitations, teams, views

org = "orgs/<slug:org_slug>/"

urlpatterns = [
    path("orgs/", views.OrganizationList.as_view(), name="api-orgs"),
    path(org, views.OrganizationDetail.as_view(), name="api-org"),
    path(org + "members/", views.MemberList.as_view(), name="api-members"),
    path(org + "members/<int:member_id>/", views.MemberDetail.as_view(), name="api-member"),
    path(org + "invitations/", invitations.InvitationList.as_view(), name="api-invitations"),
    path(
        org + "invitations/<int:invitation_id>/",
        invitations.InvitationDetail.as_view(),
        name="api-invitation",
    ),
    path(
        org + "invitations/<int:invitation_id>/resend/",
        invitations.InvitationResend.as_view(),
        name="api-invitation-resend",
    ),
    path(org + "roles/", views.RoleList.as_view(), name="api-roles"),
    path(org + "roles/<int:role_id>/", views.RoleDetail.as_view(), name="api-role"),
    path(org + "people/", views.PersonList.as_view(), name="api-people"),
    path(org + "people/<int:person_id>/", views.PersonDetail.as_view(), name="api-person"),
    path(org + "teams/", teams.TeamList.as_view(), name="api-teams"),
    path(org + "teams/<int:team_id>/", teams.TeamDetail.as_view(), name="api-team"),
    path(org + "teams/<int:team_id>/members/", teams.TeamMembers.as_view(), name="api-team-members"),
    path(org + "holdings/", teams.HoldingList.as_view(), name="api-holdings"),
    path(org + "holdings/<int:holding_id>/", teams.HoldingDetail.as_view(), name="api-holding"),
]
