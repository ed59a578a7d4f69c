from __future__ import annotations

from django.contrib import admin

from orgs.admin import ReadOnlyAdmin
from raci.delivery.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "organization", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    list_select_related = ["organization"]
    # The signing secret is never shown again after creation.
    exclude = ["secret"]
    readonly_fields = ["consecutive_failures", "disabled_at", "created_by", "created_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["endpoint"]
