"""Read generated PDFs back in tests (pypdf is a dev dependency; never import this in app code)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text of every page, in order, one page after another separated by newlines."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_page_texts(data: bytes) -> list[str]:
    """The text of each page, for checks that must hold on every page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_metadata(data: bytes) -> dict[str, str]:
    """The document information dictionary, keyed as in the PDF ("/Title", "/Creator", ...)."""
    metadata = PdfReader(io.BytesIO(data)).metadata
    if metadata is None:
        return {}
    return {str(key): str(value) for key, value in metadata.items()}
