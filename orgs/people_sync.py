"""Bringing an organization's people in line with a list: the file import and the HR sync API.

``people_sync`` is the one writer for many people at once. It takes the list as plain records
(the surfaces parse files or JSON into them), checks every record before writing anything, and
then writes in one transaction with a fixed number of queries whatever the size of the list, so
2,000 people take about as many queries as 20. People are matched by email, case-insensitively.

It changes the same rows, in the same way, as ``orgs.services.person_create`` / ``person_update``
(fields through the model's own validators, role holdings as ``Person.roles`` rows, links to
member accounts by email under the same rules); it only does it in bulk. Matrices assign letters
to roles and read who holds them when they are shown, so no matrix changes here either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orgs.models import Membership, Organization, Person, Team

# More than this in one list is refused: split the file, or sync in parts (HR systems rarely
# send more; an organization this size wants several imports anyway).
MAX_PEOPLE = 5_000
# A list with many problems is reported up to this many, so the answer stays readable.
MAX_ISSUES = 200
# Rows per INSERT / UPDATE statement; SQLite allows at most 999 parameters in one statement.
BATCH_SIZE = 100

_FIELDS = ("name", "title", "active")


@dataclass(frozen=True)
class PersonRecord:
    """One person as the list gives them. ``ref`` says where they came from, to report problems:
    the line of a file, the position in an API list."""

    name: str
    email: str
    title: str = ""
    roles: tuple[str, ...] = ()
    active: bool = True
    ref: int | None = None
    # A team's path of names ("Product / Mobile"): the person belongs to it and the roles are held
    # for it. Without one, the roles are held for the whole organization and the person's roles for
    # teams are left as they are.
    team: str = ""


@dataclass(frozen=True)
class SyncIssue:
    ref: int | None
    field: str | None
    message: str

    def to_dict(self) -> dict:
        return {"ref": self.ref, "field": self.field, "message": self.message}


class PeopleRejected(Exception):
    """The list has problems; nothing was written."""

    def __init__(
        self, issues: Sequence[SyncIssue], *, total: int | None = None, message: str | None = None
    ) -> None:
        self.issues = list(issues)
        self.total = len(self.issues) if total is None else total
        count = f"{self.total} problem{'s' if self.total != 1 else ''}"
        super().__init__(message or f"The list has {count}; nothing was changed.")


@dataclass(frozen=True)
class PersonOutcome:
    name: str
    email: str
    # For an update: the fields that change (name, title, active, roles).
    changes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"name": self.name, "email": self.email, "changes": list(self.changes)}


@dataclass
class SyncResult:
    dry_run: bool
    created: list[PersonOutcome] = field(default_factory=list)
    updated: list[PersonOutcome] = field(default_factory=list)
    deactivated: list[PersonOutcome] = field(default_factory=list)
    unchanged: int = 0
    # (email, username) of people linked to a member's account by their email.
    linked: list[tuple[str, str]] = field(default_factory=list)
    # Columns of an imported file that were not read (the file import sets them).
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.created or self.updated or self.deactivated or self.linked)

    def to_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "created": [p.to_dict() for p in self.created],
            "updated": [p.to_dict() for p in self.updated],
            "deactivated": [p.to_dict() for p in self.deactivated],
            "unchanged": self.unchanged,
            "linked": [{"email": email, "username": username} for email, username in self.linked],
        }


def _field_issues(record: PersonRecord) -> list[SyncIssue]:
    """What the model's own validators say about the record's fields (no database)."""
    issues = []
    for name, value in (("name", record.name), ("email", record.email), ("title", record.title)):
        model_field = Person._meta.get_field(name)
        if name in ("name", "email") and not value:
            issues.append(SyncIssue(record.ref, name, f"The {name} is missing."))
            continue
        try:
            model_field.clean(value, None)
        except ValidationError as error:
            issues.extend(SyncIssue(record.ref, name, f"{name.title()}: {m}") for m in error.messages)
    return issues


def team_key(path: str) -> tuple[str, ...]:
    """``"Product / Mobile"``, ``"product/mobile"`` -> the same key."""
    return tuple(part.strip().casefold() for part in path.split("/") if part.strip())


def _teams_by_key(organization: Organization) -> dict[tuple[str, ...], Team]:
    teams = {team.pk: team for team in Team.objects.filter(organization=organization)}
    return {
        tuple(teams[pk].name.casefold() for pk in t.lineage_ids if pk in teams): t for t in teams.values()
    }


def _check(
    records: Sequence[PersonRecord], role_codes: set[str], refs_are: str, teams: dict | None = None
) -> list[SyncIssue]:
    issues: list[SyncIssue] = []
    if len(records) > MAX_PEOPLE:
        return [
            SyncIssue(
                records[MAX_PEOPLE].ref,
                None,
                f"The list has {len(records):,} people; at most {MAX_PEOPLE:,} can be imported at once.",
            )
        ]
    first_seen: dict[str, PersonRecord] = {}
    for record in records:
        issues.extend(_field_issues(record))
        unknown = [code for code in record.roles if code not in role_codes]
        if unknown:
            known = ", ".join(sorted(role_codes)) or "none yet"
            issues.append(
                SyncIssue(
                    record.ref,
                    "roles",
                    f"No role {', '.join(unknown)} in this organization (roles: {known}).",
                )
            )
        if record.team and team_key(record.team) not in (teams or {}):
            issues.append(
                SyncIssue(
                    record.ref,
                    "team",
                    f"No team {record.team} in this organization (write its path: Product / Mobile).",
                )
            )
        key = _email_key(record.email)
        if key and key in first_seen:
            where = first_seen[key].ref
            also = f" (first at {refs_are} {where})" if where is not None else ""
            issues.append(SyncIssue(record.ref, "email", f"{record.email} is listed twice{also}."))
        first_seen.setdefault(key, record)
    return issues


def _email_key(email: str) -> str:
    # The database compares Lower(email) (person_email_unique_per_org); Python's lower() matches it
    # for the addresses the email validator accepts.
    return email.lower()


def people_sync(
    *,
    organization: Organization,
    records: Sequence[PersonRecord],
    deactivate_missing: bool,
    dry_run: bool = False,
    refs_are: str = "position",
) -> SyncResult:
    """Create or update a person for each record, matched by email; with ``deactivate_missing``,
    deactivate the organization's active people the list leaves out (never delete them).

    Raises ``PeopleRejected`` with every problem (line or position, field, message) and writes
    nothing when any record is invalid. With ``dry_run``, answers what would change and writes
    nothing. Running it twice with the same list changes nothing the second time. ``refs_are``
    names what the records' ``ref`` counts in messages ("line" for a file).
    """
    roles = {role.code: role for role in organization.roles.all()}
    teams = _teams_by_key(organization) if any(record.team for record in records) else {}
    issues = _check(records, set(roles), refs_are, teams)
    if issues:
        raise PeopleRejected(issues[:MAX_ISSUES], total=len(issues))
    if dry_run:
        return _plan(organization, records, roles, deactivate_missing, dry_run=True, teams=teams).result
    with transaction.atomic():
        # One sync at a time per organization: the second sees the first's people. NO KEY UPDATE,
        # not UPDATE: inserting a person takes KEY SHARE on the organization row (the foreign key
        # check) after the row's unique email entry, so a plain FOR UPDATE here deadlocks with a
        # person added by hand under an email this list also adds.
        Organization.objects.select_for_update(no_key=True).filter(pk=organization.pk).values_list(
            "pk"
        ).first()
        plan = _plan(organization, records, roles, deactivate_missing, dry_run=False, teams=teams)
        _write(plan)
    return plan.result


@dataclass
class _Plan:
    organization_id: int
    result: SyncResult
    new: list[Person] = field(default_factory=list)
    new_roles: list[list[int]] = field(default_factory=list)  # role ids, parallel to ``new``
    new_teams: list[int | None] = field(default_factory=list)  # the team, parallel to ``new``
    changed: list[Person] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    holdings_add: list[tuple[int, int, int | None]] = field(default_factory=list)  # person, role, team
    memberships_add: list[tuple[int, int]] = field(default_factory=list)  # (person id, team id)
    holdings_remove: list[int] = field(default_factory=list)  # ids of Person.roles rows
    linked_users: list[int] = field(default_factory=list)


def _plan(
    organization: Organization,
    records: Sequence[PersonRecord],
    roles: dict,
    deactivate_missing: bool,
    *,
    dry_run: bool,
    teams: dict | None = None,
) -> _Plan:
    """What the list changes, worked out in four queries: people, their role holdings, members'
    emails and who is linked."""
    plan = _Plan(organization_id=organization.pk, result=SyncResult(dry_run=dry_run))
    people = list(Person.objects.filter(organization=organization).order_by("pk"))
    by_email = {_email_key(p.email): p for p in people if p.email}
    Holding = Person.roles.through
    held: dict[int, dict[tuple[int, int | None], int]] = {}  # person id -> {(role, team): row id}
    # Roles belong to one organization, so their holdings are its people's: no join with people,
    # whose plan goes wrong while the table's statistics still describe it before a big import.
    role_ids = [role.pk for role in roles.values()]
    for row_id, person_id, role_id, team_id in Holding.objects.filter(role_id__in=role_ids).values_list(
        "pk", "person_id", "role_id", "team_id"
    ):
        held.setdefault(person_id, {})[(role_id, team_id)] = row_id
    member_of: set[tuple[int, int]] = set()
    if teams:
        member_of = set(
            Person.teams.through.objects.filter(team_id__in=[t.pk for t in teams.values()]).values_list(
                "person_id", "team_id"
            )
        )
    linker = _Linker(organization, people)

    listed: set[int] = set()
    for record in records:
        wanted_roles = [roles[code].pk for code in dict.fromkeys(record.roles)]
        team = teams[team_key(record.team)].pk if record.team else None
        person = by_email.get(_email_key(record.email))
        if person is None:
            person = Person(
                organization=organization,
                name=record.name,
                email=record.email,
                title=record.title,
                active=record.active,
            )
            linker.link(person, plan)
            plan.new.append(person)
            plan.new_roles.append(wanted_roles)
            plan.new_teams.append(team)
            plan.result.created.append(PersonOutcome(record.name, record.email))
            continue
        listed.add(person.pk)
        changes = [name for name in _FIELDS if getattr(person, name) != getattr(record, name)]
        for name in changes:
            setattr(person, name, getattr(record, name))
        # A record with a team says everything the person holds; without one, only what they hold
        # for the whole organization (roles held for teams are the teams' business).
        current = {k: row for k, row in held.get(person.pk, {}).items() if team is not None or k[1] is None}
        wanted = {(r, team) for r in wanted_roles}
        if set(current) != wanted:
            changes.append("roles")
            plan.holdings_add.extend((person.pk, r, t) for r, t in wanted if (r, t) not in current)
            plan.holdings_remove.extend(row for k, row in current.items() if k not in wanted)
        if team is not None and (person.pk, team) not in member_of:
            changes.append("team")
            plan.memberships_add.append((person.pk, team))
        linked = linker.link(person, plan)
        if changes or linked:
            plan.changed.append(person)
            plan.changed_fields.update(c for c in changes if c not in ("roles", "team"))
        if changes:
            plan.result.updated.append(PersonOutcome(person.name, person.email, tuple(changes)))
        else:
            plan.result.unchanged += 1
    if deactivate_missing:
        for person in people:
            if person.pk not in listed and person.active:
                person.active = False
                plan.changed.append(person)
                plan.changed_fields.add("active")
                plan.result.deactivated.append(PersonOutcome(person.name, person.email, ("active",)))
    if plan.linked_users:
        plan.changed_fields.add("user")
    return plan


class _Linker:
    """Links people to member accounts by email, under the rules of ``person_create``: a person
    without an account whose email is that of exactly one member, who is linked to no one yet."""

    def __init__(self, organization: Organization, people: Iterable[Person]) -> None:
        members = (
            get_user_model()
            .objects.filter(memberships__organization=organization)
            .exclude(email="")
            .values_list("pk", "email", "username")
        )
        counts = Counter(_email_key(email) for _, email, _ in members)
        self.taken = {p.user_id for p in people if p.user_id is not None}
        self.members = {
            _email_key(email): (pk, username)
            for pk, email, username in members
            if counts[_email_key(email)] == 1
        }

    def link(self, person: Person, plan: _Plan) -> bool:
        if person.user_id is not None or not person.email:
            return False
        member = self.members.get(_email_key(person.email))
        if member is None or member[0] in self.taken:
            return False
        user_id, username = member
        self.taken.add(user_id)
        person.user_id = user_id
        plan.linked_users.append(user_id)
        plan.result.linked.append((person.email, username))
        return True


_RACED = (
    "People, roles or members changed while the list was being applied; nothing was changed: send it again."
)


def _write(plan: _Plan) -> None:
    """The plan's rows: a fixed number of statements per ``BATCH_SIZE`` people."""
    if plan.linked_users:
        # The lock ``_ensure_user_linkable`` takes: a member being linked by hand meanwhile waits
        # for this sync and then finds the account taken, and a removal waits and unlinks.
        locked = set(
            Membership.objects.select_for_update()
            .filter(organization_id=plan.organization_id, user_id__in=plan.linked_users)
            .values_list("user_id", flat=True)
        )
        if locked != set(plan.linked_users):  # a member was removed since the plan
            raise PeopleRejected([SyncIssue(None, None, _RACED)], message=_RACED)
    Holding = Person.roles.through
    try:
        with transaction.atomic():
            if plan.new:
                Person.objects.bulk_create(plan.new, batch_size=BATCH_SIZE)
            if plan.changed and plan.changed_fields:
                Person.objects.bulk_update(plan.changed, sorted(plan.changed_fields), batch_size=BATCH_SIZE)
            for start in range(0, len(plan.holdings_remove), BATCH_SIZE * 5):
                Holding.objects.filter(pk__in=plan.holdings_remove[start : start + BATCH_SIZE * 5]).delete()
            rows = [
                Holding(person_id=person.pk, role_id=role_id, team_id=team_id)
                for person, role_ids, team_id in zip(plan.new, plan.new_roles, plan.new_teams, strict=True)
                for role_id in role_ids
            ]
            rows += [Holding(person_id=p, role_id=r, team_id=t) for p, r, t in plan.holdings_add]
            if rows:
                Holding.objects.bulk_create(rows, batch_size=BATCH_SIZE * 5)
            Membership_ = Person.teams.through
            members = [Membership_(person_id=p, team_id=t) for p, t in plan.memberships_add]
            members += [
                Membership_(person_id=person.pk, team_id=team_id)
                for person, team_id in zip(plan.new, plan.new_teams, strict=True)
                if team_id is not None
            ]
            if members:
                Membership_.objects.bulk_create(members, batch_size=BATCH_SIZE * 5, ignore_conflicts=True)
    except IntegrityError:
        # Between the plan and the write someone added a person with one of these emails, linked
        # one of these accounts or deleted one of these roles. The list itself was fine: sent
        # again, it is checked against what is there now.
        raise PeopleRejected([SyncIssue(None, None, _RACED)], message=_RACED) from None
