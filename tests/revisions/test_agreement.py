"""The agreement people see: readers see each matrix's published revision, the draft is in the
open (marked, one click away), and every matrix page says which of the two it shows."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from raci.matrices.cells import assignment_set
from raci.matrices.models import Matrix, Task
from raci.matrices.readings import (
    READ_DRAFT,
    READ_PUBLISHED,
    Reading,
    ReadingInvalid,
    publication_state,
    reading_parse,
)
from raci.matrices.selectors import matrix_get
from raci.matrices.services import matrix_update, task_create
from raci.revisions.models import PublishedCell, PublishedTask, Revision
from raci.revisions.services import matrix_publish
from tests.builders import matrix_build
from tests.factories import PersonFactory


def _text(response) -> str:
    page = response.content.decode()
    main = page[page.find("<main") :]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
    return text.replace(" :", ":").replace(" ,", ",")


def _fresh(matrix: Matrix) -> Matrix:
    return matrix_get(organization=matrix.organization, matrix_id=matrix.pk)


def _set(matrix: Matrix, task_name: str, code: str, letters: str) -> None:
    task = Task.objects.get(matrix=matrix, name=task_name)
    role = matrix.roles.get(code=code)
    assignment_set(matrix=matrix, task=task, role=role, letters=letters)


@pytest.fixture
def agreed(org):
    """Pricing: PM A/R, PMM C — published as revision 1; then the draft moves A/R to PMM."""
    matrix = matrix_build(
        organization=org,
        name="Ownership",
        tasks=["Pricing", "Launch"],
        roles=["PM", "PMM"],
        fill="empty",
        cells={("Pricing", "PM"): "AR", ("Pricing", "PMM"): "C", ("Launch", "PMM"): "AR"},
        published=True,
    )
    _set(matrix, "Pricing", "PM", "C")
    _set(matrix, "Pricing", "PMM", "AR")
    return _fresh(matrix)


@pytest.fixture
def never_published(org):
    return _fresh(
        matrix_build(
            organization=org,
            name="Big draft",
            tasks=["Forecast"],
            roles=["PM", "PMM"],
            fill="empty",
            cells={("Forecast", "PM"): "AR"},
        )
    )


@pytest.fixture
def pia(org, agreed):
    """Pia holds PMM."""
    return PersonFactory(organization=org, name="Pia Park", roles=[agreed.roles.get(code="PMM")])


def _cell(page: str, task: Task, code: str) -> str:
    """The letters shown in the editor cell of ``task`` and role ``code``: the row is the task's,
    the column the role's (a cell carries nothing but its letters)."""
    codes = re.findall(r'<th scope="col" id="col-[^"]*" data-role="([^"]*)"', page)
    row = re.search(rf'<tr id="task-{task.pk}"[^>]*>(.*?)</tr>', page, re.S)
    assert row, f"no row {task.name}"
    assert code in codes, f"no column {code}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return cells[codes.index(code)]


# --- Choosing what to read ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, READ_PUBLISHED),
        ("", READ_PUBLISHED),
        ("draft", READ_DRAFT),
        ("Published", READ_PUBLISHED),
        ("3", Reading("number", 3)),
    ],
)
def test_a_reading_is_the_draft_the_published_revision_or_a_number(value, expected):
    assert reading_parse(value, default=READ_PUBLISHED) == expected


@pytest.mark.parametrize("junk", ["0", "-1", "latest", "1.5", "１", "9" * 12])
def test_anything_else_is_not_a_reading(junk):
    with pytest.raises(ReadingInvalid):
        reading_parse(junk, default=READ_DRAFT)


# --- The publication state ---------------------------------------------------------------------


def test_edits_after_publishing_count_as_unpublished_changes_since_the_first_of_them(agreed):
    state = publication_state(matrix=agreed)
    assert state.revision == 1
    assert state.unpublished_changes == 2
    assert state.changed_since is not None


def test_settings_and_status_changes_are_not_unpublished_changes(agreed, org):
    matrix_update(matrix=agreed, review_interval_days=30)
    assert publication_state(matrix=_fresh(agreed)).unpublished_changes == 2


def test_publishing_again_leaves_no_unpublished_change(agreed):
    matrix_publish(matrix=agreed)
    state = publication_state(matrix=_fresh(agreed))
    assert (state.revision, state.unpublished_changes) == (2, 0)


def test_the_next_review_is_due_the_review_interval_after_publishing(agreed):
    state = publication_state(matrix=agreed)
    assert state.review_due == timezone.localdate() + timedelta(days=agreed.review_interval_days)
    assert not state.review_overdue


