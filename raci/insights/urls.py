"""Who does what and the analysis pages (person, role, task, search, overlap, workload, what-if)."""

from __future__ import annotations

from django.urls import path

from raci.insights import views as insights

urlpatterns = [
    path("search/", insights.search, name="search"),
    path("people/<int:person_id>/", insights.person_detail, name="person-detail"),
    path("roles/<int:role_id>/", insights.role_detail, name="role-detail"),
    path("m/<int:matrix_id>/t/<int:task_id>/", insights.task_detail, name="task-detail"),
    path("m/<int:matrix_id>/overlap/", insights.matrix_overlap, name="matrix-overlap"),
    path("m/<int:matrix_id>/workload/", insights.matrix_workload, name="matrix-workload"),
    path("m/<int:matrix_id>/what-if/", insights.matrix_what_if, name="matrix-what-if"),
]
