"""The people import page: who may use it, the preview, the apply, and bad files changing nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgs.models import Person
from tests.factories import MembershipFactory, PersonFactory, RoleFactory
from tests.helpers import organization_state

GOOD = (
    b"Name,Email,Title,Roles,Active\nAna Alvarez,ana@acme.example,CPO,PM,yes\nBen,ben@acme.example,,ENG,yes\n"
)


@pytest.fixture
def url(org):
    return reverse("people-import", args=[org.slug])


@pytest.fixture
def roles(org):
    return [RoleFactory(organization=org, code=code) for code in ("PM", "ENG")]


def upload(data: bytes = GOOD, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def preview(client, url, data: bytes = GOOD, **extra):
    return client.post(url, {"file": upload(data), **extra})


@pytest.mark.parametrize(
    ("actor", "status"), [("owner", 200), ("editor", 200), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_open_the_import_page(client, request, url, org, actor, status):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(url).status_code == status


@pytest.mark.parametrize(("actor", "status"), [("viewer", 403), ("outsider", 404)])
def test_viewers_and_outsiders_cannot_preview_and_nothing_changes(
    client, request, url, org, roles, actor, status
):
    client.force_login(request.getfixturevalue(actor))
    before = organization_state(org)
    assert preview(client, url).status_code == status
    assert client.post(url, {"apply": "1"}).status_code == status
    assert organization_state(org) == before


def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_people_page_links_editors_to_the_import(client, editor, org, url):
    client.force_login(editor)
    assert url in client.get(reverse("settings-people", args=[org.slug])).content.decode()


def test_preview_shows_what_would_change_and_writes_nothing(client, editor, org, roles, url):
    PersonFactory(organization=org, name="Ana", email="ana@acme.example")
    client.force_login(editor)
    before = organization_state(org)

    response = preview(client, url)

    assert response.status_code == 200
    preview_result = response.context["preview"]
    assert [p.email for p in preview_result.created] == ["ben@acme.example"]
    assert [(p.email, p.changes) for p in preview_result.updated] == [
        ("ana@acme.example", ("name", "title", "roles"))
    ]
    assert "Apply these changes" in response.content.decode()
    assert organization_state(org) == before


def test_apply_after_the_preview_writes_the_file(client, editor, org, roles, url):
    member = MembershipFactory(organization=org, user__username="ben", user__email="ben@acme.example").user
    client.force_login(editor)
    preview(client, url)

    response = client.post(url, {"apply": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("settings-people", args=[org.slug])
    ana = Person.objects.get(organization=org, email="ana@acme.example")
    assert (ana.name, ana.title, list(ana.roles.values_list("code", flat=True))) == (
        "Ana Alvarez",
        "CPO",
        ["PM"],
    )
    assert Person.objects.get(organization=org, email="ben@acme.example").user == member


def test_people_left_out_stay_unless_asked_to_deactivate_them(client, editor, org, roles, url):
    cy = PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    client.force_login(editor)
    preview(client, url)
    client.post(url, {"apply": "1"})
    cy.refresh_from_db()
    assert cy.active is True

    preview(client, url, deactivate_missing="on")
    client.post(url, {"apply": "1"})
    cy.refresh_from_db()
    assert cy.active is False


def test_apply_without_a_preview_says_it_expired_and_writes_nothing(client, editor, org, roles, url):
    client.force_login(editor)
    before = organization_state(org)
    response = client.post(url, {"apply": "1"}, follow=True)
    assert "preview expired" in response.content.decode()
    assert organization_state(org) == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"Name,Email\nAna,ana@acme.example\nAna 2,ANA@acme.example\n",
            "Line 3, email: ANA@acme.example is listed twice (first at line 2)",
        ),
        (b"Name,Email,Roles\nAna,ana@acme.example,PM;SALES\n", "Line 2, roles: No role SALES"),
        (b'Name,Email\nAna,ana@acme.example\n"Ben,ben@acme.example\n', "Line 3: Line 3 opens a quoted value"),
        (b"Name,Email\nAna,not-an-email\n", "Line 2, email: Email: Enter a valid email address."),
        (b"PK\x03\x04broken", "not a readable XLSX workbook"),
        (
            b"Name,Email\n" + b"".join(b"P%d,p%d@acme.example\n" % (i, i) for i in range(10_000)),
            "Line 5002: The file has more than 5,000 people",
        ),
    ],
    ids=["duplicate-email", "unknown-role", "malformed-csv", "bad-email", "damaged-xlsx", "10000-rows"],
)
def test_a_bad_file_is_refused_with_line_numbered_errors_and_nothing_written(
    client, editor, org, roles, url, data, expected
):
    PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    client.force_login(editor)
    before = organization_state(org)

    response = preview(client, url, data, deactivate_missing="on")

    assert response.status_code == 400
    assert expected in response.content.decode()
    assert "nothing was changed" in response.content.decode()
    assert "Apply these changes" not in response.content.decode()
    assert organization_state(org) == before


def test_every_problem_of_the_file_is_listed_in_line_order(client, editor, org, roles, url):
    client.force_login(editor)
    data = b"Name,Email,Roles,Active\nAna,ana@,PM,yes\nBen,ben@acme.example,NOPE,maybe\n"
    response = preview(client, url, data)
    issues = [(i.ref, i.field) for i in response.context["rejected"].issues]
    assert issues == [(2, "email"), (3, "active"), (3, "roles")]


@pytest.mark.parametrize("size", [3, 60])
def test_preview_query_count_does_not_grow_with_the_file(
    client, editor, org, roles, url, size, django_assert_num_queries
):
    client.force_login(editor)
    data = b"Name,Email,Roles\n" + b"".join(b"P%d,p%d@acme.example,PM\n" % (i, i) for i in range(size))
    # session, user, membership (require_org), roles, people, holdings, members, the page's
    # organization menu, session save (savepoint, update, release)
    with django_assert_num_queries(11):
        response = preview(client, url, data)
    assert response.status_code == 200
