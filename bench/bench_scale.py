"""Cost that follows the work: reads of a small matrix in an organization of 50,000 people.

Run from the repository root with PostgreSQL on 127.0.0.1 (uses the `raci_bench` database, like
bench_api.py):

    .venv/bin/python bench/bench_scale.py [--people 50000] [--runs 15]

Builds an organization of ``--people`` people, each holding one of 10 roles, and a 100-task x 10-role
matrix of those roles (published once), then times in-process requests through the whole stack
(token auth, the access check, the loader, JSON): GET grid (target under 30 ms: the document needs no
people), GET findings of the draft and of the published revision (they read the people holding the
columns' roles, so they grow with the holders, not with the organization).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_api import build_matrix, ensure_database, timed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from orgs.models import Person
    from orgs.services import api_token_create
    from raci.revisions.services import matrix_publish

    call_command("migrate", verbosity=0)
    user, matrix, _tasks, roles = build_matrix(slug="scale", tasks=100, roles=10, stage_size=20)
    organization = matrix.organization
    people = Person.objects.bulk_create(
        [Person(organization=organization, name=f"Person {i:05d}") for i in range(args.people)],
        batch_size=5000,
    )
    # Most people hold roles this matrix does not show; one in fifty holds one of its columns.
    others = [organization.roles.create(code=f"X{i:02d}", name=f"Other {i}") for i in range(10)]
    Person.roles.through.objects.bulk_create(
        [
            Person.roles.through(
                person_id=person.pk, role_id=(roles[i % 10] if i % 50 == 0 else others[i % 10]).pk
            )
            for i, person in enumerate(people)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after such a load
    matrix_publish(matrix=matrix, override_reason="bench")
    _, key = api_token_create(user=user, name=f"bench-{time.time()}")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    base = f"/api/v1/orgs/scale/matrices/{matrix.pk}/"

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, response.content[:200]

        return run

    results = {
        "GET grid (draft)": (timed(get(base + "grid/"), args.runs), 30),
        "GET grid (published)": (timed(get(base + "grid/?revision=published"), args.runs), 30),
        "GET findings (draft)": (timed(get(base + "findings/"), args.runs), None),
        "GET findings (published)": (timed(get(base + "findings/?revision=published"), args.runs), None),
    }
    print(
        f"organization of {args.people} people; matrix 100 tasks x 10 roles; {args.runs} runs after warm-up"
    )
    ok = True
    for name, ((median, fastest), target) in results.items():
        note = f"(target {target} ms)" if target else ""
        print(f"{name:26} median {median:7.1f} ms   min {fastest:7.1f} ms   {note}")
        ok = ok and (target is None or median < target)
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
