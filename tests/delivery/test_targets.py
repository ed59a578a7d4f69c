"""Where webhooks may go: public addresses only, in every notation, at registration and at connect
time (DNS rebinding); WEBHOOK_ALLOW_PRIVATE_TARGETS for self-hosted use; and a delivery log that
keeps status and timing, and the receiver's answer only as a short excerpt its owner opted into.

Nothing here is sent anywhere but to HTTP(S) servers these tests start on 127.0.0.1, even if the
code under test were broken: refusals at registration deliver nothing (an IP literal needs no
lookup, ``localhost`` comes from the hosts file), and every address the fake DNS gives at connect
time is 127.0.0.1. The one thing patched is the module's resolver (``targets.resolve_host``), to
play a DNS server that answers differently at registration and at connect time.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import Client

from raci.delivery import targets, webhooks
from raci.delivery.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from raci.delivery.sending import webhook_attempt
from raci.outbox.models import OutboxEvent
from tests.delivery.test_webhooks import PUBLIC_URL, URLS
from tests.helpers import API, assert_error

pytestmark = pytest.mark.urls(URLS)


# A receiver on 127.0.0.1 that answers what the test says -----------------------------------


@dataclass(frozen=True)
class Seen:
    host: str
    path: str


class Answering:
    """An HTTP server on 127.0.0.1 (port 0) answering ``status`` with ``body`` (and ``reason``);
    with ``tls`` (a context holding a certificate) it speaks HTTPS and records the SNI name."""

    def __init__(self, status=200, body=b"ok", *, reason=None, delay=0.0, tls: ssl.SSLContext | None = None):
        self.status, self.body, self.reason, self.delay = status, body, reason, delay
        self.requests: list[Seen] = []
        self.sni: list[str | None] = []
        answering = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                answering.requests.append(Seen(self.headers.get("Host", ""), self.path))
                if answering.delay:
                    time.sleep(answering.delay)
                self.send_response(answering.status, answering.reason)
                self.send_header("Content-Length", str(len(answering.body)))
                self.end_headers()
                self.wfile.write(answering.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            tls.sni_callback = lambda sock, name, context: self.sni.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def answering():
    servers: list[Answering] = []

    def start(*args, **kwargs) -> Answering:
        servers.append(Answering(*args, **kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


class FakeDns:
    """Plays the DNS: each lookup of ``host`` answers the next list in ``answers`` (the last one
    again once they run out); every lookup is recorded."""

    def __init__(self, answers: dict[str, list[list[str]]]):
        self.answers = answers
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        queue = self.answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def dns(monkeypatch):
    def install(answers: dict[str, list[list[str]]]) -> FakeDns:
        fake = FakeDns(answers)
        monkeypatch.setattr(targets, "resolve_host", fake)
        return fake

    return install


def hooks(org) -> str:
    return f"{API}orgs/{org.slug}/webhooks/"


def pending_delivery(org, endpoint) -> WebhookDelivery:
    """A delivery fanned out but not attempted yet (the on-commit enqueue never runs here)."""
    with transaction.atomic():
        event = OutboxEvent.objects.create(organization=org, kind="matrix.published", payload={"m": 1})
        webhooks.webhook_fan_out(event)
    return WebhookDelivery.objects.get(endpoint=endpoint, event=event)


def attempt_once(org, endpoint) -> WebhookAttempt:
    delivery = pending_delivery(org, endpoint)
    webhook_attempt(delivery_id=delivery.delivery_id)
    return WebhookAttempt.objects.get(delivery=delivery)


# Registration: every notation of an address inside is refused -----------------------------

INSIDE = [
    # (the URL's host, the address the refusal names, what it says about it)
    ("127.0.0.1", "127.0.0.1", "this server itself"),
    ("169.254.169.254", "169.254.169.254", "link-local"),
    ("10.0.0.1", "10.0.0.1", "private network"),
    ("192.168.1.1", "192.168.1.1", "private network"),
    ("172.16.0.1", "172.16.0.1", "private network"),
    ("[::1]", "::1", "this server itself"),
    ("0x7f.1", "127.0.0.1", "this server itself"),
    ("2130706433", "127.0.0.1", "this server itself"),
    ("017700000001", "127.0.0.1", "this server itself"),
    ("127.1", "127.0.0.1", "this server itself"),
    ("0.0.0.0", "0.0.0.0", "unspecified"),
    ("[::ffff:127.0.0.1]", "127.0.0.1", "this server itself"),
    ("[fe80::1]", "fe80::1", "link-local"),
    ("224.0.0.1", "224.0.0.1", "multicast"),
    # The same inside addresses carried in IPv6 (6to4, NAT64) and the other private ranges.
    ("[2002:7f00:1::]", "127.0.0.1", "this server itself"),
    ("[64:ff9b::a9fe:a9fe]", "169.254.169.254", "link-local"),
    ("[fc00::1]", "fc00::1", "private network"),
    ("100.64.0.1", "100.64.0.1", "private network"),
    ("255.255.255.255", "255.255.255.255", "reserved"),
]


@pytest.mark.parametrize(("host", "address", "says"), INSIDE, ids=[case[0] for case in INSIDE])
def test_registration_refuses_an_address_inside_in_any_notation(org, owner, client_for, host, address, says):
    response = client_for(owner).post(hooks(org), {"url": f"http://{host}:8080/hook"}, format="json")

    (message,) = assert_error(response, 400, "invalid")["details"]["url"]
    assert address in message
    assert says in message
    assert "public addresses only" in message
    assert not WebhookEndpoint.objects.exists()


def test_registration_refuses_a_name_that_resolves_inside(org, owner, client_for):
    response = client_for(owner).post(hooks(org), {"url": "http://localhost:8000/hook"}, format="json")
    (message,) = assert_error(response, 400, "invalid")["details"]["url"]
    assert message == "localhost resolves to this server itself; webhooks go to public addresses only."
    assert not WebhookEndpoint.objects.exists()


def test_registration_refuses_a_name_if_any_of_its_addresses_is_inside(org, owner, client_for, dns):
    dns({"hooks.test": [["93.184.215.14", "10.0.0.5"]]})
    response = client_for(owner).post(hooks(org), {"url": "https://hooks.test/raci"}, format="json")
    (message,) = assert_error(response, 400, "invalid")["details"]["url"]
    # The kind of address, not the address: refusals do not reveal what internal names resolve to.
    assert message == (
        "hooks.test resolves to an address inside a private network; webhooks go to public addresses only."
    )
    assert not WebhookEndpoint.objects.exists()


def test_registration_refuses_a_host_that_does_not_resolve(org, owner, client_for, dns):
    dns({})
    response = client_for(owner).post(hooks(org), {"url": "https://hooks.exmaple.test/raci"}, format="json")
    (message,) = assert_error(response, 400, "invalid")["details"]["url"]
    assert "does not resolve" in message
    assert not WebhookEndpoint.objects.exists()


def test_changing_the_url_to_an_address_inside_changes_nothing(org, owner, client_for):
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=PUBLIC_URL)
    response = client_for(owner).patch(
        f"{hooks(org)}{endpoint.pk}/", {"url": "http://169.254.169.254/latest/meta-data/"}, format="json"
    )
    assert "link-local" in assert_error(response, 400, "invalid")["details"]["url"][0]
    endpoint.refresh_from_db()
    assert endpoint.url == PUBLIC_URL


def test_the_page_refuses_an_address_inside_and_creates_nothing(org, owner):
    client = Client()
    client.force_login(owner)
    response = client.post(f"/o/{org.slug}/settings/webhooks/", {"url": "http://0x7f.1:8000/"})
    assert response.status_code == 400
    assert "points at this server itself" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_public_ip_literal_is_accepted_without_any_lookup(org, owner, client_for, dns):
    fake = dns({})  # any lookup would fail the registration
    client = client_for(owner)
    for url in (PUBLIC_URL, "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/raci"):
        assert client.post(hooks(org), {"url": url}, format="json").status_code == 201
    assert fake.lookups == []
    assert WebhookEndpoint.objects.count() == 2


# The setting for self-hosted use ------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://[::1]:9000/hook", "http://10.0.0.5/"])
def test_allowing_private_targets_accepts_loopback_and_private_networks(org, allow_private, url):
    assert webhooks.webhook_endpoint_create(organization=org, url=url).url == url


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://224.0.0.1/", "http://0.0.0.0/"],
)
def test_allowing_private_targets_still_refuses_link_local_multicast_and_unspecified(
    org, owner, client_for, allow_private, url
):
    response = client_for(owner).post(hooks(org), {"url": url}, format="json")
    assert "public addresses only" in assert_error(response, 400, "invalid")["details"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_with_private_targets_allowed_a_local_delivery_records_status_and_timing(
    org, allow_private, answering
):
    receiver = answering(202, b"accepted, thanks", delay=0.2)
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url())

    attempt = attempt_once(org, endpoint)

    assert len(receiver.requests) == 1
    assert (attempt.status_code, attempt.error, attempt.response_excerpt) == (202, "", "")
    assert attempt.duration_ms >= 200
    assert attempt.delivery.status == WebhookDelivery.Status.SUCCEEDED


# Connect time: the address checked is the address connected to -------------------------


def test_an_endpoint_pointing_inside_is_refused_at_connect_time_and_nothing_is_sent(org, answering):
    receiver = answering()
    # Registered before the check existed (or by an admin): the row holds a loopback URL.
    endpoint = WebhookEndpoint.objects.create(organization=org, url=receiver.url(), secret="whsec_x")

    attempt = attempt_once(org, endpoint)

    assert receiver.requests == []
    assert attempt.status_code is None
    assert attempt.error.startswith("Not sent: ")
    assert "127.0.0.1" in attempt.error
    assert "this server itself" in attempt.error


def test_dns_rebinding_to_loopback_is_refused_at_connect_time_and_nothing_is_sent(org, answering, dns):
    receiver = answering()  # what the rebinding DNS points at: it must never be reached
    fake = dns({"rebind.test": [["93.184.215.14"], ["127.0.0.1"]]})
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url("rebind.test"))

    attempt = attempt_once(org, endpoint)

    assert fake.lookups == ["rebind.test", "rebind.test"]  # registration, then one at connect time
    assert receiver.requests == []
    assert attempt.status_code is None
    assert attempt.error == (
        "Not sent: rebind.test resolves to this server itself; webhooks go to public addresses only."
    )


def test_a_target_refused_at_connect_time_fails_the_delivery_without_retrying(org, answering, dns):
    receiver = answering()
    dns({"rebind.test": [["93.184.215.14"], ["127.0.0.1"]]})
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url("rebind.test"))

    delivery = attempt_once(org, endpoint).delivery

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is None
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
    assert receiver.requests == []


def test_the_sender_connects_to_the_address_it_resolved_and_keeps_the_host_header(
    org, allow_private, answering, dns
):
    receiver = answering(204, b"")
    # hooks.test exists only in this fake DNS: the POST can only arrive through the address it gave.
    fake = dns({"hooks.test": [["127.0.0.1"]]})
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url("hooks.test"))
    fake.lookups.clear()

    attempt = attempt_once(org, endpoint)

    assert attempt.status_code == 204
    assert fake.lookups == ["hooks.test"]  # one lookup, no second one to rebind
    assert receiver.requests == [Seen(host=f"hooks.test:{receiver.port}", path="/hook")]


# HTTPS to a pinned address: the certificate is checked against the URL's host ---------------


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for hooks.test, trusted by this test's TLS clients only."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=hooks.test", "-addext", "subjectAltName=DNS:hooks.test"]
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return server


def test_https_to_the_resolved_address_sends_the_hosts_name_and_verifies_its_certificate(
    org, allow_private, answering, dns, certificate
):
    receiver = answering(200, tls=certificate)
    dns({"hooks.test": [["127.0.0.1"]]})
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url("hooks.test", "https"))

    attempt = attempt_once(org, endpoint)

    assert (attempt.status_code, attempt.error) == (200, "")
    assert receiver.sni == ["hooks.test"]
    assert receiver.requests == [Seen(host=f"hooks.test:{receiver.port}", path="/hook")]


def test_https_refuses_a_certificate_for_another_host_at_the_same_address(
    org, allow_private, answering, dns, certificate
):
    receiver = answering(200, tls=certificate)
    dns({"other.test": [["127.0.0.1"]]})
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url("other.test", "https"))

    attempt = attempt_once(org, endpoint)

    assert attempt.status_code is None
    assert "CERTIFICATE_VERIFY_FAILED" in attempt.error
    assert receiver.requests == []


# The delivery log: status and timing; the answer only when the owner opted in -------------

SECRET_ANSWER = b"root:x:0:0:root:/root:/bin/bash internal banner"


def test_the_answer_is_not_kept_unless_the_owner_opted_in(org, allow_private, answering):
    receiver = answering(500, SECRET_ANSWER, reason="Leaky Reason internal-db-01")
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url())

    attempt = attempt_once(org, endpoint)

    assert attempt.status_code == 500
    assert attempt.error == "HTTP 500 Internal Server Error: only a 2xx answer counts as delivered."
    assert attempt.response_excerpt == ""


def test_an_opted_in_excerpt_is_short_and_has_no_control_characters(org, allow_private, answering):
    answer = b"<b>Thanks</b>\x1b[31m\r\nsecond\tline\x00 \xe2\x80\xae" + b"x" * 1000
    receiver = answering(200, answer)
    endpoint = webhooks.webhook_endpoint_create(
        organization=org, url=receiver.url(), log_response_excerpt=True
    )

    excerpt = attempt_once(org, endpoint).response_excerpt

    assert len(excerpt) == 200
    assert excerpt.startswith("<b>Thanks</b> [31m second line ")
    assert excerpt.endswith("x…")
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or ch == "\u202e" for ch in excerpt)


def test_the_page_shows_an_excerpt_escaped(org, owner, allow_private, answering):
    receiver = answering(200, b"<script>alert(1)</script> & done")
    endpoint = webhooks.webhook_endpoint_create(
        organization=org, url=receiver.url(), log_response_excerpt=True
    )
    attempt_once(org, endpoint)
    client = Client()
    client.force_login(owner)

    html = client.get(f"/o/{org.slug}/settings/webhooks/{endpoint.pk}/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; done" in html
    assert "<script>alert(1)" not in html


def test_the_api_registers_the_opt_in_and_lists_excerpts(org, owner, client_for, allow_private, answering):
    receiver = answering(200, b"stored 42 rows")
    client = client_for(owner)
    created = client.post(hooks(org), {"url": receiver.url(), "log_response_excerpt": True}, format="json")
    assert created.status_code == 201
    assert created.json()["log_response_excerpt"] is True
    endpoint = WebhookEndpoint.objects.get()
    attempt_once(org, endpoint)

    (delivery,) = client.get(f"{hooks(org)}{endpoint.pk}/deliveries/").json()["results"]

    assert delivery["attempt_log"][0]["response_excerpt"] == "stored 42 rows"


def test_opting_out_clears_the_excerpts_kept(org, owner, client_for, allow_private, answering):
    receiver = answering(200, b"stored 42 rows")
    endpoint = webhooks.webhook_endpoint_create(
        organization=org, url=receiver.url(), log_response_excerpt=True
    )
    attempt = attempt_once(org, endpoint)

    response = client_for(owner).patch(
        f"{hooks(org)}{endpoint.pk}/", {"log_response_excerpt": False}, format="json"
    )

    assert response.json()["log_response_excerpt"] is False
    attempt.refresh_from_db()
    assert attempt.response_excerpt == ""
    assert attempt.status_code == 200


def test_the_page_form_registers_the_opt_in(org, owner):
    client = Client()
    client.force_login(owner)
    response = client.post(
        f"/o/{org.slug}/settings/webhooks/", {"url": PUBLIC_URL, "log_response_excerpt": "on"}
    )
    assert response.status_code == 200
    assert WebhookEndpoint.objects.get().log_response_excerpt is True


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 302), ("editor", 403), ("viewer", 403), ("outsider", 404)]
)
def test_only_owners_switch_excerpts_on_the_page(org, request, who, status):
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=PUBLIC_URL)
    client = Client()
    client.force_login(request.getfixturevalue(who))

    response = client.post(f"/o/{org.slug}/settings/webhooks/{endpoint.pk}/excerpts/on/")

    assert response.status_code == status
    endpoint.refresh_from_db()
    assert endpoint.log_response_excerpt is (status == 302)
