from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.negotiation import DefaultContentNegotiation

from orgs import views as org_views
from orgs.api import errors
from raci import health
from raci.insights import me_urls


class SchemaFormatNegotiation(DefaultContentNegotiation):
    """`/api/schema/?format=json|yaml` picks the schema's format. URL_FORMAT_OVERRIDE is off for the
    API (there `?format=` names an export format), which would otherwise always answer YAML."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return super().select_renderer(
            request, renderers, format_suffix or request.query_params.get("format")
        )


urlpatterns = [
    path("", org_views.home, name="home"),
    # Also answered by raci.health.HealthCheckMiddleware, before host validation and the session.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("", include("orgs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("orgs.api.urls")),
    path("api/v1/", include("frameworks.api.urls")),
    path("api/v1/", include("raci.matrices.api_urls")),
    path("api/v1/", include("raci.revisions.api_urls")),
    path("api/v1/", include("raci.insights.api_urls")),
    path("api/v1/", include("raci.delivery.api_urls")),
    path("api/v1/", include("raci.reorganization.api_urls")),
    path("api/v1/", include("raci.sharing.api_urls")),
    path("api/v1/", include("raci.exports.api_urls")),
    path("api/v1/", include("raci.discussion.api_urls")),
    path("api/v1/", include(me_urls.api_urlpatterns)),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(content_negotiation_class=SchemaFormatNegotiation),
        name="api-schema",
    ),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("orgs.settings_urls")),
    path("", include(me_urls.urlpatterns)),
    path("o/<slug:org_slug>/", include("raci.matrices.urls")),
    path("o/<slug:org_slug>/", include("raci.revisions.urls")),
    path("o/<slug:org_slug>/", include("raci.insights.urls")),
    path("o/<slug:org_slug>/", include("raci.delivery.urls")),
    path("o/<slug:org_slug>/", include("raci.reorganization.urls")),
    path("o/<slug:org_slug>/", include("raci.people.urls")),
    path("", include("raci.sharing.urls")),
    path("o/<slug:org_slug>/", include("raci.exports.urls")),
    path("o/<slug:org_slug>/", include("raci.discussion.urls")),
]


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return errors.api_not_found(request, exception)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return errors.api_server_error(request)
    from django.views.defaults import server_error

    return server_error(request)
