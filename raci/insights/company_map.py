"""The company-wide map: for the whole organization or one team (with the teams under it), who is
Accountable and Responsible for each activity across every published matrix, grouped by team,
with the gaps (activities nobody owns) and the duplicates (one activity owned by two teams).

Reads the agreements (``PublishedTask``/``PublishedCell``), never drafts: the map is what was
agreed. An activity is the framework activity a task was adopted from, else the task's name
(case-insensitive), so "Pricing" in two teams' matrices is one activity. Seven queries whatever
the number of teams, matrices and tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from frameworks.models import Activity
from frameworks.schemes import get_scheme
from orgs.models import Organization, Team
from orgs.teams import team_label, teams_of
from raci.matrices.models import Matrix, Task
from raci.matrices.selectors import column_people
from raci.revisions.models import PublishedCell, PublishedTask

WHOLE_ORGANIZATION = "Whole organization"


@dataclass(frozen=True)
class Owner:
    """One role's part in an activity in one matrix, with the people it names there."""

    role: str
    people: tuple[str, ...]

    @property
    def label(self) -> str:
        """``PM: Ben, Chloe`` as the page writes it."""
        return f"{self.role}: {', '.join(self.people)}" if self.people else self.role

    def text(self) -> str:
        return f"{self.role} ({', '.join(self.people)})" if self.people else f"{self.role} (nobody)"


@dataclass
class Ownership:
    """An activity in one matrix of one team."""

    team: str
    team_id: int | None
    matrix: str
    matrix_id: int
    task_id: int
    accountable: list[Owner] = field(default_factory=list)
    responsible: list[Owner] = field(default_factory=list)

    # Written once in Python: the page shows thousands of these, and a template loop per owner
    # costs more than the rest of the page.
    @property
    def accountable_text(self) -> str:
        return "; ".join(owner.label for owner in self.accountable)

    @property
    def responsible_text(self) -> str:
        return "; ".join(owner.label for owner in self.responsible)

    @property
    def owned(self) -> bool:
        return bool(self.accountable or self.responsible)


@dataclass
class MapActivity:
    name: str
    stage: str
    ownerships: list[Ownership] = field(default_factory=list)

    def by_team(self) -> list[tuple[str, list[Ownership]]]:
        """This activity's ownerships, team by team."""
        teams: dict[str, list[Ownership]] = {}
        for ownership in self.ownerships:
            teams.setdefault(ownership.team, []).append(ownership)
        return sorted(teams.items(), key=lambda item: (item[0] != WHOLE_ORGANIZATION, item[0].casefold()))

    @property
    def owning_teams(self) -> list[str]:
        return sorted({o.team for o in self.ownerships if o.accountable})

    @property
    def gap(self) -> bool:
        return not any(o.owned for o in self.ownerships)

    @property
    def duplicate(self) -> bool:
        return len(self.owning_teams) > 1


# A person carrying more than twice the mean load of the people who carry any Accountable or
# Responsible task is overloaded — compared with people doing comparable work, not the headcount
# (hiring forty engineers must not make every PM look overloaded) — and only from five tasks up, so
# two tasks against a mean of one is not a finding.
OVERLOAD_FACTOR = 2.0
OVERLOAD_MINIMUM_TASKS = 5


@dataclass
class PersonLoad:
    person_id: int
    name: str
    accountable: int = 0
    responsible: int = 0
    teams: set[str] = field(default_factory=set)
    overloaded: bool = False

    @property
    def tasks(self) -> int:
        return self.accountable + self.responsible


@dataclass
class TeamLoad:
    team: str
    accountable: int = 0
    responsible: int = 0
    people: set[int] = field(default_factory=set)


@dataclass
class Load:
    """Accountable and Responsible tasks per person across every published matrix of the map,
    through the roles they do in each matrix's team, and per team."""

    people: list[PersonLoad]
    teams: list[TeamLoad]
    mean: float

    @property
    def overloaded(self) -> list[PersonLoad]:
        return [p for p in self.people if p.overloaded]


