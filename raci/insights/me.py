"""My responsibilities: what a signed-in user carries through the people they are, across their
organizations' published matrices, what changed for them since they last acknowledged, and what
waits for them (acknowledgements, sign-offs).

One page of it per read, ``my_responsibilities(user, cursor=)``: at most ``MATRICES_PER_PAGE`` whole
matrices (what changed and the acknowledgement are per matrix), in a fixed number of queries however
many matrices, tasks and organizations there are:

1. the user's organizations (``organizations_for``: a user removed from an organization no
   longer sees it, even if a person there is still linked to their account);
2. the people linked to the user in those organizations;
3. the roles those people hold;
4. every acknowledgement of those people;
5. their pending sign-offs on latest revisions;
6-7. every page's matrices, without a letter: the (matrix, team, role) triples of the read model
   the people's roles hold, and who those roles resolve to for each team (``orgs.teams``; one more
   query for the teams' paths when a matrix belongs to a team);
8. those matrices and the ones acknowledged at an older revision, with their latest revision;
9-12. for the page's matrices only, ``people_responsibilities`` (letters and co-owners);
13. only when some matrix of the page was last acknowledged at an older revision than its latest:
    the snapshots of those older revisions, all in one query (the latest revision's letters come
    from the read model, so only the older side is loaded);
14. only when the user is a member of an organization without a linked person: the owners of
    those organizations, one UNION query.

Pages are in the order (organization name, organization id, matrix name without case, matrix id);
the cursor is the position of the last (next page) or first (previous page) matrix shown. Every
page lists every acknowledgement and sign-off waiting; a matrix acknowledged at an older revision
in which the person held nothing then or now takes a place on its page and shows nothing (rare).

"What changed for you" compares, task by task, the letters the person's roles held in the
revision they last acknowledged with those of the latest revision: gained, changed and lost tasks.
It counts the roles the person holds today (who held which role in the past is not recorded),
matched by role id, so a role renamed since still compares. A matrix never acknowledged has no
diff: all of it is new to the person.

The result is plain data (dataclasses with ``to_dict``) that the page and the API render.
"""

from __future__ import annotations

import base64
import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db.models import F, Value
from django.db.models.fields.json import KT

from frameworks.schemes import Scheme
from orgs.access import organizations_for, owners_of
from orgs.models import Person
from orgs.teams import holders_resolved
from raci.insights.selectors import CursorInvalid, Responsibility, people_responsibilities, scheme_for
from raci.insights.views.common import letter_words
from raci.matrices.models import Matrix
from raci.revisions.models import Acknowledgement, PublishedCell, Revision, SignOff
from raci.rules.grid import collector_paused

GAINED, LOST, CHANGED = "gained", "lost", "changed"
# Where a person stands with a matrix's latest revision.
NEVER_ACKNOWLEDGED, UP_TO_DATE, OUTDATED = "never_acknowledged", "up_to_date", "outdated"


class HeldLetters(NamedTuple):
    """The letters one of the person's roles holds on a task (a tuple: one per row read, and a
    person on every task of 20 large matrices is 10,000 of them)."""

    role: str
    letters: str
    words: str

    def to_dict(self) -> dict:
        return {"role": self.role, "letters": self.letters, "words": self.words}


@dataclass(slots=True)
class MyTask:
    id: int
    name: str
    # The person's letters on the task, all their roles together, in the scheme's order.
    letters: str
    words: str
    roles: list[HeldLetters] = field(default_factory=list)
    # (role code, letters) of the other roles on the task.
    co_owners: Sequence[tuple[str, str]] = ()
    # GAINED or CHANGED since the revision the person last acknowledged; "" otherwise.
    change: str = ""

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "letters": self.letters,
            "words": self.words,
            "roles": [held.to_dict() for held in self.roles],
            "co_owners": [{"role": code, "letters": letters} for code, letters in self.co_owners],
            "change": self.change or None,
        }


@dataclass
class MyStage:
    name: str
    tasks: list[MyTask] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "tasks": [task.to_dict() for task in self.tasks]}


