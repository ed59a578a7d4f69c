"""Revision pages, under ``o/<org_slug>/``: publish, list, compare, one revision, restore, export,
sign-off and acknowledgement."""

from __future__ import annotations

from django.urls import path

from raci.revisions import views

revisions = "m/<int:matrix_id>/revisions/"
revision = revisions + "<int:number>/"

urlpatterns = [
    path(revisions, views.revision_list, name="revision-list"),
    path(revisions + "compare/", views.revision_compare, name="revision-compare"),
    path(revision, views.revision_detail, name="revision-detail"),
    path(revision + "restore/", views.revision_restore, name="revision-restore"),
    path(revision + "export/<str:kind>/", views.revision_export, name="revision-export"),
    path(revision + "signoffs/<int:signoff_id>/", views.signoff_decide, name="signoff-decide"),
    path(revision + "acknowledge/", views.acknowledge, name="acknowledge"),
]
