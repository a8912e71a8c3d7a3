"""In-process extraction: sniff the file type, then read PDF pages or text sections."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

from ._document import ErrorCode, ExtractedDocument, ExtractionError, PageText, clean_text
from ._pdf import OcrPolicy, Page, PdfReading, open_reading

__all__ = [
    "ErrorCode",
    "ExtractedDocument",
    "ExtractionError",
    "OcrPolicy",
    "PageText",
    "extract_document",
    "open_document",
]

_PROSE = {".txt", ".text", ".md", ".markdown", ".rst", ".tex", ".log"}
_MARKUP = {".html", ".htm", ".xml", ".css"}
_DATA = {".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml"}
_CODE = {".py", ".js", ".ts", ".java", ".c", ".cpp", ".h", ".cs", ".go", ".rb", ".php", ".sh"}
TEXT_EXTENSIONS = frozenset(_PROSE | _MARKUP | _DATA | _CODE)
# Writers put junk before the header often enough that readers look past the first byte.
PDF_MAGIC, PDF_MAGIC_WINDOW = b"%PDF-", 1024
PDF_MARKERS = (b" obj", b"endobj", b"xref", b"trailer", b"startxref")  # a PDF's own words


def extract_document(
    data_path: Path, filename: str, ocr: OcrPolicy | None = None
) -> ExtractedDocument:
    """Every page of a PDF (found by its %PDF header) or a text file (found by its extension)."""
    reading = open_document(data_path, filename, ocr)
    pages = [PageText(page.number, page.text) for page in reading.pages()]
    return ExtractedDocument(pages=pages, page_count=reading.page_count,
                             warnings=reading.warnings, ocr_pages=reading.ocr_pages,
                             ocr_seconds=reading.ocr_seconds)


def open_document(
    data_path: Path,
    filename: str,
    ocr: OcrPolicy | None = None,
    before_ocr: Callable[[], None] = lambda: None,
) -> PdfReading:
    """The document opened, its page count known, its pages to be read one by one.

    Raises ExtractionError; so may iterating its pages (for a file that turns out to hold no
    usable text, say).
    """
    try:
        with data_path.open("rb") as handle:
            head = handle.read(PDF_MAGIC_WINDOW)
    except OSError as exc:
        raise ExtractionError("server_error", "The stored file could not be read.") from exc
    if not head:
        raise ExtractionError("invalid_file", "The file is empty.")
    extension = Path(filename).suffix.lower()
    if PDF_MAGIC in head:
        return open_reading(data_path, ocr or OcrPolicy(), before_ocr)
    if extension == ".pdf":
        # No header where readers look for it; some such files still open as PDFs.
        try:
            return open_reading(data_path, ocr or OcrPolicy(), before_ocr)
        except ExtractionError:
            if any(marker in head for marker in PDF_MARKERS):
                raise ExtractionError(
                    "invalid_file", "The PDF is damaged: it has no %PDF header and its objects"
                    " could not be read."
                ) from None
            raise ExtractionError(
                "invalid_file", "The file is named .pdf but is not a PDF."
            ) from None
    if extension in TEXT_EXTENSIONS:
        document = _extract_text(data_path.read_bytes())
        pages = [Page(p.number, p.text, "text") for p in document.pages]
        return PdfReading(document.page_count, lambda: iter(pages))
    kind = f"{extension} files" if extension else "Files without an extension"
    raise ExtractionError(
        "unsupported_file", f"{kind} are not supported; upload a PDF or a text file."
    )


def _extract_text(data: bytes) -> ExtractedDocument:
    """One page per form-feed section, decoded as UTF-8 (or UTF-16 with a BOM, else latin-1)."""
    text = clean_text(_decode(data))
    if not text.strip():
        raise ExtractionError("invalid_file", "The file contains no text.")
    sections = text.split("\f")
    pages = [PageText(number=i, text=section) for i, section in enumerate(sections, start=1)]
    return ExtractedDocument(pages=pages, page_count=len(pages))


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ExtractionError("invalid_file", "The UTF-16 text file is damaged.") from exc
    if b"\x00" in data:
        raise ExtractionError("invalid_file", "The file looks binary, not like text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Every byte string is valid latin-1, so older Western files still come through.
        return data.decode("latin-1")
