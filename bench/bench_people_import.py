"""Importing 2,000 people on PostgreSQL: the file import and the HR sync API.

Run from the repository root with PostgreSQL on 127.0.0.1 (it creates and reuses its own database,
`raci_bench_people`, and never touches another):

    .venv/bin/python bench/bench_people_import.py [--runs 5] [--people 2000]

Times, each as the median and fastest of ``--runs`` runs after one warm-up:
- preview: the file import's dry run of a CSV of N people (read, check, plan; nothing written);
- import: the file import applied to an organization with no people (N created, 100 of them linked
  to member accounts by email, roles held by everyone);
- re-import: the same file again (nothing changes: the idempotent case);
- sync: `PUT /api/v1/orgs/{slug}/people/` through the whole Django stack (token, access, JSON)
  with every person's title and roles changed and 10% of the organization left out (deactivated).
Target from issue 11: importing 2,000 people takes under 5 s. Exits with status 1 when the median
import misses it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402

BENCH_DB = os.environ.get("BENCH_PEOPLE_DATABASE", "raci_bench_people")
common.setup_environment(BENCH_DB)

TARGET_S = 5.0
ROLES = ["PM", "PMM", "ENG", "SALES", "DESIGN", "SUPPORT", "FIN", "LEGAL"]


def people_csv(n: int, *, title: str = "Analyst") -> bytes:
    lines = ["Name,Email,Title,Roles,Active"]
    for i in range(n):
        roles = f"{ROLES[i % len(ROLES)]};{ROLES[(i + 3) % len(ROLES)]}"
        lines.append(f"Person {i:05d},p{i}@bench.example,{title} {i % 7},{roles},yes")
    return ("\n".join(lines) + "\n").encode()


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def report(label: str, seconds: list[float]) -> None:
    median, fastest = statistics.median(seconds) * 1000, min(seconds) * 1000
    print(f"{label:<12} median {median:8.0f} ms   fastest {fastest:8.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()
    n = args.people

    common.ensure_database(BENCH_DB)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.test import APIClient

    from orgs.models import Membership, Organization, Person
    from orgs.services import api_token_create, organization_create, role_create
    from raci.people.services import people_import

    call_command("migrate", verbosity=0)
    User = get_user_model()
    Organization.objects.filter(slug="people-bench").delete()
    User.objects.filter(username__startswith="people-bench").delete()
    owner = User.objects.create(username="people-bench")
    org = organization_create(name="People bench", slug="people-bench", owner=owner)
    for code in ROLES:
        role_create(organization=org, code=code, name=code.title())
    # 100 members whose emails match people of the file (every 20th person): the import links them.
    linked = min(100, -(-n // 20))
    members = User.objects.bulk_create(
        [User(username=f"people-bench-{i}", email=f"p{i * 20}@bench.example") for i in range(100)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organization=org, level=Membership.Level.VIEWER) for u in members]
    )
    _, key = api_token_create(user=owner, name="bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    data = people_csv(n)
    changed = {
        "people": [
            {
                "name": f"Person {i:05d}",
                "email": f"p{i}@bench.example",
                "title": "Lead",
                "roles": [ROLES[(i + 1) % len(ROLES)]],
            }
            for i in range(n)
            if i % 10  # 10% left out: deactivated
        ]
    }
    body = json.dumps(changed)
    url = f"/api/v1/orgs/{org.slug}/people/"

    def fresh() -> None:
        Person.objects.filter(organization=org).delete()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orgs_person; ANALYZE orgs_roleholding")

    times: dict[str, list[float]] = {"preview": [], "import": [], "re-import": [], "sync": []}
    for run in range(args.runs + 1):
        fresh()
        preview, _ = timed(
            lambda: people_import(organization=org, data=data, filename="people.csv", dry_run=True)
        )
        imported, result = timed(lambda: people_import(organization=org, data=data, filename="people.csv"))
        again, _ = timed(lambda: people_import(organization=org, data=data, filename="people.csv"))
        synced, response = timed(lambda: client.put(url, body, content_type="application/json"))
        assert len(result.created) == n, "the import did not create everyone"
        assert len(result.linked) == linked
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["deactivated"]) == n // 10
        if run == 0:
            continue  # warm-up
        for label, seconds in zip(times, (preview, imported, again, synced), strict=True):
            times[label].append(seconds)

    print(f"{n:,} people, {len(ROLES)} roles, 2 roles each, {linked} linked to accounts; {args.runs} runs")
    for label, seconds in times.items():
        report(label, seconds)
    median = statistics.median(times["import"])
    print(f"target: import under {TARGET_S:.0f} s -> {'met' if median < TARGET_S else 'MISSED'}")
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
