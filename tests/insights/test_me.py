"""My responsibilities: the signed-in user's home (``/me/``) and the same data over the API
(``/api/v1/me/responsibilities/``); acknowledging and signing off from it through htmx."""

from __future__ import annotations

import gc
import html
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from orgs.models import Membership, Person, Role
from raci.insights.api_me import MyResponsibilitiesSerializer
from raci.insights.me import MATRICES_PER_PAGE, my_responsibilities
from raci.matrices.models import Assignment, Matrix, Task
from raci.revisions import services as revisions
from raci.revisions.models import Acknowledgement, SignOff
from tests.builders import matrix_build
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = reverse("my-responsibilities")
API_ME = reverse("api-my-responsibilities")

# (task, stage) of every matrix these tests build; PM is the role "me" holds.
TASKS = [("Pricing", "Business"), ("Roadmap", "Planning"), ("Launch", "Programs"), ("Win/loss", "Market")]
CELLS = {
    ("Pricing", "PM"): "A",
    ("Pricing", "PMM"): "R",
    ("Roadmap", "PM"): "AR",
    ("Roadmap", "ENG"): "C",
    ("Launch", "PMM"): "AR",
    ("Launch", "PM"): "I",
    ("Win/loss", "PMM"): "AR",
}


def _matrix(organization, name="Ownership", *, extra_tasks=0, cells=None):
    extra = [f"Extra {i}" for i in range(extra_tasks)]
    all_cells = dict(CELLS if cells is None else cells)
    all_cells |= {(task, "PM"): "R" for task in extra} | {(task, "ENG"): "A" for task in extra}
    return matrix_build(
        organization=organization,
        name=name,
        tasks=[task for task, _stage in TASKS] + extra,
        stages=[stage for _task, stage in TASKS] + ["Extra"] * extra_tasks,
        roles=["PM", "PMM", "ENG"],
        fill="empty",
        cells=all_cells,
    )


def _publish(matrix, **options):
    return revisions.matrix_publish(matrix=matrix, override_reason="Tests publish as they are.", **options)


def _set(matrix, task, code, letters):
    """Change the draft's cell (publishing reads the draft)."""
    task_row = Task.objects.get(matrix=matrix, name=task)
    Assignment.objects.filter(task=task_row, role__code=code).delete()
    if letters:
        Assignment.objects.create(
            task=task_row, role=Role.objects.get(organization=matrix.organization, code=code), letters=letters
        )


@pytest.fixture
def me(org):
    user = UserFactory(username="me", first_name="Mia", last_name="Me")
    MembershipFactory(organization=org, user=user, level=Membership.Level.VIEWER)
    return user


@pytest.fixture
def matrix(org):
    return _matrix(org)


@pytest.fixture
def person(org, me, matrix):
    person = Person.objects.create(organization=org, name="Mia Me", user=me)
    person.roles.add(Role.objects.get(organization=org, code="PM"))
    return person


@pytest.fixture
def published(matrix, person):
    return _publish(matrix)


@pytest.fixture
def browser(me):
    client = Client()
    client.force_login(me)
    return client


def _text(response) -> str:
    page = response.content.decode()
    main = page[page.find("<main") :] if "<main" in page else page
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
    return text.replace(" ,", ",").replace(" :", ":").replace(" .", ".")


def _tasks(result, matrix_name="Ownership") -> dict[str, str]:
    """Task name -> the person's letters, in the matrix ``matrix_name`` of the first organization."""
    matrix = next(m for m in result.organizations[0].matrices if m.name == matrix_name)
    return {task.name: task.letters for stage in matrix.stages for task in stage.tasks}


# --- What the user holds ----------------------------------------------------------------------


def test_a_linked_user_sees_their_published_letters_grouped_by_matrix_and_stage(me, published):
    result = my_responsibilities(me)
    [organization] = result.organizations
    [matrix] = organization.matrices
    assert [(stage.name, [task.name for task in stage.tasks]) for stage in matrix.stages] == [
        ("Business", ["Pricing"]),
        ("Planning", ["Roadmap"]),
        ("Programs", ["Launch"]),
    ]
    assert _tasks(result) == {"Pricing": "A", "Roadmap": "AR", "Launch": "I"}