def test_a_review_is_overdue_once_the_interval_has_passed(agreed):
    Revision.objects.filter(matrix=agreed).update(published_at=timezone.now() - timedelta(days=100))
    assert publication_state(matrix=_fresh(agreed)).review_overdue


def test_a_matrix_never_published_has_no_revision_and_no_review(never_published):
    state = publication_state(matrix=never_published)
    assert (state.revision, state.review_due, state.unpublished_changes) == (None, None, 0)


# --- The read model of the agreement -------------------------------------------------------------


def test_publishing_freezes_the_tasks_and_cells_readers_see(agreed):
    cells = set(PublishedCell.objects.filter(matrix=agreed).values_list("task__name", "role_code", "letters"))
    assert cells == {("Pricing", "PM", "AR"), ("Pricing", "PMM", "C"), ("Launch", "PMM", "AR")}


def test_publishing_again_replaces_the_agreement(agreed):
    matrix_publish(matrix=agreed)
    cells = set(PublishedCell.objects.filter(matrix=agreed).values_list("task__name", "role_code", "letters"))
    assert cells == {("Pricing", "PM", "C"), ("Pricing", "PMM", "AR"), ("Launch", "PMM", "AR")}
    assert set(PublishedTask.objects.filter(matrix=agreed).values_list("revision__number", flat=True)) == {2}


def test_the_agreement_keeps_the_task_description_at_publication(agreed):
    Task.objects.filter(matrix=agreed, name="Pricing").update(description="Price points")
    matrix_publish(matrix=agreed)
    Task.objects.filter(matrix=agreed, name="Pricing").update(description="Changed later")
    assert PublishedTask.objects.get(matrix=agreed, name="Pricing").description == "Price points"


# --- The editor page ---------------------------------------------------------------------------


def test_a_viewer_opens_a_matrix_on_its_published_letters(client, viewer, agreed):
    client.force_login(viewer)
    page = client.get(reverse("matrix-detail", args=[agreed.organization.slug, agreed.pk])).content.decode()
    pricing = Task.objects.get(matrix=agreed, name="Pricing")
    assert _cell(page, pricing, "PM") == "A/R"
    assert "Revision 1" in page
    assert 'data-editable="true"' not in page


def test_a_viewer_sees_the_banner_count_the_unpublished_changes(client, viewer, agreed):
    client.force_login(viewer)
    text = _text(client.get(reverse("matrix-detail", args=[agreed.organization.slug, agreed.pk])))
    assert "2 unpublished changes in the draft" in text
    assert "See the draft" in text


def test_an_editor_opens_the_draft_and_is_told_what_readers_see(client, editor, agreed):
    client.force_login(editor)
    response = client.get(reverse("matrix-detail", args=[agreed.organization.slug, agreed.pk]))
    page, text = response.content.decode(), _text(response)
    assert _cell(page, Task.objects.get(matrix=agreed, name="Pricing"), "PM") == "C"
    assert 'data-editable="true"' in page
    assert "Draft — 2 unpublished changes since" in text
    assert "Readers see revision 1" in text


def test_an_editor_switches_to_the_published_revision_read_only(client, editor, agreed):
    client.force_login(editor)
    url = reverse("matrix-detail", args=[agreed.organization.slug, agreed.pk])
    page = client.get(url, {"view": "published"}).content.decode()
    assert _cell(page, Task.objects.get(matrix=agreed, name="Pricing"), "PM") == "A/R"
    assert 'data-editable="true"' not in page


def test_a_viewer_can_read_the_draft_in_the_open(client, viewer, agreed):
    client.force_login(viewer)
    url = reverse("matrix-detail", args=[agreed.organization.slug, agreed.pk])
    response = client.get(url, {"view": "draft"})
    assert _cell(response.content.decode(), Task.objects.get(matrix=agreed, name="Pricing"), "PM") == "C"
    assert "See the published revision" in _text(response)


def test_a_matrix_never_published_is_shown_to_viewers_as_a_marked_draft(client, viewer, never_published):
    client.force_login(viewer)
    url = reverse("matrix-detail", args=[never_published.organization.slug, never_published.pk])
    text = _text(client.get(url))
    assert "Draft, never published." in text


def test_an_earlier_revision_is_shown_with_a_link_to_the_one_in_force(client, viewer, agreed):
    matrix_publish(matrix=agreed)
    client.force_login(viewer)
    url = reverse("matrix-detail", args=[agreed.organization.slug, agreed.pk])
    response = client.get(url, {"view": "1"})
    assert _cell(response.content.decode(), Task.objects.get(matrix=agreed, name="Pricing"), "PM") == "A/R"
    assert "the agreement in force is revision 2" in _text(response)


