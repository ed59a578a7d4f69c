"""History and revision pages in the browser."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from orgs.models import Membership
from raci.management.demo import demo_seed
from raci.revisions.models import Acknowledgement, Revision
from tests.factories import UserFactory
from tests.helpers import matrix_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return demo_seed()


def _client(demo, level=None):
    client = Client()
    if level == "owner":
        client.force_login(Membership.objects.get(organization=demo.organization, level="owner").user)
    elif level:
        user = UserFactory()
        Membership.objects.create(user=user, organization=demo.organization, level=level)
        client.force_login(user)
    return client


def _url(name, demo, *extra):
    return reverse(name, args=["acme", demo.matrix.pk, *extra])


@pytest.mark.parametrize("name", ["matrix-history", "revision-list", "revision-compare"])
def test_viewer_reads_history_revisions_and_compare(demo, name):
    assert _client(demo, "viewer").get(_url(name, demo)).status_code == 200


def test_revision_page_shows_content_and_export_links(demo):
    html = _client(demo, "viewer").get(_url("revision-detail", demo, 1)).content.decode()
    assert "revision 1" in html
    assert "Export CSV" in html
    assert "Restore as the new draft" not in html


@pytest.mark.parametrize("name", ["matrix-history", "revision-list", "revision-compare"])
def test_outsider_gets_404(demo, outsider, name):
    client = Client()
    client.force_login(outsider)
    assert client.get(_url(name, demo)).status_code == 404


def test_viewer_cannot_publish_or_restore(demo):
    client = _client(demo, "viewer")
    before = matrix_state(demo.matrix)
    assert client.post(_url("revision-list", demo), {"override_reason": "x"}).status_code == 403
    assert client.post(_url("revision-restore", demo, 1)).status_code == 403
    assert matrix_state(demo.matrix) == before


def test_publishing_with_errors_without_a_reason_shows_the_error(demo):
    response = _client(demo, "owner").post(_url("revision-list", demo), {"note": "again"})
    assert response.status_code == 400
    assert "publish anyway with a reason" in response.content.decode()
    assert Revision.objects.filter(matrix=demo.matrix).count() == 1


def test_publishing_with_a_reason_creates_the_next_revision(demo):
    response = _client(demo, "owner").post(_url("revision-list", demo), {"override_reason": "Known issues"})
    assert response.status_code == 302
    assert Revision.objects.filter(matrix=demo.matrix).count() == 2


def test_the_linked_person_acknowledges_from_the_revision_page(demo):
    client = _client(demo, "owner")
    html = client.get(_url("revision-detail", demo, 1)).content.decode()
    assert "I have read my responsibilities" in html
    client.post(_url("acknowledge", demo, 1))
    founder = demo.organization.people.get(user__username="demo")
    assert Acknowledgement.objects.filter(
        revision__matrix=demo.matrix, revision__number=1, person=founder
    ).exists()
    html = client.get(_url("revision-detail", demo, 1)).content.decode()
    assert "You have acknowledged" in html


def test_a_member_without_a_person_cannot_acknowledge(demo):
    before = matrix_state(demo.matrix)
    assert _client(demo, "viewer").post(_url("acknowledge", demo, 1)).status_code == 403
    assert matrix_state(demo.matrix) == before


def test_history_page_shows_the_demo_changes(demo):
    html = _client(demo, "viewer").get(_url("matrix-history", demo)).content.decode()
    assert "Pricing" in html
    assert "published" in html


def test_compare_unknown_revision_is_404(demo):
    assert _client(demo, "viewer").get(_url("revision-compare", demo) + "?a=9").status_code == 404


def test_person_page_shows_whether_they_acknowledged_the_latest_revision(demo):
    from raci.revisions import services as revisions

    founder = demo.organization.people.get(user__username="demo")
    url = reverse("person-detail", args=["acme", founder.pk])
    client = _client(demo, "viewer")
    assert "not acknowledged yet" in client.get(url).content.decode()
    revisions.acknowledge(revision=demo.matrix.revisions.get(number=1), person=founder, user=founder.user)
    assert "acknowledged on" in client.get(url).content.decode()


def test_person_page_offers_the_linked_person_to_acknowledge(demo):
    founder = demo.organization.people.get(user__username="demo")
    html = _client(demo, "owner").get(reverse("person-detail", args=["acme", founder.pk])).content.decode()
    assert "I have read my responsibilities" in html
