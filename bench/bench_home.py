"""The organization home with 200 matrices: stored health against analysing every matrix.

Run from the repository root with PostgreSQL on 127.0.0.1 (database ``raci_bench_scale``, shared with
bench/load, in an organization of its own):

    .venv/bin/python bench/bench_home.py [--matrices 200] [--people 2000] [--runs 15]

Builds ``--matrices`` matrices of 40 tasks x 10 roles (the suite's builder, about 30% of cells
filled) and ``--people`` people holding their roles, stores every matrix's health
(``manage.py refresh_health``), then times the page for a signed-in owner in process (production
settings, hashed static files, ``ANALYZE`` first): with the stored health (target under 150 ms), and
with the health forgotten, which makes the page analyse every matrix as it used to. Prints the
queries of each.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.common import timed
from bench.load import stack

common.setup_environment(stack.DB_NAME)


TARGET_MS = 150


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--matrices", type=int, default=200)
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()

    stack.ensure_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from orgs.models import Organization, Person
    from orgs.services import organization_create
    from raci.matrices.models import Matrix
    from tests.builders import matrix_build

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    Organization.objects.filter(slug="home").delete()
    user, _ = get_user_model().objects.get_or_create(username="home")
    organization = organization_create(name="Home", slug="home", owner=user)
    codes = [f"H{i:02d}" for i in range(10)]
    for number in range(args.matrices):
        matrix_build(
            organization=organization, tasks=40, roles=codes, name=f"Matrix {number:03d}", fill="sparse"
        )
    roles = list(organization.roles.order_by("code"))
    people = Person.objects.bulk_create(
        Person(organization=organization, name=f"Person {i:04d}") for i in range(args.people)
    )
    Person.roles.through.objects.bulk_create(
        Person.roles.through(person_id=p.pk, role_id=roles[i % len(roles)].pk) for i, p in enumerate(people)
    )
    call_command("refresh_health", "home", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)

    def home():
        response = client.get("/o/home/")
        assert response.status_code == 200, response.status_code
        assert response.content.count(b'<span class="health">') == args.matrices

    def measure(label: str) -> float:
        queries = []
        # Counted at the cursor: a request resets Django's own query log when it starts.
        with connection.execute_wrapper(lambda execute, *a: queries.append(1) or execute(*a)):
            home()
        median, fastest = timed(home, args.runs)
        print(f"{label}: median {median:.1f} ms, min {fastest:.1f} ms, {len(queries)} queries")
        return median

    print(f"Organization home, {args.matrices} matrices of 40 x 10, {args.people} people holding their roles")
    stored = measure("stored health")
    Matrix.objects.filter(organization=organization).update(health_version=None)
    args.runs = max(3, args.runs // 5)  # seconds each: fewer runs
    measure("every matrix analysed (the health forgotten)")
    print(f"target: stored health under {TARGET_MS} ms: {'met' if stored < TARGET_MS else 'MISSED'}")
    return 0 if stored < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
