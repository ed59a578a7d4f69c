"""Pages outside any one organization: creating one, and the invitation link."""

from __future__ import annotations

from django.urls import path

from orgs import invitation_views, views

urlpatterns = [
    path("orgs/new/", views.organization_create, name="organization-create"),
    path("invitations/<str:token>/", invitation_views.accept, name="invitation-accept"),
]
