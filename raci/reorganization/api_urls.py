"""A reorganization under ``/api/v1/``."""

from __future__ import annotations

from django.urls import path

from raci.reorganization import api

urlpatterns = [
    path("orgs/<slug:org_slug>/reorganization/", api.ReorganizationView.as_view(), name="api-reorganization")
]
