"""Validators for text people type (which characters count: orgs/text.py).

They are ``validators=`` of the model fields, and of the form and serializer fields that map onto
them, so every way in (pages, API, services, framework files) refuses the same characters.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from orgs.text import first_control_character

ROLE_CODE_PATTERN = r"^[A-Z][A-Z0-9_]{0,15}$"
_ROLE_CODE = re.compile(ROLE_CODE_PATTERN)
# More pairs than this is a typo or a script gone wrong, not an organization's design.
MAX_SPLIT_PAIRS = 20
SPLIT_PAIRS_FORMAT = 'two role codes each, like [["PM", "PMM"]]'


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


def split_pairs_clean(value: object) -> list[list[str]]:
    """Pairs of roles that should check each other (held by different people), as stored: a list
    of two distinct role codes each, duplicates (in either order) dropped. Codes are trimmed and
    upper-cased; anything else raises ValidationError saying what is wrong and where."""
    if not isinstance(value, list | tuple):
        raise ValidationError(f"Split pairs must be a list of pairs, {SPLIT_PAIRS_FORMAT}.", code="invalid")
    if len(value) > MAX_SPLIT_PAIRS:
        raise ValidationError(f"At most {MAX_SPLIT_PAIRS} split pairs.", code="too_many")
    pairs: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for position, pair in enumerate(value, start=1):
        if not isinstance(pair, list | tuple) or len(pair) != 2 or not all(isinstance(c, str) for c in pair):
            raise ValidationError(f"Pair {position} is not {SPLIT_PAIRS_FORMAT}.", code="invalid")
        codes = [code.strip().upper() for code in pair]
        for code in codes:
            if not _ROLE_CODE.fullmatch(code):
                shown = (first_control_character(code) and "a code with control characters") or repr(
                    code[:20]
                )
                raise ValidationError(
                    f"Pair {position}: {shown} is not a role code (1–16 capital letters, digits or "
                    "underscores, starting with a letter).",
                    code="invalid",
                )
        if codes[0] == codes[1]:
            raise ValidationError(
                f"Pair {position} names {codes[0]} twice; a pair is two roles.", code="invalid"
            )
        if frozenset(codes) not in seen:
            seen.add(frozenset(codes))
            pairs.append(codes)
    return pairs
