"""Teams at scale: the company-wide map and a reorganization what-if in a large organization.

Run from the repository root with PostgreSQL on 127.0.0.1 (uses the `raci_bench` database, like
bench_api.py):

    .venv/bin/python bench/bench_teams.py [--runs 5]

Builds an organization of 5,000 people in 300 teams (five levels deep), each person holding one of
ten roles for their team, and 100 matrices of 200 tasks x 10 roles, each belonging to a team and
published once; the tasks are drawn from a pool of 300 activity names, so the same activity sits
in several teams' matrices. Then times in-process requests through the whole stack: the map page
and the map endpoint for the whole organization (target under 1 s), and the reorganization
what-if (POST, nothing applied) that moves a team of 50 people under another parent (target under 2 s).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_api import ensure_database, timed

PEOPLE = 5_000
TEAMS = 300
MATRICES = 100
TASKS = 200
ROLES = 10
MOVER_PEOPLE = 50


def build(slug: str):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from orgs.models import Organization, Person, RoleHolding, Team
    from orgs.services import organization_create
    from orgs.teams import team_create
    from raci.revisions.services import matrix_publish
    from tests.builders import matrix_build

    rng = random.Random(7)
    Organization.objects.filter(slug=slug).delete()
    user, _ = get_user_model().objects.get_or_create(username=slug)
    org = organization_create(name=slug.title(), slug=slug, owner=user, headcount=PEOPLE)
    # 3 top teams, then 4, 4, 3 children per team, and the rest at the fifth level: 300 teams.
    levels: list[list[Team]] = [[team_create(organization=org, name=f"Line {i}") for i in range(3)]]
    for fan in (4, 4, 3):
        levels.append(
            [
                team_create(organization=org, name=f"{parent.name}.{i}", parent=parent)
                for parent in levels[-1]
                for i in range(fan)
            ]
        )
    made = sum(len(level) for level in levels)
    levels.append(
        [
            team_create(organization=org, name=f"{levels[-1][i].name}.x", parent=levels[-1][i])
            for i in range(TEAMS - made - 1)
        ]
    )
    mover = team_create(organization=org, name="Mover", parent=levels[1][0])
    teams = [team for level in levels for team in level]
    assert len(teams) + 1 == TEAMS
    matrix_roles = [f"R{i:02d}" for i in range(ROLES)]
    names = [f"Activity {i:03d}" for i in range(300)]
    matrices = []
    for i in range(MATRICES):
        matrices.append(
            matrix_build(
                organization=org,
                name=f"Matrix {i:03d}",
                tasks=rng.sample(names, TASKS),
                roles=matrix_roles,
                stage_size=20,
                fill="sparse",
                owner_column=True,
                team=teams[rng.randrange(len(teams))],
            )
        )
    roles = list(org.roles.order_by("code"))
    people = Person.objects.bulk_create(
        [Person(organization=org, name=f"Person {i:05d}") for i in range(PEOPLE)], batch_size=5000
    )
    homes = [mover if i < MOVER_PEOPLE else teams[i % len(teams)] for i in range(PEOPLE)]
    Person.teams.through.objects.bulk_create(
        [
            Person.teams.through(person_id=p.pk, team_id=home.pk)
            for p, home in zip(people, homes, strict=True)
        ],
        batch_size=5000,
    )
    RoleHolding.objects.bulk_create(
        [
            RoleHolding(person_id=p.pk, role_id=roles[i % ROLES].pk, team_id=home.pk)
            for i, (p, home) in enumerate(zip(people, homes, strict=True))
        ]
        # A few people hold their role for the whole company: the fallback above every team.
        + [RoleHolding(person_id=people[i].pk, role_id=roles[i % ROLES].pk) for i in range(100, 110)],
        batch_size=5000,
    )
    # One matrix is the mover team's own: moving the team changes who its columns name.
    mover_matrix = matrices[0]
    mover_matrix.team = mover
    mover_matrix.save(update_fields=["team"])
    for matrix in matrices:
        matrix_publish(matrix=matrix, override_reason="bench")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user, org, mover, levels[1][-1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="reuse the organization a previous run built")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from orgs.models import Organization, RoleHolding, Team

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # pages render with DEBUG off
    started = time.perf_counter()
    if args.reuse and Team.objects.filter(organization__slug="teams", name="Mover").exists():
        org = Organization.objects.get(slug="teams")
        user = get_user_model().objects.get(username="teams")
        mover = Team.objects.get(organization=org, name="Mover")
        new_parent = Team.objects.get(organization=org, name="Line 2.3")
    else:
        user, org, mover, new_parent = build("teams")
    # The mover team does half the roles itself; the other half come from the teams above it, so
    # moving it changes who its matrix names.
    RoleHolding.objects.filter(team=mover, role__code__in=[f"R{i:02d}" for i in range(5, ROLES)]).delete()
    print(f"built in {time.perf_counter() - started:.0f} s")
    client = Client()
    client.force_login(user)

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]

        return run

    def what_if():
        response = client.post(
            f"/api/v1/orgs/{org.slug}/reorganization/",
            {"moves": [{"kind": "move_team", "team": mover.pk, "to_team": new_parent.pk}]},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content[:300]
        assert response.json()["matrices"], "the mover's matrix should change"

    results = {
        "map page (whole organization)": (timed(get(f"/o/{org.slug}/map/"), args.runs), 1000),
        "map API (whole organization)": (timed(get(f"/api/v1/orgs/{org.slug}/map/"), args.runs), 1000),
        "reorganization what-if (team of 50)": (timed(what_if, args.runs), 2000),
    }
    with CaptureQueriesContext(connection) as queries:
        get(f"/api/v1/orgs/{org.slug}/map/")()
    missed = 0
    for name, ((median, fastest), target) in results.items():
        verdict = ""
        if target is not None:
            verdict = "met" if median < target else "MISSED"
            missed += median >= target
        print(f"{name:40s} median {median:8.1f} ms  fastest {fastest:8.1f} ms  target {target} ms  {verdict}")
    print(f"map API: {len(queries)} SQL statements")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
