"""The matrix editor and adopting a framework."""

from __future__ import annotations

from django.urls import path

from raci import revision_pages, views

urlpatterns = [
    path("adopt/", views.adopt_library, name="adopt-library"),
    path("adopt/<slug:framework_slug>/", views.adopt_framework, name="adopt-framework"),
    path("m/<int:matrix_id>/", views.matrix_detail, name="matrix-detail"),
    path("m/<int:matrix_id>/cell/", views.cell_update, name="matrix-cell"),
    path("m/<int:matrix_id>/settings/", views.matrix_settings, name="matrix-settings"),
    path("m/<int:matrix_id>/tasks/add/", views.task_add, name="task-add"),
    path("m/<int:matrix_id>/t/<int:task_id>/edit/", views.task_edit, name="task-edit"),
    path("m/<int:matrix_id>/t/<int:task_id>/move/", views.task_move, name="task-move"),
    path("m/<int:matrix_id>/t/<int:task_id>/restore/", views.task_restore, name="task-restore"),
    path("m/<int:matrix_id>/columns/", views.columns_update, name="matrix-columns"),
    path("m/<int:matrix_id>/export/<str:kind>/", views.matrix_export, name="matrix-export"),
    path("m/<int:matrix_id>/import/", views.matrix_import, name="matrix-import"),
    path("m/<int:matrix_id>/history/", revision_pages.history, name="matrix-history"),
    path("m/<int:matrix_id>/revisions/", revision_pages.revision_list, name="revision-list"),
    path("m/<int:matrix_id>/revisions/compare/", revision_pages.revision_compare, name="revision-compare"),
    path("m/<int:matrix_id>/revisions/<int:number>/", revision_pages.revision_detail, name="revision-detail"),
    path(
        "m/<int:matrix_id>/revisions/<int:number>/restore/",
        revision_pages.revision_restore,
        name="revision-restore",
    ),
    path(
        "m/<int:matrix_id>/revisions/<int:number>/export/<str:kind>/",
        revision_pages.revision_export,
        name="revision-export",
    ),
    path(
        "m/<int:matrix_id>/revisions/<int:number>/signoffs/<int:signoff_id>/",
        revision_pages.signoff_decide,
        name="signoff-decide",
    ),
    path(
        "m/<int:matrix_id>/revisions/<int:number>/acknowledge/",
        revision_pages.acknowledge,
        name="acknowledge",
    ),
]
