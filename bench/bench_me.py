""" "My responsibilities" benchmark on PostgreSQL: the server render of ``/me/`` for a person holding
roles in 20 published matrices of 500 tasks each.

    .venv/bin/python bench/bench_me.py [--runs 15] [--matrices 20] [--tasks 500] [--roles 10]

Shares bench_api's database (`raci_bench`) and setup helpers, in its own organization
(`bench-me`, rebuilt on every run). Every matrix is built by the test suite's one builder
(tests/builders.py: about 30% of cells filled, the first column A/R on every task). Two readers,
each a member linked to a person holding two roles: one holds the owner column, so they carry
letters on every task of every matrix (10,000 task lines at the defaults, the page's worst case);
the other holds two ordinary columns (letters on about half the tasks). Requests go through the
whole Django stack in-process (session, the reads of ``raci.insights.me``, template rendering)
without a network hop; the figure is the median server time of N runs after a warm-up. Two cases:

- "never acknowledged": every matrix published once; everything is new to the readers;
- "changes since revision 1": the readers acknowledged revision 1 of every matrix, then every
  matrix was republished with the letters of one of their roles changed on every tenth task, so
  the page also loads the 20 older snapshots (one query) and compares them with the latest.

The page holds five whole matrices (``raci.insights.me.MATRICES_PER_PAGE``): each case is measured
on the first page and on the last (reached by following the ``next`` cursors).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import ensure_database, timed

SLUG = "bench-me"
TARGET_MS = 200
# Who is measured: (username, the indexes of the roles their person holds, what that means).
READERS = [
    ("bench-me-every", (0, 1), "the owner column and one more: letters on every task"),
    ("bench-me-half", (1, 2), "two roles without the owner column: letters on about half the tasks"),
]


def build(*, matrices: int, tasks: int, roles: int):
    """A fresh organization with ``matrices`` published matrices and, for each of ``READERS``, a
    member linked to a person holding their roles. Returns ([(user, person)], [(matrix, revision 1)])."""
    from django.contrib.auth import get_user_model

    from orgs.models import Membership, Organization, Person, Role
    from orgs.services import membership_set, organization_create
    from raci.revisions.services import matrix_publish
    from tests.builders import matrix_build

    Organization.objects.filter(slug=SLUG).delete()
    owner, _ = get_user_model().objects.get_or_create(username=SLUG)
    org = organization_create(name="Bench me", slug=SLUG, owner=owner)
    codes = [f"R{i:02d}" for i in range(roles)]
    built = []
    for i in range(matrices):
        matrix = matrix_build(
            organization=org,
            tasks=tasks,
            roles=codes,
            name=f"Matrix {i:02d}",
            stage_size=50,
            fill="sparse",
            owner_column=True,
        )
        built.append((matrix, matrix_publish(matrix=matrix, override_reason="Benchmark.")))
    readers = []
    for username, held, _what in READERS:
        user, _ = get_user_model().objects.get_or_create(username=username)
        membership_set(organization=org, user=user, level=Membership.Level.VIEWER)
        person = Person.objects.create(organization=org, name=username, user=user)
        person.roles.set(Role.objects.filter(organization=org, code__in=[codes[i] for i in held]))
        readers.append((user, person))
    return readers, built


def republish_with_changes(readers, built, roles: int) -> None:
    """Every reader acknowledges revision 1 everywhere; then, in every matrix, the second role's
    letters change on every tenth task (some gained, some lost) and the matrix is published again."""
    from orgs.models import Role
    from raci.matrices.models import Assignment
    from raci.revisions.services import acknowledge, matrix_publish

    for matrix, revision in built:
        for user, person in readers:
            acknowledge(revision=revision, person=person, user=user)
        role = Role.objects.get(organization_id=matrix.organization_id, code="R01")
        touched = list(matrix.tasks.order_by("order").values_list("pk", flat=True))[::10]
        Assignment.objects.filter(task_id__in=touched, role=role).delete()
        Assignment.objects.bulk_create(
            [Assignment(task_id=task_id, role=role, letters="C") for task_id in touched[::2]]
        )
        matrix_publish(matrix=matrix, override_reason="Benchmark.")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--matrices", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--roles", type=int, default=10)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from raci.insights.me import my_responsibilities

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static files: write them as a deployment would.
    call_command("collectstatic", interactive=False, verbosity=0)
    readers, built = build(matrices=args.matrices, tasks=args.tasks, roles=args.roles)
    clients = []
    for user, _person in readers:
        client = Client()
        client.force_login(user)
        clients.append(client)

    # Printed at the end, together: request logs (if configured) go to the same output.
    report: list[str] = []

    def measure(case: str) -> list[float]:
        # Fresh statistics, as autovacuum would have them a minute after a publication: the bulk
        # rewrites of the published read model otherwise leave the planner guessing.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        medians = []
        for (_username, _held, what), (user, _person), client in zip(READERS, readers, clients, strict=True):
            # The first page and the last: a page holds MATRICES_PER_PAGE whole matrices, so any
            # page costs what the first does.
            cursors, cursor = [None], my_responsibilities(user).next
            while cursor:
                cursors.append(cursor)
                cursor = my_responsibilities(user, cursor=cursor).next
            for label, cursor in (("first page", None), ("last page", cursors[-1])):
                url = "/me/" if cursor is None else f"/me/?cursor={cursor}"

                def render_page(client=client, url=url):
                    response = client.get(url)
                    assert response.status_code == 200, response.status_code
                    return response

                median, fastest = timed(render_page, args.runs)
                with CaptureQueriesContext(connection) as queries:
                    size = len(render_page().content)
                read_median, _ = timed(
                    lambda user=user, cursor=cursor: my_responsibilities(user, cursor=cursor), args.runs
                )
                result = my_responsibilities(user, cursor=cursor)
                shown = sum(len(o.matrices) for o in result.organizations)
                lines = sum(m.task_count for o in result.organizations for m in o.matrices)
                changes = sum(m.changes.count for o in result.organizations for m in o.matrices if m.changes)
                report.append(
                    f"{case}, {what}, {label} ({shown} of {result.matrix_count} matrices, "
                    f"{len(cursors)} pages): {lines:,} task lines"
                    + (f", {changes:,} changes" if changes else "")
                )
                report.append(
                    f"  GET /me/  median {median:7.1f} ms   min {fastest:7.1f} ms   "
                    f"(the read alone {read_median:6.1f} ms; {len(queries)} queries; {size / 1024:,.0f} KiB)"
                )
                medians.append(median)
        return medians

    report.append(
        f"/me/ across {args.matrices} published matrices of {args.tasks} tasks x {args.roles} roles "
        f"(about 30% of cells filled, the first column A/R on every task); {args.runs} runs after a warm-up"
    )
    fresh = measure("never acknowledged")
    republish_with_changes(readers, built, args.roles)
    changed = measure("changes since revision 1")
    worst = max(fresh + changed)
    ok = worst < TARGET_MS
    print("\n".join(report))
    print(f"target {TARGET_MS} ms for every case: " + ("met" if ok else f"MISSED (slowest {worst:.1f} ms)"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
