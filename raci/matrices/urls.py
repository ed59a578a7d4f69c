"""Matrix pages, under ``o/<org_slug>/``: home, adopt, the editor, files and history."""

from __future__ import annotations

from django.urls import path

from raci.matrices.views import adopt, editor, files, from_table, history, home

matrix = "m/<int:matrix_id>/"

urlpatterns = [
    path("", home.organization_home, name="organization-detail"),
    path("adopt/", adopt.adopt_library, name="adopt-library"),
    path("new/", adopt.matrix_new, name="matrix-new"),
    path("new/table/", from_table.matrix_new_table, name="matrix-new-table"),
    path("adopt/<slug:framework_slug>/", adopt.adopt_framework, name="adopt-framework"),
    path(matrix, editor.matrix_detail, name="matrix-detail"),
    path(matrix + "rows/", editor.matrix_rows, name="matrix-rows"),
    path(matrix + "cell/", editor.cell_update, name="matrix-cell"),
    path(matrix + "fix/", editor.fix_apply, name="matrix-fix"),
    path(matrix + "settings/", editor.matrix_settings, name="matrix-settings"),
    path(matrix + "tasks/add/", editor.task_add, name="task-add"),
    path(matrix + "t/<int:task_id>/edit/", editor.task_edit, name="task-edit"),
    path(matrix + "t/<int:task_id>/move/", editor.task_move, name="task-move"),
    path(matrix + "t/<int:task_id>/restore/", editor.task_restore, name="task-restore"),
    path(matrix + "columns/", editor.columns_update, name="matrix-columns"),
    path(matrix + "export/<str:kind>/", files.matrix_export, name="matrix-export"),
    path(matrix + "import/", files.matrix_import, name="matrix-import"),
    path(matrix + "history/", history.history, name="matrix-history"),
]
