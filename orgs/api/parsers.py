"""Request body parsers of the API (JSON only; see REST_FRAMEWORK in raci/settings.py)."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 ``parse_error`` for a body nested too deeply to parse
    (``[[[[…`` a hundred thousand deep) instead of letting the RecursionError become a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