def test_the_page_spells_letters_out_and_links_tasks_and_the_matrix(browser, org, matrix, published):
    response = browser.get(ME)
    assert response.status_code == 200
    text = _text(response)
    assert "Roadmap: AR Accountable, Responsible" in text
    assert "Launch: I Informed" in text
    page = response.content.decode()
    roadmap = Task.objects.get(matrix=matrix, name="Roadmap")
    assert f'href="{reverse("task-detail", args=[org.slug, matrix.pk, roadmap.pk])}"' in page
    assert f'href="{reverse("matrix-detail", args=[org.slug, matrix.pk])}"' in page


def test_later_draft_edits_are_not_shown_until_published(me, matrix, published):
    _set(matrix, "Win/loss", "PM", "R")
    _set(matrix, "Pricing", "PM", "")
    assert _tasks(my_responsibilities(me)) == {"Pricing": "A", "Roadmap": "AR", "Launch": "I"}


def test_task_names_and_letters_are_escaped_on_the_page(browser, org, matrix, person):
    Task.objects.filter(matrix=matrix, name="Roadmap").update(name="<b>Road</b> & map")
    _publish(matrix)
    page = browser.get(ME).content.decode()
    assert "&lt;b&gt;Road&lt;/b&gt; &amp; map" in page
    assert "<b>Road</b>" not in page


def test_reading_leaves_the_garbage_collector_as_it_found_it(me, published):
    assert gc.isenabled()
    my_responsibilities(me)
    assert gc.isenabled()
    gc.disable()
    try:
        my_responsibilities(me)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_matrices_never_published_are_left_out(org, me, person, published):
    _matrix(org, name="Unpublished")
    assert [m.name for m in my_responsibilities(me).organizations[0].matrices] == ["Ownership"]


def test_archived_matrices_are_left_out(me, matrix, published):
    Matrix.objects.filter(pk=matrix.pk).update(status=Matrix.Status.ARCHIVED)
    assert my_responsibilities(me).organizations[0].matrices == []


def test_two_roles_on_one_task_read_as_one_line_with_both_letters(org, me, matrix, person):
    person.roles.add(Role.objects.get(organization=org, code="ENG"))
    _publish(matrix)
    [roadmap] = [
        t
        for s in my_responsibilities(me).organizations[0].matrices[0].stages
        for t in s.tasks
        if t.name == "Roadmap"
    ]
    assert roadmap.letters == "ARC"
    assert [(held.role, held.letters) for held in roadmap.roles] == [("PM", "AR"), ("ENG", "C")]
    assert roadmap.co_owners == []


def test_a_person_in_two_organizations_sees_both(me, published):
    other = OrganizationFactory(name="Beta", slug="beta")
    MembershipFactory(organization=other, user=me)
    matrix = _matrix(other, name="Beta ownership")
    person = Person.objects.create(organization=other, name="Mia at Beta", user=me)
    person.roles.add(Role.objects.get(organization=other, code="PMM"))
    _publish(matrix)
    result = my_responsibilities(me)
    assert [(o.name, [m.name for m in o.matrices]) for o in result.organizations] == [
        ("Acme", ["Ownership"]),
        ("Beta", ["Beta ownership"]),
    ]
    assert _tasks(result) == {"Pricing": "A", "Roadmap": "AR", "Launch": "I"}


# --- What changed since the last acknowledgement ----------------------------------------------


def test_a_matrix_never_acknowledged_is_all_new_to_you_not_a_diff(browser, me, published):
    [matrix] = my_responsibilities(me).organizations[0].matrices
    assert matrix.standing == "never_acknowledged"
    assert matrix.changes is None
    assert "everything below is new to you" in _text(browser.get(ME))


def test_changes_since_the_last_acknowledged_revision_list_gained_changed_and_lost_tasks(
    browser, me, matrix, person, published
):
    revisions.acknowledge(revision=published, person=person, user=me)
    _set(matrix, "Win/loss", "PM", "C")  # gained
    _set(matrix, "Launch", "PM", "R")  # changed, I -> R
    _set(matrix, "Pricing", "PM", "")  # lost
    _set(matrix, "Pricing", "PMM", "AR")
    _publish(matrix)
    [shown] = my_responsibilities(me).organizations[0].matrices
    assert shown.standing == "outdated"
    assert shown.changes.since == 1
    assert [(c.task_name, c.before, c.after) for c in shown.changes.gained] == [("Win/loss", "", "C")]
    assert [(c.task_name, c.before, c.after) for c in shown.changes.changed] == [("Launch", "I", "R")]
    assert [(c.task_name, c.before, c.after) for c in shown.changes.lost] == [("Pricing", "A", "")]
    text = _text(browser.get(ME))
    assert "What changed for you since revision 1" in text
    assert "Launch: I Informed → R Responsible" in text
    assert "Pricing: was A Accountable" in text


