"""Every endpoint of /api/v1/. Organization-scoped ones resolve access in OrgScopedView."""

from __future__ import annotations

from django.urls import path

from frameworks.api import views as framework_views
from orgs.api import views as org_views
from raci.api import revision_views
from raci.api import views as matrix_views

org = "orgs/<slug:org_slug>/"
matrix = org + "matrices/<int:matrix_id>/"
revision = matrix + "revisions/<int:number>/"

urlpatterns = [
    path("orgs/", org_views.OrganizationList.as_view(), name="api-orgs"),
    path(org, org_views.OrganizationDetail.as_view(), name="api-org"),
    path(org + "members/", org_views.MemberList.as_view(), name="api-members"),
    path(org + "members/<int:member_id>/", org_views.MemberDetail.as_view(), name="api-member"),
    path(org + "roles/", org_views.RoleList.as_view(), name="api-roles"),
    path(org + "roles/<int:role_id>/", org_views.RoleDetail.as_view(), name="api-role"),
    path(org + "people/", org_views.PersonList.as_view(), name="api-people"),
    path(org + "people/<int:person_id>/", org_views.PersonDetail.as_view(), name="api-person"),
    path(
        org + "people/<int:person_id>/responsibilities/",
        matrix_views.PersonResponsibilities.as_view(),
        name="api-person-responsibilities",
    ),
    path("frameworks/", framework_views.FrameworkList.as_view(), name="api-frameworks"),
    path(
        "frameworks/<slug:framework_slug>/", framework_views.FrameworkDetail.as_view(), name="api-framework"
    ),
    path(org + "matrices/", matrix_views.MatrixList.as_view(), name="api-matrices"),
    path(matrix, matrix_views.MatrixDetail.as_view(), name="api-matrix"),
    path(matrix + "tasks/", matrix_views.TaskList.as_view(), name="api-tasks"),
    path(matrix + "tasks/reorder/", matrix_views.TaskReorder.as_view(), name="api-tasks-reorder"),
    path(matrix + "tasks/<int:task_id>/", matrix_views.TaskDetail.as_view(), name="api-task"),
    path(matrix + "grid/", matrix_views.GridView.as_view(), name="api-grid"),
    path(matrix + "assignments/", matrix_views.AssignmentList.as_view(), name="api-assignments"),
    path(matrix + "findings/", matrix_views.FindingsView.as_view(), name="api-findings"),
    path(matrix + "workload/", matrix_views.WorkloadView.as_view(), name="api-workload"),
    path(matrix + "overlap/", matrix_views.OverlapView.as_view(), name="api-overlap"),
    path(matrix + "what-if/", matrix_views.WhatIfView.as_view(), name="api-what-if"),
    path(matrix + "gap/", matrix_views.GapView.as_view(), name="api-gap"),
    path(matrix + "export/", matrix_views.ExportView.as_view(), name="api-export"),
    path(matrix + "import/", matrix_views.ImportView.as_view(), name="api-import"),
    path(matrix + "save-as-framework/", matrix_views.SaveAsFramework.as_view(), name="api-save-as-framework"),
    path(matrix + "history/", revision_views.HistoryList.as_view(), name="api-history"),
    path(matrix + "revisions/", revision_views.RevisionList.as_view(), name="api-revisions"),
    path(
        matrix + "revisions/compare/", revision_views.RevisionCompare.as_view(), name="api-revisions-compare"
    ),
    path(revision, revision_views.RevisionDetail.as_view(), name="api-revision"),
    path(revision + "restore/", revision_views.RevisionRestore.as_view(), name="api-revision-restore"),
    path(revision + "export/", revision_views.RevisionExport.as_view(), name="api-revision-export"),
    path(revision + "signoffs/<int:signoff_id>/", revision_views.SignOffDecide.as_view(), name="api-signoff"),
    path(revision + "acknowledge/", revision_views.Acknowledge.as_view(), name="api-acknowledge"),
]
