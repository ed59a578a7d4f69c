"""The matrix editor and adopting a framework."""

from __future__ import annotations

from django.urls import path

from raci import views

urlpatterns = [
    path("adopt/", views.adopt_library, name="adopt-library"),
    path("m/<int:matrix_id>/", views.matrix_detail, name="matrix-detail"),
]
