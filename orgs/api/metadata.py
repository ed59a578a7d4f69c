from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


class ApiMetadata(SimpleMetadata):
    """`OPTIONS` answers the endpoint's name, description and media types, without "actions".

    DRF's default describes the POST/PUT body by calling ``view.get_serializer()``: that is a
    500 on views that take a body without a ``serializer_class`` (what-if, import,
    save-as-framework), and on the others it shows the output serializer, not the input one.
    Request bodies are documented in the OpenAPI schema (/api/schema/).
    """

    def determine_actions(self, request, view) -> dict:
        return {}
