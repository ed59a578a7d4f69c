"""Teams: the tree of an organization's parts, who belongs to which, and who holds a role for
which team — and the one resolution of "who does this role here" that every matrix read uses.

Resolution (``holders_resolved``): a matrix of team T shows, for each role, the active people
holding the role for T; if nobody does, for T's parent, and so on up to the root; then the
people holding the role for the whole organization. A matrix of the whole organization shows the
organization-wide holders, or — when the role is only ever held for teams — every team's holders,
so "PM" in a company-wide matrix names all the PMs rather than nobody. Inactive holders never
decide the level (someone who left does not hide the parent team's holder) but are kept at the
chosen level, marked inactive, as before teams existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, ProtectedError, Q, RestrictedError, Value
from django.db.models.functions import Concat, Substr

from orgs.exceptions import Conflict
from orgs.models import Organization, Person, Role, RoleHolding, Team
from orgs.signals import team_merging

MAX_DEPTH = 20
PATH_SEPARATOR = "/"


class TeamInUse(Conflict):
    code = "team_in_use"


# ---------------------------------------------------------------------------------------------
# The tree


def _path(parent: Team | None, team_id: int) -> str:
    return f"{parent.path if parent else PATH_SEPARATOR}{team_id}{PATH_SEPARATOR}"


def _check_parent(organization: Organization, parent: Team | None) -> None:
    if parent is None:
        return
    if parent.organization_id != organization.pk:
        raise ValidationError({"parent": "A team can only sit under a team of its own organization."})
    if parent.depth >= MAX_DEPTH:
        raise ValidationError({"parent": f"Teams nest at most {MAX_DEPTH} deep."})


def _name_taken() -> ValidationError:
    return ValidationError({"name": "A team of this name already exists here."})


def _save_checked(team: Team) -> None:
    team.full_clean(exclude=["path"], validate_constraints=False)
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as error:
        raise _name_taken() from error


def team_create(
    *, organization: Organization, name: str, parent: Team | None = None, description: str = ""
) -> Team:
    _check_parent(organization, parent)
    with transaction.atomic():
        team = Team(organization=organization, name=name.strip(), parent=parent, description=description)
        _save_checked(team)
        team.path = _path(parent, team.pk)
        Team.objects.filter(pk=team.pk).update(path=team.path)
    return team


def team_update(*, team: Team, name: str | None = None, description: str | None = None) -> Team:
    if name is not None:
        team.name = name.strip()
    if description is not None:
        team.description = description
    _save_checked(team)
    return team


def team_move(*, team: Team, parent: Team | None) -> Team:
    """Put ``team`` (and everything under it) under ``parent``, or at the top. One UPDATE
    rewrites the subtree's paths, whatever its size."""
    _check_parent(team.organization, parent)
    if parent is not None and parent.path.startswith(team.path):
        raise ValidationError({"parent": "A team cannot sit under itself or one of its own teams."})
    old = team.path
    new = _path(parent, team.pk)
    if parent is not None and parent.depth + _subtree_height(team) > MAX_DEPTH:
        raise ValidationError({"parent": f"Teams nest at most {MAX_DEPTH} deep."})
    with transaction.atomic():
        team.parent = parent
        _save_checked(team)
        Team.objects.filter(organization_id=team.organization_id, path__startswith=old).update(
            path=Concat(Value(new), Substr("path", len(old) + 1))
        )
    team.path = new
    return team


def _subtree_height(team: Team) -> int:
    deepest = (
        Team.objects.filter(organization_id=team.organization_id, path__startswith=team.path)
        .values_list("path", flat=True)
        .order_by("-path")
    )
    return max((p.count(PATH_SEPARATOR) - 1 for p in deepest), default=1) - team.depth + 1


def team_delete(*, team: Team) -> None:
    """Delete an empty team. A team with teams under it or matrices of its own is refused: its
    work would silently become the whole organization's (merge it into another team instead)."""
    if team.children.exists():
        raise TeamInUse(f"{team.name} has teams under it; move or delete them first.")
    matrices = team.matrices.count() if hasattr(team, "matrices") else 0
    if matrices:
        raise TeamInUse(
            f"{team.name} has {matrices} matri{'x' if matrices == 1 else 'ces'}; move them to another "
            "team or merge the team."
        )
    try:
        with transaction.atomic():
            team.delete()
    except (ProtectedError, RestrictedError) as error:
        # Another app's rows still belong to the team (a chat channel of raci): name them.
        held = getattr(error, "restricted_objects", None) or getattr(error, "protected_objects", ())
        counts: dict[str, int] = {}
        for obj in held:
            meta = obj._meta
            counts[str(meta.verbose_name)] = counts.get(str(meta.verbose_name), 0) + 1
        what = ", ".join(
            f"{count} {name if count == 1 else name + 's'}" for name, count in sorted(counts.items())
        )
        raise TeamInUse(
            f"{team.name} still has {what}; move them to another team or delete them first."
        ) from error


