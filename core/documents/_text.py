"""Text per page, read by PDFium (pypdf when PDFium refuses the file); see `core.pdf`."""

from __future__ import annotations

from core.pdf import DamagedDocumentError, PageText, PdfSource, read_pages

__all__ = ["PageText", "read_pdf_pages"]


def read_pdf_pages(source: PdfSource) -> list[PageText]:
    """Text of every page; a page that fails is kept empty unless every page fails.

    Scanned pages come back as "" (run OCR on them). Raises EncryptedDocumentError for a PDF
    that needs a password, DamagedDocumentError when the file or every page is unreadable.
    """
    pages = read_pages(source)
    if not pages:
        raise DamagedDocumentError("The PDF is damaged: it has no pages.")
    return pages
