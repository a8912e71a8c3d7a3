"""Opening untrusted PDFs with pypdf, inside limits that admit real filings (see `core.pdf`)."""

from __future__ import annotations

from core.pdf import (
    ARRAY_ELEMENT_LIMIT,
    PASSWORD_MESSAGE,
    PdfSource,
    count_pages,
    open_pdf,
    page_count,
    pdf_limits,
)

__all__ = [
    "ARRAY_ELEMENT_LIMIT",
    "PASSWORD_MESSAGE",
    "PdfSource",
    "count_pages",
    "open_pdf",
    "page_count",
    "pdf_limits",
]
