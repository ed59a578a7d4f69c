"""Presentation export pages (included from raci/urls.py under ``o/<slug:org_slug>/``)."""

from __future__ import annotations

from django.urls import path

from raci.exports import views

urlpatterns = [
    path("m/<int:matrix_id>/present/<str:kind>/", views.presentation_export, name="matrix-present"),
    path("exports/<uuid:job_id>/", views.export_job, name="export-job"),
    path("exports/<uuid:job_id>/file/", views.export_job_file, name="export-job-file"),
]
