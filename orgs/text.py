"""Which characters text people type may hold: names stay on one line, longer text has no control
characters. Pure Python: the validators (orgs/validators.py) and the file importer
(raci/exchange/plan.py, which reports line and column) both ask ``first_control_character``.

Which characters count:

- Names (single line) refuse every control character (Unicode category Cc: the C0 range with NUL,
  TAB, LF and CR, DEL, and the C1 range with NEL U+0085) and the line and paragraph separators
  U+2028 and U+2029 (categories Zl and Zp): mail clients, ``str.splitlines`` and JavaScript all
  treat those as line breaks, and a name with a line break breaks the headers of every email it
  appears in.
- Multi-line text (descriptions, notes, comments, reasons) refuses the same control characters
  except LF, CR and TAB, and allows U+2028 and U+2029, which are line breaks there anyway.
- Both refuse lone surrogates (Cs), which are not characters and cannot be stored as UTF-8.

Format characters (Cf) are allowed on purpose: the zero-width joiner and non-joiner are part of
how emoji and names in Persian or Indic scripts are spelled, and the soft hyphen and the
directional marks are ordinary in typed and pasted text; none of them breaks a line.
"""

from __future__ import annotations

import re

_SINGLE_LINE_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_MULTILINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_NAMES = {
    "\x00": "a NUL character",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
    "\x85": "a line break (U+0085)",
    "\u2028": "a line separator (U+2028)",
    "\u2029": "a paragraph separator (U+2029)",
}


def first_control_character(value: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The position (from 1) and a description of the first character ``value`` may not hold."""
    found = (_MULTILINE_REFUSED if multiline else _SINGLE_LINE_REFUSED).search(value)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        what = f"an invalid character (lone surrogate U+{ord(char):04X})"
    else:
        what = _NAMES.get(char, f"the control character U+{ord(char):04X}")
    return found.start() + 1, what