def team_of(organization: Organization, team_id: int | None, *, field: str = "team") -> Team | None:
    """The organization's team ``team_id`` (None stays None), else a ValidationError on ``field``
    that says nothing about other organizations."""
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id, organization=organization).first()
    if team is None:
        raise ValidationError({field: f"{organization.name} has no team {team_id}."})
    return team


def teams_of(organization: Organization) -> list[Team]:
    """Every team of the organization in tree order (parents before children), one query."""
    return list(Team.objects.filter(organization=organization).order_by("path"))


def team_label(team: Team, by_id: Mapping[int, Team]) -> str:
    """``Product / Mobile``: the team's names from the root, from teams already loaded."""
    return " / ".join(by_id[pk].name for pk in team.lineage_ids if pk in by_id)


def team_find(organization: Organization, label: str) -> Team | None:
    """The team named by a path of names, ``Product/Mobile`` (case-insensitive), else None.
    One query: the candidates named like the last part, checked against their paths."""
    names = [part.strip() for part in label.split(PATH_SEPARATOR) if part.strip()]
    if not names:
        return None
    candidates = list(Team.objects.filter(organization=organization, name__iexact=names[-1]))
    if not candidates:
        return None
    lineage_ids = {pk for team in candidates for pk in team.lineage_ids}
    names_by_id = dict(Team.objects.filter(pk__in=lineage_ids).values_list("id", "name"))
    for team in candidates:
        if [names_by_id.get(pk, "").casefold() for pk in team.lineage_ids] == [n.casefold() for n in names]:
            return team
    return None


# ---------------------------------------------------------------------------------------------
# Who belongs where, who holds what for which team


def _same_organization(person: Person, *others: Role | Team | None) -> None:
    for other in others:
        if other is not None and other.organization_id != person.organization_id:
            raise ValidationError("People, roles and teams must belong to the same organization.")


def person_teams_set(*, person: Person, teams: Iterable[Team]) -> None:
    """The teams ``person`` belongs to. Leaving a team drops the roles held for it."""
    teams = list(teams)
    _same_organization(person, *teams)
    with transaction.atomic():
        person.teams.set(teams)
        person.holdings.exclude(team__isnull=True).exclude(team__in=teams).delete()


def team_members_set(*, team: Team, people: Iterable[Person]) -> None:
    """The people who belong to ``team``; those who leave it lose the roles held for it."""
    people = list(people)
    if any(person.organization_id != team.organization_id for person in people):
        raise ValidationError("People, roles and teams must belong to the same organization.")
    with transaction.atomic():
        team.members.set(people)
        RoleHolding.objects.filter(team=team).exclude(person__in=people).delete()


def holding_add(*, person: Person, role: Role, team: Team | None = None) -> RoleHolding:
    """``person`` holds ``role`` for ``team`` (or the whole organization); holding a role for a
    team makes the person a member of it. Adding a holding twice changes nothing."""
    _same_organization(person, role, team)
    with transaction.atomic():
        holding, _ = RoleHolding.objects.get_or_create(person=person, role=role, team=team)
        if team is not None:
            person.teams.add(team)
    return holding


def person_move(*, person: Person, to_team: Team, from_team: Team | None = None) -> None:
    """``person`` moves to ``to_team``: the roles held for ``from_team`` (if given) are held for
    ``to_team`` instead and the person leaves ``from_team``; without it they join ``to_team``."""
    _same_organization(person, to_team, from_team)
    with transaction.atomic():
        if from_team is not None and from_team != to_team:
            held_there = set(person.holdings.filter(team=to_team).values_list("role_id", flat=True))
            moving = person.holdings.filter(team=from_team)
            moving.filter(role_id__in=held_there).delete()
            moving.update(team=to_team)
            person.teams.remove(from_team)
        person.teams.add(to_team)


def team_merge(*, source: Team, target: Team) -> None:
    """``source`` joins ``target``: its members, the roles held for it and the teams under it go to
    ``target``, then ``source`` is deleted. Its matrices must have moved first (``raci`` does, through
    the one writer): a team with matrices is not deleted."""
    if source.organization_id != target.organization_id:
        raise ValidationError("Teams of two organizations cannot be merged.")
    if source == target or target.path.startswith(source.path):
        raise ValidationError({"target": "A team cannot merge into itself or one of its own teams."})
    with transaction.atomic():
        target.members.add(*source.members.all())
        taken = set(RoleHolding.objects.filter(team=target).values_list("person_id", "role_id"))
        for holding in RoleHolding.objects.filter(team=source):
            if (holding.person_id, holding.role_id) in taken:
                holding.delete()
            else:
                holding.team = target
                holding.save(update_fields=["team"])
        for child in Team.objects.filter(parent=source):
            team_move(team=child, parent=target)
        team_merging.send(sender=Team, source=source, target=target)
        team_delete(team=source)


