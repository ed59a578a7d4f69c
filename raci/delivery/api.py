"""Webhook endpoints and their deliveries over the API. Owners only (read and write).

Thin views: OrgScopedView resolves the organization at owner level (outsiders 404, members below
owner 403), objects are fetched within it, raci.delivery.webhooks does the work. The secret is in the
creation answer only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import OrgScopedListView, OrgScopedView, valid_data
from orgs.api.errors import Conflict
from raci.delivery import webhooks
from raci.delivery.models import WEBHOOK_EVENTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint

# Serializers -----------------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "active",
            "log_response_excerpt",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The HMAC-SHA256 key for X-RACI-Signature. Shown in this answer only."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=2000,
        help_text=(
            "An http:// or https:// URL whose host is a public address (checked at registration and "
            "at every attempt; loopback, private, link-local, multicast and reserved addresses are refused)."
        ),
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WEBHOOK_EVENTS),
        required=False,
        max_length=len(WEBHOOK_EVENTS) * 4,
        help_text="Event kinds to receive; empty or absent means all of them.",
    )
    log_response_excerpt = serializers.BooleanField(
        required=False,
        help_text=(
            "Keep the first 200 characters of each answer (control characters removed) in the delivery "
            "log. Off by default: attempts keep status code, error and timing only."
        ),
    )


class WebhookEndpointUpdateSerializer(WebhookEndpointInputSerializer):
    url = serializers.CharField(max_length=2000, required=False)
    active = serializers.BooleanField(
        required=False, help_text="false stops deliveries; true re-enables and clears the failure count."
    )


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["at", "status_code", "error", "duration_ms", "response_excerpt"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="kind", read_only=True)
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "delivery_id",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
            "completed_at",
            "payload",
            "attempt_log",
        ]
        read_only_fields = fields


# Examples --------------------------------------------------------------------------------

_ENDPOINT = {
    "id": 4,
    "url": "https://hooks.example.com/raci",
    "events": ["matrix.published", "signoff.completed"],
    "active": True,
    "log_response_excerpt": False,
    "consecutive_failures": 0,
    "disabled_at": None,
    "disabled_reason": "",
    "created_by": "ana",
    "created_at": "2026-11-23T10:00:00Z",
}
CREATE_EXAMPLES = [
    OpenApiExample(
        "Subscribe to publications and sign-offs",
        value={"url": "https://hooks.example.com/raci", "events": ["matrix.published", "signoff.completed"]},
        request_only=True,
    ),
    OpenApiExample("Every event", value={"url": "https://hooks.example.com/raci"}, request_only=True),
    OpenApiExample(
        "Created (the only time the secret is shown)",
        value={**_ENDPOINT, "secret": "whsec_3q2-7wEXAMPLEc0FfeeKx9VtqzYbM1pQeR8sLhN5aUo"},
        response_only=True,
        status_codes=["201"],
    ),
]
UPDATE_EXAMPLES = [
    OpenApiExample("Re-enable after fixing the receiver", value={"active": True}, request_only=True),
    OpenApiExample("Change what it receives", value={"events": ["assignment.changed"]}, request_only=True),
    OpenApiExample("Keep an excerpt of each answer", value={"log_response_excerpt": True}, request_only=True),
]
DELIVERY_EXAMPLE = {
    "delivery_id": "5f0c1c9e-8a53-4a43-9a3e-0d5b8c1f2e77",
    "event": "matrix.published",
    "status": "pending",
    "attempts": 2,
    "next_attempt_at": "2026-11-23T10:01:20Z",
    "created_at": "2026-11-23T10:00:00Z",
    "completed_at": None,
    "payload": {"matrix": 3, "revision": 7},
    "attempt_log": [
        {
            "at": "2026-11-23T10:00:01Z",
            "status_code": 500,
            "error": "HTTP 500 Internal Server Error: only a 2xx answer counts as delivered.",
            "duration_ms": 41,
            "response_excerpt": "",
        },
        {
            "at": "2026-11-23T10:00:21Z",
            "status_code": None,
            "error": "ConnectionRefusedError: [Errno 111] Connection refused",
            "duration_ms": 2,
            "response_excerpt": "",
        },
    ],
}
DELIVERY_LIST_EXAMPLES = [
    OpenApiExample(
        "A page of deliveries",
        value={"count": 1, "next": None, "previous": None, "results": [DELIVERY_EXAMPLE]},
        response_only=True,
    )
]
REDELIVER_EXAMPLES = [
    OpenApiExample(
        "Queued again",
        value={**DELIVERY_EXAMPLE, "status": "pending", "attempts": 0, "attempt_log": []},
        response_only=True,
        status_codes=["202"],
    )
]


# Views -----------------------------------------------------------------------------------


class OwnersOnly:
    read_need = Need.OWN
    write_need = Need.OWN


class EndpointScopedMixin:
    """Resolves ``webhook_id`` within the already-resolved organization (another org's id: 404)."""

    def endpoint(self) -> WebhookEndpoint:
        if not hasattr(self, "_endpoint"):
            self._endpoint = get_object_or_404(
                WebhookEndpoint.objects.select_related("created_by"),
                pk=self.kwargs["webhook_id"],
                organization=self.organization,
            )
        return self._endpoint


class WebhookList(OwnersOnly, OrgScopedListView):
    """The organization's webhook endpoints. POST registers one and answers its secret, once.

    The URL must point at a public address: a host that resolves to a loopback, private,
    link-local, multicast or reserved address, or does not resolve, is refused (400 on ``url``).
    """

    serializer_class = WebhookEndpointSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return webhooks.webhook_endpoints_for(self.organization).select_related("created_by")

    @extend_schema(
        request=WebhookEndpointInputSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
        examples=CREATE_EXAMPLES,
    )
    def post(self, request, org_slug):
        endpoint = webhooks.webhook_endpoint_create(
            organization=self.organization,
            created_by=request.user,
            **valid_data(WebhookEndpointInputSerializer, request),
        )
        response = Response(WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)
        add_never_cache_headers(response)  # the secret must not stay in a cache
        return response


class WebhookDetail(OwnersOnly, EndpointScopedMixin, OrgScopedView):
    """One endpoint: its state; PATCH url, events, log_response_excerpt or active; DELETE it with its
    deliveries. Turning log_response_excerpt off clears the excerpts already kept."""

    serializer_class = WebhookEndpointSerializer

    def get(self, request, org_slug, webhook_id):
        return Response(WebhookEndpointSerializer(self.endpoint()).data)

    @extend_schema(
        request=WebhookEndpointUpdateSerializer, responses=WebhookEndpointSerializer, examples=UPDATE_EXAMPLES
    )
    def patch(self, request, org_slug, webhook_id):
        endpoint = webhooks.webhook_endpoint_update(
            endpoint=self.endpoint(), **valid_data(WebhookEndpointUpdateSerializer, request)
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, webhook_id):
        webhooks.webhook_endpoint_delete(endpoint=self.endpoint())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryList(OwnersOnly, EndpointScopedMixin, OrgScopedListView):
    """An endpoint's deliveries, newest first, each with every attempt: status code or error, timing,
    and an excerpt of the answer if the endpoint keeps them (log_response_excerpt)."""

    serializer_class = WebhookDeliverySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        return webhooks.webhook_deliveries_for(self.endpoint())

    @extend_schema(examples=DELIVERY_LIST_EXAMPLES)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WebhookRedeliver(OwnersOnly, EndpointScopedMixin, OrgScopedView):
    """Send a finished delivery again (same delivery id; a new round of attempts)."""

    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            409: OpenApiResponse(description="Still pending, or the endpoint is disabled."),
        },
        examples=REDELIVER_EXAMPLES,
    )
    def post(self, request, org_slug, webhook_id, delivery_id):
        delivery = get_object_or_404(WebhookDelivery, delivery_id=delivery_id, endpoint=self.endpoint())
        try:
            delivery = webhooks.webhook_redeliver(delivery=delivery)
        except ValidationError as error:
            raise Conflict(" ".join(error.messages)) from None
        delivery = webhooks.webhook_deliveries_for(self.endpoint()).get(pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
