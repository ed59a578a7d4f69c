"""The API documentation is served from this host only."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_api_docs_load_nothing_from_other_hosts(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    assert "swagger-ui" in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


@pytest.mark.django_db
def test_schema_is_valid_json_with_every_endpoint_documented(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/orgs/{org_slug}/matrices/{matrix_id}/grid/" in schema["paths"]
