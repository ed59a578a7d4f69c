"""Share links under ``/api/v1/``."""

from __future__ import annotations

from django.urls import path

from raci.sharing import api

links = "orgs/<slug:org_slug>/matrices/<int:matrix_id>/share-links/"

urlpatterns = [
    path(links, api.ShareLinkList.as_view(), name="api-share-links"),
    path(links + "<int:link_id>/", api.ShareLinkDetail.as_view(), name="api-share-link"),
]
