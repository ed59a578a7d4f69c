"""Revisions under ``/api/v1/``: publish, list, compare, restore, export, sign-off, acknowledge."""

from __future__ import annotations

from django.urls import path

from raci.revisions import api

revisions = "orgs/<slug:org_slug>/matrices/<int:matrix_id>/revisions/"
revision = revisions + "<int:number>/"

urlpatterns = [
    path(revisions, api.RevisionList.as_view(), name="api-revisions"),
    path(revisions + "compare/", api.RevisionCompare.as_view(), name="api-revisions-compare"),
    path(revision, api.RevisionDetail.as_view(), name="api-revision"),
    path(revision + "restore/", api.RevisionRestore.as_view(), name="api-revision-restore"),
    path(revision + "export/", api.RevisionExport.as_view(), name="api-revision-export"),
    path(revision + "signoffs/<int:signoff_id>/", api.SignOffDecide.as_view(), name="api-signoff"),
    path(revision + "acknowledge/", api.Acknowledge.as_view(), name="api-acknowledge"),
]