@dataclass(frozen=True)
class LetterChange:
    """A task whose letters changed for the person between two revisions."""

    kind: str  # GAINED, LOST or CHANGED
    task_id: int
    task_name: str
    stage: str
    before: str
    after: str
    before_words: str
    after_words: str

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "task": {"id": self.task_id, "name": self.task_name},
            "stage": self.stage,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class Changes:
    """What changed for the person from revision ``since`` (the last they acknowledged) to the latest."""

    since: int
    gained: list[LetterChange] = field(default_factory=list)
    changed: list[LetterChange] = field(default_factory=list)
    lost: list[LetterChange] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.gained) + len(self.changed) + len(self.lost)

    def to_dict(self) -> dict:
        return {
            "since_revision": self.since,
            "gained": [c.to_dict() for c in self.gained],
            "changed": [c.to_dict() for c in self.changed],
            "lost": [c.to_dict() for c in self.lost],
        }


@dataclass(frozen=True)
class LetterCount:
    code: str
    name: str
    count: int


@dataclass
class MyMatrix:
    id: int
    name: str
    scheme: Scheme
    revision: int
    published_at: datetime
    # The latest revision the person acknowledged and when; None if they never did.
    acknowledged_revision: int | None = None
    acknowledged_at: datetime | None = None
    stages: list[MyStage] = field(default_factory=list)
    task_count: int = 0
    letter_counts: list[LetterCount] = field(default_factory=list)
    # Only when the person last acknowledged an older revision than the latest.
    changes: Changes | None = None

    @property
    def standing(self) -> str:
        if self.acknowledged_revision is None:
            return NEVER_ACKNOWLEDGED
        return UP_TO_DATE if self.acknowledged_revision >= self.revision else OUTDATED

    @property
    def acknowledgement_pending(self) -> bool:
        """The latest revision waits for the person: they hold letters in it, or lost some since
        the revision they acknowledged."""
        if self.standing == UP_TO_DATE:
            return False
        return self.task_count > 0 or (self.changes is not None and self.changes.count > 0)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "scheme": self.scheme.key,
            "revision": self.revision,
            "published_at": self.published_at.isoformat(),
            "acknowledged": (
                {"revision": self.acknowledged_revision, "at": self.acknowledged_at.isoformat()}
                if self.acknowledged_revision is not None and self.acknowledged_at is not None
                else None
            ),
            "standing": self.standing,
            "acknowledgement_pending": self.acknowledgement_pending,
            "task_count": self.task_count,
            "letter_counts": {count.code: count.count for count in self.letter_counts},
            "changes": self.changes.to_dict() if self.changes is not None else None,
            "stages": [stage.to_dict() for stage in self.stages],
        }


@dataclass(frozen=True)
class PendingSignOff:
    id: int
    matrix_id: int
    matrix_name: str
    revision: int

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "matrix": {"id": self.matrix_id, "name": self.matrix_name},
            "revision": self.revision,
        }


@dataclass
class MyOrganization:
    id: int
    name: str
    slug: str
    person_id: int
    person_name: str
    person_active: bool
    # (role code, role name) the person holds.
    roles: list[tuple[str, str]] = field(default_factory=list)
    matrices: list[MyMatrix] = field(default_factory=list)
    signoffs: list[PendingSignOff] = field(default_factory=list)

    @property
    def pending_acknowledgements(self) -> list[MyMatrix]:
        return [matrix for matrix in self.matrices if matrix.acknowledgement_pending]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "slug": self.slug,
            "person": {
                "id": self.person_id,
                "name": self.person_name,
                "active": self.person_active,
                "roles": [{"code": code, "name": name} for code, name in self.roles],
            },
            "matrices": [matrix.to_dict() for matrix in self.matrices],
            "pending_signoffs": [signoff.to_dict() for signoff in self.signoffs],
        }


@dataclass(frozen=True)
class UnlinkedOrganization:
    """An organization the user belongs to without a person linked to their account."""

    id: int
    name: str
    slug: str
    # Who can link them: the owners' names (full name, else username).
    owners: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "slug": self.slug, "owners": list(self.owners)}


