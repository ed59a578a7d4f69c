"""The webhooks settings page: endpoints, their state and recent deliveries. Owners only.

Every view resolves access with ``require_org(..., Need.OWN)`` first (outsiders 404, members below
owner 403), then fetches the endpoint within that organization, so another organization's id is a
404. Writes go through raci.delivery.webhooks; its ValidationError is shown on the form and changes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from orgs.access import Need, OrgAccess, require_org
from orgs.forms import add_service_errors
from raci.delivery import webhooks
from raci.delivery.models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint

INVALID = 400
RECENT_DELIVERIES = 25


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=2000,
        help_text=(
            "Where deliveries are POSTed: an http:// or https:// URL on a public address (not this "
            "server, a private network or a link-local address). Redirects are not followed."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/raci"}),
    )
    events = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in WEBHOOK_EVENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event.",
    )
    log_response_excerpt = forms.BooleanField(
        label="Keep an excerpt of each answer",
        required=False,
        help_text=(
            "The first 200 characters of what your receiver answers, shown in the delivery log. "
            "Unticked: only the status code and timing are kept."
        ),
    )


def _context(access: OrgAccess, **extra) -> dict:
    return {"organization": access.organization, "access": access, "events": WEBHOOK_EVENTS, **extra}


def _endpoint(access: OrgAccess, webhook_id: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, pk=webhook_id, organization=access.organization)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhooks_page(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    organization = access.organization
    form = WebhookEndpointForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = webhooks.webhook_endpoint_create(
                organization=organization, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The secret is rendered in this response only: no redirect, no URL, no cookie.
            form = WebhookEndpointForm()
    endpoint_list = webhooks.webhook_endpoints_for(organization)
    response = render(
        request,
        "delivery/webhooks/list.html",
        _context(access, endpoints=endpoint_list, form=form, created=created),
        status=INVALID if form.errors else 200,
    )
    if created is not None:
        add_never_cache_headers(response)  # keep the secret out of browser and proxy caches
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def webhook_detail(request: HttpRequest, org_slug: str, webhook_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    endpoint = _endpoint(access, webhook_id)
    # Two queries whatever the number of attempts: the deliveries, then their attempts.
    deliveries = list(webhooks.webhook_deliveries_for(endpoint)[:RECENT_DELIVERIES])
    return render(
        request,
        "delivery/webhooks/detail.html",
        _context(access, endpoint=endpoint, deliveries=deliveries, recent=RECENT_DELIVERIES),
    )


@login_required
@require_POST
def webhook_set_active(request: HttpRequest, org_slug: str, webhook_id: int, active: bool) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    endpoint = _endpoint(access, webhook_id)
    webhooks.webhook_endpoint_update(endpoint=endpoint, active=active)
    if active:
        messages.success(request, f"{endpoint.url} enabled; its failure count starts again from zero.")
    else:
        messages.success(request, f"{endpoint.url} disabled; nothing is sent to it until it is enabled.")
    return redirect("settings-webhooks", access.organization.slug)


@login_required
@require_POST
def webhook_set_excerpts(request: HttpRequest, org_slug: str, webhook_id: int, keep: bool) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    endpoint = _endpoint(access, webhook_id)
    webhooks.webhook_endpoint_update(endpoint=endpoint, log_response_excerpt=keep)
    if keep:
        messages.success(request, "The delivery log now keeps an excerpt of each answer.")
    else:
        messages.success(request, "The delivery log keeps no answers any more; those kept are deleted.")
    return redirect("settings-webhook", access.organization.slug, endpoint.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_delete(request: HttpRequest, org_slug: str, webhook_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    endpoint = _endpoint(access, webhook_id)
    slug = access.organization.slug
    if request.method == "POST":
        webhooks.webhook_endpoint_delete(endpoint=endpoint)
        messages.success(request, f"Webhook {endpoint.url} deleted.")
        return redirect("settings-webhooks", slug)
    count = endpoint.deliveries.count()
    return render(
        request,
        "orgs/settings/confirm.html",
        _context(
            access,
            title=f"Delete the webhook {endpoint.url}?",
            consequences=[
                "No more events are sent to this URL.",
                f"Its {count} deliver{'y' if count == 1 else 'ies'} and their attempts are deleted with it.",
            ],
            action=reverse("settings-webhook-delete", args=[slug, endpoint.pk]),
            button="Delete webhook",
            cancel=reverse("settings-webhooks", args=[slug]),
        ),
    )


@login_required
@require_POST
def webhook_redeliver(request: HttpRequest, org_slug: str, webhook_id: int, delivery_id) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    endpoint = _endpoint(access, webhook_id)
    delivery = get_object_or_404(WebhookDelivery, delivery_id=delivery_id, endpoint=endpoint)
    try:
        webhooks.webhook_redeliver(delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Delivery {delivery.delivery_id} queued again.")
    return redirect("settings-webhook", access.organization.slug, endpoint.pk)
