"""Webhook endpoints of /api/v1/ (included from raci/urls.py). Owners only."""

from __future__ import annotations

from django.urls import path

from raci.delivery import api, chat_api

webhook = "orgs/<slug:org_slug>/webhooks/<int:webhook_id>/"

channel = "orgs/<slug:org_slug>/chat-channels/<int:channel_id>/"

urlpatterns = [
    path("orgs/<slug:org_slug>/chat-channels/", chat_api.ChatChannelList.as_view(), name="api-chat-channels"),
    path(channel, chat_api.ChatChannelDetail.as_view(), name="api-chat-channel"),
    path(channel + "test/", chat_api.ChatChannelTest.as_view(), name="api-chat-channel-test"),
    path("orgs/<slug:org_slug>/webhooks/", api.WebhookList.as_view(), name="api-webhooks"),
    path(webhook, api.WebhookDetail.as_view(), name="api-webhook"),
    path(webhook + "deliveries/", api.WebhookDeliveryList.as_view(), name="api-webhook-deliveries"),
    path(
        webhook + "deliveries/<uuid:delivery_id>/redeliver/",
        api.WebhookRedeliver.as_view(),
        name="api-webhook-redeliver",
    ),
]
