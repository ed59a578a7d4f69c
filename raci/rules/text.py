"""Wording shared by findings and analyses, so every message names things the same way.

Pure module. Messages use the scheme's letter names ("Approver" in DACI, not "Accountable"),
role codes as the columns show them, and task names in quotes.
"""

from __future__ import annotations

from collections.abc import Iterable

from frameworks.schemes import Scheme

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_word(n: int) -> str:
    """'two' reads better than '2' in a sentence; large numbers stay digits."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def quoted(name: str) -> str:
    return f"'{name}'"


def join_and(items: Iterable[str]) -> str:
    """'PM', 'PM and PMM', 'PM, PMM and ENG'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def letter_names(scheme: Scheme, codes: Iterable[str]) -> str:
    """The names of some letters in canonical order: 'Responsible', 'Agree or Input'."""
    wanted = set(codes)
    return " or ".join(letter.name for letter in scheme.letters if letter.code in wanted)


def letter_labels(scheme: Scheme, codes: Iterable[str]) -> str:
    """Code and name, for hints that tell what to type: 'A (Accountable)', 'A (Agree) or I (Input)'."""
    wanted = set(codes)
    return " or ".join(f"{letter.code} ({letter.name})" for letter in scheme.letters if letter.code in wanted)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
