"""Chat channels over the API. Owners only (read and write), like webhooks: the webhook URL is the
channel's credential, so it is accepted but never answered (``url_hint`` shows its host)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import OrgScopedListView, OrgScopedView, valid_data
from orgs.teams import teams_of
from raci.delivery import chat
from raci.delivery.models import CHAT_EVENTS, ChatChannel, ChatMessage


class ChatChannelSerializer(serializers.ModelSerializer):
    url_hint = serializers.CharField(read_only=True)
    team = serializers.IntegerField(
        source="team_id",
        read_only=True,
        allow_null=True,
        help_text="The team's id; null: the whole organization.",
    )
    team_path = serializers.SerializerMethodField(
        help_text='The team\'s names from the top ("Product / Mobile"); "" for the whole organization.'
    )

    class Meta:
        model = ChatChannel
        fields = [
            "id",
            "platform",
            "name",
            "url_hint",
            "team",
            "team_path",
            "events",
            "active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_team_path(self, channel: ChatChannel) -> str:
        teams = self.context.get("teams")
        if teams is None:
            teams = self.context["teams"] = {team.pk: team for team in teams_of(channel.organization)}
        return chat.chat_channel_team_label(channel, teams)


_TEAM_INPUT_HELP = (
    "The team whose matrices the channel hears about (with the teams under it): its id or its path of names, "
    '"Product / Mobile"; null or omitted: the whole organization.'
)


class ChatChannelInputSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=ChatChannel.Platform.values)
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(
        max_length=2000, help_text="The Slack incoming webhook or Teams workflow URL."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(CHAT_EVENTS)), required=False, default=list
    )
    team = serializers.CharField(
        max_length=1000, required=False, allow_null=True, allow_blank=True, help_text=_TEAM_INPUT_HELP
    )


class ChatChannelUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    events = serializers.ListField(child=serializers.ChoiceField(choices=list(CHAT_EVENTS)), required=False)
    team = serializers.CharField(
        max_length=1000, required=False, allow_null=True, allow_blank=True, help_text=_TEAM_INPUT_HELP
    )
    active = serializers.BooleanField(required=False)


class ChatMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChatMessage
        fields = [
            "id",
            "kind",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields


class OwnersOnly:
    read_need = Need.OWN
    write_need = Need.OWN


class ChannelScopedMixin:
    def channel(self) -> ChatChannel:
        return get_object_or_404(ChatChannel, pk=self.kwargs["channel_id"], organization=self.organization)


class ChatChannelList(OwnersOnly, OrgScopedListView):
    """The organization's Slack and Teams channels, each the whole organization's or one team's.
    POST connects one (400 on a URL that is not http(s) on a public address, or a team of another
    organization)."""

    serializer_class = ChatChannelSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChatChannel.objects.none()
        return ChatChannel.objects.filter(organization=self.organization).order_by("created_at", "id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["teams"] = {team.pk: team for team in teams_of(self.organization)}
        return context

    @extend_schema(request=ChatChannelInputSerializer, responses={201: ChatChannelSerializer})
    def post(self, request, org_slug):
        channel = chat.chat_channel_create(
            organization=self.organization,
            created_by=request.user,
            **valid_data(ChatChannelInputSerializer, request),
        )
        return Response(ChatChannelSerializer(channel).data, status=status.HTTP_201_CREATED)


class ChatChannelDetail(OwnersOnly, ChannelScopedMixin, OrgScopedView):
    serializer_class = ChatChannelSerializer

    @extend_schema(responses=ChatChannelSerializer)
    def get(self, request, org_slug, channel_id):
        return Response(ChatChannelSerializer(self.channel()).data)

    @extend_schema(request=ChatChannelUpdateSerializer, responses=ChatChannelSerializer)
    def patch(self, request, org_slug, channel_id):
        """Rename, choose events, move to a team (null: the whole organization), or enable (which
        clears the failure count) and disable."""
        channel = chat.chat_channel_update(
            channel=self.channel(), **valid_data(ChatChannelUpdateSerializer, request)
        )
        return Response(ChatChannelSerializer(channel).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, channel_id):
        chat.chat_channel_delete(channel=self.channel())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChatChannelTest(OwnersOnly, ChannelScopedMixin, OrgScopedView):
    serializer_class = ChatMessageSerializer

    @extend_schema(request=None, responses={202: ChatMessageSerializer})
    def post(self, request, org_slug, channel_id):
        """Send a test message to the channel; the answer says whether it went (``status``)."""
        message = chat.chat_channel_test(channel=self.channel(), user=request.user)
        message.refresh_from_db()
        return Response(ChatMessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)
