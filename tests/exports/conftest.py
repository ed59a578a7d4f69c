"""PDF tests need WeasyPrint's system libraries (pango): they skip, saying so, where those are
missing, except under CI=true, where .ci/run installs them and a missing library is a failure."""

from __future__ import annotations

import io
import os

import pytest
from pypdf import PdfReader

from raci.exports.pdf import pdf_unavailable


@pytest.fixture
def needs_pdf():
    reason = pdf_unavailable()
    if reason and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    if reason:
        pytest.skip(reason)


def pdf_text(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