@dataclass
class CompanyMap:
    scope: str
    activities: list[MapActivity]
    # Activities of the frameworks these matrices were adopted from that no published matrix has.
    missing: list[tuple[str, str]]
    matrices: int
    load: Load = field(default_factory=lambda: Load(people=[], teams=[], mean=0))

    @property
    def gaps(self) -> list[MapActivity]:
        return [a for a in self.activities if a.gap]

    @property
    def duplicates(self) -> list[MapActivity]:
        return [a for a in self.activities if a.duplicate]

    def teams(self) -> list[str]:
        """The teams whose matrices are on the map, the whole organization first."""
        names = {o.team for a in self.activities for o in a.ownerships}
        return sorted(names, key=lambda name: (name != WHOLE_ORGANIZATION, name.casefold()))

    def rows(self) -> Iterable[list[str]]:
        """The map as a table (CSV export): one row per activity and matrix."""
        yield ["Activity", "Stage", "Team", "Matrix", "Accountable", "Responsible", "Gap", "Duplicate"]
        for activity in self.activities:
            for o in activity.ownerships:
                yield [
                    activity.name,
                    activity.stage,
                    o.team,
                    o.matrix,
                    "; ".join(owner.text() for owner in o.accountable),
                    "; ".join(owner.text() for owner in o.responsible),
                    "yes" if activity.gap else "",
                    "yes" if activity.duplicate else "",
                ]
        for stage, name in self.missing:
            yield [name, stage, "", "", "", "", "not in any matrix", ""]

    def to_dict(self, activities: Sequence[MapActivity] | None = None) -> dict:
        """The map as JSON; ``activities`` narrows the detailed list to one page of it (the gaps,
        duplicates and counts always cover the whole map)."""
        # Owners are shared between ownerships (one per team and role): each is written once.
        written: dict[int, dict] = {}

        def owner(x: Owner) -> dict:
            found = written.get(id(x))
            if found is None:
                found = written[id(x)] = {"role": x.role, "people": list(x.people)}
            return found

        return {
            "scope": self.scope,
            "matrices": self.matrices,
            "activity_count": len(self.activities),
            "activities": [
                {
                    "name": a.name,
                    "stage": a.stage,
                    "gap": a.gap,
                    "duplicate": a.duplicate,
                    "ownerships": [
                        {
                            "team": o.team,
                            "team_id": o.team_id,
                            "matrix": o.matrix,
                            "matrix_id": o.matrix_id,
                            "task_id": o.task_id,
                            "accountable": [owner(x) for x in o.accountable],
                            "responsible": [owner(x) for x in o.responsible],
                        }
                        for o in a.ownerships
                    ],
                }
                for a in (self.activities if activities is None else activities)
            ],
            "gaps": [a.name for a in self.gaps],
            "duplicates": [a.name for a in self.duplicates],
            "missing": [{"stage": stage, "name": name} for stage, name in self.missing],
            "load": {
                "mean_tasks": round(self.load.mean, 2),
                "teams": [
                    {
                        "team": t.team,
                        "accountable": t.accountable,
                        "responsible": t.responsible,
                        "people": len(t.people),
                    }
                    for t in self.load.teams
                ],
                # The most loaded people; every overloaded one is among them or listed after.
                "people": [
                    {
                        "person": p.person_id,
                        "name": p.name,
                        "accountable": p.accountable,
                        "responsible": p.responsible,
                        "teams": sorted(p.teams),
                        "overloaded": p.overloaded,
                    }
                    for p in _top(self.load)
                ],
            },
        }


def _top(load: Load, n: int = 50) -> list[PersonLoad]:
    top = load.people[:n]
    return top + [p for p in load.people[n:] if p.overloaded]


def _meaning(scheme_key: str, letters: str) -> tuple[bool, bool]:
    """Whether ``letters`` make a role Accountable, Responsible, in the matrix's scheme."""
    scheme = get_scheme(scheme_key)
    return scheme.accountable in letters, any(letter in letters for letter in scheme.responsible)


