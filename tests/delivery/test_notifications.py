"""Who hears what after a publication: pure, from two grids."""

from __future__ import annotations

from frameworks.schemes import RACI
from raci.delivery.notifications import publication_notices
from raci.rules.grid import MatrixGrid, RoleColumn, TaskRow


def grid(cells: dict[tuple[int, str], str]) -> MatrixGrid:
    return MatrixGrid(
        id=1,
        name="M",
        version=1,
        scheme=RACI,
        roles=(RoleColumn(1, "PM", "PM"), RoleColumn(2, "PMM", "PMM"), RoleColumn(3, "ENG", "ENG")),
        tasks=(TaskRow(10, "Pricing", "Business", 0), TaskRow(11, "Launch", "Programs", 1)),
        cells=cells,
    )


PM, PMM, ENG = frozenset({"PM"}), frozenset({"PMM"}), frozenset({"ENG"})


def test_first_publication_tells_everyone_what_they_own():
    notices = publication_notices(
        None, grid({(10, "PM"): "A", (10, "PMM"): "R"}), [(1, PM), (2, PMM), (3, ENG)]
    )
    assert {n.person_id: [(o.task, o.letter) for o in n.gained] for n in notices} == {
        1: [("Pricing", "A")],
        2: [("Pricing", "R")],
    }


def test_moving_accountable_tells_the_old_and_the_new_owner_and_nobody_else():
    before = grid({(10, "PM"): "A", (10, "PMM"): "R", (11, "PMM"): "AR"})
    after = grid({(10, "PM"): "C", (10, "PMM"): "AR", (11, "PMM"): "AR"})
    notices = {n.person_id: n for n in publication_notices(before, after, [(1, PM), (2, PMM), (3, ENG)])}
    assert [(o.task, o.letter) for o in notices[1].lost] == [("Pricing", "A")]
    assert [(o.task, o.letter) for o in notices[2].gained] == [("Pricing", "A")]
    assert 3 not in notices


def test_consulted_and_informed_people_hear_only_about_changed_tasks():
    before = grid({(10, "PM"): "A", (11, "PM"): "A", (11, "ENG"): "C"})
    after = grid({(10, "PM"): "AR", (10, "ENG"): "C", (11, "PM"): "A", (11, "ENG"): "C"})
    notices = {n.person_id: n for n in publication_notices(before, after, [(3, ENG)])}
    assert [o.task for o in notices[3].consulted] == ["Pricing"]


def test_one_notice_per_person_even_holding_two_roles():
    notices = publication_notices(None, grid({(10, "PM"): "A", (10, "PMM"): "R"}), [(1, PM | PMM)])
    assert len(notices) == 1
    assert {(o.role, o.letter) for o in notices[0].gained} == {("PM", "A"), ("PMM", "R")}


def test_nothing_changed_means_no_notice():
    same = grid({(10, "PM"): "A"})
    assert publication_notices(same, same, [(1, PM)]) == []


def test_a_matrix_name_saved_with_a_line_break_before_names_refused_them_still_gets_its_emails(
    db, mailoutbox, django_capture_on_commit_callbacks, build_matrix
):
    from orgs.models import Person
    from raci.matrices.models import Matrix
    from raci.outbox.models import OutboxEvent
    from raci.revisions.services import matrix_publish
    from tests.factories import OrganizationFactory

    org = OrganizationFactory()
    matrix = build_matrix(organization=org, tasks=2, roles=["PM"])
    Person.objects.create(organization=org, name="Ana", email="ana@example.com").roles.add(org.roles.get())
    # An old row: the validators refuse this today, the database still holds it.
    Matrix.objects.filter(pk=matrix.pk).update(name="Roadmap\r\nBcc: everyone@example.com")
    matrix.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        matrix_publish(matrix=matrix)
    assert [m.subject for m in mailoutbox] == [
        "[RACI] Roadmap Bcc: everyone@example.com, revision 1: what changed for you"
    ]
    assert mailoutbox[0].to == ["ana@example.com"]
    assert OutboxEvent.objects.get(kind="matrix.published").last_error == ""
