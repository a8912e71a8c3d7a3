"""Text per page with pypdf."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ._errors import damaged
from ._open import PdfSource, open_pdf, page_count, pdf_limits

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageText:
    """The text of one page; `number` is 1-based."""

    number: int
    text: str


def read_pdf_pages(source: PdfSource) -> list[PageText]:
    """Text of every page; a page that fails is kept empty unless every page fails.

    Scanned pages come back as "" (run OCR on them). Raises EncryptedDocumentError for a PDF
    that needs a password, DamagedDocumentError when the file or every page is unreadable.
    """
    with pdf_limits():
        reader = open_pdf(source)
        count = page_count(reader)
        pages: list[PageText] = []
        failures: list[tuple[int, Exception]] = []
        for index in range(count):
            try:
                text = _clean(reader.pages[index].extract_text())
            except MemoryError:
                raise
            except Exception as exc:
                logger.warning("page %d: text extraction failed: %s", index + 1, exc)
                failures.append((index + 1, exc))
                text = ""
            pages.append(PageText(number=index + 1, text=text))
    if len(failures) == count:
        number, first_error = failures[0]
        raise damaged(f"no page could be read; page {number} failed", first_error)
    return pages


def _clean(text: str) -> str:
    """No NUL characters and no lone surrogates (broken font maps make pypdf emit both)."""
    return text.replace("\x00", "").encode("utf-8", errors="replace").decode("utf-8")
