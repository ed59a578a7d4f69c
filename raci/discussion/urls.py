"""Discussion pages, under ``o/<org_slug>/``."""

from __future__ import annotations

from django.urls import path

from raci.discussion import views

discussion = "m/<int:matrix_id>/discussion/"
thread = discussion + "<int:thread_id>/"

urlpatterns = [
    path(discussion, views.threads, name="discussion-threads"),
    path(discussion + "badges/", views.badges, name="discussion-badges"),
    path(thread, views.thread_detail, name="discussion-thread"),
    path(thread + "resolve/", views.thread_resolve, name="discussion-resolve"),
    path(thread + "reopen/", views.thread_reopen, name="discussion-reopen"),
]
