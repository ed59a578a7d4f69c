from django.contrib import admin
from django.urls import include, path

from orgs import views as org_views
from raci import views as matrix_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", org_views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("o/<slug:org_slug>/", org_views.organization_detail, name="organization-detail"),
    path("o/<slug:org_slug>/m/<int:matrix_id>/", matrix_views.matrix_detail, name="matrix-detail"),
]
