"""Who does what and the analysis pages (person, role, task, search, overlap, workload, what-if)."""

from __future__ import annotations

from django.urls import path

from raci import insights

urlpatterns = [
    path("search/", insights.search, name="search"),
]
