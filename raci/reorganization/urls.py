"""The reorganization page, under ``/o/<slug>/``."""

from __future__ import annotations

from django.urls import path

from raci.reorganization import views

urlpatterns = [path("reorganize/", views.reorganize, name="reorganize")]
