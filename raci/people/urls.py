"""People import, under ``o/<org_slug>/`` beside the people settings page."""

from __future__ import annotations

from django.urls import path

from raci.people import views

urlpatterns = [
    path("settings/people/import/", views.people_import_page, name="people-import"),
]
