from __future__ import annotations

from rest_framework import generics

from frameworks.api.serializers import FrameworkDetailSerializer, FrameworkSerializer
from frameworks.models import Framework
from frameworks.selectors import framework_with_activities, frameworks_visible_to


class FrameworkList(generics.ListAPIView):
    """Built-in frameworks and those saved by the caller's organizations."""

    serializer_class = FrameworkSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Framework.objects.none()
        return frameworks_visible_to(self.request.user).select_related("organization").order_by("name")


class FrameworkDetail(generics.RetrieveAPIView):
    """One framework with its stages, each with its activities and suggested letters."""

    serializer_class = FrameworkDetailSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "framework_slug"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Framework.objects.none()
        return framework_with_activities(
            frameworks_visible_to(self.request.user).select_related("organization")
        )
