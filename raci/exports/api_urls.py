"""Presentation exports of /api/v1/ (included from raci/urls.py)."""

from __future__ import annotations

from django.urls import path

from raci.exports import api

matrix = "orgs/<slug:org_slug>/matrices/<int:matrix_id>/"
job = "orgs/<slug:org_slug>/exports/<uuid:job_id>/"

urlpatterns = [
    path(matrix + "presentation/", api.PresentationView.as_view(), name="api-presentation"),
    path(matrix + "exports/", api.ExportJobCreate.as_view(), name="api-export-jobs"),
    path(job, api.ExportJobDetail.as_view(), name="api-export-job"),
    path(job + "file/", api.ExportJobFile.as_view(), name="api-export-job-file"),
]
