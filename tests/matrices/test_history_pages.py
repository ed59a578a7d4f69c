"""History pages by position: newest first, any page at the cost of the first, clear on junk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from raci.matrices.history import CursorInvalid, history_for_matrix, history_page
from raci.matrices.models import ChangeRecord


@pytest.fixture
def matrix(org, build_matrix):
    return build_matrix(organization=org, tasks=1, roles=1)


@pytest.fixture
def changes(matrix):
    """250 changes, some sharing a timestamp (a batch writes many rows at one instant)."""
    start = timezone.now() - timedelta(days=1)
    ChangeRecord.objects.bulk_create(
        ChangeRecord(matrix=matrix, kind="cell", field="letters", after=str(i), version=i + 1, channel="web")
        for i in range(250)
    )
    rows = list(ChangeRecord.objects.filter(matrix=matrix).order_by("id"))
    for i, row in enumerate(rows):
        row.at = start + timedelta(seconds=i // 3)
    ChangeRecord.objects.bulk_update(rows, ["at"])
    return [row.after for row in sorted(rows, key=lambda r: (r.at, r.pk), reverse=True)]


def _walk(matrix, size=100):
    records, cursor, seen = history_for_matrix(matrix=matrix), "", []
    while True:
        page = history_page(records, before=cursor, size=size)
        seen += [r.after for r in page.records]
        if not page.older:
            return seen
        cursor = page.older


def test_walking_older_pages_lists_every_change_once_newest_first(matrix, changes):
    assert _walk(matrix) == changes


def test_newer_goes_back_to_the_page_before(matrix, changes):
    records = history_for_matrix(matrix=matrix)
    first = history_page(records, size=100)
    second = history_page(records, before=first.older, size=100)
    back = history_page(records, after=second.newer, size=100)
    assert [r.pk for r in back.records] == [r.pk for r in first.records]
    assert back.newer is None


@pytest.mark.parametrize("depth", [0, 2])
def test_a_deep_page_costs_one_query_like_the_first(matrix, changes, depth, django_assert_num_queries):
    records = history_for_matrix(matrix=matrix)
    cursor = ""
    for _ in range(depth):
        cursor = history_page(records, before=cursor, size=50).older
    with django_assert_num_queries(1):
        history_page(records, before=cursor, size=50)


@pytest.mark.parametrize("junk", ["abc", "12", "-5", "1-x", "9" * 25 + "-1", "99999999999999999999-1"])
def test_a_position_the_history_never_gave_is_refused(matrix, junk):
    with pytest.raises(CursorInvalid):
        history_page(history_for_matrix(matrix=matrix), before=junk)


def test_the_page_refuses_junk_with_a_400_and_shows_the_newest(client, viewer, org, matrix, changes):
    client.force_login(viewer)
    answer = client.get(f"/o/{org.slug}/m/{matrix.pk}/history/", {"before": "abc"})
    assert answer.status_code == 400
    assert "start from the newest changes" in answer.content.decode()


def test_the_page_links_to_older_changes(client, viewer, org, matrix, changes):
    client.force_login(viewer)
    page = client.get(f"/o/{org.slug}/m/{matrix.pk}/history/").content.decode()
    assert 'rel="next"' in page
    assert "before=" in page


def test_the_api_pages_by_cursor(client_for, viewer, org, matrix, changes):
    client = client_for(viewer)
    url, seen = f"/api/v1/orgs/{org.slug}/matrices/{matrix.pk}/history/", []
    while url:
        body = client.get(url).json()
        seen += [r["after"] for r in body["results"]]
        url = body["next"]
    assert seen == changes
