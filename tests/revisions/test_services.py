"""Publishing, sign-off, acknowledgements, comparing and restoring revisions; notification emails."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orgs.models import Membership, Person, RoleHolding
from raci.delivery.notifications import review_reminders_send
from raci.management.demo import demo_seed
from raci.matrices import services
from raci.matrices.cells import assignment_set
from raci.matrices.models import Assignment, Matrix, Task
from raci.revisions import services as revisions
from raci.revisions.models import Revision, SignOff
from raci.revisions.selectors import revision_diff, signoff_state, snapshot_grid
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return demo_seed()


@pytest.fixture
def clean_matrix(demo):
    """The demo matrix with its two errors fixed."""
    matrix, roles = demo.matrix, {r.code: r for r in demo.organization.roles.all()}
    tasks = {t.name: t for t in matrix.tasks.all()}
    assignment_set(matrix=matrix, task=tasks["Pricing"], role=roles["PMM"], letters="R")
    assignment_set(matrix=matrix, task=tasks["Win/loss analysis"], role=roles["PMM"], letters="AR")
    return matrix


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish and run what the commit would start (emails, webhooks), as in production."""

    def run(matrix, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return revisions.matrix_publish(matrix=matrix, **kwargs)

    return run


def test_the_demo_starts_with_one_published_revision(demo):
    assert demo.matrix.revisions.count() == 1
    assert demo.matrix.revisions.get().override_reason


def test_a_matrix_with_errors_is_not_published_without_a_reason(demo, publish):
    with pytest.raises(ValidationError, match="found 2 errors"):
        publish(demo.matrix)
    assert demo.matrix.revisions.count() == 1


def test_publishing_with_errors_records_the_override_reason(demo, publish):
    revision = publish(demo.matrix, override_reason="Pricing is decided next week")
    assert (revision.number, revision.error_count) == (2, 2)
    assert revision.override_reason == "Pricing is decided next week"


def test_publishing_freezes_a_numbered_snapshot_that_later_edits_do_not_touch(clean_matrix, publish):
    revision = publish(clean_matrix, note="Q3")
    assert revision.number == 2
    pricing = clean_matrix.tasks.get(name="Pricing")
    assignment_set(
        matrix=clean_matrix, task=pricing, role=clean_matrix.organization.roles.get(code="PM"), letters="C"
    )
    frozen = snapshot_grid(Revision.objects.get(pk=revision.pk))
    assert frozen.letters(pricing.pk, "PM") == "A"
    clean_matrix.refresh_from_db()
    assert clean_matrix.status == Matrix.Status.PUBLISHED


def test_publication_emails_one_message_per_person_listing_what_they_now_own(
    clean_matrix, mailoutbox, publish
):
    mailoutbox.clear()
    publish(clean_matrix)
    # The matrix is the Analytics app's: its PMM is the person holding PMM for that team.
    pmm_people = {
        p.email
        for p in clean_matrix.organization.people.filter(
            holdings__role__code="PMM", holdings__team=clean_matrix.team
        )
    }
    assert pmm_people
    recipients = [m.to[0] for m in mailoutbox]
    assert len(recipients) == len(set(recipients))
    assert pmm_people <= set(recipients)
    message = next(m for m in mailoutbox if m.to[0] in pmm_people)
    assert "You now own:" in message.body
    assert "Win/loss analysis" in message.body


def test_republishing_without_changes_sends_nothing(clean_matrix, mailoutbox, publish):
    publish(clean_matrix)
    mailoutbox.clear()
    publish(clean_matrix)
    assert mailoutbox == []


def test_sign_off_asks_exactly_the_people_holding_accountable_roles(clean_matrix, publish):
    revision = publish(clean_matrix, require_signoff=True)
    accountable_roles = set(
        Assignment.objects.filter(task__matrix=clean_matrix, letters__contains="A").values_list(
            "role__code", flat=True
        )
    )
    # The matrix is the Analytics app's: PM and PMM are the people holding them for that team,
    # the other roles the people holding them for the whole organization.
    team_roles = RoleHolding.objects.filter(team=clean_matrix.team, role__code__in=accountable_roles)
    org_roles = RoleHolding.objects.filter(team__isnull=True, role__code__in=accountable_roles).exclude(
        role__code__in=team_roles.values("role__code")
    )
    expected = set(
        Person.objects.filter(active=True, holdings__in=team_roles.union(org_roles).values("pk")).values_list(
            "pk", flat=True
        )
    )
    assert {"PM", "PMM"} <= accountable_roles
    assert {"Ana Alvarez"} <= set(Person.objects.filter(pk__in=expected).values_list("name", flat=True))
    assert set(revision.signoffs.values_list("person_id", flat=True)) == expected
    assert signoff_state(revision).label == "awaiting sign-off"


def test_only_the_person_asked_or_an_owner_decides(clean_matrix, demo, publish):
    revision = publish(clean_matrix, require_signoff=True)
    signoff = revision.signoffs.first()
    stranger = UserFactory()
    Membership.objects.create(user=stranger, organization=demo.organization, level="editor")
    with pytest.raises(PermissionDenied):
        revisions.signoff_decide(signoff=signoff, user=stranger, decision="approved")
    owner = Membership.objects.get(organization=demo.organization, level="owner").user
    revisions.signoff_decide(signoff=signoff, user=owner, decision="approved")
    assert SignOff.objects.get(pk=signoff.pk).decision == "approved"


def test_rejecting_needs_a_comment_and_marks_the_revision_rejected(clean_matrix, demo, publish):
    revision = publish(clean_matrix, require_signoff=True)
    owner = Membership.objects.get(organization=demo.organization, level="owner").user
    signoff = revision.signoffs.first()
    with pytest.raises(ValidationError, match="Say why"):
        revisions.signoff_decide(signoff=signoff, user=owner, decision="rejected")
    revisions.signoff_decide(signoff=signoff, user=owner, decision="rejected", comment="Pricing is wrong")
    assert signoff_state(revision).label == "rejected"


def test_all_approvals_complete_the_sign_off(clean_matrix, demo, publish):
    revision = publish(clean_matrix, require_signoff=True)
    owner = Membership.objects.get(organization=demo.organization, level="owner").user
    for signoff in revision.signoffs.all():
        revisions.signoff_decide(signoff=signoff, user=owner, decision="approved")
    assert signoff_state(revision).label == "signed off"


def test_a_person_acknowledges_through_their_linked_account_only(clean_matrix, demo, publish):
    revision = publish(clean_matrix)
    person = demo.organization.people.get(name="Ana Alvarez")
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        revisions.acknowledge(revision=revision, person=person, user=other)
    revisions.acknowledge(revision=revision, person=person, user=person.user)
    revisions.acknowledge(revision=revision, person=person, user=person.user)
    assert revision.acknowledgements.count() == 1


def test_compare_lists_added_removed_and_changed(clean_matrix, publish):
    first = publish(clean_matrix)
    services.task_create(matrix=clean_matrix, name="Partner program", stage="Programs")
    events = clean_matrix.tasks.get(name="Events")
    services.task_update(task=events, archived=True)
    pricing = clean_matrix.tasks.get(name="Pricing")
    assignment_set(
        matrix=clean_matrix, task=pricing, role=clean_matrix.organization.roles.get(code="SALES"), letters="I"
    )
    second = publish(clean_matrix, override_reason="The new task gets its owner next week")
    diff = revision_diff(snapshot_grid(first), snapshot_grid(second))
    assert [t["name"] for t in diff.added_tasks] == ["Partner program"]
    assert [t["name"] for t in diff.removed_tasks] == ["Events"]
    assert {
        "task": pricing.pk,
        "name": "Pricing",
        "role": "SALES",
        "before": "C",
        "after": "I",
    } in diff.changed_cells


def test_restoring_a_revision_brings_back_its_tasks_and_cells_as_a_draft(clean_matrix, publish):
    first = publish(clean_matrix)
    before = snapshot_grid(first)
    services.task_create(matrix=clean_matrix, name="Partner program")
    Task.objects.filter(matrix=clean_matrix, name="Events").update(archived=True)
    Assignment.objects.filter(task__matrix=clean_matrix, role__code="PM").delete()
    matrix = revisions.revision_restore(revision=first)
    restored = revision_diff(before, snapshot_grid(publish(matrix)))
    assert restored.is_empty
    assert clean_matrix.tasks.get(name="Partner program").archived
    assert not clean_matrix.tasks.get(name="Events").archived


def test_review_reminder_goes_to_owners_once_when_due(clean_matrix, mailoutbox, demo, publish):
    from datetime import timedelta

    from django.utils import timezone

    publish(clean_matrix)
    mailoutbox.clear()
    assert review_reminders_send() == 0
    later = timezone.now() + timedelta(days=91)
    # The demo's two product lines' matrices were both published when it was seeded.
    assert review_reminders_send(now=later) == 2
    assert review_reminders_send(now=later) == 0
    assert f"[RACI] Time to review {clean_matrix.name}" in [m.subject for m in mailoutbox]
    assert mailoutbox[0].to == ["demo@acme.example"]
