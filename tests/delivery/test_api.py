"""The webhooks API: owners only; the secret once; URL validation with the one error shape;
deliveries with their attempts; redelivery. Deliveries go to a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import pytest
from django.db import transaction

from raci.delivery import webhooks
from raci.delivery.models import WebhookDelivery, WebhookEndpoint
from raci.delivery.sending import webhook_attempt
from raci.outbox.models import OutboxEvent
from tests.delivery.test_webhooks import INVALID_URLS, PUBLIC_URL, URLS, Receiver
from tests.factories import OrganizationFactory
from tests.helpers import API, assert_error

pytestmark = pytest.mark.urls(URLS)


def hooks(org) -> str:
    return f"{API}orgs/{org.slug}/webhooks/"


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(org, owner, receiver):
    return webhooks.webhook_endpoint_create(
        organization=org, url=receiver.url, events=["matrix.published"], created_by=owner
    )


# Access ---------------------------------------------------------------------------------------


def test_owner_lists_endpoints_without_their_secrets(org, owner, endpoint, client_for):
    response = client_for(owner).get(hooks(org))
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == endpoint.pk
    assert item["url"] == endpoint.url
    assert item["events"] == ["matrix.published"]
    assert item["active"] is True
    assert item["consecutive_failures"] == 0
    assert item["created_by"] == "owner"
    assert "secret" not in item
    assert endpoint.secret not in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_reach_webhooks(org, endpoint, request, client_for, who, status):
    client = client_for(request.getfixturevalue(who))
    one = f"{hooks(org)}{endpoint.pk}/"
    assert_error(client.get(hooks(org)), status)
    assert_error(client.post(hooks(org), {"url": "https://x.example/"}, format="json"), status)
    assert_error(client.get(one), status)
    assert_error(client.patch(one, {"active": False}, format="json"), status)
    assert_error(client.delete(one), status)
    assert_error(client.get(one + "deliveries/"), status)
    endpoint.refresh_from_db()
    assert endpoint.active
    assert WebhookEndpoint.objects.count() == 1


def test_anonymous_gets_401(org, endpoint, client_for):
    assert_error(client_for(None).get(hooks(org)), 401)


def test_read_only_token_cannot_register_endpoints(org, owner, token_client):
    client = token_client(owner, read_only=True)
    assert client.get(hooks(org)).status_code == 200
    assert_error(client.post(hooks(org), {"url": "https://x.example/"}, format="json"), 403)
    assert not WebhookEndpoint.objects.exists()


def test_another_organizations_endpoint_is_404(org, owner, client_for, receiver):
    other = webhooks.webhook_endpoint_create(organization=OrganizationFactory(), url=receiver.url)
    client = client_for(owner)
    assert_error(client.get(f"{hooks(org)}{other.pk}/"), 404)
    assert_error(client.patch(f"{hooks(org)}{other.pk}/", {"active": False}, format="json"), 404)
    assert_error(client.delete(f"{hooks(org)}{other.pk}/"), 404)
    assert_error(client.get(f"{hooks(org)}{other.pk}/deliveries/"), 404)
    assert_error(client.get(f"{hooks(org)}999999/"), 404)
    other.refresh_from_db()
    assert other.active


def test_endpoint_without_a_creator_shows_null(org, owner, client_for, receiver):
    webhooks.webhook_endpoint_create(organization=org, url=receiver.url)
    (item,) = client_for(owner).get(hooks(org)).json()["results"]
    assert item["created_by"] is None


def test_options_describes_every_view(org, owner, endpoint, client_for):
    client = client_for(owner)
    paths = [hooks(org), f"{hooks(org)}{endpoint.pk}/", f"{hooks(org)}{endpoint.pk}/deliveries/"]
    for path in paths:
        response = client.options(path)
        assert response.status_code == 200, path
        assert response.json()["name"]


# Creating -------------------------------------------------------------------------------------


def test_create_answers_the_secret_once(org, owner, client_for):
    client = client_for(owner)
    response = client.post(
        hooks(org),
        {"url": PUBLIC_URL, "events": ["signoff.completed", "matrix.published"]},
        format="json",
    )
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    created = WebhookEndpoint.objects.get()
    assert body["secret"] == created.secret
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["matrix.published", "signoff.completed"]
    assert created.created_by == owner

    again = client.get(f"{hooks(org)}{created.pk}/")
    assert again.status_code == 200
    assert "secret" not in again.json()
    assert created.secret not in again.content.decode()


@pytest.mark.parametrize("url", INVALID_URLS)
def test_invalid_urls_get_400_with_the_error_shape(org, owner, client_for, url):
    response = client_for(owner).post(hooks(org), {"url": url}, format="json")
    error = assert_error(response, 400, "invalid")
    assert "url" in error["details"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": "https://x.example/", "events": ["matrix.exploded"]},
        {"url": "https://x.example/", "events": "matrix.published"},
        {"url": ["https://x.example/"]},
        {"url": "https://x.example/\u0000"},
    ],
)
def test_bad_bodies_get_400_and_create_nothing(org, owner, client_for, body):
    assert_error(client_for(owner).post(hooks(org), body, format="json"), 400, "invalid")
    assert not WebhookEndpoint.objects.exists()


# Changing -------------------------------------------------------------------------------------


def test_patch_changes_url_and_events(org, owner, endpoint, client_for):
    response = client_for(owner).patch(
        f"{hooks(org)}{endpoint.pk}/",
        {"url": "https://93.184.215.14/new-hook", "events": []},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["url"] == "https://93.184.215.14/new-hook"
    assert response.json()["events"] == []
    assert "secret" not in response.json()
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == ("https://93.184.215.14/new-hook", [])


def test_patch_with_a_bad_url_changes_nothing(org, owner, endpoint, client_for):
    response = client_for(owner).patch(
        f"{hooks(org)}{endpoint.pk}/", {"url": "ftp://files.example.com/", "active": False}, format="json"
    )
    assert "url" in assert_error(response, 400)["details"]
    endpoint.refresh_from_db()
    assert endpoint.url.startswith("http://127.0.0.1")
    assert endpoint.active


def test_disabling_then_reenabling_resets_the_failure_count(org, owner, endpoint, client_for):
    client = client_for(owner)
    off = client.patch(f"{hooks(org)}{endpoint.pk}/", {"active": False}, format="json").json()
    assert off["active"] is False
    assert off["disabled_at"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=5)

    on = client.patch(f"{hooks(org)}{endpoint.pk}/", {"active": True}, format="json").json()
    assert on["active"] is True
    assert on["disabled_at"] is None
    assert on["consecutive_failures"] == 0
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_at, endpoint.consecutive_failures) == (True, None, 0)


def test_delete_removes_the_endpoint(org, owner, endpoint, client_for):
    assert client_for(owner).delete(f"{hooks(org)}{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


# Deliveries -----------------------------------------------------------------------------------


def deliver_event(org, capture) -> None:
    """An event fanned out to the endpoint; eager Celery makes the first attempt on commit."""
    with capture(execute=True), transaction.atomic():
        event = OutboxEvent.objects.create(organization=org, kind="matrix.published", payload={"m": 1})
        webhooks.webhook_fan_out(event)


def test_deliveries_are_listed_with_every_attempt_and_redelivered(
    org, owner, endpoint, receiver, client_for, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.status = 500
    deliver_event(org, django_capture_on_commit_callbacks)  # first attempt, inline (eager)
    delivery = WebhookDelivery.objects.get()
    webhook_attempt(delivery_id=delivery.delivery_id, only_if_due=False)  # second: failed
    client = client_for(owner)

    page = client.get(f"{hooks(org)}{endpoint.pk}/deliveries/")
    assert page.status_code == 200
    body = page.json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["delivery_id"] == str(delivery.delivery_id)
    assert item["event"] == "matrix.published"
    assert item["status"] == "failed"
    assert item["attempts"] == 2
    assert [a["status_code"] for a in item["attempt_log"]] == [500, 500]
    assert all("HTTP 500" in a["error"] for a in item["attempt_log"])

    receiver.status = 200
    redeliver = f"{hooks(org)}{endpoint.pk}/deliveries/{delivery.delivery_id}/redeliver/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(redeliver)
    assert response.status_code == 202
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert len(receiver.requests) == 3
    assert {r.headers["x-raci-delivery"] for r in receiver.requests} == {str(delivery.delivery_id)}


def _failed_delivery(org) -> WebhookDelivery:
    """A finished, failed delivery to the endpoint: one an owner may redeliver."""
    with transaction.atomic():
        event = OutboxEvent.objects.create(organization=org, kind="matrix.published")
        webhooks.webhook_fan_out(event)  # on-commit enqueue never runs here: no attempt is made
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.FAILED, attempts=3)
    return delivery


def _delivery_state(delivery: WebhookDelivery) -> dict:
    return WebhookDelivery.objects.filter(pk=delivery.pk).values().get()


def test_redelivering_a_pending_delivery_is_a_conflict(org, owner, endpoint, client_for):
    with transaction.atomic():
        event = OutboxEvent.objects.create(organization=org, kind="matrix.published")
        webhooks.webhook_fan_out(event)  # on-commit enqueue never runs here: it stays pending
    delivery = WebhookDelivery.objects.get()
    before = _delivery_state(delivery)
    url = f"{hooks(org)}{endpoint.pk}/deliveries/{delivery.delivery_id}/redeliver/"
    assert_error(client_for(owner).post(url), 409, "conflict")
    assert _delivery_state(delivery) == before


def test_redelivering_an_unknown_delivery_is_404_and_redelivers_nothing(org, owner, endpoint, client_for):
    delivery = _failed_delivery(org)
    before = _delivery_state(delivery)
    url = f"{hooks(org)}{endpoint.pk}/deliveries/5f0c1c9e-8a53-4a43-9a3e-0d5b8c1f2e77/redeliver/"
    assert_error(client_for(owner).post(url), 404)
    assert _delivery_state(delivery) == before


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_redeliver_needs_owner_access(org, endpoint, request, client_for, who, status):
    delivery = _failed_delivery(org)
    before = _delivery_state(delivery)
    url = f"{hooks(org)}{endpoint.pk}/deliveries/{delivery.delivery_id}/redeliver/"
    assert_error(client_for(request.getfixturevalue(who)).post(url), status)
    assert _delivery_state(delivery) == before


def test_schema_documents_the_webhook_endpoints(client_for, owner):
    schema = client_for(owner).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    listing = paths["/api/v1/orgs/{org_slug}/webhooks/"]
    assert listing["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert "secret" in str(listing["post"]["responses"]["201"])
    assert "/api/v1/orgs/{org_slug}/webhooks/{webhook_id}/deliveries/" in paths
    redeliver = paths["/api/v1/orgs/{org_slug}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver/"]
    assert "409" in redeliver["post"]["responses"]
