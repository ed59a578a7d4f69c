"""The matrix API under ``/api/v1/``: matrices, tasks, grid, assignments, files, history."""

from __future__ import annotations

from django.urls import path

from raci.matrices.api import history, views

matrix = "orgs/<slug:org_slug>/matrices/<int:matrix_id>/"

urlpatterns = [
    path("orgs/<slug:org_slug>/matrices/", views.MatrixList.as_view(), name="api-matrices"),
    path(matrix, views.MatrixDetail.as_view(), name="api-matrix"),
    path(matrix + "tasks/", views.TaskList.as_view(), name="api-tasks"),
    path(matrix + "tasks/reorder/", views.TaskReorder.as_view(), name="api-tasks-reorder"),
    path(matrix + "tasks/<int:task_id>/", views.TaskDetail.as_view(), name="api-task"),
    path(matrix + "grid/", views.GridView.as_view(), name="api-grid"),
    path(matrix + "assignments/", views.AssignmentList.as_view(), name="api-assignments"),
    path(matrix + "export/", views.ExportView.as_view(), name="api-export"),
    path(matrix + "import/", views.ImportView.as_view(), name="api-import"),
    path(matrix + "save-as-framework/", views.SaveAsFramework.as_view(), name="api-save-as-framework"),
    path(matrix + "history/", history.HistoryList.as_view(), name="api-history"),
]
