from __future__ import annotations

from django import template

from frameworks.schemes import Scheme

register = template.Library()


@register.filter
def slashed(letters: str) -> str:
    """ "AR" -> "A/R", the way people write combined letters."""
    return "/".join(letters)


@register.filter
def letter_names(letters: str, scheme: Scheme) -> str:
    """ "AR" -> "Accountable and Responsible"; empty -> "empty"."""
    names = [scheme.letter(code).name for code in letters if code in scheme.codes]
    if not names:
        return "empty"
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
