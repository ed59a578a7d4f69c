"""The framework library under ``/api/v1/``."""

from __future__ import annotations

from django.urls import path

from frameworks.api import views

urlpatterns = [
    path("frameworks/", views.FrameworkList.as_view(), name="api-frameworks"),
    path("frameworks/<slug:framework_slug>/", views.FrameworkDetail.as_view(), name="api-framework"),
]
