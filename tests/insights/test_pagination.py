"""A person's and a role's responsibilities a page at a time: pages, API and their costs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from raci.insights.selectors import (
    CursorInvalid,
    cursor_decode,
    cursor_encode,
    person_responsibilities,
    person_responsibilities_page,
    role_cells,
    role_cells_page,
)
from tests.builders import matrix_build
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _build(org, *, matrices: int = 2, tasks: int = 5, name: str = "M"):
    """Matrices whose first column (OWN) is A/R on every task, other columns sparse; published."""
    for index in range(matrices):
        matrix_build(
            organization=org,
            name=f"{name}{index}",
            tasks=tasks,
            roles=["OWN", "ENG", "QA"],
            fill="sparse",
            owner_column=True,
            published=True,
        )
    own = org.roles.get(code="OWN")
    return own, PersonFactory(organization=org, name="Olga Owner", roles=[own])


def _all_pages(fetch) -> list:
    items, cursor, seen = [], None, 0
    while True:
        page = fetch(cursor)
        items.extend(page.items)
        seen += 1
        if page.next is None:
            return items
        cursor = page.next
        assert seen < 100


@pytest.mark.parametrize("draft", [False, True])
def test_pages_of_a_person_hold_every_responsibility_once_in_order(org, draft):
    _own, olga = _build(org, matrices=3, tasks=7)
    everything = person_responsibilities(person=olga, draft=draft)
    paged = _all_pages(lambda c: person_responsibilities_page(person=olga, draft=draft, cursor=c, size=4))
    assert [(r.matrix_id, r.task_id, r.role) for r in paged] == [
        (r.matrix_id, r.task_id, r.role) for r in everything
    ]


def test_the_page_of_a_person_carries_each_tasks_co_owners(org):
    _own, olga = _build(org, matrices=1, tasks=6)
    everything = {(r.task_id, r.role): set(r.co_owners) for r in person_responsibilities(person=olga)}
    page = person_responsibilities_page(person=olga, size=3)
    assert page.items
    assert {(r.task_id, r.role): set(r.co_owners) for r in page.items} == {
        (r.task_id, r.role): everything[(r.task_id, r.role)] for r in page.items
    }


def test_a_previous_cursor_gives_back_the_page_before(org):
    _own, olga = _build(org, matrices=2, tasks=5)
    first = person_responsibilities_page(person=olga, size=3)
    second = person_responsibilities_page(person=olga, size=3, cursor=first.next)
    back = person_responsibilities_page(person=olga, size=3, cursor=second.previous)
    assert [r.task_id for r in back.items] == [r.task_id for r in first.items]


def test_the_first_page_has_no_previous_and_the_last_no_next(org):
    _own, olga = _build(org, matrices=1, tasks=4)
    first = person_responsibilities_page(person=olga, size=3)
    last = person_responsibilities_page(person=olga, size=3, cursor=first.next)
    assert (first.previous, last.next) == (None, None)


@pytest.mark.parametrize("draft", [False, True])
def test_pages_of_a_role_hold_every_cell_once_in_order(org, draft):
    own, _olga = _build(org, matrices=3, tasks=5)
    everything = role_cells(role=own, draft=draft)
    paged = _all_pages(lambda c: role_cells_page(role=own, draft=draft, cursor=c, size=4))
    assert paged == everything


@pytest.mark.parametrize("junk", ["x", "WyJhIl0", cursor_encode(("M", 1, 2, 3))[:-3], "eyJhIjoxfQ"])
def test_a_cursor_not_made_by_the_pages_is_refused(junk):
    with pytest.raises(CursorInvalid):
        cursor_decode(junk)


def test_a_cursor_round_trips():
    assert cursor_decode(cursor_encode(("Zoë's plan", 4, 7, 90), before=True)) == (
        True,
        ("Zoë's plan", 4, 7, 90),
    )


# --- The pages -------------------------------------------------------------------------------------


def test_the_person_page_links_to_the_next_page_of_a_long_list(client, viewer, org):
    _own, olga = _build(org, matrices=1, tasks=205)
    client.force_login(viewer)
    url = reverse("person-detail", args=[org.slug, olga.pk])
    first = client.get(url).content.decode()
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    cursor = person_responsibilities_page(person=olga).next
    second = client.get(url, {"cursor": cursor}).content.decode()
    assert "Task 204" in second
    assert 'rel="prev"' in second


def test_the_person_page_refuses_a_bad_cursor_with_400(client, viewer, org):
    _own, olga = _build(org, matrices=1, tasks=2)
    client.force_login(viewer)
    response = client.get(reverse("person-detail", args=[org.slug, olga.pk]), {"cursor": "junk"})
    assert response.status_code == 400


def test_the_role_page_links_to_the_next_page_of_a_long_list(client, viewer, org):
    own, _olga = _build(org, matrices=1, tasks=205)
    client.force_login(viewer)
    page = client.get(reverse("role-detail", args=[org.slug, own.pk])).content.decode()
    assert 'rel="next"' in page
    assert "Task 204" not in page


def test_co_owners_on_the_person_page_link_to_their_roles(client, viewer, org):
    _own, olga = _build(org, matrices=1, tasks=5)
    client.force_login(viewer)
    page = client.get(reverse("person-detail", args=[org.slug, olga.pk])).content.decode()
    eng = org.roles.get(code="ENG")
    assert f'<a href="{reverse("role-detail", args=[org.slug, eng.pk])}">ENG</a>:' in page


@pytest.mark.parametrize("page", ["person-detail", "role-detail"])
@pytest.mark.parametrize("tasks", [3, 300])
def test_the_pages_run_the_same_queries_for_3_or_300_responsibilities(
    client, viewer, org, django_assert_num_queries, page, tasks
):
    own, olga = _build(org, matrices=1, tasks=tasks)
    client.force_login(viewer)
    url = reverse(page, args=[org.slug, olga.pk if page == "person-detail" else own.pk])
    # Session, user, membership, switcher; the person page: the person, their roles, the page's five,
    # schemes, role ids, acknowledgements (two); the role page: the role, its holders, its page.
    with django_assert_num_queries(15 if page == "person-detail" else 7):
        assert client.get(url).status_code == 200


# --- The API ---------------------------------------------------------------------------------------


def _api(user, person, **query):
    api = APIClient()
    api.force_authenticate(user)
    return api.get(reverse("api-person-responsibilities", args=[person.organization.slug, person.pk]), query)


def test_the_api_pages_by_cursor_with_next_and_previous_urls(viewer, org):
    _own, olga = _build(org, matrices=2, tasks=3)
    first = _api(viewer, olga, page_size=4).json()
    assert len({r["task"]["id"] for r in first["responsibilities"]}) == 4
    assert first["previous"] is None
    second = APIClient()
    second.force_authenticate(viewer)
    body = second.get(first["next"]).json()
    assert body["next"] is None
    assert len(body["responsibilities"]) == 2
    assert "cursor=" in body["previous"]


@pytest.mark.parametrize(
    "query", [{"cursor": "junk"}, {"page_size": "0"}, {"page_size": "501"}, {"page_size": "x"}]
)
def test_the_api_refuses_a_bad_cursor_or_page_size_with_400(viewer, org, query):
    _own, olga = _build(org, matrices=1, tasks=2)
    assert _api(viewer, olga, **query).status_code == 400


@pytest.mark.parametrize("tasks", [3, 300])
def test_the_api_runs_the_same_queries_for_3_or_300_responsibilities(
    viewer, org, django_assert_num_queries, tasks
):
    _own, olga = _build(org, matrices=1, tasks=tasks)
    # Access, the person, their roles, the page's five, the revision numbers.
    with django_assert_num_queries(9):
        assert _api(viewer, olga).status_code == 200
