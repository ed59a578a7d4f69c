"""Webhook endpoints of /api/v1/ (included from raci/api_urls.py). Owners only."""

from __future__ import annotations

from django.urls import path

from raci.api import webhook_views as views

webhook = "orgs/<slug:org_slug>/webhooks/<int:webhook_id>/"

urlpatterns = [
    path("orgs/<slug:org_slug>/webhooks/", views.WebhookList.as_view(), name="api-webhooks"),
    path(webhook, views.WebhookDetail.as_view(), name="api-webhook"),
    path(webhook + "deliveries/", views.WebhookDeliveryList.as_view(), name="api-webhook-deliveries"),
    path(
        webhook + "deliveries/<uuid:delivery_id>/redeliver/",
        views.WebhookRedeliver.as_view(),
        name="api-webhook-redeliver",
    ),
]
