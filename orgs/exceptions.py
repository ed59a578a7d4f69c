"""Exceptions services raise for surfaces to translate; plain Python, no HTTP.

``Conflict``: the request is well-formed but the object's state refuses it (the API answers 409
with the exception's ``code``; pages show the message).
"""

from __future__ import annotations


class Conflict(Exception):
    code = "conflict"

    @property
    def message(self) -> str:
        return str(self)
