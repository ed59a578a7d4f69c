"""What the who-does-what pages share: letters in words, numbers, the base context."""

from __future__ import annotations

from frameworks.schemes import Scheme
from orgs.access import OrgAccess

# A role code typed into a URL is never longer than this (the model allows 16).
MAX_CODE_LENGTH = 40


def letter_words(scheme: Scheme, letters: str) -> str:
    """``"AR"`` -> ``"Accountable, Responsible"``; a letter the scheme lacks is shown as is."""
    names = []
    for code in letters:
        try:
            names.append(scheme.letter(code).name)
        except KeyError:
            names.append(code)
    return ", ".join(names)


def number_text(value: float) -> str:
    """8.0 -> "8", 8.25 -> "8.25": loads are sums of quarter weights."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def base_context(access: OrgAccess, **extra: object) -> dict[str, object]:
    return {"organization": access.organization, "access": access, **extra}
