"""Personal API tokens: `Authorization: Bearer <key>`, read-only scope, hashed storage,
and the `create_api_token` command."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from orgs.models import ApiToken, Role
from orgs.services import api_token_create, api_token_revoke
from tests.factories import RoleFactory
from tests.helpers import API, assert_error


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_bearer_token_authenticates_the_request(org, owner, token_client):
    response = token_client(owner).get(f"{API}orgs/")
    assert response.status_code == 200
    assert [o["slug"] for o in response.json()["results"]] == [org.slug]


def test_bearer_keyword_is_case_insensitive(org, owner):
    _, key = api_token_create(user=owner, name="lower")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"bearer {key}")
    assert client.get(f"{API}orgs/{org.slug}/").status_code == 200


def test_unknown_token_gets_401_with_error_shape(db):
    response = bearer("raci_not-a-real-token").get(f"{API}orgs/")
    assert_error(response, 401)


def test_unknown_token_answer_names_the_bearer_scheme(db):
    response = bearer("raci_not-a-real-token").get(f"{API}orgs/")
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_gets_401(org, owner):
    token, key = api_token_create(user=owner, name="old")
    api_token_revoke(token=token)
    response = bearer(key).get(f"{API}orgs/{org.slug}/")
    assert_error(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_of_a_deactivated_user_gets_401(org, owner):
    _, key = api_token_create(user=owner, name="leaver")
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert_error(bearer(key).get(f"{API}orgs/"), 401)


def test_bearer_header_with_extra_words_gets_401(org, owner):
    _, key = api_token_create(user=owner, name="spaces")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key} extra")
    assert_error(client.get(f"{API}orgs/"), 401)


def test_request_without_credentials_gets_401_with_error_shape(org):
    response = APIClient().get(f"{API}orgs/{org.slug}/roles/")
    assert_error(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_anonymous_write_gets_401_and_changes_nothing(org):
    response = APIClient().post(f"{API}orgs/{org.slug}/roles/", {"code": "PM", "name": "PM"}, format="json")
    assert_error(response, 401)
    assert not Role.objects.exists()


def test_read_only_token_can_read(org, owner, token_client):
    RoleFactory(organization=org, code="PM")
    response = token_client(owner, read_only=True).get(f"{API}orgs/{org.slug}/roles/")
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["results"]] == ["PM"]


def test_read_only_token_gets_403_on_post_and_creates_nothing(org, owner, token_client):
    client = token_client(owner, read_only=True)
    response = client.post(f"{API}orgs/{org.slug}/roles/", {"code": "PM", "name": "PM"}, format="json")
    assert assert_error(response, 403)["message"] == "This token is read-only."
    assert not Role.objects.exists()


def test_read_only_token_gets_403_on_patch_and_changes_nothing(org, owner, token_client):
    role = RoleFactory(organization=org, code="PM", name="Product")
    client = token_client(owner, read_only=True)
    response = client.patch(f"{API}orgs/{org.slug}/roles/{role.pk}/", {"name": "Changed"}, format="json")
    assert_error(response, 403)
    role.refresh_from_db()
    assert role.name == "Product"


def test_read_only_token_gets_403_on_delete_and_deletes_nothing(org, owner, token_client):
    role = RoleFactory(organization=org, code="PM")
    response = token_client(owner, read_only=True).delete(f"{API}orgs/{org.slug}/roles/{role.pk}/")
    assert_error(response, 403)
    assert Role.objects.filter(pk=role.pk).exists()


def test_read_write_token_of_an_editor_may_write(org, editor, token_client):
    response = token_client(editor).post(
        f"{API}orgs/{org.slug}/roles/", {"code": "PM", "name": "PM"}, format="json"
    )
    assert response.status_code == 201
    assert Role.objects.filter(organization=org, code="PM", name="PM").exists()


def test_token_gives_no_more_than_its_users_access_level(org, viewer, token_client):
    response = token_client(viewer).post(
        f"{API}orgs/{org.slug}/roles/", {"code": "PM", "name": "PM"}, format="json"
    )
    assert_error(response, 403)
    assert not Role.objects.exists()


def test_token_of_an_outsider_gets_404(org, outsider, token_client):
    assert_error(token_client(outsider).get(f"{API}orgs/{org.slug}/"), 404)


def test_only_a_hash_of_the_key_is_stored(owner):
    token, key = api_token_create(user=owner, name="hashed")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(value) for value in stored.values()}
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(stored["prefix"])
    assert len(stored["prefix"]) < len(key) // 2


def test_using_a_token_records_when_it_was_last_used(org, owner):
    token, key = api_token_create(user=owner, name="used")
    bearer(key).get(f"{API}orgs/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_create_api_token_command_prints_a_working_key(org, owner):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "owner", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert "\n" not in key
    assert bearer(key).get(f"{API}orgs/{org.slug}/").status_code == 200


def test_create_api_token_command_prints_the_key_once(owner):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "owner", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert out.getvalue().count(key) == 1
    assert key not in err.getvalue()
    assert "not shown again" in err.getvalue()


def test_create_api_token_command_stores_only_the_hash(owner):
    out = StringIO()
    call_command("create_api_token", "owner", "--name", "ci", stdout=out, stderr=StringIO())
    token = ApiToken.objects.get(user=owner, name="ci")
    assert token.key_hash == hashlib.sha256(out.getvalue().strip().encode()).hexdigest()


def test_create_api_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("create_api_token", "nobody", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_create_api_token_command_refuses_a_duplicate_live_name(owner):
    api_token_create(user=owner, name="ci")
    with pytest.raises(CommandError, match="already have a"):
        call_command("create_api_token", "owner", "--name", "ci", stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.filter(user=owner).count() == 1


def test_create_api_token_command_read_only_flag_makes_a_read_only_token(org, owner):
    out = StringIO()
    call_command("create_api_token", "owner", "--read-only", stdout=out, stderr=StringIO())
    client = bearer(out.getvalue().strip())
    assert client.get(f"{API}orgs/{org.slug}/roles/").status_code == 200
    response = client.post(f"{API}orgs/{org.slug}/roles/", {"code": "PM", "name": "PM"}, format="json")
    assert_error(response, 403)
    assert not Role.objects.exists()
    assert ApiToken.objects.get(user=owner).read_only


def test_guessing_tokens_is_throttled_per_client(settings, db):
    from rest_framework.test import APIClient

    settings.RACI_THROTTLE_RATES = {**settings.RACI_THROTTLE_RATES, "anon": "3/min"}
    client = APIClient()
    statuses = [
        client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer raci_wrong{i}").status_code for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
