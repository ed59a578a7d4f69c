"""The demo organization that `make run` seeds: Acme Analytics, about forty people.

Idempotent: organization, roles, people and the demo user are found by their
natural keys and only created when missing; the matrix is adopted once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from frameworks.models import Framework
from frameworks.services import frameworks_load_builtin
from orgs.models import Membership, Organization, Person, Role, Team
from orgs.services import membership_set
from orgs.teams import holding_add, holding_remove, team_create
from raci.discussion.services import thread_start
from raci.matrices.adoption import matrix_adopt
from raci.matrices.cells import assignment_set
from raci.matrices.models import Matrix, Task
from raci.matrices.services import matrix_update
from raci.revisions.services import matrix_publish

DEMO_USERNAME = "demo"
# A documented demo credential for a local sandbox, not a secret; override it with DEMO_PASSWORD.
DEMO_PASSWORD_DEFAULT = "acme-demo-raci"
DEMO_ORG_SLUG = "acme"
DEMO_MATRIX_NAME = "Product management and marketing"
# Two product lines, so every page shows who does a role for which team. The founder (the demo
# user) still runs the first line wearing both hats, and the first matrix is that line's; the second
# line has its own PM and PMM and its own matrix.
PRODUCT_LINES = [
    ("Analytics app", "Ana Alvarez", "Ana Alvarez"),
    ("Data platform", "Chloe Alvarez", "Farid Alvarez"),
]
SECOND_MATRIX_NAME = "Data platform: product management and marketing"

ROLES = [
    ("PM", "Product manager", "Creates value: customer needs, business case, roadmap, requirements."),
    ("PMM", "Product marketing manager", "Communicates value: positioning, messaging, launch, enablement."),
    ("ENG", "Engineering", "Builds and runs the product."),
    ("SALES", "Sales", "Wins customers."),
    ("CS", "Customer success", "Keeps customers successful and renewing."),
    ("EXEC", "Executive team", "Sets direction and signs off on the big bets."),
]

FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas"]
LAST = ["Alvarez", "Brooks", "Chen", "Dubois"]

# (number of people, role codes) in the order names are handed out; the first
# person wears both product hats, as the founder-era PM often does.
STAFFING = [
    (1, ("PM", "PMM")),
    (3, ("PM",)),
    (2, ("PMM",)),
    (16, ("ENG",)),
    (8, ("SALES",)),
    (6, ("CS",)),
    (4, ("EXEC",)),
]

# Deliberate disagreements with the rules, so the demo has something to find.
VIOLATIONS = [
    ("Pricing", "PMM", "AR"),  # PM is already Accountable: two Accountables.
    ("Win/loss analysis", "PMM", "R"),  # Nobody is left Accountable.
    ("Channel training", "ENG", "C"),
    ("Channel training", "EXEC", "C"),
    ("Channel training", "CS", "C"),  # Four Consulted on one task: slow decisions.
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    organization: Organization
    matrix: Matrix


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT


def _product_lines(organization: Organization, roles: dict[str, Role], first: Matrix) -> None:
    """Two product lines, each with its PM and PMM; the first matrix is the first line's work and
    the second line adopts the same framework for its own."""
    if Team.objects.filter(organization=organization).exists():
        return
    lines = []
    for name, pm, pmm in PRODUCT_LINES:
        team = team_create(organization=organization, name=name)
        for person_name, code in ((pm, "PM"), (pmm, "PMM")):
            person = Person.objects.get(organization=organization, name=person_name)
            # They do the role for their line only, not for the whole company.
            holding_remove(person=person, role=roles[code])
            holding_add(person=person, role=roles[code], team=team)
        lines.append(team)
    matrix_update(matrix=first, team=lines[0])
    second = matrix_adopt(
        organization=organization,
        framework=Framework.objects.get(slug="pragmatic-pm-pmm"),
        name=SECOND_MATRIX_NAME,
    )
    matrix_update(matrix=second, team=lines[1])
    matrix_publish(matrix=second, note="The data platform's split, adopted from the same framework.")


@transaction.atomic
def demo_seed() -> DemoLogin:
    frameworks_load_builtin()
    User = get_user_model()
    password = demo_password()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            username=DEMO_USERNAME, password=password, email="demo@acme.example", first_name="Demo"
        )

    organization, _ = Organization.objects.get_or_create(
        slug=DEMO_ORG_SLUG, defaults={"name": "Acme Analytics", "headcount": 40}
    )
    membership_set(organization=organization, user=user, level=Membership.Level.OWNER)

    roles = {}
    for order, (code, name, description) in enumerate(ROLES):
        roles[code], _ = Role.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={"name": name, "description": description, "order": order},
        )

    names = iter(f"{first} {last}" for last in LAST for first in FIRST)
    for count, codes in STAFFING:
        for _ in range(count):
            name = next(names)
            email = name.lower().replace(" ", ".") + "@acme.example"
            person, created = Person.objects.get_or_create(
                organization=organization, email=email, defaults={"name": name}
            )
            if created:
                person.roles.set(roles[code] for code in codes)
                # The demo user is the founder who wears both product hats.
                if codes == ("PM", "PMM"):
                    person.user = user
                    person.save(update_fields=["user"])

    matrix = Matrix.objects.filter(organization=organization, name=DEMO_MATRIX_NAME).first()
    if matrix is None:
        matrix = matrix_adopt(
            organization=organization,
            framework=Framework.objects.get(slug="pragmatic-pm-pmm"),
            name=DEMO_MATRIX_NAME,
        )
        tasks = {t.name: t for t in matrix.tasks.all()}
        for task_name, code, letters in VIOLATIONS:
            task: Task = tasks[task_name]
            assignment_set(matrix=matrix, task=task, role=roles[code], letters=letters)
        matrix_publish(
            matrix=matrix,
            note="First agreed split between product management and product marketing.",
            override_reason="Pricing and win/loss ownership are still being decided.",
        )
        # The open question the override names, as a thread on the draft where it is being settled.
        thread_start(
            matrix=matrix,
            task_id=tasks["Pricing"].pk,
            role_code="PMM",
            body="The Opower split gives pricing decisions to PMM; we still have PM accountable too. "
            "Who decides, and who is consulted?",
            author=user,
        )
    _product_lines(organization, roles, matrix)
    return DemoLogin(username=DEMO_USERNAME, password=password, organization=organization, matrix=matrix)