def holding_remove(*, person: Person, role: Role, team: Team | None = None) -> None:
    RoleHolding.objects.filter(person=person, role=role, team=team).delete()


def organization_roles_set(*, person: Person, roles: Iterable[Role]) -> None:
    """The roles ``person`` holds for the whole organization; roles held for teams stay."""
    roles = list(roles)
    _same_organization(person, *roles)
    with transaction.atomic():
        person.holdings.filter(team__isnull=True).exclude(role__in=roles).delete()
        held = set(person.holdings.filter(team__isnull=True).values_list("role_id", flat=True))
        RoleHolding.objects.bulk_create(
            RoleHolding(person=person, role=role) for role in roles if role.pk not in held
        )


def holdings_prefetch() -> Prefetch:
    """A person's holdings with their role and team, in role order: what people lists show."""
    return Prefetch(
        "holdings",
        queryset=RoleHolding.objects.select_related("role", "team").order_by("role__order", "role__code"),
    )


# ---------------------------------------------------------------------------------------------
# Resolution


@dataclass(frozen=True)
class Holders:
    """Who does a role in one scope, and where that answer came from: ``team_id`` is the team
    whose holders they are (the scope itself or an ancestor), None for the organization's."""

    person_ids: tuple[int, ...]
    team_id: int | None = None
    # True when a matrix of the whole organization shows the role's holders in every team.
    every_team: bool = False


NOBODY = Holders(person_ids=())


def lineages(scopes: Iterable[int | None]) -> dict[int | None, list[int]]:
    """Each scope's team ids from the root down (one query for all of them; none for the
    whole organization)."""
    ids = {scope for scope in scopes if scope is not None}
    paths = dict(Team.objects.filter(pk__in=ids).values_list("id", "path")) if ids else {}
    result: dict[int | None, list[int]] = {None: []}
    for pk, path in paths.items():
        result[pk] = [int(part) for part in path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part]
    return result


def holders_resolved(
    *,
    role_ids: Iterable[int],
    scopes: Iterable[int | None],
    lineage: Mapping[int | None, list[int]] | None = None,
) -> tuple[dict[tuple[int | None, int], Holders], dict[int, bool]]:
    """Resolve every (scope, role) pair: which people do the role for that scope.

    Two queries whatever the depth of the tree or the number of scopes and roles (one when the
    caller passes ``lineage``): the scopes' paths and the holdings of the roles. Returns the
    holders by (scope, role id) and whether each person involved is active.
    """
    role_ids = set(role_ids)
    scopes = set(scopes)
    if lineage is None:
        lineage = lineages(scopes)
    if not role_ids:
        return {}, {}
    teams_in_scope = {pk for scope in scopes for pk in lineage.get(scope, ())}
    holdings = RoleHolding.objects.filter(role_id__in=role_ids)
    if None not in scopes:
        # Only a matrix of the whole organization may need every team's holders.
        holdings = holdings.filter(Q(team__isnull=True) | Q(team_id__in=teams_in_scope))
    by_level: dict[tuple[int, int | None], list[int]] = {}
    active: dict[int, bool] = {}
    for person_id, role_id, team_id, is_active in holdings.values_list(
        "person_id", "role_id", "team_id", "person__active"
    ).order_by("person__name", "person_id"):
        by_level.setdefault((role_id, team_id), []).append(person_id)
        active[person_id] = is_active

    def chosen(role_id: int, team_id: int | None, *, anyone: bool) -> tuple[int, ...] | None:
        people = by_level.get((role_id, team_id), ())
        return tuple(people) if people and (anyone or any(active[p] for p in people)) else None

    def nearest(scope: int | None, role_id: int, *, anyone: bool) -> Holders | None:
        for team_id in reversed(lineage.get(scope, ())):
            if people := chosen(role_id, team_id, anyone=anyone):
                return Holders(person_ids=people, team_id=team_id)
        if people := chosen(role_id, None, anyone=anyone):
            return Holders(person_ids=people)
        if scope is None:
            everyone = _distinct(
                p for (r, _t), ps in sorted(by_level.items(), key=_level_order) if r == role_id for p in ps
            )
            if everyone and (anyone or any(active[p] for p in everyone)):
                return Holders(person_ids=everyone, every_team=True)
        return None

    result: dict[tuple[int | None, int], Holders] = {}
    for scope in scopes:
        for role_id in role_ids:
            # Only people who left hold it: show them, so the matrix says who did.
            result[(scope, role_id)] = (
                nearest(scope, role_id, anyone=False) or nearest(scope, role_id, anyone=True) or NOBODY
            )
    return result, active


def _level_order(item):
    (role_id, team_id), _ = item
    return (role_id, team_id is not None, team_id or 0)


def _distinct(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(ids))
