"""A person's title: set on the settings page and over the API, shown beside the name."""

from __future__ import annotations

from django.urls import reverse

from orgs.models import Person
from tests.factories import PersonFactory
from tests.helpers import API, assert_error


def test_editor_sets_a_title_on_the_person_page_and_the_list_shows_it(client, editor, org):
    person = PersonFactory(organization=org, name="Ana Alvarez", email="ana@acme.example")
    client.force_login(editor)
    url = reverse("settings-person-edit", args=[org.slug, person.pk])
    response = client.post(
        url, {"name": "Ana Alvarez", "email": "ana@acme.example", "title": "Head of Product"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.title == "Head of Product"
    assert "Head of Product" in client.get(reverse("settings-people", args=[org.slug])).content.decode()


def test_the_api_creates_and_returns_a_title(client_for, editor, org):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/people/", {"name": "Ben", "title": "Staff engineer"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["title"] == "Staff engineer"


def test_a_title_on_two_lines_is_refused(client_for, editor, org):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/people/", {"name": "Ben", "title": "Staff\nengineer"}, format="json"
    )
    assert_error(response, 400, "invalid")
    assert not Person.objects.filter(organization=org).exists()
