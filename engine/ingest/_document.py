"""What extraction returns: a document's page texts, or an error a person can act on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.pdf import clean_text as pdf_clean_text

# OpenAI's vector store file `last_error.code` values that extraction can produce.
ErrorCode = Literal["invalid_file", "unsupported_file", "server_error"]


@dataclass(frozen=True)
class PageText:
    """The text of one page; `number` is 1-based."""

    number: int
    text: str


@dataclass(frozen=True)
class ExtractedDocument:
    """Every page of a document in order, including pages without text."""

    pages: list[PageText]
    page_count: int
    warnings: list[str] = field(default_factory=list)
    ocr_pages: int = 0  # pages whose text came from OCR
    ocr_seconds: float = 0.0  # wall-clock time spent OCRing them

    @property
    def char_count(self) -> int:
        """Total characters over all pages."""
        return sum(len(page.text) for page in self.pages)


class ExtractionError(Exception):
    """A file yielded no usable text; `message` is a sentence for the person who uploaded it."""

    def __init__(self, code: ErrorCode, message: str):
        super().__init__(code, message)
        self.code: ErrorCode = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def clean_text(text: str) -> str:
    """Text safe to store: no NUL characters and no lone surrogates."""
    # Broken font maps make pypdf emit lone surrogates, which SQLite and JSON cannot encode.
    return pdf_clean_text(text)


@dataclass(frozen=True)
class Budget:
    """What one file may cost an extraction child: CPU seconds that grow with its pages.

    A file gets `cpu_seconds + cpu_seconds_per_page × pages`, at most `max_cpu_seconds`, plus
    `ocr_seconds_per_page` for each page it OCRs (at most `ocr_max_pages` of them). CPU time,
    not wall-clock time: a loaded machine slows a file down without failing it.
    """

    cpu_seconds: float = 60.0
    cpu_seconds_per_page: float = 1.0
    max_cpu_seconds: float = 3600.0
    ocr: bool = True
    ocr_seconds_per_page: float = 60.0
    ocr_max_pages: int = 1000
    pdfium: bool = True  # False reads with pypdf alone (after PDFium crashed on the file)

    def for_pages(self, pages: int) -> float:
        """The CPU seconds a file of `pages` pages gets before any OCR."""
        return min(self.cpu_seconds + self.cpu_seconds_per_page * pages, self.max_cpu_seconds)
