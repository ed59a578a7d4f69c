"""The shared page: the published who-does-what of one matrix for anyone with the link, and nothing
else — no draft, no history, no members, no other matrix or organization, no other URL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orgs.models import Organization
from raci.matrices.cells import CellChange, grid_apply_changes
from raci.matrices.models import Matrix
from raci.matrices.services import matrix_update
from raci.sharing.models import ShareLink
from raci.sharing.services import share_link_create, share_link_revoke
from tests.factories import PersonFactory


@pytest.fixture
def matrix(org, owner, build_matrix):
    matrix = build_matrix(
        organization=org,
        tasks=["Define pricing", "Write launch plan"],
        roles=["PM", "PMM"],
        stages="Launch",
        cells={("Write launch plan", "PMM"): "R", ("Define pricing", "PMM"): "C"},
        published=True,
    )
    pm = org.roles.get(code="PM")
    PersonFactory(organization=org, name="Ana Alvarez", email="ana@secret.example", roles=[pm])
    PersonFactory(organization=org, name="Gone Person", active=False, roles=[pm])
    return matrix


def share(matrix, **kwargs) -> str:
    _, token = share_link_create(
        matrix=matrix,
        name=kwargs.pop("name", "For sales"),
        expires_at=kwargs.pop("expires_at", timezone.now() + timedelta(days=7)),
        created_by=None,
    )
    return reverse("shared-matrix", args=[token])


def test_anyone_with_the_link_reads_tasks_roles_people_and_letters(client, matrix):
    response = client.get(share(matrix))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Ownership", "Acme", "Launch", "Define pricing", "Write launch plan", "PMM", "Ana Alvarez"):
        assert text in page
    assert "<b>AR</b> PM" in page
    assert "<b>C</b> PMM" in page
    assert "revision 1" in page


def test_the_page_asks_not_to_be_indexed_in_header_and_meta(client, matrix):
    response = client.get(share(matrix))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_the_page_links_nowhere_and_has_no_form_or_script(client, matrix):
    page = client.get(share(matrix)).content.decode()
    assert "<a " not in page
    assert "<form" not in page
    assert "<script" not in page
    assert " style=" not in page
    # Only its own stylesheet, from this host.
    assert re.findall(r'href="([^"]*)"', page) == ["data:,", "/static/css/shared.css"]


def test_the_page_sets_no_cookie(client, matrix):
    response = client.get(share(matrix))
    assert not response.cookies


def test_the_page_shows_the_published_agreement_not_the_draft(client, matrix):
    grid_apply_changes(
        matrix=matrix,
        changes=[
            CellChange(task=matrix.tasks.get(name="Define pricing").pk, role="PMM", expected="C", letters="I")
        ],
    )
    matrix.tasks.create(name="Draft only task", stage="Launch", order=9)
    page = client.get(share(matrix)).content.decode()
    assert "<b>C</b> PMM" in page
    assert "<b>I</b>" not in page.split("Tasks", 1)[1].split("Roles and who", 1)[0]
    assert "Draft only task" not in page


def test_no_emails_no_inactive_people_no_members_no_history(client, matrix, owner):
    page = client.get(share(matrix)).content.decode()
    assert "ana@secret.example" not in page
    assert "Gone Person" not in page
    assert owner.username not in page
    assert "History" not in page
    assert "Draft" not in page


def test_a_matrix_never_published_says_so_and_shows_no_draft(client, org, build_matrix):
    draft = build_matrix(organization=org, tasks=["Secret draft task"], roles=["PM"], name="Unpublished")
    response = client.get(share(draft))
    assert response.status_code == 200
    assert "Nothing has been published yet" in response.content.decode()
    assert "Secret draft task" not in response.content.decode()


def test_each_get_is_counted_and_a_head_is_not(client, matrix):
    url = share(matrix)
    client.get(url)
    client.get(url)
    client.head(url)
    link = ShareLink.objects.get()
    assert link.use_count == 2
    assert link.last_used_at is not None


def test_a_revoked_link_answers_404_and_is_not_counted(client, matrix):
    url = share(matrix)
    link = ShareLink.objects.get()
    share_link_revoke(link=link)
    response = client.get(url)
    assert response.status_code == 404
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Ownership" not in response.content.decode()
    link.refresh_from_db()
    assert link.use_count == 0


def test_an_expired_link_answers_404(client, matrix):
    url = share(matrix)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 404


def test_a_link_to_a_matrix_since_archived_answers_404(client, matrix):
    url = share(matrix)
    matrix_update(matrix=matrix, status=Matrix.Status.ARCHIVED)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 100, "a"])
def test_an_unknown_token_answers_404_like_a_revoked_one(client, matrix, token):
    share(matrix)
    response = client.get(reverse("shared-matrix", args=[token]))
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


@pytest.mark.parametrize("path", ["/s/abc/def/", "/s/%00/", "/s/../o/acme-test/", "/s/" + "x" * 101 + "/"])
def test_paths_that_are_not_a_token_answer_404(client, path):
    assert client.get(path).status_code == 404


def test_a_link_shows_only_its_own_matrix(client, matrix, org, build_matrix):
    build_matrix(organization=org, tasks=["Other matrix task"], roles=["PM"], name="Other", published=True)
    page = client.get(share(matrix)).content.decode()
    assert "Other matrix task" not in page


def test_a_link_shows_nothing_of_another_organization(client, matrix, outsider, build_matrix):
    elsewhere = Organization.objects.get(slug="elsewhere")
    build_matrix(organization=elsewhere, tasks=["Their task"], roles=["PM"], name="Theirs", published=True)
    PersonFactory(organization=elsewhere, name="Their Person", roles=[elsewhere.roles.get(code="PM")])
    page = client.get(share(matrix)).content.decode()
    assert "Their task" not in page
    assert "Their Person" not in page
    assert "Elsewhere" not in page


def test_the_token_grants_no_other_page_or_endpoint(matrix, org):
    client = Client()
    client.get(share(matrix))
    page = client.get(reverse("matrix-detail", args=[org.slug, matrix.pk]))
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]
    api = client.get(f"/api/v1/orgs/{org.slug}/matrices/{matrix.pk}/")
    assert api.status_code in (401, 403)


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_the_page_takes_the_same_queries_for_a_small_and_a_large_matrix(
    client, org, build_matrix, tasks, roles, django_assert_num_queries
):
    matrix = build_matrix(
        organization=org, tasks=tasks, roles=roles, fill="sparse", people=True, published=True
    )
    url = share(matrix)
    # link with matrix and organization, count the use, the published revision, who holds the
    # matrix's roles (two), the organization's headcount (none declared)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
