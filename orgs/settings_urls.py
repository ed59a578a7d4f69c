"""Settings pages for an organization (roles, people, members) and the user's API tokens."""

from __future__ import annotations

from django.urls import path

from orgs import settings_views as views

urlpatterns = [
    path("o/<slug:org_slug>/settings/roles/", views.roles, name="settings-roles"),
    path("o/<slug:org_slug>/settings/people/", views.people, name="settings-people"),
    path("o/<slug:org_slug>/settings/members/", views.members, name="settings-members"),
    path("account/tokens/", views.api_tokens, name="api-tokens"),
]