def test_a_revision_that_changed_nothing_for_you_lists_no_changes(me, matrix, person, published):
    revisions.acknowledge(revision=published, person=person, user=me)
    _set(matrix, "Win/loss", "ENG", "C")
    _publish(matrix)
    [shown] = my_responsibilities(me).organizations[0].matrices
    assert shown.changes.count == 0
    assert shown.acknowledgement_pending


def test_losing_every_letter_in_a_matrix_still_shows_what_you_lost(me, matrix, person, published):
    revisions.acknowledge(revision=published, person=person, user=me)
    for task in ("Pricing", "Roadmap", "Launch"):
        _set(matrix, task, "PM", "")
    _publish(matrix)
    [shown] = my_responsibilities(me).organizations[0].matrices
    assert shown.task_count == 0
    assert [c.task_name for c in shown.changes.lost] == ["Pricing", "Roadmap", "Launch"]
    assert shown.acknowledgement_pending


# --- Acknowledgements and sign-offs waiting -----------------------------------------------------


def test_a_pending_acknowledgement_offers_a_button_posting_through_htmx(browser, org, matrix, published):
    page = browser.get(ME).content.decode()
    url = reverse("acknowledge", args=[org.slug, matrix.pk, published.number])
    assert f'hx-post="{url}"' in page
    assert "I have read my responsibilities" in page
    assert "csrfmiddlewaretoken" in page


