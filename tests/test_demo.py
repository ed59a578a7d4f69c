from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from orgs.models import Membership, Organization, Person, Role
from raci.management.demo import DEMO_MATRIX_NAME, demo_password, demo_seed
from raci.matrices.models import Assignment, Matrix, Task
from raci.matrices.selectors import matrix_grid_get

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        Organization.objects.count(),
        Role.objects.count(),
        Person.objects.count(),
        Matrix.objects.count(),
        Task.objects.count(),
        sorted(Assignment.objects.values_list("task__name", "role__code", "letters")),
        list(Matrix.objects.values_list("version", flat=True)),
    )


def test_demo_is_acme_analytics_with_about_forty_people_and_six_roles():
    login = demo_seed()
    organization = login.organization
    assert organization.name == "Acme Analytics"
    assert organization.people.count() == 40
    assert set(organization.roles.values_list("code", flat=True)) == {
        "PM",
        "PMM",
        "ENG",
        "SALES",
        "CS",
        "EXEC",
    }


def test_demo_has_one_person_holding_two_roles():
    demo_seed()
    two_hats = [p for p in Person.objects.prefetch_related("roles") if p.roles.count() == 2]
    assert len(two_hats) == 1
    assert {r.code for r in two_hats[0].roles.all()} == {"PM", "PMM"}


def test_demo_matrix_is_published_and_adopted_from_the_pragmatic_framework():
    matrix = demo_seed().matrix
    assert matrix.name == DEMO_MATRIX_NAME
    assert matrix.status == Matrix.Status.PUBLISHED
    assert matrix.framework.slug == "pragmatic-pm-pmm"
    assert matrix.tasks.count() == 38


def test_demo_matrix_contains_a_task_with_two_accountables_and_one_with_none():
    matrix = demo_seed().matrix
    accountables = {
        task.name: sum("A" in a.letters for a in task.assignments.all())
        for task in matrix.tasks.prefetch_related("assignments")
    }
    assert accountables["Pricing"] == 2
    assert accountables["Win/loss analysis"] == 0


def test_demo_user_owns_the_demo_organization_and_can_sign_in():
    login = demo_seed()
    user = get_user_model().objects.get(username="demo")
    assert user.check_password(login.password)
    assert Membership.objects.get(user=user, organization=login.organization).level == "owner"


def test_seeding_twice_changes_nothing():
    demo_seed()
    before = _snapshot()
    demo_seed()
    assert _snapshot() == before


def test_seed_demo_command_prints_the_login_as_two_lines(capsys):
    call_command("seed_demo")
    lines = capsys.readouterr().out.splitlines()
    assert "username: demo" in lines
    assert any(line.startswith("password: ") and len(line) > len("password: ") for line in lines)


def test_the_demo_has_two_product_lines_whose_matrices_name_their_own_pm():
    demo_seed()
    pms = {}
    for matrix in Matrix.objects.filter(team__isnull=False).select_related("organization", "team"):
        grid = matrix_grid_get(matrix=matrix)
        pms[matrix.team.name] = [p.name for p in grid.people if "PM" in p.role_codes]
    assert pms == {"Analytics app": ["Ana Alvarez"], "Data platform": ["Chloe Alvarez"]}


# The notices leave on commit, as under `make run`: a transaction per statement, not the test's one.
@pytest.mark.django_db(transaction=True)
def test_seed_demo_writes_the_demos_emails_to_a_file_and_sums_them_up_in_one_line(capsys, mailoutbox):
    call_command("seed_demo")
    lines = capsys.readouterr().out.splitlines()
    summary = [line for line in lines if line.startswith("Demo emails: ")]
    assert len(summary) == 1
    assert "build/demo-emails.txt" in summary[0]
    count = int(summary[0].split()[2])
    assert count > 0
    assert (settings.BASE_DIR / "build" / "demo-emails.txt").read_text().count("\nSubject: ") == count
    assert lines[-2:] == ["username: demo", f"password: {demo_password()}"]
    # Nothing reached the mail backend of the running process; the test's outbox is untouched.
    assert mailoutbox == []


def test_seed_demo_run_twice_says_it_sent_nothing_the_second_time(capsys):
    call_command("seed_demo")
    capsys.readouterr()
    call_command("seed_demo")
    assert "Demo emails: none" in capsys.readouterr().out


def test_demo_draft_has_an_open_thread_on_the_pricing_decision():
    from raci.discussion.models import Thread

    login = demo_seed()

    [thread] = Thread.objects.filter(matrix=login.matrix)
    assert (thread.task.name, thread.role.code, thread.resolved_at) == ("Pricing", "PMM", None)
    assert "Who decides" in thread.comments.get().body


def test_seeding_the_demo_twice_opens_no_second_thread():
    from raci.discussion.models import Thread

    demo_seed()
    demo_seed()

    assert Thread.objects.count() == 1
