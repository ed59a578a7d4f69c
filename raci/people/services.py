"""Importing a people file: read it, check it against the organization, apply it all or nothing."""

from __future__ import annotations

from orgs.models import Organization
from orgs.people_sync import MAX_ISSUES, PeopleRejected, SyncResult, people_sync
from raci.people.files import read_people_file


def people_import(
    *,
    organization: Organization,
    data: bytes,
    filename: str | None = None,
    deactivate_missing: bool = False,
    dry_run: bool = False,
) -> SyncResult:
    """Create or update the file's people (matched by email); with ``deactivate_missing``, also
    deactivate the organization's people the file leaves out. Raises ``PeopleRejected`` with every
    problem of the file, by line, and writes nothing when there is any."""
    read = read_people_file(data, filename=filename)
    issues = list(read.issues)
    total = len(issues)
    result = None
    if read.records:
        try:
            result = people_sync(
                organization=organization,
                records=read.records,
                deactivate_missing=deactivate_missing,
                dry_run=bool(issues) or dry_run,
                refs_are="line",
            )
        except PeopleRejected as rejected:
            issues.extend(rejected.issues)
            total += rejected.total
    if issues:
        issues.sort(key=lambda issue: issue.ref or 0)
        raise PeopleRejected(issues[:MAX_ISSUES], total=total)
    assert result is not None  # a file without issues has records
    result.ignored_columns = read.ignored
    return result