@dataclass(frozen=True)
class OrganizationRef:
    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class PendingAcknowledgement:
    """A matrix whose latest revision waits for the person's acknowledgement, on any page: the
    summary lists every one. ``matrix`` is the full read when the matrix is on the page shown;
    for the others only where the person stands is known (their letters are not read)."""

    organization: OrganizationRef
    matrix_id: int
    matrix_name: str
    revision: int
    acknowledged_revision: int | None
    matrix: MyMatrix | None = None

    @property
    def standing(self) -> str:
        return NEVER_ACKNOWLEDGED if self.acknowledged_revision is None else OUTDATED

    def to_dict(self) -> dict:
        return {
            "organization": self.organization.slug,
            "matrix": {"id": self.matrix_id, "name": self.matrix_name},
            "revision": self.revision,
            "standing": self.standing,
            "acknowledged_revision": self.acknowledged_revision,
        }


@dataclass
class MyResponsibilities:
    # The organizations with a matrix on this page (on the first page also those without any).
    organizations: list[MyOrganization] = field(default_factory=list)
    unlinked: list[UnlinkedOrganization] = field(default_factory=list)
    # Every page: the acknowledgements waiting (all matrices) and the sign-offs (all organizations).
    pending_acknowledgements: list[PendingAcknowledgement] = field(default_factory=list)
    pending_signoffs: list[tuple[OrganizationRef, PendingSignOff]] = field(default_factory=list)
    # The pages around this one (cursors for ``my_responsibilities``), None at either end.
    next: str | None = None
    previous: str | None = None
    matrix_count: int = 0
    linked: bool = False
    # The organizations where the user is a person (some may not be on this page).
    organization_count: int = 0

    def to_dict(self) -> dict:
        return {
            "linked": self.linked,
            "pending": {
                "acknowledgements": len(self.pending_acknowledgements),
                "signoffs": len(self.pending_signoffs),
            },
            "pending_acknowledgements": [pending.to_dict() for pending in self.pending_acknowledgements],
            "matrix_count": self.matrix_count,
            "organizations": [org.to_dict() for org in self.organizations],
            "unlinked_organizations": [org.to_dict() for org in self.unlinked],
        }


# --- Pages ------------------------------------------------------------------------------------
#
# A page holds whole matrices (the acknowledgement and "what changed" are per matrix): at most
# MATRICES_PER_PAGE of them, in the page's order (organization name and id, matrix name without
# case, matrix id). The cursor is the position of the last (next) or first (previous) matrix shown.

MATRICES_PER_PAGE = 5

PageKey = tuple[str, int, str, int]


