"""Discussion threads under ``/api/v1/``."""

from __future__ import annotations

from django.urls import path

from raci.discussion import api

threads = "orgs/<slug:org_slug>/matrices/<int:matrix_id>/threads/"

urlpatterns = [
    path(threads, api.ThreadList.as_view(), name="api-threads"),
    path(threads + "<int:thread_id>/", api.ThreadDetail.as_view(), name="api-thread"),
    path(threads + "<int:thread_id>/comments/", api.CommentList.as_view(), name="api-thread-comments"),
]
