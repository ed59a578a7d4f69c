"""Reading a people file into ``PersonRecord``s, every problem with its line. No database."""

from __future__ import annotations

from dataclasses import dataclass, field

from orgs.people_sync import MAX_PEOPLE, PersonRecord, SyncIssue
from raci.exchange.formats import ExchangeError, formula_unquote
from raci.exchange.tables import parse_table

# Heading (case-insensitive) -> field. Name and Email are required; the rest may be left out.
HEADINGS = {
    "name": "name",
    "email": "email",
    "title": "title",
    "roles": "roles",
    "role codes": "roles",
    "active": "active",
    "team": "team",
}
REQUIRED = ("name", "email")
LAYOUT = (
    "Name, Email, Title, Roles (codes separated by ;), Active (yes or no), Team (its path: Product / Mobile)"
)
_YES = {"", "yes", "y", "true", "1", "active"}
_NO = {"no", "n", "false", "0", "inactive"}


@dataclass
class PeopleFile:
    records: list[PersonRecord] = field(default_factory=list)
    issues: list[SyncIssue] = field(default_factory=list)
    # Headings the import does not read (an HR export's Department, say), shown in the preview.
    ignored: list[str] = field(default_factory=list)


def read_people_file(
    data: bytes, *, filename: str | None = None, content_type: str | None = None
) -> PeopleFile:
    """The people of a CSV or XLSX file with the header ``LAYOUT``. Never raises for bad input:
    a file that cannot be read gives one issue; otherwise every bad value is an issue with its line.
    Values are checked against the organization (roles, emails already there) by ``people_sync``."""
    result = PeopleFile()
    try:
        table = parse_table(
            data, filename=filename, content_type=content_type, max_rows=MAX_PEOPLE, rows_are="people"
        )
    except ExchangeError as error:
        result.issues.append(SyncIssue(error.line, None, error.message))
        return result
    lines = [
        (line, [formula_unquote(value.strip()) for value in row])
        for line, row in enumerate(table, start=1)
        if any(value.strip() for value in row)
    ]
    if not lines:
        result.issues.append(SyncIssue(None, None, f"The file is empty; expected a header row: {LAYOUT}."))
        return result
    (header_line, header), body = lines[0], lines[1:]
    columns = _read_header(header_line, header, result)
    if columns is None:
        return result
    if not body:
        result.issues.append(SyncIssue(header_line, None, "The file has a header but no people."))
    for line, row in body:
        values = {name: (row[index] if index < len(row) else "") for name, index in columns.items()}
        active = values.get("active", "").casefold()
        if active not in _YES | _NO:
            result.issues.append(
                SyncIssue(line, "active", f"Active is '{values['active'][:40]}'; write yes or no.")
            )
        roles = tuple(
            dict.fromkeys(code.strip().upper() for code in values.get("roles", "").split(";") if code.strip())
        )
        result.records.append(
            PersonRecord(
                name=values["name"],
                email=values["email"],
                title=values.get("title", ""),
                roles=roles,
                active=active not in _NO,
                ref=line,
                team=values.get("team", "").strip(),
            )
        )
    return result


def _read_header(line: int, header: list[str], result: PeopleFile) -> dict[str, int] | None:
    """Field -> column index, or None (with the issues) when the header cannot be read."""
    columns: dict[str, int] = {}
    for index, heading in enumerate(header):
        name = HEADINGS.get(" ".join(heading.split()).casefold())
        if name is None:
            if heading:
                result.ignored.append(heading)
            continue
        if name in columns:
            result.issues.append(SyncIssue(line, name, f"The header has two {name} columns; keep one."))
            return None
        columns[name] = index
    missing = [name.title() for name in REQUIRED if name not in columns]
    if missing:
        result.issues.append(
            SyncIssue(
                line,
                None,
                f"The header (line {line}) has no {' or '.join(missing)} column; expected: {LAYOUT}.",
            )
        )
        return None
    return columns