def cursor_encode(key: PageKey, *, before: bool = False) -> str:
    raw = json.dumps(["b" if before else "a", *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(value: str) -> tuple[bool, PageKey]:
    """(before, key) of a cursor from ``cursor_encode``; ``CursorInvalid`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        direction, org_name, org_id, matrix_name, matrix_id = json.loads(raw)
    except (ValueError, TypeError) as error:
        raise CursorInvalid("This page link is not valid; start from the first page.") from error
    if (
        direction not in ("a", "b")
        or not isinstance(org_name, str)
        or not isinstance(matrix_name, str)
        or type(org_id) is not int
        or type(matrix_id) is not int
    ):
        raise CursorInvalid("This page link is not valid; start from the first page.")
    return direction == "b", (org_name, org_id, matrix_name, matrix_id)


# --- The read ---------------------------------------------------------------------------------


def _union(scheme: Scheme, letters: list[str]) -> str:
    """Several cells' letters as one, in the scheme's order (letters it lacks kept at the end)."""
    wanted = set("".join(letters))
    ordered = scheme.order(wanted)
    return ordered + "".join(sorted(wanted - set(ordered)))


def _owner_names(organization_ids: list[int]) -> dict[int, list[str]]:
    """The owners of each organization, by name; one UNION query whatever their number."""
    if not organization_ids:
        return {}
    queries = [
        owners_of(organization_id)
        .order_by()
        .annotate(of=Value(organization_id))
        .values_list("of", "pk", "first_name", "last_name", "username")
        for organization_id in organization_ids
    ]
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    found: dict[int, list[tuple[int, str]]] = {}
    for of, pk, first, last, username in union:
        found.setdefault(of, []).append((pk, f"{first} {last}".strip() or username))
    return {of: [name for _pk, name in sorted(names)] for of, names in found.items()}


class _Snapshot:
    """The parts of a revision's snapshot (``raci.exchange.export_json``) a comparison reads, from
    their JSON text: roles and cells always, tasks (names of lost tasks) only when asked."""

    def __init__(self, roles: str | None, cells: str | None, tasks: str | None) -> None:
        self.roles: list[dict] = json.loads(roles or "[]")
        self.cells: list[dict] = json.loads(cells or "[]")
        self._tasks = tasks

    def tasks(self) -> list[dict]:
        return json.loads(self._tasks or "[]")


def _old_letters(snapshot: _Snapshot, role_ids: set[int]) -> dict[int, list[str]]:
    """From a revision's snapshot: the letters each task gave the roles ``role_ids``, by task id."""
    codes = {role["code"] for role in snapshot.roles if role.get("id") in role_ids}
    letters: dict[int, list[str]] = {}
    for cell in snapshot.cells:
        if cell["role"] in codes:
            letters.setdefault(cell["task"], []).append(cell["letters"])
    return letters


def _changes(
    *,
    since: int,
    scheme: Scheme,
    old: _Snapshot,
    role_ids: set[int],
    now: dict[int, MyTask],
    stage_of: dict[int, str],
    words: dict[str, str],
) -> Changes:
    """Compare the person's letters in revision ``since`` (its snapshot ``old``) with ``now`` (the
    latest revision's tasks, from the read model), marking the tasks of ``now`` that changed."""
    unions: dict[tuple[str, ...], str] = {}
    before: dict[int, str] = {}
    for task_id, letters in _old_letters(old, role_ids).items():
        key = tuple(letters)
        union = unions.get(key)
        if union is None:
            union = unions[key] = letters[0] if len(letters) == 1 else _union(scheme, letters)
        before[task_id] = union

    def spelled(letters: str) -> str:
        if letters not in words:
            words[letters] = letter_words(scheme, letters)
        return words[letters]

    changes = Changes(since=since)
    for task_id, task in now.items():
        previous = before.get(task_id, "")
        if previous == task.letters:
            continue
        kind = GAINED if not previous else CHANGED
        task.change = kind
        (changes.gained if kind == GAINED else changes.changed).append(
            LetterChange(
                kind=kind,
                task_id=task_id,
                task_name=task.name,
                stage=stage_of[task_id],
                before=previous,
                after=task.letters,
                before_words=spelled(previous),
                after_words=task.words,
            )
        )
    lost = [task_id for task_id, previous in before.items() if previous and task_id not in now]
    if lost:
        wanted = set(lost)
        named = {task["id"]: task for task in old.tasks() if task["id"] in wanted}
        for task_id in lost:
            task = named.get(task_id, {})
            changes.lost.append(
                LetterChange(
                    kind=LOST,
                    task_id=task_id,
                    task_name=task.get("name", f"Task {task_id}"),
                    stage=task.get("stage", ""),
                    before=before[task_id],
                    after="",
                    before_words=spelled(before[task_id]),
                    after_words="",
                )
            )
    return changes


def _group(
    rows: list[Responsibility], scheme: Scheme, rank: dict[str, int], words: dict[str, str]
) -> tuple[list[MyStage], dict[int, MyTask], dict[int, str]]:
    """One matrix's rows (in task order) -> stages -> tasks, one entry per task however many of
    the person's roles are on it (those in ``rank``'s order: the person's roles' own order).
    ``words`` caches the scheme's letters in words. Returns the stages, the tasks by id and each
    task's stage. Linear in the rows, with no per-row work beyond the task's own (a person on
    every task of 20 large matrices is 10,000 rows)."""
    stages: dict[str, MyStage] = {}
    tasks: dict[int, MyTask] = {}
    stage_of: dict[int, str] = {}
    several: list[MyTask] = []  # tasks with more than one of the person's roles
    for row in rows:
        spelled = words.get(row.letters)
        if spelled is None:
            spelled = words[row.letters] = letter_words(scheme, row.letters)
        held = HeldLetters(row.role, row.letters, spelled)
        task = tasks.get(row.task_id)
        if task is None:
            stage = stages.get(row.stage)
            if stage is None:
                stage = stages[row.stage] = MyStage(row.stage)
            # ``co_owners`` leaves out the row's own role; a second role of the person is dropped below.
            task = tasks[row.task_id] = MyTask(
                id=row.task_id,
                name=row.task_name,
                letters=row.letters,
                words=spelled,
                roles=[held],
                co_owners=row.co_owners,
            )
            stage.tasks.append(task)
            stage_of[row.task_id] = row.stage
        else:
            if len(task.roles) == 1:
                several.append(task)
            task.roles.append(held)
            task.co_owners = [*task.co_owners, *row.co_owners]
    for task in several:
        task.roles.sort(key=lambda held: rank.get(held.role, len(rank)))
        task.letters = _union(scheme, [held.letters for held in task.roles])
        spelled = words.get(task.letters)
        if spelled is None:
            spelled = words[task.letters] = letter_words(scheme, task.letters)
        task.words = spelled
        # Each row names the others on the task, the person's other roles among them: keep every
        # other role once.
        others: dict[str, str] = {}
        for code, letters in task.co_owners:
            others.setdefault(code, letters)
        own = {held.role for held in task.roles}
        task.co_owners = [(code, letters) for code, letters in others.items() if code not in own]
    return list(stages.values()), tasks, stage_of


def _letter_counts(scheme: Scheme, tasks: dict[int, MyTask]) -> list[LetterCount]:
    counts: dict[str, int] = {}
    for task in tasks.values():
        for code in task.letters:
            counts[code] = counts.get(code, 0) + 1
    known = [
        LetterCount(letter.code, letter.name, counts[letter.code])
        for letter in scheme.letters
        if letter.code in counts
    ]
    return known + [LetterCount(code, code, n) for code, n in counts.items() if code not in scheme.codes]


def my_responsibilities(
    user, *, cursor: str | None = None, size: int = MATRICES_PER_PAGE
) -> MyResponsibilities:
    """One page of what "my responsibilities" shows for ``user``: ``size`` matrices after (or
    before) ``cursor``, the first page without one (see the module's docstring for the queries).
    ``CursorInvalid`` for a cursor not made here. Anonymous users get an empty result without a
    query."""
    if not getattr(user, "is_authenticated", False):
        return MyResponsibilities()
    position = cursor_decode(cursor) if cursor else None
    with collector_paused():
        return _read(user, position, size)


def _page(keys: list[PageKey], position: tuple[bool, PageKey] | None, size: int) -> tuple[int, int]:
    """The slice [start, end) of the sorted ``keys`` a page shows."""
    if position is None:
        return 0, min(size, len(keys))
    before, key = position
    if before:
        end = bisect.bisect_left(keys, key)
        return max(0, end - size), end
    start = bisect.bisect_right(keys, key)
    return start, min(len(keys), start + size)


def _read(user, position: tuple[bool, PageKey] | None, size: int) -> MyResponsibilities:
    organizations = list(organizations_for(user).order_by("name", "pk").values_list("pk", "name", "slug"))
    if not organizations:
        return MyResponsibilities()
    people = list(
        Person.objects.filter(user=user, organization_id__in=[pk for pk, _name, _slug in organizations]).only(
            "pk", "name", "active", "organization_id", "user_id"
        )
    )
    person_of = {person.organization_id: person for person in people}
    unlinked_ids = [pk for pk, _name, _slug in organizations if pk not in person_of]
    owners = _owner_names(unlinked_ids)
    unlinked = [
        UnlinkedOrganization(pk, name, slug, tuple(owners.get(pk, ())))
        for pk, name, slug in organizations
        if pk not in person_of
    ]
    if not people:
        return MyResponsibilities(unlinked=unlinked)

    roles: dict[int, list[tuple[int, str, str]]] = {}
    for person_id, role_id, code, name in (
        Person.roles.through.objects.filter(person__in=people)
        .order_by("role__order", "role__code")
        .values_list("person_id", "role_id", "role__code", "role__name")
    ):
        roles.setdefault(person_id, []).append((role_id, code, name))

    # The latest revision each person acknowledged in each matrix.
    acknowledged: dict[tuple[int, int], tuple[int, int, datetime]] = {}
    for person_id, revision_id, matrix_id, number, at in (
        Acknowledgement.objects.filter(person__in=people)
        .exclude(revision__matrix__status=Matrix.Status.ARCHIVED)
        .values_list("person_id", "revision_id", "revision__matrix_id", "revision__number", "at")
    ):
        key = (person_id, matrix_id)
        if key not in acknowledged or number > acknowledged[key][1]:
            acknowledged[key] = (revision_id, number, at)

    signoffs: dict[int, list[PendingSignOff]] = {}
    for pk, person_id, matrix_id, matrix_name, number in (
        SignOff.objects.filter(
            person__in=people,
            decision=SignOff.Decision.PENDING,
            revision_id=F("revision__matrix__published_revision_id"),
        )
        .exclude(revision__matrix__status=Matrix.Status.ARCHIVED)
        .order_by("revision__matrix__name", "revision__matrix_id")
        .values_list("pk", "person_id", "revision__matrix_id", "revision__matrix__name", "revision__number")
    ):
        signoffs.setdefault(person_id, []).append(PendingSignOff(pk, matrix_id, matrix_name, number))

    # Every matrix of every page, without reading a letter: the matrices where one of the person's
    # roles holds letters in the published read model (for the matrix's team: orgs.teams), and
    # those acknowledged at an older revision (the person may have lost letters since).
    holding = _holding_matrices(people, roles)
    matrix_ids = set(holding) | {matrix_id for _person_id, matrix_id in acknowledged}
    matrices = {
        pk: (name, scheme_for(scheme), number, published_at)
        for pk, name, scheme, number, published_at in Matrix.objects.filter(
            pk__in=matrix_ids, published_revision__isnull=False
        )
        .exclude(status=Matrix.Status.ARCHIVED)
        .values_list("pk", "name", "scheme", "published_revision__number", "published_revision__published_at")
    }
    names = {pk: (name, slug) for pk, name, slug in organizations}
    org_of_person = {person.pk: person.organization_id for person in people}
    entries: list[tuple[PageKey, int]] = []  # (page key, person id)
    for pk, (name, _scheme, number, _at) in matrices.items():
        for person in people:
            last = acknowledged.get((person.pk, pk))
            if person.pk in holding.get(pk, ()) or (last is not None and last[1] < number):
                org_name = names[person.organization_id][0]
                entries.append(((org_name, person.organization_id, name.casefold(), pk), person.pk))
    entries.sort()
    keys = [key for key, _person_id in entries]
    start, end = _page(keys, position, size)
    shown = entries[start:end]

    found = MyResponsibilities(
        unlinked=unlinked, linked=True, matrix_count=len(entries), organization_count=len(person_of)
    )
    if end > start:
        found.next = cursor_encode(keys[end - 1]) if end < len(keys) else None
        found.previous = cursor_encode(keys[start], before=True) if start > 0 else None
    elif position is not None and keys:
        # A page left empty by a link older than the matrices (renamed, archived): lead back.
        before, key = position
        if before:
            found.next = cursor_encode(key)
        else:
            found.previous = cursor_encode(key, before=True)

    page_ids = {key[3] for key, _person_id in shown}
    on_page_people = {person_id for _key, person_id in shown}
    responsibilities = people_responsibilities(
        people=[person for person in people if person.pk in on_page_people], matrix_ids=page_ids
    )
    older = {
        acknowledged[(person_id, key[3])][0]
        for key, person_id in shown
        if (person_id, key[3]) in acknowledged and acknowledged[(person_id, key[3])][1] < matrices[key[3]][2]
    }
    snapshots: dict[int, _Snapshot] = {}
    if older:
        # Each part as JSON text, parsed here: the driver's own decoding of whole snapshots costs
        # twice as much, and the tasks are parsed only when some task was lost.
        snapshots = {
            pk: _Snapshot(roles_json, cells, tasks)
            for pk, roles_json, cells, tasks in Revision.objects.filter(pk__in=older).values_list(
                "pk", KT("snapshot__roles"), KT("snapshot__cells"), KT("snapshot__tasks")
            )
        }

    words: dict[str, dict[str, str]] = {}  # scheme key -> letters -> letters in words
    read: dict[tuple[int, int], MyMatrix] = {}  # (person id, matrix id) -> the matrix read in full
    by_organization: dict[int, MyOrganization] = {}
    first_page = start == 0
    for organization_id, person in sorted(person_of.items(), key=lambda item: (names[item[0]][0], item[0])):
        shows = [key for key, person_id in shown if person_id == person.pk]
        has_any = any(person_id == person.pk for _key, person_id in entries)
        if not shows and (has_any or not first_page):
            continue
        held = roles.get(person.pk, [])
        role_ids = {role_id for role_id, _code, _name in held}
        rank = {code: index for index, (_role_id, code, _name) in enumerate(held)}
        organization = by_organization[organization_id] = MyOrganization(
            id=organization_id,
            name=names[organization_id][0],
            slug=names[organization_id][1],
            person_id=person.pk,
            person_name=person.name,
            person_active=person.active,
            roles=[(code, name) for _role_id, code, name in held],
            signoffs=signoffs.get(person.pk, []),
        )
        by_matrix: dict[int, list[Responsibility]] = {}
        for row in responsibilities.get(person.pk, []):
            by_matrix.setdefault(row.matrix_id, []).append(row)
        for key in shows:
            matrix_id = key[3]
            name, scheme, number, published_at = matrices[matrix_id]
            stages, tasks, stage_of = _group(
                by_matrix.get(matrix_id, []), scheme, rank, words.setdefault(scheme.key, {})
            )
            matrix = MyMatrix(
                id=matrix_id,
                name=name,
                scheme=scheme,
                revision=number,
                published_at=published_at,
                stages=stages,
                task_count=len(tasks),
                letter_counts=_letter_counts(scheme, tasks),
            )
            last = acknowledged.get((person.pk, matrix_id))
            if last is not None:
                revision_id, matrix.acknowledged_revision, matrix.acknowledged_at = last
                if revision_id in snapshots:
                    matrix.changes = _changes(
                        since=matrix.acknowledged_revision,
                        scheme=scheme,
                        old=snapshots[revision_id],
                        role_ids=role_ids,
                        now=tasks,
                        stage_of=stage_of,
                        words=words.setdefault(scheme.key, {}),
                    )
            read[(person.pk, matrix_id)] = matrix
            # A matrix acknowledged at an older revision in which the person held nothing either.
            if matrix.task_count or (matrix.changes is not None and matrix.changes.count):
                organization.matrices.append(matrix)
        found.organizations.append(organization)

    # The summary, on every page: every matrix waiting for an acknowledgement (exactly for those on
    # this page; for the others, from where the person stands), and every pending sign-off.
    for key, person_id in entries:
        matrix_id = key[3]
        matrix = read.get((person_id, matrix_id))
        if matrix is not None and not matrix.acknowledgement_pending:
            continue
        last = acknowledged.get((person_id, matrix_id))
        name, _scheme, number, _at = matrices[matrix_id]
        if last is not None and last[1] >= number:
            continue
        organization_id = org_of_person[person_id]
        found.pending_acknowledgements.append(
            PendingAcknowledgement(
                organization=OrganizationRef(organization_id, *names[organization_id]),
                matrix_id=matrix_id,
                matrix_name=name,
                revision=number,
                acknowledged_revision=last[1] if last is not None else None,
                matrix=matrix,
            )
        )
    for organization_id, person in sorted(person_of.items(), key=lambda item: (names[item[0]][0], item[0])):
        ref = OrganizationRef(organization_id, *names[organization_id])
        found.pending_signoffs += [(ref, signoff) for signoff in signoffs.get(person.pk, [])]
    return found


def _holding_matrices(
    people: list[Person], roles: dict[int, list[tuple[int, str, str]]]
) -> dict[int, set[int]]:
    """Matrix id -> the people (of ``people``) whose roles hold letters in its published read model,
    for the matrix's team (``orgs.teams``). Reads (matrix, team, role) triples, not cells: three
    queries (the triples, the teams' paths when a matrix belongs to a team, the holdings)."""
    holders_of: dict[int, list[int]] = {}
    for person in people:
        for role_id, _code, _name in roles.get(person.pk, []):
            holders_of.setdefault(role_id, []).append(person.pk)
    if not holders_of:
        return {}
    triples = list(
        PublishedCell.objects.filter(role_id__in=holders_of)
        .exclude(matrix__status=Matrix.Status.ARCHIVED)
        .order_by()
        .values_list("matrix_id", "matrix__team_id", "role_id")
        .distinct()
    )
    resolved, _ = holders_resolved(role_ids=set(holders_of), scopes={team for _m, team, _r in triples})
    holding: dict[int, set[int]] = {}
    for matrix_id, team_id, role_id in triples:
        does = resolved.get((team_id, role_id))
        if does is None:
            continue
        mine = set(holders_of[role_id]) & set(does.person_ids)
        if mine:
            holding.setdefault(matrix_id, set()).update(mine)
    return holding
