"""Share link pages: the owners' page under a matrix, and the shared page under ``s/<token>/``."""

from __future__ import annotations

from django.urls import path, re_path

from raci.sharing import views

matrix = "o/<slug:org_slug>/m/<int:matrix_id>/"

urlpatterns = [
    path(matrix + "share/", views.share_links, name="share-links"),
    path(matrix + "share/<int:link_id>/revoke/", views.share_link_revoke_page, name="share-link-revoke"),
    # Tokens are URL-safe base64; anything else under s/ is not a link (404 from the resolver).
    re_path(r"^s/(?P<token>[A-Za-z0-9_-]{1,100})/$", views.shared_matrix, name="shared-matrix"),
]
