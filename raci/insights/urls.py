"""Who does what and the analysis pages (person, role, task, search, overlap, workload, what-if)."""

from __future__ import annotations

from django.urls import path

from raci.insights.views import analyses, company_map, people, search

urlpatterns = [
    path("search/", search.search, name="search"),
    path("map/", company_map.organization_map, name="organization-map"),
    path("people/<int:person_id>/", people.person_detail, name="person-detail"),
    path("roles/<int:role_id>/", people.role_detail, name="role-detail"),
    path("m/<int:matrix_id>/t/<int:task_id>/", people.task_detail, name="task-detail"),
    path("m/<int:matrix_id>/overlap/", analyses.matrix_overlap, name="matrix-overlap"),
    path("m/<int:matrix_id>/workload/", analyses.matrix_workload, name="matrix-workload"),
    path("m/<int:matrix_id>/what-if/", analyses.matrix_what_if, name="matrix-what-if"),
    path("m/<int:matrix_id>/what-if/save/", analyses.matrix_what_if_save, name="matrix-what-if-save"),
]
