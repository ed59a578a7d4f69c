"""Analyses under ``/api/v1/``: findings, workload, overlap, what-if, gap; a person's responsibilities."""

from __future__ import annotations

from django.urls import path

from raci.insights import api

matrix = "orgs/<slug:org_slug>/matrices/<int:matrix_id>/"

urlpatterns = [
    path(
        "orgs/<slug:org_slug>/people/<int:person_id>/responsibilities/",
        api.PersonResponsibilities.as_view(),
        name="api-person-responsibilities",
    ),
    path("orgs/<slug:org_slug>/map/", api.CompanyMapView.as_view(), name="api-organization-map"),
    path(matrix + "findings/", api.FindingsView.as_view(), name="api-findings"),
    path(matrix + "workload/", api.WorkloadView.as_view(), name="api-workload"),
    path(matrix + "overlap/", api.OverlapView.as_view(), name="api-overlap"),
    path(matrix + "what-if/", api.WhatIfView.as_view(), name="api-what-if"),
    path(matrix + "what-if/save/", api.WhatIfSaveView.as_view(), name="api-what-if-save"),
    path(matrix + "gap/", api.GapView.as_view(), name="api-gap"),
]
