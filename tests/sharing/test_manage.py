"""Owners make, list and revoke share links, on the matrix's page and over the API; nobody else can."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orgs.models import Organization
from raci.sharing.models import ShareLink
from raci.sharing.services import MAX_DAYS, share_link_create
from tests.helpers import API, assert_error


@pytest.fixture
def matrix(org, owner, build_matrix):
    return build_matrix(organization=org, tasks=3, roles=2, published=True)


@pytest.fixture
def link(matrix):
    link, _ = share_link_create(
        matrix=matrix, name="For sales", expires_at=timezone.now() + timedelta(days=3), created_by=None
    )
    return link


@pytest.fixture
def foreign_matrix(outsider, build_matrix):
    return build_matrix(
        organization=Organization.objects.get(slug="elsewhere"), tasks=2, roles=1, published=True
    )


def page_url(matrix) -> str:
    return reverse("share-links", args=[matrix.organization.slug, matrix.pk])


def api_url(matrix, link_id: int | None = None) -> str:
    base = f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/share-links/"
    return base if link_id is None else f"{base}{link_id}/"


# The page ---------------------------------------------------------------------------------


def test_owner_makes_a_link_and_sees_it_once(client, owner, matrix):
    client.force_login(owner)
    response = client.post(page_url(matrix), {"name": "Sales onboarding", "days": "14"})
    assert response.status_code == 200
    url = response.context["new_url"]
    assert url in response.content.decode()
    link = ShareLink.objects.get(matrix=matrix)
    assert link.name == "Sales onboarding"
    assert timedelta(days=13, hours=23) < link.expires_at - timezone.now() <= timedelta(days=14)
    assert "no-store" in response["Cache-Control"]
    # The list shows the link's name, never the link again.
    assert url not in client.get(page_url(matrix)).content.decode()
    assert client.get(url.replace("http://testserver", "")).status_code == 200


def test_the_matrix_pages_show_owners_the_way_to_share(client, owner, editor, matrix):
    editor_page = reverse("matrix-detail", args=[matrix.organization.slug, matrix.pk])
    client.force_login(owner)
    assert page_url(matrix) in client.get(editor_page).content.decode()
    client.force_login(editor)
    assert page_url(matrix) not in client.get(editor_page).content.decode()


def test_the_page_lists_uses_and_state(client, owner, matrix, link):
    ShareLink.objects.filter(pk=link.pk).update(use_count=7)
    client.force_login(owner)
    response = client.get(page_url(matrix))
    assert response.context["links"] == [(ShareLink.objects.get(pk=link.pk), "live")]
    assert ">7<" in response.content.decode().replace(" <span", "<span").replace("<span", "<")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "days": "7"}, "name"),
        ({"name": "x", "days": "0"}, "days"),
        ({"name": "x", "days": str(MAX_DAYS + 1)}, "days"),
        ({"name": "a\nb", "days": "7"}, "name"),
    ],
)
def test_bad_input_is_shown_and_makes_no_link(client, owner, matrix, data, field):
    client.force_login(owner)
    response = client.post(page_url(matrix), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ShareLink.objects.exists()


def test_owner_revokes_a_link(client, owner, matrix, link):
    client.force_login(owner)
    response = client.post(reverse("share-link-revoke", args=[matrix.organization.slug, matrix.pk, link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None


@pytest.mark.parametrize(("actor", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_open_make_or_revoke(client, request, matrix, link, actor, status):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(page_url(matrix)).status_code == status
    assert client.post(page_url(matrix), {"name": "Mine", "days": "7"}).status_code == status
    revoke = reverse("share-link-revoke", args=[matrix.organization.slug, matrix.pk, link.pk])
    assert client.post(revoke).status_code == status
    assert ShareLink.objects.get().revoked_at is None
    assert ShareLink.objects.count() == 1


def test_a_link_of_another_matrix_cannot_be_revoked_through_this_one(client, owner, org, build_matrix, link):
    other = build_matrix(organization=org, tasks=1, roles=1, name="Other")
    client.force_login(owner)
    response = client.post(reverse("share-link-revoke", args=[org.slug, other.pk, link.pk]))
    assert response.status_code == 404
    assert ShareLink.objects.get().revoked_at is None


def test_another_organizations_matrix_is_404_for_an_owner_here(client, owner, foreign_matrix):
    client.force_login(owner)
    url = reverse("share-links", args=["acme-test", foreign_matrix.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_the_page_takes_the_same_queries_for_1_or_30_links(
    client, owner, matrix, count, django_assert_num_queries
):
    for i in range(count):
        share_link_create(
            matrix=matrix, name=f"L{i}", expires_at=timezone.now() + timedelta(days=1), created_by=None
        )
    client.force_login(owner)
    # session, user, membership, matrix, links, the organization menu, the publication banner is not
    # on this page
    with django_assert_num_queries(6):
        assert client.get(page_url(matrix)).status_code == 200


# The API ----------------------------------------------------------------------------------


def test_api_owner_makes_a_link_whose_url_works_without_an_account(client_for, client, owner, matrix):
    response = client_for(owner).post(api_url(matrix), {"name": "Board"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["state"], body["use_count"]) == ("Board", "live", 0)
    assert client.get(body["url"].replace("http://testserver", "")).status_code == 200
    assert client_for(owner).get(api_url(matrix, body["id"])).json()["use_count"] == 1


def test_api_lists_links_without_their_urls(client_for, owner, matrix, link):
    results = client_for(owner).get(api_url(matrix)).json()["results"]
    assert [(r["id"], r["name"]) for r in results] == [(link.pk, "For sales")]
    assert "url" not in results[0]


def test_api_revoke_answers_204_and_the_link_stops_working(client_for, client, owner, matrix):
    body = client_for(owner).post(api_url(matrix), {"name": "Board"}, format="json").json()
    assert client_for(owner).delete(api_url(matrix, body["id"])).status_code == 204
    assert client.get(body["url"].replace("http://testserver", "")).status_code == 404
    assert client_for(owner).get(api_url(matrix, body["id"])).json()["state"] == "revoked"


@pytest.mark.parametrize(
    "expires_at",
    [lambda: timezone.now() - timedelta(minutes=1), lambda: timezone.now() + timedelta(days=MAX_DAYS + 1)],
    ids=["past", "too-far"],
)
def test_api_refuses_an_expiry_in_the_past_or_too_far_ahead(client_for, owner, matrix, expires_at):
    response = client_for(owner).post(
        api_url(matrix), {"name": "Board", "expires_at": expires_at().isoformat()}, format="json"
    )
    assert "expires_at" in assert_error(response, 400, "invalid")["details"]
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(("actor", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_api_only_owners_list_make_read_or_revoke(client_for, request, matrix, link, actor, status):
    client = client_for(request.getfixturevalue(actor))
    assert_error(client.get(api_url(matrix)), status)
    assert_error(client.post(api_url(matrix), {"name": "Mine"}, format="json"), status)
    assert_error(client.get(api_url(matrix, link.pk)), status)
    assert_error(client.delete(api_url(matrix, link.pk)), status)
    assert ShareLink.objects.count() == 1
    assert ShareLink.objects.get().revoked_at is None


def test_api_missing_link_is_404(client_for, owner, matrix):
    assert_error(client_for(owner).delete(api_url(matrix, 999_999)), 404)


def test_api_a_link_of_another_organization_is_404(client_for, owner, matrix, foreign_matrix):
    theirs, _ = share_link_create(
        matrix=foreign_matrix, name="Theirs", expires_at=timezone.now() + timedelta(days=1), created_by=None
    )
    assert_error(client_for(owner).delete(api_url(matrix, theirs.pk)), 404)
    assert ShareLink.objects.get(pk=theirs.pk).revoked_at is None


def test_share_links_are_in_the_api_schema(client_for, owner):
    paths = client_for(owner).get("/api/schema/?format=json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/orgs/{org_slug}/matrices/{matrix_id}/share-links/"])
    assert "delete" in paths["/api/v1/orgs/{org_slug}/matrices/{matrix_id}/share-links/{link_id}/"]
