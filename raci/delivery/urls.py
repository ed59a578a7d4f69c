"""The webhooks settings page (included from raci/urls.py under ``o/<slug:org_slug>/``). Owners only."""

from __future__ import annotations

from django.urls import path

from raci.delivery import chat_views, views

webhook = "settings/webhooks/<int:webhook_id>/"
excerpts = views.webhook_set_excerpts

channel = "settings/chat/<int:channel_id>/"

urlpatterns = [
    path("settings/chat/", chat_views.chat_page, name="settings-chat"),
    path("settings/chat/reminders/", chat_views.chat_reminders, name="settings-chat-reminders"),
    path(channel, chat_views.chat_edit, name="settings-chat-channel"),
    path(channel + "test/", chat_views.chat_test, name="settings-chat-test"),
    path(channel + "enable/", chat_views.chat_set_active, {"active": True}, name="settings-chat-enable"),
    path(channel + "disable/", chat_views.chat_set_active, {"active": False}, name="settings-chat-disable"),
    path(channel + "delete/", chat_views.chat_delete, name="settings-chat-delete"),
    path("settings/webhooks/", views.webhooks_page, name="settings-webhooks"),
    path(webhook, views.webhook_detail, name="settings-webhook"),
    path(webhook + "enable/", views.webhook_set_active, {"active": True}, name="settings-webhook-enable"),
    path(webhook + "disable/", views.webhook_set_active, {"active": False}, name="settings-webhook-disable"),
    path(webhook + "excerpts/on/", excerpts, {"keep": True}, name="settings-webhook-excerpts-on"),
    path(webhook + "excerpts/off/", excerpts, {"keep": False}, name="settings-webhook-excerpts-off"),
    path(webhook + "delete/", views.webhook_delete, name="settings-webhook-delete"),
    path(
        webhook + "deliveries/<uuid:delivery_id>/redeliver/",
        views.webhook_redeliver,
        name="settings-webhook-redeliver",
    ),
]
