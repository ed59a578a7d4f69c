"""Single sign-on in a real browser against a real OpenID Connect provider: a small
django-oauth-toolkit project (tests/oidc_provider/) started as its own process on 127.0.0.1. Kim signs
in there; the organization that accepts her verified domain gets her as a viewer, and she lands in it."""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from csp.constants import SELF
from playwright.sync_api import expect

from orgs.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory
from tests.oidc_provider import serve

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def provider(live_server, tmp_path):
    """The provider process, its client registered with the live server's callback; its issuer URL."""
    port = free_port()
    callback = f"{live_server.url}/accounts/oidc/sso/login/callback/"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port), callback],
        cwd=ROOT,
        env={**os.environ, "OIDC_PROVIDER_DB": str(tmp_path / "provider.sqlite3")},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready", "the OIDC provider did not start"
        yield f"http://127.0.0.1:{port}/o"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def sso_settings(settings, provider):
    settings.OIDC_ISSUER = provider
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Globex ID",
                    "client_id": serve.CLIENT_ID,
                    "secret": serve.CLIENT_SECRET,
                    "settings": {"server_url": provider},
                }
            ],
        }
    }
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [SELF, provider.rsplit("/", 1)[0]]
    settings.CONTENT_SECURITY_POLICY = policy
    settings.SIGNUP_MODE = "invitation"
    return settings


def test_a_verified_address_at_the_organizations_domain_joins_as_viewer_through_sso(
    page, live_server, sso_settings, screenshot
):
    globex = OrganizationFactory(name="Globex", slug="globex", sso_domain="globex.example")
    OrganizationFactory(name="Initech", slug="initech", sso_domain="initech.example")
    MembershipFactory(organization=globex, level="owner")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Globex ID").click()
    expect(page.get_by_role("heading", name="Globex ID")).to_be_visible()
    page.get_by_label("Globex username").fill(serve.USERNAME)
    page.get_by_label("Globex password").fill(serve.PASSWORD)
    page.get_by_role("button", name="Sign in to Globex ID").click()

    # Back home, signed up (sign-up is invitation-only, but the domain is accepted) and in Globex.
    expect(page.get_by_role("heading", name="Globex")).to_be_visible()
    assert page.url == f"{live_server.url}/o/globex/"
    screenshot(page, "sso-joined-as-viewer")
    membership = Membership.objects.get(user__email=serve.EMAIL)
    assert membership.organization == globex
    assert membership.level == "viewer"
