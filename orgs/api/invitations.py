"""Invitations over the API, owners only: list the pending ones, invite, look one up, resend,
revoke. The link itself only ever travels by email to the invited address."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from orgs import invitations
from orgs.access import Need
from orgs.api.base import OrgScopedListView, OrgScopedView, valid_data
from orgs.models import Invitation, Membership


class InvitationSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", allow_null=True, read_only=True)
    invited_by = serializers.CharField(source="invited_by.username", allow_null=True, read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "level",
            "person",
            "invited_by",
            "status",
            "created_at",
            "sent_at",
            "expires_at",
        ]

    def get_status(self, invitation) -> str:
        """pending, expired (a resend renews it), accepted or revoked."""
        if invitation.accepted_at is not None:
            return "accepted"
        if invitation.revoked_at is not None:
            return "revoked"
        return "expired" if invitation.expires_at <= timezone.now() else "pending"


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    level = serializers.ChoiceField(choices=Membership.Level.choices, default=Membership.Level.VIEWER)
    person = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="The id of the person the invitee becomes."
    )


INVITE_EXAMPLE = [
    OpenApiExample(
        "Invite an editor who becomes a person",
        value={"email": "ana@acme.example", "level": "editor", "person": 12},
        request_only=True,
    )
]


class _InvitationScoped:
    # Owners only, reads included: the list shows who was invited to what.
    read_need = Need.OWN
    write_need = Need.OWN

    def base_url(self, request) -> str:
        return request.build_absolute_uri("/")


class InvitationList(_InvitationScoped, OrgScopedListView):
    """The organization's pending invitations (not accepted, not revoked; expired ones included)."""

    serializer_class = InvitationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return invitations.pending_invitations(self.organization).order_by("-created_at", "-id")

    @extend_schema(
        request=InvitationInputSerializer, responses={201: InvitationSerializer}, examples=INVITE_EXAMPLE
    )
    def post(self, request, org_slug):
        """Invite someone by email; the link is emailed to them and works once, for
        INVITATION_EXPIRY_DAYS days."""
        data = valid_data(InvitationInputSerializer, request)
        person = None
        if data.get("person") is not None:
            person = self.organization.people.filter(pk=data["person"]).first()
            if person is None:
                raise ValidationError({"person": f"No person {data['person']} in this organization."})
        invitation = invitations.invitation_create(
            organization=self.organization,
            email=data["email"],
            level=data["level"],
            person=person,
            invited_by=request.user,
            base_url=self.base_url(request),
        )
        return Response(InvitationSerializer(invitation).data, status=201)


class InvitationDetail(_InvitationScoped, OrgScopedView):
    serializer_class = InvitationSerializer

    def get_object(self):
        return get_object_or_404(
            Invitation.objects.select_related("invited_by"),
            pk=self.kwargs["invitation_id"],
            organization=self.organization,
        )

    def get(self, request, org_slug, invitation_id):
        return Response(InvitationSerializer(self.get_object()).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, invitation_id):
        """Revoke the invitation: its link stops working. An accepted one answers 400."""
        invitations.invitation_revoke(invitation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResend(_InvitationScoped, OrgScopedView):
    serializer_class = InvitationSerializer

    @extend_schema(request=None, responses=InvitationSerializer)
    def post(self, request, org_slug, invitation_id):
        """Email the link again; it works for INVITATION_EXPIRY_DAYS days from now. Only pending
        invitations (400 otherwise)."""
        invitation = get_object_or_404(Invitation, pk=invitation_id, organization=self.organization)
        invitation = invitations.invitation_resend(invitation=invitation, base_url=self.base_url(request))
        return Response(InvitationSerializer(invitation).data)