def company_map(*, organization: Organization, team: Team | None = None) -> CompanyMap:
    teams = {t.pk: t for t in teams_of(organization)}
    matrices = (
        Matrix.objects.filter(organization=organization, published_revision__isnull=False)
        .exclude(status=Matrix.Status.ARCHIVED)
        .only("id", "name", "scheme", "team_id", "framework_id")
        .order_by("name")
    )
    if team is not None:
        matrices = matrices.filter(team__path__startswith=team.path)
    matrices = list(matrices)
    by_id = {m.pk: m for m in matrices}
    activity_of = Task.objects.filter(pk=OuterRef("task_id")).values("activity_id")[:1]
    tasks = list(
        PublishedTask.objects.filter(matrix_id__in=by_id)
        .annotate(activity_id=Subquery(activity_of))
        .values_list("id", "matrix_id", "task_id", "name", "stage", "activity_id")
        .order_by("matrix_id", "order", "task_id")
    )
    # Only cells that own something: Consulted and Informed never make the map.
    owning_letters = set()
    for key in {m.scheme for m in matrices}:
        scheme = get_scheme(key)
        owning_letters |= {scheme.accountable, *scheme.responsible}
    owning = Q()
    for letter in sorted(owning_letters):
        owning |= Q(letters__contains=letter)
    cells: dict[int, list[tuple[int | None, str, str]]] = {}
    for task_pk, role_id, code, letters in (
        PublishedCell.objects.filter(owning, matrix_id__in=by_id)
        .values_list("task_id", "role_id", "role_code", "letters")
        .order_by("column")
    ):
        cells.setdefault(task_pk, []).append((role_id, code, letters))

    columns: dict[int | None, dict[int, str]] = {}
    for task_pk, matrix_id, *_ in tasks:
        scope = by_id[matrix_id].team_id
        for role_id, code, _ in cells.get(task_pk, ()):
            if role_id is not None:
                columns.setdefault(scope, {})[role_id] = code
    people = column_people(columns=columns) if columns else {}
    named: dict[tuple[int | None, str], list[str]] = {}
    holder_ids: dict[tuple[int | None, str], list[int]] = {}
    person_names: dict[int, str] = {}
    for scope, entries in people.items():
        for person in entries:
            if person.active:
                person_names[person.id] = person.name
                for code in person.role_codes:
                    named.setdefault((scope, code), []).append(person.name)
                    holder_ids.setdefault((scope, code), []).append(person.id)
    names = {key: tuple(value) for key, value in named.items()}
    # How many tasks each (team, role) is Accountable / Responsible for: the people's load follows.
    carried: dict[tuple[int | None, str], list[int]] = {}

    # Tens of thousands of cells: what a cell's letters mean, a team's label and a role's owner
    # entry are worked out once each and shared.
    labels = {pk: team_label(t, teams) for pk, t in teams.items()}
    meaning: dict[tuple[str, str], tuple[bool, bool]] = {}
    owners: dict[tuple[int | None, str], Owner] = {}
    activities: dict[object, MapActivity] = {}
    for task_pk, matrix_id, task_id, name, stage, activity_id in tasks:
        matrix = by_id[matrix_id]
        key = ("activity", activity_id) if activity_id else ("name", name.casefold())
        entry = activities.get(key)
        if entry is None:
            entry = activities[key] = MapActivity(name=name, stage=stage)
        owning = matrix.team_id
        ownership = Ownership(
            team=labels.get(owning, WHOLE_ORGANIZATION),
            team_id=owning,
            matrix=matrix.name,
            matrix_id=matrix_id,
            task_id=task_id,
        )
        for _, code, letters in cells.get(task_pk, ()):
            accountable, responsible = meaning.get((matrix.scheme, letters)) or meaning.setdefault(
                (matrix.scheme, letters), _meaning(matrix.scheme, letters)
            )
            if not (accountable or responsible):
                continue
            owner = owners.get((owning, code))
            if owner is None:
                owner = owners[(owning, code)] = Owner(role=code, people=names.get((owning, code), ()))
            counts = carried.get((owning, code))
            if counts is None:
                counts = carried[(owning, code)] = [0, 0]
            if accountable:
                ownership.accountable.append(owner)
                counts[0] += 1
            if responsible:
                ownership.responsible.append(owner)
                counts[1] += 1
        entry.ownerships.append(ownership)

    framework_ids = {m.framework_id for m in matrices if m.framework_id}
    present = {key[1] for key in activities if key[0] == "activity"}
    missing = [
        (stage, name)
        for pk, stage, name in Activity.objects.filter(stage__framework_id__in=framework_ids)
        .order_by("stage__order", "order", "pk")
        .values_list("pk", "stage__name", "name")
        if pk not in present
    ]
    return CompanyMap(
        scope=team_label(team, teams) if team is not None else WHOLE_ORGANIZATION,
        activities=list(activities.values()),
        missing=missing,
        matrices=len(matrices),
        load=_load(carried, holder_ids, person_names, labels),
    )


def _load(carried, holder_ids, person_names, labels) -> Load:
    people: dict[int, PersonLoad] = {}
    teams: dict[str, TeamLoad] = {}
    for (scope, code), (accountable, responsible) in carried.items():
        label = labels.get(scope, WHOLE_ORGANIZATION)
        team = teams.get(label) or teams.setdefault(label, TeamLoad(team=label))
        team.accountable += accountable
        team.responsible += responsible
        for person_id in holder_ids.get((scope, code), ()):
            load = people.get(person_id) or people.setdefault(
                person_id, PersonLoad(person_id=person_id, name=person_names[person_id])
            )
            load.accountable += accountable
            load.responsible += responsible
            load.teams.add(label)
            team.people.add(person_id)
    carrying = [p for p in people.values() if p.tasks]
    mean = sum(p.tasks for p in carrying) / len(carrying) if carrying else 0
    for person in carrying:
        person.overloaded = person.tasks >= OVERLOAD_MINIMUM_TASKS and person.tasks > OVERLOAD_FACTOR * mean
    return Load(
        people=sorted(people.values(), key=lambda p: (-p.tasks, p.name, p.person_id)),
        teams=sorted(teams.values(), key=lambda t: (t.team != WHOLE_ORGANIZATION, t.team.casefold())),
        mean=mean,
    )
