"""Validators for text people type (which characters count: orgs/text.py).

They are ``validators=`` of the model fields, and of the form and serializer fields that map onto
them, so every way in (pages, API, services, framework files) refuses the same characters.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from orgs.text import first_control_character


def validate_single_line(value: str) -> None:
    """A name: one line, no control characters."""
    problem = first_control_character(value)
    if problem is not None:
        raise ValidationError(
            "Must be one line without control characters; found %(what)s at character %(position)d.",
            code="control_character",
            params={"what": problem[1], "position": problem[0]},
        )


def validate_multiline_text(value: str) -> None:
    """Longer text: line breaks and tabs are fine, other control characters are not."""
    problem = first_control_character(value, multiline=True)
    if problem is not None:
        raise ValidationError(
            "Must not contain control characters other than line breaks and tabs; "
            "found %(what)s at character %(position)d.",
            code="control_character",
            params={"what": problem[1], "position": problem[0]},
        )


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_domain(value: str) -> None:
    """An email domain in lower case, as in ``globex.example`` (no ``@``, no scheme)."""
    if value and not _DOMAIN.match(value):
        raise ValidationError(
            "Enter a domain in lower case, as in globex.example (no @, no http://).", code="domain"
        )