def test_acknowledging_through_htmx_answers_a_partial_and_records_it(browser, org, matrix, person, published):
    url = reverse("acknowledge", args=[org.slug, matrix.pk, published.number])
    response = browser.post(url, {"shown_on": "me"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "Acknowledged on" in body
    assert f'id="me-ack-state-{matrix.pk}" hx-swap-oob="true"' in body
    assert Acknowledgement.objects.filter(revision=published, person=person).exists()


def test_an_acknowledged_latest_revision_waits_no_more(browser, me, person, published):
    revisions.acknowledge(revision=published, person=person, user=me)
    [matrix] = my_responsibilities(me).organizations[0].matrices
    assert matrix.standing == "up_to_date"
    assert not matrix.acknowledgement_pending
    assert "Nothing is waiting for you" in _text(browser.get(ME))


def test_acknowledging_without_htmx_still_redirects_to_the_revision(browser, org, matrix, published):
    response = browser.post(reverse("acknowledge", args=[org.slug, matrix.pk, published.number]))
    assert response.status_code == 302
    assert response["Location"] == reverse("revision-detail", args=[org.slug, matrix.pk, published.number])


def test_acknowledging_through_htmx_without_a_linked_person_is_refused_in_place(
    org, viewer, matrix, published
):
    client = Client()
    client.force_login(viewer)
    response = client.post(
        reverse("acknowledge", args=[org.slug, matrix.pk, published.number]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert 'role="alert"' in response.content.decode()
    assert "not linked to a person" in response.content.decode()
    assert not Acknowledgement.objects.exists()


@pytest.fixture
def signoff(matrix, person):
    revision = _publish(matrix, require_signoff=True)
    return SignOff.objects.get(revision=revision, person=person)


def _decide_url(org, signoff):
    revision = signoff.revision
    return reverse("signoff-decide", args=[org.slug, revision.matrix_id, revision.number, signoff.pk])


def test_a_pending_signoff_shows_approve_and_reject_through_htmx(browser, org, signoff):
    page = browser.get(ME).content.decode()
    assert f'hx-post="{_decide_url(org, signoff)}"' in page
    assert 'value="approved"' in page
    assert 'value="rejected"' in page
    assert f'<label for="signoff-{signoff.pk}-comment">' in page


def test_approving_through_htmx_answers_the_decision_and_records_it(browser, org, signoff):
    response = browser.post(_decide_url(org, signoff), {"decision": "approved"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "You approved Ownership, revision 1" in _text(response)
    signoff.refresh_from_db()
    assert signoff.decision == SignOff.Decision.APPROVED


def test_rejecting_through_htmx_without_a_comment_answers_the_form_with_the_reason(browser, org, signoff):
    response = browser.post(_decide_url(org, signoff), {"decision": "rejected"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say why you reject it" in body
    assert f'hx-post="{_decide_url(org, signoff)}"' in body
    signoff.refresh_from_db()
    assert signoff.decision == SignOff.Decision.PENDING


def test_deciding_someone_elses_signoff_through_htmx_is_refused_in_place(org, viewer, signoff):
    client = Client()
    client.force_login(viewer)
    response = client.post(_decide_url(org, signoff), {"decision": "approved"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "Only Mia Me can do this" in _text(response)
    signoff.refresh_from_db()
    assert signoff.decision == SignOff.Decision.PENDING


def test_deciding_without_htmx_still_redirects_to_the_revision(browser, org, signoff):
    response = browser.post(_decide_url(org, signoff), {"decision": "approved"})
    assert response.status_code == 302


def test_signoffs_of_an_older_revision_are_not_waiting(me, matrix, signoff):
    _publish(matrix)
    assert my_responsibilities(me).organizations[0].signoffs == []


# --- Users without a person, removed users, anonymous -----------------------------------------


def test_an_unlinked_user_sees_how_to_get_linked_and_which_owners_can_do_it(org, owner, viewer):
    owner.first_name, owner.last_name = "Olga", "Owner"
    owner.save()
    client = Client()
    client.force_login(viewer)
    response = client.get(ME)
    assert response.status_code == 200
    text = _text(response)
    assert "Your account is not linked to a person yet" in text
    assert "ask Olga Owner to link your account" in text
    assert f'href="{reverse("settings-people", args=[org.slug])}"' in response.content.decode()


def test_a_user_removed_from_an_organization_no_longer_sees_it(browser, me, org, published):
    Membership.objects.filter(user=me, organization=org).delete()
    result = my_responsibilities(me)
    assert result.organizations == []
    assert result.unlinked == []
    assert "Ownership" not in _text(browser.get(ME))


def test_the_page_redirects_anonymous_visitors_to_sign_in(client):
    response = client.get(ME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_loads_nothing_from_other_hosts_and_no_inline_script(browser, published):
    page = browser.get(ME).content.decode()
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', page) == []
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    # Refusals of the one-click actions are shown in place (static/js/refusals.js).
    assert "data-refusals-in-place" in page
    assert "js/refusals" in page


def test_signed_in_pages_link_to_my_responsibilities(browser):
    page = browser.get(reverse("home"), follow=True).content.decode()
    assert f'href="{ME}"' in page


# --- The API ------------------------------------------------------------------------------------


def test_the_api_answers_the_same_data_as_the_page(me, matrix, person, published):
    revisions.acknowledge(revision=published, person=person, user=me)
    _set(matrix, "Win/loss", "PM", "C")
    _publish(matrix, require_signoff=True)
    client = APIClient()
    client.force_authenticate(me)
    response = client.get(API_ME)
    assert response.status_code == 200
    expected = json.loads(json.dumps(my_responsibilities(me).to_dict(), default=str))
    assert {k: v for k, v in response.json().items() if k not in ("next", "previous")} == expected
    body = response.json()
    assert body["pending"] == {"acknowledgements": 1, "signoffs": 1}
    [matrix_data] = body["organizations"][0]["matrices"]
    assert matrix_data["changes"]["gained"][0]["task"]["name"] == "Win/loss"


def test_the_api_accepts_a_read_only_token(me, published, token_client):
    response = token_client(me, read_only=True).get(API_ME)
    assert response.status_code == 200
    assert response.json()["linked"] is True


def test_the_api_answers_401_to_anonymous_callers():
    response = APIClient().get(API_ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"]


def _keys(serializer) -> dict:
    """The documented shape of a serializer: field name -> nested shape (or None)."""
    fields = {}
    for name, field in serializer.fields.items():
        child = getattr(field, "child", field)
        fields[name] = _keys(child) if hasattr(child, "fields") else None
    return fields


def _shape(value, documented):
    if documented is None:
        return None
    if isinstance(value, list):
        value = value[0]
    return {key: _shape(value[key], documented[key]) for key in value}


def test_the_api_answers_exactly_the_documented_fields(me, matrix, person, published):
    revisions.acknowledge(revision=published, person=person, user=me)
    _set(matrix, "Win/loss", "PM", "C")
    _set(matrix, "Launch", "PM", "R")
    _set(matrix, "Pricing", "PM", "")
    _publish(matrix, require_signoff=True)
    MembershipFactory(organization=OrganizationFactory(), user=me)  # an unlinked organization
    client = APIClient()
    client.force_authenticate(me)
    body = client.get(API_ME).json()
    documented = _keys(MyResponsibilitiesSerializer())
    assert _shape(body, documented) == documented


def test_the_schema_documents_the_endpoint_with_an_example(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/me/responsibilities/"]["get"]
    content = operation["responses"]["200"]["content"]["application/json"]
    assert content["schema"]["$ref"].endswith("/MyResponsibilities")
    assert content["examples"]


# --- Query counts -------------------------------------------------------------------------------

# Session and user (2); the user's organizations; their people; the people's roles (with names);
# acknowledgements; pending sign-offs; every page's matrices: the (matrix, team, role) triples the
# person's roles hold and who those roles resolve to (2), then the matrices; for the page's
# matrices, people_responsibilities' four (roles held, letters, co-owners, who each role resolves
# to in each matrix's team); the organization switcher.
PAGE_QUERIES = 15
# ... plus the older revisions' snapshots, one query for all, when some matrix was last
# acknowledged at an older revision than its latest.
PAGE_QUERIES_WITH_CHANGES = PAGE_QUERIES + 1


def _matrices(org, person, count, *, extra_tasks=0, acknowledged_before=False):
    for i in range(count):
        matrix = _matrix(org, name=f"Matrix {i}", extra_tasks=extra_tasks)
        revision = _publish(matrix, require_signoff=True)
        if acknowledged_before:
            revisions.acknowledge(revision=revision, person=person, user=person.user)
            _set(matrix, "Win/loss", "PM", "C")
            _publish(matrix)


@pytest.mark.parametrize("count", [2, 12])
def test_the_page_query_count_does_not_grow_with_the_number_of_matrices(
    browser, org, person, count, django_assert_num_queries
):
    _matrices(org, person, count)
    with django_assert_num_queries(PAGE_QUERIES):
        assert browser.get(ME).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_the_page_query_count_with_changes_does_not_grow_with_the_number_of_matrices(
    browser, org, person, count, django_assert_num_queries
):
    _matrices(org, person, count, acknowledged_before=True)
    with django_assert_num_queries(PAGE_QUERIES_WITH_CHANGES):
        response = browser.get(ME)
    assert _text(response).count("What changed for you since revision 1") == min(count, MATRICES_PER_PAGE)


@pytest.mark.parametrize("extra_tasks", [0, 200])
def test_the_page_query_count_does_not_grow_with_the_matrix(
    browser, org, person, extra_tasks, django_assert_num_queries
):
    _matrices(org, person, 2, extra_tasks=extra_tasks, acknowledged_before=True)
    with django_assert_num_queries(PAGE_QUERIES_WITH_CHANGES):
        assert browser.get(ME).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_the_api_query_count_does_not_grow_with_the_number_of_matrices(
    me, org, person, count, django_assert_num_queries
):
    _matrices(org, person, count, extra_tasks=20, acknowledged_before=True)
    client = APIClient()
    client.force_authenticate(me)
    # The page's reads without session, user (force_authenticate) and the organization switcher.
    with django_assert_num_queries(PAGE_QUERIES_WITH_CHANGES - 3):
        assert client.get(API_ME).status_code == 200


def test_an_unlinked_user_in_several_organizations_costs_one_query_for_their_owners(
    viewer, django_assert_num_queries
):
    for i in range(3):
        MembershipFactory(organization=OrganizationFactory(name=f"Other {i}"), user=viewer)
    with django_assert_num_queries(3):  # organizations, people, owners
        result = my_responsibilities(viewer)
    assert len(result.unlinked) == 4


# --- The person page ----------------------------------------------------------------------------


def test_acknowledging_on_the_person_page_posts_through_htmx_and_stays_on_the_page(
    browser, org, matrix, person, published
):
    page = browser.get(reverse("person-detail", args=[org.slug, person.pk])).content.decode()
    url = reverse("acknowledge", args=[org.slug, matrix.pk, published.number])
    assert f'hx-post="{url}"' in page
    response = browser.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Acknowledged on" in response.content.decode()
    assert "hx-swap-oob" not in response.content.decode()
    assert Acknowledgement.objects.filter(revision=published, person=person).exists()


# --- Pages of matrices --------------------------------------------------------------------------


def _walk(client, url, *, api=False):
    """Every page from ``url`` on, following ``next``: the matrix names of each page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        if api:
            body = response.json()
            pages.append([m["name"] for org in body["organizations"] for m in org["matrices"]])
            url = body["next"]
        else:
            page = response.content.decode()
            pages.append(re.findall(r'<h3 id="m-\d+"><a href="[^"]+">([^<]+)</a></h3>', page))
            found = re.search(r'<a rel="next" href="([^"]+)"', page)
            url = ME + html.unescape(found.group(1)) if found else None
    return pages


def test_the_page_shows_five_whole_matrices_a_page_in_name_order(browser, org, person):
    _matrices(org, person, 12)
    pages = _walk(browser, ME)
    assert [len(page) for page in pages] == [5, 5, 2]
    assert [name for page in pages for name in page] == sorted(f"Matrix {i}" for i in range(12))


def test_the_previous_link_leads_back_to_the_page_before(browser, org, person):
    _matrices(org, person, 7)
    first = browser.get(ME).content.decode()
    second_url = ME + html.unescape(re.search(r'<a rel="next" href="([^"]+)"', first).group(1))
    second = browser.get(second_url).content.decode()
    back = ME + html.unescape(re.search(r'<a rel="prev" href="([^"]+)"', second).group(1))
    assert _walk(browser, back)[0] == _walk(browser, ME)[0]
    assert 'rel="prev"' not in first


def test_every_page_lists_every_acknowledgement_waiting_with_its_button(browser, org, person):
    _matrices(org, person, 7)
    first = browser.get(ME).content.decode()
    second_url = ME + html.unescape(re.search(r'<a rel="next" href="([^"]+)"', first).group(1))
    for page in (first, browser.get(second_url).content.decode()):
        assert page.count('class="action"') == 7 * 2  # an acknowledgement and a sign-off per matrix
    matrix = Matrix.objects.get(name="Matrix 6")  # on the second page only
    assert reverse("acknowledge", args=[org.slug, matrix.pk, 1]) in first


def test_a_page_link_not_made_by_the_page_is_a_400(browser, published):
    response = browser.get(ME, {"cursor": "not-a-cursor"})
    assert response.status_code == 400


def test_the_api_pages_by_matrix_with_next_and_previous(me, org, person):
    _matrices(org, person, 12)
    client = APIClient()
    client.force_authenticate(me)
    pages = _walk(client, API_ME, api=True)
    assert [len(page) for page in pages] == [5, 5, 2]
    first = client.get(API_ME).json()
    assert first["previous"] is None
    assert first["matrix_count"] == 12
    assert first["pending"]["acknowledgements"] == 12
    second = client.get(first["next"]).json()
    assert client.get(second["previous"]).json()["organizations"] == first["organizations"]


def test_the_api_answers_400_to_a_cursor_it_did_not_make(me, published):
    client = APIClient()
    client.force_authenticate(me)
    response = client.get(API_ME, {"cursor": "WyJ4Il0"})
    assert response.status_code == 400
    assert "cursor" in json.dumps(response.json())


def test_a_page_link_past_the_last_matrix_leads_back_to_the_last_page(me, org, person):
    from raci.insights.me import cursor_encode

    _matrices(org, person, 7)
    beyond = cursor_encode(("zzz", 10**9, "zzz", 10**9))
    page = my_responsibilities(me, cursor=beyond)
    assert page.organizations == []
    assert page.next is None
    back = my_responsibilities(me, cursor=page.previous)
    assert [m.name for m in back.organizations[0].matrices] == [f"Matrix {i}" for i in range(2, 7)]