def test_a_view_naming_no_state_answers_400_with_the_reason(client, viewer, agreed):
    client.force_login(viewer)
    response = client.get(
        reverse("matrix-detail", args=[agreed.organization.slug, agreed.pk]), {"view": "latest"}
    )
    assert response.status_code == 400
    assert "use draft, published or a revision number" in response.content.decode()


def test_a_revision_that_does_not_exist_is_404(client, viewer, agreed):
    client.force_login(viewer)
    response = client.get(reverse("matrix-detail", args=[agreed.organization.slug, agreed.pk]), {"view": "7"})
    assert response.status_code == 404


def test_a_cell_edit_updates_the_banner_count_in_place(client, editor, agreed):
    client.force_login(editor)
    launch = Task.objects.get(matrix=agreed, name="Launch")
    response = client.post(
        reverse("matrix-cell", args=[agreed.organization.slug, agreed.pk]),
        {"task": launch.pk, "role": "PM", "expected": "", "letters": "I"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert '<div id="publication"' in body
    assert 'hx-swap-oob="true"' in body
    assert "3 unpublished changes" in body


def test_the_editor_page_runs_the_same_queries_for_a_published_matrix_of_any_size(client, viewer, org):
    small = matrix_build(organization=org, name="Small", tasks=3, roles=3, fill="sparse", published=True)
    large = matrix_build(organization=org, name="Large", tasks=120, roles=9, fill="sparse", published=True)
    client.force_login(viewer)
    counts = []
    for matrix in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("matrix-detail", args=[org.slug, matrix.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Pages across matrices -----------------------------------------------------------------------


def test_a_person_page_shows_the_published_letters(client, viewer, agreed, pia):
    client.force_login(viewer)
    text = _text(client.get(reverse("person-detail", args=[agreed.organization.slug, pia.pk])))
    assert "Pricing: C Consulted" in text
    assert "Showing what was agreed" in text


def test_a_person_page_shows_the_drafts_on_request(client, viewer, agreed, pia, never_published):
    client.force_login(viewer)
    text = _text(
        client.get(reverse("person-detail", args=[agreed.organization.slug, pia.pk]), {"view": "draft"})
    )
    assert "Pricing: A/R Accountable, Responsible" in text
    assert "Showing drafts" in text


def test_a_never_published_matrix_is_left_out_of_person_pages(client, viewer, org, agreed, never_published):
    ana = PersonFactory(organization=org, name="Ana Alvarez", roles=[agreed.roles.get(code="PM")])
    client.force_login(viewer)
    url = reverse("person-detail", args=[org.slug, ana.pk])
    assert "Forecast" not in _text(client.get(url))
    assert "Forecast" in _text(client.get(url, {"view": "draft"}))


def test_a_revision_number_means_nothing_across_matrices(client, viewer, agreed, pia):
    client.force_login(viewer)
    response = client.get(reverse("person-detail", args=[agreed.organization.slug, pia.pk]), {"view": "1"})
    assert response.status_code == 400


def test_a_role_page_shows_the_published_letters(client, viewer, agreed):
    client.force_login(viewer)
    pm = agreed.roles.get(code="PM")
    url = reverse("role-detail", args=[agreed.organization.slug, pm.pk])
    published, draft = _text(client.get(url)), _text(client.get(url, {"view": "draft"}))
    assert "Accountable for" in published
    assert "Accountable for" not in draft


def test_search_finds_published_tasks_and_drafts_on_request(client, viewer, agreed, never_published):
    client.force_login(viewer)
    url = reverse("search", args=[agreed.organization.slug])
    assert "Forecast" not in _text(client.get(url, {"q": "forecast"}))
    assert "Forecast" in _text(client.get(url, {"q": "forecast", "view": "draft"}))


def test_search_names_the_published_accountable_role(client, viewer, agreed):
    client.force_login(viewer)
    text = _text(client.get(reverse("search", args=[agreed.organization.slug]), {"q": "pricing"}))
    assert "Accountable: PM" in text


def test_the_person_page_runs_the_same_queries_however_many_matrices_they_appear_in(client, viewer, org):
    person = PersonFactory(organization=org, name="Rae", roles=[])
    counts = []
    for count in (1, 4):
        for i in range(count):
            matrix_build(
                organization=org, name=f"M{count}-{i}", tasks=5 * (i + 1), roles=["PM", "PMM"], published=True
            )
        person.roles.set(org.roles.filter(code="PM"))
        client.force_login(viewer)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("person-detail", args=[org.slug, person.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Task and analysis pages ---------------------------------------------------------------------


def test_a_task_page_shows_the_published_letters(client, viewer, agreed):
    client.force_login(viewer)
    pricing = Task.objects.get(matrix=agreed, name="Pricing")
    url = reverse("task-detail", args=[agreed.organization.slug, agreed.pk, pricing.pk])
    assert "Accountable: PM" in _text(client.get(url))
    assert "Accountable: PMM" in _text(client.get(url, {"view": "draft"}))


def test_a_task_added_after_publishing_says_it_is_not_in_the_revision(client, viewer, agreed):
    task = task_create(matrix=agreed, name="Naming")
    client.force_login(viewer)
    text = _text(client.get(reverse("task-detail", args=[agreed.organization.slug, agreed.pk, task.pk])))
    assert "This task is not in revision 1" in text


def test_the_workload_page_reads_the_published_revision(client, viewer, agreed):
    client.force_login(viewer)
    url = reverse("matrix-workload", args=[agreed.organization.slug, agreed.pk])
    assert "Revision 1" in _text(client.get(url))
    assert "Draft — 2 unpublished changes" in _text(client.get(url, {"view": "draft"}))


# --- Organization home and publishing ------------------------------------------------------------


def test_the_organization_home_lists_overdue_reviews_first(client, viewer, org, agreed, never_published):
    late = _fresh(matrix_build(organization=org, name="Zeta", tasks=2, roles=["PM"], published=True))
    Revision.objects.filter(matrix=late).update(published_at=timezone.now() - timedelta(days=400))
    client.force_login(viewer)
    text = _text(client.get(reverse("organization-detail", args=[org.slug])))
    assert text.index("Zeta") < text.index("Big draft") < text.index("Ownership")
    assert "overdue since" in text
    assert "2 unpublished changes" in text
    assert "never published" in text


def test_the_publish_form_shows_what_publishing_changes_for_readers(client, owner, agreed):
    client.force_login(owner)
    text = _text(client.get(reverse("revision-list", args=[agreed.organization.slug, agreed.pk])))
    assert "What publishing changes for readers, from revision 1" in text
    assert "Pricing PM AR C" in text


def test_the_publish_form_lists_the_errors_that_would_block_it(client, owner, agreed):
    _set(agreed, "Launch", "PM", "A")  # two Accountable roles on Launch
    client.force_login(owner)
    text = _text(client.get(reverse("revision-list", args=[agreed.organization.slug, agreed.pk])))
    assert "finds 1 error" in text
    assert "Launch" in text[text.index("finds 1 error") :]


def test_compare_opens_on_the_published_revision_against_the_draft(client, viewer, agreed):
    client.force_login(viewer)
    text = _text(client.get(reverse("revision-compare", args=[agreed.organization.slug, agreed.pk])))
    assert "From revision 1 to the draft" in text
    assert "Pricing PMM C AR" in text


def test_the_migration_builds_the_agreement_of_matrices_published_before_it(agreed):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("raci.migrations.0006_published_revision")
    Matrix.objects.filter(pk=agreed.pk).update(published_revision=None)
    PublishedCell.objects.all().delete()
    PublishedTask.objects.all().delete()

    migration.agreements_from_revisions(apps, None)

    assert Matrix.objects.get(pk=agreed.pk).published_revision.number == 1
    cells = set(PublishedCell.objects.filter(matrix=agreed).values_list("task__name", "role_code", "letters"))
    assert cells == {("Pricing", "PM", "AR"), ("Pricing", "PMM", "C"), ("Launch", "PMM", "AR")}


# --- Pages whose cost must not grow with the organization or the revisions ------------------------


def test_the_revisions_page_runs_the_same_queries_for_two_or_six_revisions(client, viewer, org):
    matrix = matrix_build(organization=org, name="Often", tasks=20, roles=4, fill="sparse", published=True)
    url = reverse("revision-list", args=[org.slug, matrix.pk])
    client.force_login(viewer)
    counts = []
    for total in (2, 6):
        while matrix.revisions.count() < total:
            matrix_publish(matrix=_fresh(matrix), require_signoff=True, override_reason="again")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_history_person_filter_lists_only_people_holding_the_matrix_roles(client, viewer, agreed, org):
    PersonFactory(organization=org, name="Bea Bystander", roles=[])
    PersonFactory(organization=org, name="Pia Park", roles=[agreed.roles.get(code="PMM")])
    client.force_login(viewer)
    page = client.get(reverse("matrix-history", args=[org.slug, agreed.pk])).content.decode()
    assert "Pia Park" in page
    assert "Bea Bystander" not in page
