"""Webhook endpoints of /api/v1/ (included from raci/urls.py). Owners only."""

from __future__ import annotations

from django.urls import path

from raci.delivery import api

webhook = "orgs/<slug:org_slug>/webhooks/<int:webhook_id>/"

urlpatterns = [
    path("orgs/<slug:org_slug>/webhooks/", api.WebhookList.as_view(), name="api-webhooks"),
    path(webhook, api.WebhookDetail.as_view(), name="api-webhook"),
    path(webhook + "deliveries/", api.WebhookDeliveryList.as_view(), name="api-webhook-deliveries"),
    path(
        webhook + "deliveries/<uuid:delivery_id>/redeliver/",
        api.WebhookRedeliver.as_view(),
        name="api-webhook-redeliver",
    ),
]
