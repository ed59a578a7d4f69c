"""A reorganization: what moving people and teams does to every matrix, and doing it.

``reorganization_preview`` performs the moves inside a savepoint, reads every matrix before and
after with the one loader (so the people behind each column are resolved exactly as the pages will
resolve them), and rolls back: the answer is what ``reorganization_apply`` would do, computed by
the same code, with nothing written. ``reorganization_apply`` performs the moves in one
transaction, notes in each changed matrix's history who now does which role, and emits one
``organization.reorganized`` event for the people whose responsibilities changed (emails follow
from the outbox, as for publications). Any failure on the way leaves nothing changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from orgs.models import Organization
from orgs.teams import team_label, teams_of
from raci import rules
from raci.matrices.changes import matrix_change
from raci.matrices.history import Actor
from raci.matrices.models import ChangeRecord, Matrix
from raci.matrices.selectors import matrix_grids_get
from raci.outbox.emit import outbox_emit
from raci.reorganization.moves import Move, describe_all
from raci.rules.grid import MatrixGrid

WHOLE_ORGANIZATION = "the whole organization"


@dataclass(frozen=True)
class RoleChange:
    role: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    accountable: int  # tasks on which the role is Accountable in this matrix
    responsible: int


@dataclass
class MatrixImpact:
    matrix_id: int
    name: str
    team_before: str
    team_after: str
    roles: list[RoleChange] = field(default_factory=list)
    health_before: int | None = None
    health_after: int | None = None
    introduced: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


@dataclass
class PersonImpact:
    person_id: int
    name: str
    gained: list[tuple[str, str, int, int]] = field(default_factory=list)  # matrix, role, A, R
    lost: list[tuple[str, str, int, int]] = field(default_factory=list)


@dataclass
class Impact:
    moves: list[str]
    matrices: list[MatrixImpact]
    people: list[PersonImpact]

    def to_dict(self) -> dict:
        return {
            "moves": self.moves,
            "matrices": [
                {
                    "matrix": m.matrix_id,
                    "name": m.name,
                    "team_before": m.team_before,
                    "team_after": m.team_after,
                    "roles": [
                        {
                            "role": r.role,
                            "before": list(r.before),
                            "after": list(r.after),
                            "accountable_tasks": r.accountable,
                            "responsible_tasks": r.responsible,
                        }
                        for r in m.roles
                    ],
                    "health_before": m.health_before,
                    "health_after": m.health_after,
                    "findings_introduced": m.introduced,
                    "findings_resolved": m.resolved,
                    "findings_changed": m.changed,
                }
                for m in self.matrices
            ],
            "people": [
                {
                    "person": p.person_id,
                    "name": p.name,
                    "gained": [_holding(*g) for g in p.gained],
                    "lost": [_holding(*g) for g in p.lost],
                }
                for p in self.people
            ],
        }


def _holding(matrix: str, role: str, accountable: int, responsible: int) -> dict:
    return {
        "matrix": matrix,
        "role": role,
        "accountable_tasks": accountable,
        "responsible_tasks": responsible,
    }


@dataclass
class _MatrixState:
    name: str
    team: str
    grid: MatrixGrid
    holders: dict[str, tuple[tuple[int, str], ...]]  # role code -> active (id, name)


def _state(organization: Organization) -> dict[int, _MatrixState]:
    """Every live matrix with the people behind each column: the loader's queries plus two, for
    any number of matrices."""
    matrices = list(
        Matrix.objects.filter(organization=organization)
        .exclude(status=Matrix.Status.ARCHIVED)
        .select_related("organization")
        .order_by("name")
    )
    grids = matrix_grids_get(matrices=matrices)
    teams = {t.pk: t for t in teams_of(organization)}
    states = {}
    for matrix in matrices:
        grid = grids[matrix.pk]
        holders = {
            role.code: tuple((p.id, p.name) for p in grid.people if p.active and role.code in p.role_codes)
            for role in grid.roles
        }
        team = team_label(teams[matrix.team_id], teams) if matrix.team_id in teams else WHOLE_ORGANIZATION
        states[matrix.pk] = _MatrixState(name=matrix.name, team=team, grid=grid, holders=holders)
    return states


def _letters_count(grid: MatrixGrid, code: str) -> tuple[int, int]:
    scheme = grid.scheme
    accountable = responsible = 0
    for task in grid.tasks:
        letters = grid.letters(task.id, code)
        accountable += scheme.accountable in letters
        responsible += any(letter in letters for letter in scheme.responsible)
    return accountable, responsible


def _finding_key(finding) -> tuple:
    return (finding.code, finding.task_id, finding.role_code, finding.person_id)


def _impact(
    moves: Sequence[str], before: Mapping[int, _MatrixState], after: Mapping[int, _MatrixState]
) -> Impact:
    matrices: list[MatrixImpact] = []
    people: dict[int, PersonImpact] = {}
    for matrix_id, old in before.items():
        new = after.get(matrix_id)
        if new is None or (old.holders == new.holders and old.team == new.team):
            continue
        impact = MatrixImpact(matrix_id=matrix_id, name=old.name, team_before=old.team, team_after=new.team)
        for code, was in old.holders.items():
            now = new.holders.get(code, ())
            if was == now:
                continue
            accountable, responsible = _letters_count(new.grid, code)
            impact.roles.append(
                RoleChange(
                    role=code,
                    before=tuple(name for _, name in was),
                    after=tuple(name for _, name in now),
                    accountable=accountable,
                    responsible=responsible,
                )
            )
            if not (accountable or responsible):
                continue
            for pk, name in set(now) - set(was):
                people.setdefault(pk, PersonImpact(pk, name)).gained.append(
                    (old.name, code, accountable, responsible)
                )
            for pk, name in set(was) - set(now):
                people.setdefault(pk, PersonImpact(pk, name)).lost.append(
                    (old.name, code, accountable, responsible)
                )
        analysis_before, analysis_after = rules.analyse(old.grid), rules.analyse(new.grid)
        impact.health_before, impact.health_after = analysis_before.health, analysis_after.health
        found_before = {_finding_key(f): f.message for f in analysis_before.findings}
        found_after = {_finding_key(f): f.message for f in analysis_after.findings}
        impact.introduced = [m for k, m in found_after.items() if k not in found_before]
        impact.resolved = [m for k, m in found_before.items() if k not in found_after]
        # The same finding with other numbers or names is changed, not introduced and resolved.
        impact.changed = [m for k, m in found_after.items() if k in found_before and found_before[k] != m]
        matrices.append(impact)
    return Impact(
        moves=list(moves),
        matrices=matrices,
        people=sorted(people.values(), key=lambda p: (p.name, p.person_id)),
    )


class _Rollback(Exception):
    pass


def _labels(organization: Organization) -> dict[int, str]:
    teams = {t.pk: t for t in teams_of(organization)}
    return {pk: team_label(team, teams) for pk, team in teams.items()}


def reorganization_preview(*, organization: Organization, moves: Sequence[Move], actor: Actor) -> Impact:
    """What ``reorganization_apply`` would change, with nothing written."""
    described = describe_all(moves, _labels(organization))
    result: Impact | None = None
    try:
        with transaction.atomic():
            before = _state(organization)
            for move in moves:
                move.apply(actor=actor)
            result = _impact(described, before, _state(organization))
            raise _Rollback
    except _Rollback:
        pass
    assert result is not None
    return result


def reorganization_apply(*, organization: Organization, moves: Sequence[Move], actor: Actor) -> Impact:
    """Perform ``moves`` in one transaction; note who now does which role in each changed matrix's
    history; emit ``organization.reorganized`` for the people whose responsibilities changed."""
    described = describe_all(moves, _labels(organization))
    with transaction.atomic():
        before = _state(organization)
        for move in moves:
            move.apply(actor=actor)
        impact = _impact(described, before, _state(organization))
        by_id = {m.pk: m for m in Matrix.objects.filter(pk__in=[i.matrix_id for i in impact.matrices])}
        for matrix_impact in impact.matrices:
            with matrix_change(matrix=by_id[matrix_impact.matrix_id], actor=actor) as change:
                for role in matrix_impact.roles:
                    change.note(
                        kind=ChangeRecord.Kind.COLUMNS,
                        field=f"who does {role.role}",
                        before=", ".join(role.before) or "nobody",
                        after=", ".join(role.after) or "nobody",
                    )
        if impact.people:
            outbox_emit(
                kind="organization.reorganized",
                organization=organization,
                payload={
                    "moves": impact.moves,
                    "people": [
                        {"person": p.person_id, "gained": p.gained, "lost": p.lost} for p in impact.people
                    ],
                },
            )
    return impact
