"""My responsibilities: the page at ``/me/`` and the same data at ``/api/v1/me/responsibilities/``.

Not under an organization's URL: the read spans every organization the user belongs to.
``raci/urls.py`` includes ``urlpatterns`` at the root and ``api_urlpatterns`` under ``/api/v1/``.
"""

from __future__ import annotations

from django.urls import path

from raci.insights import api_me
from raci.insights.views import me

urlpatterns = [
    path("me/", me.my_responsibilities_page, name="my-responsibilities"),
]

api_urlpatterns = [
    path("me/responsibilities/", api_me.MyResponsibilitiesView.as_view(), name="api-my-responsibilities"),
]
