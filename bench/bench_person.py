"""The person and role pages of someone with 5,000 responsibilities, on PostgreSQL.

    .venv/bin/python bench/bench_person.py [--runs 15] [--matrices 10] [--tasks 500] [--roles 10]

Uses bench_api's database (`raci_bench`, or $BENCH_DATABASE) in its own organization
(`bench-person`, rebuilt on every run): ``--matrices`` published matrices of ``--tasks`` tasks x
``--roles`` roles, built by the test suite's one builder (tests/builders.py: about 30% of cells
filled, the first column A/R on every task), and a person holding the first column's role, so
they carry letters on every task (5,000 at the defaults) with the other columns as co-owners.
Requests go through the whole Django stack in process (session, access check, the page's reads,
rendering) with production settings; ``ANALYZE`` first; one warm-up, then N timed runs, medians.
Target from the scale issue: the person page's first page under 150 ms.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import ensure_database, timed

SLUG = "bench-person"
TARGET_MS = 150


def build(*, matrices: int, tasks: int, roles: int):
    from django.contrib.auth import get_user_model

    from orgs.models import Organization
    from orgs.services import organization_create
    from tests.builders import matrix_build
    from tests.factories import PersonFactory

    Organization.objects.filter(slug=SLUG).delete()
    owner, _ = get_user_model().objects.get_or_create(username=SLUG)
    org = organization_create(name="Bench person", slug=SLUG, owner=owner)
    codes = [f"P{i:02d}" for i in range(roles)]
    for i in range(matrices):
        matrix_build(
            organization=org,
            tasks=tasks,
            roles=codes,
            name=f"Matrix {i:02d}",
            stage_size=50,
            fill="sparse",
            owner_column=True,
            published=True,
        )
    role = org.roles.get(code=codes[0])
    person = PersonFactory(organization=org, name="Olga Owner", roles=[role])
    return owner, org, role, person


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--matrices", type=int, default=10)
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
    from django.urls import reverse

    from raci.insights.selectors import person_responsibilities, person_responsibilities_page
    from raci.revisions.models import PublishedCell

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static files: write them as a deployment would.
    call_command("collectstatic", interactive=False, verbosity=0)
    owner, org, role, person = build(matrices=args.matrices, tasks=args.tasks, roles=args.roles)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(owner)
    person_url = reverse("person-detail", args=[org.slug, person.pk])
    role_url = reverse("role-detail", args=[org.slug, role.pk])
    api_url = reverse("api-person-responsibilities", args=[org.slug, person.pk])
    # A cursor deep into the list: the page after the 20th.
    cursor = None
    for _ in range(20):
        cursor = person_responsibilities_page(person=person, cursor=cursor).next
    letters = len(person_responsibilities(person=person))
    cells = PublishedCell.objects.filter(matrix__organization=org).count()

    report = [
        f"{letters:,} responsibilities across {args.matrices} published matrices of {args.tasks} x "
        f"{args.roles} ({cells:,} published cells); {args.runs} runs after a warm-up"
    ]
    first_page = None
    for label, url, query in [
        ("person page, first page", person_url, {}),
        ("person page, page 21", person_url, {"cursor": cursor}),
        ("role page, first page", role_url, {}),
        ("API responsibilities, first page", api_url, {}),
    ]:

        def get(url=url, query=query):
            response = client.get(url, query)
            assert response.status_code == 200, response.status_code
            return response

        median, fastest = timed(get, args.runs)
        with CaptureQueriesContext(connection) as queries:
            size = len(get().content)
        report.append(
            f"  {label:34} median {median:7.1f} ms   min {fastest:7.1f} ms   "
            f"({len(queries)} queries; {size / 1024:,.0f} KiB)"
        )
        first_page = median if first_page is None else first_page
    print("\n".join(report))
    ok = first_page < TARGET_MS
    print(f"target {TARGET_MS} ms for the person page's first page: " + ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
