"""The moves of a reorganization, as plain data checked against one organization.

A move names people and teams by id; ``moves_parse`` turns the JSON the API and the page send into
moves holding the organization's own objects, or raises a ValidationError that names the move at
fault and changes nothing. Applying a move is ``Move.apply`` (through ``orgs.teams`` and, for the
matrices of a merged team, the one writer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from orgs import services as org_services
from orgs import teams
from orgs.models import Organization, Person, Team
from raci.matrices import services as matrix_services
from raci.matrices.history import Actor
from raci.matrices.models import Matrix
from raci.parsing import parse_id

MAX_MOVES = 200
KINDS = ("move_person", "move_team", "merge_teams", "leave")


@dataclass(frozen=True)
class Move:
    kind: str
    person: Person | None = None
    team: Team | None = None
    from_team: Team | None = None
    to_team: Team | None = None

    def describe(self, labels: Mapping[int, str]) -> str:
        def name(team: Team | None) -> str:
            return labels.get(team.pk, team.name) if team else "the top of the organization"

        if self.kind == "move_person":
            return (
                f"{self.person.name} moves from {name(self.from_team)} to {name(self.to_team)}"
                if self.from_team
                else f"{self.person.name} joins {name(self.to_team)}"
            )
        if self.kind == "move_team":
            return f"{name(self.team)} moves under {name(self.to_team)}"
        if self.kind == "merge_teams":
            return f"{name(self.team)} merges into {name(self.to_team)}"
        return f"{self.person.name} leaves"

    def apply(self, *, actor: Actor) -> None:
        if self.kind == "move_person":
            teams.person_move(person=self.person, from_team=self.from_team, to_team=self.to_team)
        elif self.kind == "move_team":
            teams.team_move(team=_fresh(self.team), parent=_fresh(self.to_team))
        elif self.kind == "merge_teams":
            source, target = _fresh(self.team), _fresh(self.to_team)
            for matrix in Matrix.objects.filter(team=source).select_related("organization"):
                matrix_services.matrix_update(matrix=matrix, team=target, actor=actor)
            teams.team_merge(source=source, target=target)
        else:
            org_services.person_update(person=self.person, active=False)

    def to_dict(self) -> dict:
        data: dict = {"kind": self.kind}
        for name in ("person", "team", "from_team", "to_team"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value.pk
        return data


def _fresh(team: Team | None) -> Team | None:
    """An earlier move may have changed the team's path: read it again."""
    return Team.objects.get(pk=team.pk) if team is not None else None


def moves_parse(organization: Organization, data: object) -> list[Move]:
    """``[{"kind": "move_person", "person": 3, "from_team": 1, "to_team": 2}, ...]`` -> moves.
    Two queries whatever the number of moves."""
    if not isinstance(data, list) or not data:
        raise ValidationError({"moves": "Give a list of moves."})
    if len(data) > MAX_MOVES:
        raise ValidationError({"moves": f"At most {MAX_MOVES} moves at a time."})
    wanted: dict[str, set[int]] = {"person": set(), "team": set()}
    for i, item in enumerate(data):
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            raise ValidationError({"moves": f"Move {i + 1}: kind is one of {', '.join(KINDS)}."})
        for key in ("person", "team", "from_team", "to_team"):
            if item.get(key) is not None:
                pk = parse_id(str(item[key]))
                if pk is None:
                    raise ValidationError({"moves": f"Move {i + 1}: {key} is an id."})
                wanted["person" if key == "person" else "team"].add(pk)
    people = {p.pk: p for p in Person.objects.filter(organization=organization, pk__in=wanted["person"])}
    team_by_id = {t.pk: t for t in Team.objects.filter(organization=organization, pk__in=wanted["team"])}
    return [_move(i, item, people, team_by_id) for i, item in enumerate(data)]


def _move(i: int, item: dict, people: Mapping[int, Person], team_by_id: Mapping[int, Team]) -> Move:
    def get(key: str, found: Mapping, *, required: bool):
        value = item.get(key)
        if value is None:
            if required:
                raise ValidationError({"moves": f"Move {i + 1}: {key} is missing."})
            return None
        obj = found.get(parse_id(str(value)))
        if obj is None:
            raise ValidationError(
                {"moves": f"Move {i + 1}: this organization has no {key.split('_')[-1]} {value}."}
            )
        return obj

    kind = item["kind"]
    if kind == "move_person":
        return Move(
            kind,
            person=get("person", people, required=True),
            from_team=get("from_team", team_by_id, required=False),
            to_team=get("to_team", team_by_id, required=True),
        )
    if kind == "move_team":
        return Move(
            kind,
            team=get("team", team_by_id, required=True),
            to_team=get("to_team", team_by_id, required=False),
        )
    if kind == "merge_teams":
        return Move(
            kind,
            team=get("team", team_by_id, required=True),
            to_team=get("to_team", team_by_id, required=True),
        )
    return Move(kind, person=get("person", people, required=True))


def describe_all(moves: Iterable[Move], labels: Mapping[int, str]) -> list[str]:
    return [move.describe(labels) for move in moves]
