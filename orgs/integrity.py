"""Turn a lost race on a unique constraint into the 400 the service's own check gives.

Services look for a duplicate before they write (``_ensure_email_free`` and friends) so people
read a sentence, not a constraint name. Two requests can both pass that look before either
commits. The loser then fails in ``full_clean()`` (which checks the constraint again, in Django's
words and without naming the field) or at the insert (an ``IntegrityError``, which would answer
500). Wrap ``full_clean()`` and the write in ``unique_or_invalid`` and the loser gets the
``ValidationError`` the check would have raised: 400 ``invalid`` in the API, naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Model, UniqueConstraint

_POSTGRES_UNIQUE_VIOLATION = "23505"  # SQLSTATE unique_violation
_SQLITE_UNIQUE_FAILED = "UNIQUE constraint failed: "


@contextmanager
def unique_or_invalid(instance: Model, unique: str, *, field: str, message: str) -> Iterator[None]:
    """Validate and write ``instance`` in the block; a duplicate under the unique constraint
    ``unique`` ends it in ``ValidationError({field: message})``, whoever committed first.

    ``unique`` is the name of a ``UniqueConstraint`` in the model's ``Meta.constraints``
    (``"person_email_unique_per_org"``) or of a field declared ``unique=True`` (``"slug"``); an
    unknown name raises ``ValueError`` at once. ``message`` is the one the service's pre-check
    gives, so losing the race reads the same as arriving second.

    The block runs in a savepoint, so the surrounding transaction stays usable. Two failures
    become the field's error:

    - ``IntegrityError`` from this constraint: the database refused the write. Any other
      ``IntegrityError`` propagates unchanged.
    - ``ValidationError`` (from ``full_clean()``) while this constraint now rejects ``instance``
      (one query to ask): the duplicate was committed after the pre-check. The error's other
      fields are kept; the constraint's own wording is replaced by ``message``.

    Use it after the readable pre-check, around ``full_clean()`` and the save::

        _ensure_role_code_free(organization.pk, role.code)  # the usual answer
        with unique_or_invalid(role, "role_code_unique_per_org", field="code", message=taken):
            role.full_clean()
            role.save()

    Works on PostgreSQL (the constraint the server names) and SQLite (the index or columns its
    message names).
    """
    model = type(instance)
    constraint = _constraint(model, unique)
    using = router.db_for_write(model, instance=instance)
    try:
        with transaction.atomic(using=using):
            yield
    except IntegrityError as error:
        if _refused_by(error, model, constraint, using):
            raise ValidationError({field: message}) from error
        raise
    except ValidationError as error:
        report = _report(constraint, instance, using)
        if report is None:
            raise
        raise _with_field_error(error, report, field, message) from error


def _constraint(model: type[Model], unique: str) -> UniqueConstraint:
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.name == unique:
            return constraint
    try:
        field = model._meta.get_field(unique)
    except FieldDoesNotExist:
        field = None
    if field is None or not getattr(field, "unique", False) or field.primary_key:
        raise ValueError(f"{model.__name__} has no unique constraint or unique field named {unique!r}.")
    # The same rule as a constraint, so both kinds are checked and matched alike. The database
    # chose its real name; _refused_by compares columns for it.
    return UniqueConstraint(fields=[unique], name=unique)


def _refused_by(error: IntegrityError, model: type[Model], constraint: UniqueConstraint, using: str) -> bool:
    table = model._meta.db_table
    # Columns in order; none for a constraint on expressions (Lower("email")), matched by name only.
    columns = None if constraint.expressions else [model._meta.get_field(f).column for f in constraint.fields]
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None:  # PostgreSQL: the server names the table and the constraint (or unique index)
        if diag.sqlstate != _POSTGRES_UNIQUE_VIOLATION or diag.table_name != table:
            return False
        if diag.constraint_name == constraint.name:
            return True
        return columns is not None and _postgres_columns(using, table, diag.constraint_name) == columns
    # SQLite: "UNIQUE constraint failed: index 'name'" for an index on expressions,
    # "UNIQUE constraint failed: table.a, table.b" otherwise.
    text = str(error)
    if not text.startswith(_SQLITE_UNIQUE_FAILED):
        return False
    failed = text.removeprefix(_SQLITE_UNIQUE_FAILED)
    if failed == f"index '{constraint.name}'":
        return True
    return columns is not None and failed.split(", ") == [f"{table}.{column}" for column in columns]


def _postgres_columns(using: str, table: str, name: str | None) -> list[str] | None:
    connection = connections[using]
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return found.get(name, {}).get("columns")


def _report(constraint: UniqueConstraint, instance: Model, using: str) -> ValidationError | None:
    """What ``constraint`` says against ``instance`` now, or None when it lets it through."""
    try:
        constraint.validate(type(instance), instance, using=using)
    except ValidationError as report:
        return report
    return None


def _with_field_error(error: ValidationError, report: ValidationError, field: str, message: str):
    reported = set(report.messages)
    errors = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
    kept = {
        key: [e for e in items if not set(e.messages) <= reported]
        for key, items in errors.items()
        if key != field
    }
    return ValidationError({**{key: items for key, items in kept.items() if items}, field: [message]})
