"""Parsing ids from query strings and form fields: ASCII digits only, within the database's range."""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: str | None) -> int | None:
    """``"42"`` -> 42; anything else (empty, signs, "²", "1e3", 19+ digits) -> None."""
    if value is None or not _ID.fullmatch(value.strip()):
        return None
    number = int(value)
    return number if number > 0 else None
