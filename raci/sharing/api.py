"""Share links over the API: list, make (the link is in the answer once) and revoke. Owners only."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import valid_data
from orgs.validators import validate_single_line
from raci.matrices.api.base import MatrixScopedListView, MatrixScopedView
from raci.sharing.models import ShareLink
from raci.sharing.services import DEFAULT_DAYS, MAX_DAYS, share_link_create, share_link_revoke


class ShareLinkSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(help_text="live, expired or revoked")

    class Meta:
        model = ShareLink
        fields = [
            "id",
            "name",
            "created_at",
            "expires_at",
            "revoked_at",
            "use_count",
            "last_used_at",
            "state",
        ]

    def get_state(self, link) -> str:
        return link.state(self.context["now"])


class ShareLinkCreatedSerializer(ShareLinkSerializer):
    url = serializers.SerializerMethodField(
        help_text="The link. Shown in this answer only; only a hash is kept."
    )

    class Meta(ShareLinkSerializer.Meta):
        fields = [*ShareLinkSerializer.Meta.fields, "url"]

    def get_url(self, link) -> str:
        return self.context["url"]


class ShareLinkInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    expires_at = serializers.DateTimeField(
        required=False,
        help_text=f"When the link stops working; {DEFAULT_DAYS} days from now when left out, at most "
        f"{MAX_DAYS} days ahead.",
    )


class ShareLinkList(MatrixScopedListView):
    serializer_class = ShareLinkSerializer
    read_need = Need.OWN
    write_need = Need.OWN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ShareLink.objects.none()
        return ShareLink.objects.filter(matrix=self.matrix)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        request=ShareLinkInputSerializer,
        responses={201: ShareLinkCreatedSerializer},
        examples=[
            OpenApiExample(
                "For the sales team",
                value={"name": "Sales onboarding", "expires_at": "2027-01-31T18:00:00Z"},
                request_only=True,
            )
        ],
    )
    def post(self, request, org_slug, matrix_id):
        """Make a read-only link to this matrix's published who-does-what, for people without an
        account. The answer holds the link; it cannot be shown again."""
        data = valid_data(ShareLinkInputSerializer, request)
        expires_at = data.get("expires_at") or timezone.now() + timedelta(days=DEFAULT_DAYS)
        link, token = share_link_create(
            matrix=self.matrix, name=data["name"], expires_at=expires_at, created_by=request.user
        )
        url = request.build_absolute_uri(reverse("shared-matrix", args=[token]))
        context = {"now": timezone.now(), "url": url}
        return Response(ShareLinkCreatedSerializer(link, context=context).data, status=201)


class ShareLinkDetail(MatrixScopedView):
    serializer_class = ShareLinkSerializer
    read_need = Need.OWN
    write_need = Need.OWN

    def get_object(self):
        return get_object_or_404(ShareLink, pk=self.kwargs["link_id"], matrix=self.matrix)

    def get(self, request, org_slug, matrix_id, link_id):
        return Response(ShareLinkSerializer(self.get_object(), context={"now": timezone.now()}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, matrix_id, link_id):
        """Revoke the link: it answers 404 from now on. Its record (and use count) stays."""
        share_link_revoke(link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
