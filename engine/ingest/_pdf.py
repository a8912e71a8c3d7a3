"""PDF pages for ingestion: PDFium text, form and annotation text, OCR of pages without text.

Runs inside an extraction child (see `_worker`). Each page's text is checked before it is kept:

- text that maps to no readable characters (broken font encodings make "Computer Science" come
  out as "$PNQVUFS4DJFODF") is *mojibake* and is not stored as text;
- a page without usable text gets the text of its form fields and annotations when it has any;
- else, when it shows an image, it is OCRed (RapidOCR, bounded per page) if OCR is on;
- a page still without text is checked for streams whose filter PDFium cannot decode.

A document that ends without any usable text fails with the reason (a filter we cannot decode,
content only in attached files, fonts without a Unicode map, images OCR found no text in…); one
that lost pages on the way completes with a warning that names them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from core.pdf import (
    DamagedDocumentError,
    DocumentError,
    EncryptedDocumentError,
    UnsupportedFilterError,
    open_pdf,
    open_pdfium,
    page_count,
    page_text,
    pdf_limits,
    pypdf_page_texts,
)

from ._document import ErrorCode, ExtractionError, clean_text
from ._streams import attachment_reason, attachments, undecodable_stream

OCR_OFF_MESSAGE = "No extractable text: the PDF seems to be scanned images; OCR at ingestion is off."
PYPDF_NO_TEXT = ("No extractable text: pypdf finds none, and PDFium, which OCR needs, could not"
                 " open the file.")
MAX_PAGE_CHARS = 1_000_000  # far above any real page (a dense page holds ~20,000 characters)
MIN_DOCUMENT_CHARS = 5
OCR_DPI = 200
MIN_IMAGE_COVER = 0.2  # pages whose images cover less of them are not OCRed
MAX_IMAGES_MEASURED = 500
OCR_MAX_SIDE_PX = 3000  # a huge page is rendered smaller, never to more than 3000 px a side
_LATIN = re.compile(r"[A-Za-z]")
_COMMON_LETTERS = frozenset("eaionrstEAIONRST")  # the commonest letters of Latin-script languages


@dataclass(frozen=True)
class OcrPolicy:
    """How pages without text are OCRed: off, or on with a CPU budget per page and a page cap."""

    enabled: bool = True
    seconds_per_page: float = 60.0
    max_pages: int = 1000
    pdfium: bool = True  # False: read with pypdf alone
    # OCR out of memory: True gives up on the file (the pool reads it again in a fresh child,
    # which a reused child's heap may owe it to); False names the page and goes on.
    memory_error_ends_file: bool = False
    memory_limit_mb: int | None = None  # the child's limit, to name it


@dataclass
class Page:
    """One page's stored text and how it was obtained."""

    number: int
    text: str
    method: str  # "text", "annotations", "ocr" or "none"


@dataclass
class PdfReading:
    """An open PDF read page by page; `warnings` collects what a person should know."""

    page_count: int
    _pages: Callable[[], Iterator[Page]]
    warnings: list[str] = field(default_factory=list)
    ocr_pages: int = 0
    ocr_seconds: float = 0.0

    def pages(self) -> Iterator[Page]:
        return self._pages()


def open_reading(path: Path, policy: OcrPolicy, before_ocr: Callable[[], None]) -> PdfReading:
    """Open a PDF (PDFium, else pypdf) and learn its page count; ExtractionError if it can't be.

    `before_ocr()` is called before each page is OCRed (the worker raises its CPU budget there).
    """
    if not policy.pdfium:
        return _pypdf_reading(path)
    try:
        document = open_pdfium(path)
    except EncryptedDocumentError as exc:
        raise ExtractionError("invalid_file", str(exc)) from exc
    except DamagedDocumentError:
        return _pypdf_reading(path)
    except DocumentError as exc:
        raise ExtractionError("server_error", str(exc)) from exc
    count = len(document)
    if count == 0:
        document.close()
        raise ExtractionError("invalid_file", "The PDF is damaged: it has no pages.")
    reading = PdfReading(count, lambda: iter(()))
    state = _Classifier(path, reading, policy, before_ocr)

    def pages() -> Iterator[Page]:
        try:
            for index in range(count):
                try:
                    text = page_text(document, index)
                except pdfium.PdfiumError:
                    state.unreadable.append(index + 1)
                    text = ""
                yield state.page(document, index, text)
        finally:
            document.close()
        state.finish()

    reading._pages = pages
    return reading


def _pypdf_reading(path: Path) -> PdfReading:
    """PDFium refused the file: pypdf reads it (its repairs get further on some damaged files)."""
    try:
        with pdf_limits():
            count = page_count(open_pdf(path))
    except DocumentError as exc:
        raise ExtractionError(_code(exc), str(exc)) from exc
    reading = PdfReading(count, lambda: iter(()))

    def pages() -> Iterator[Page]:
        kept = 0
        problems: dict[str, list[int]] = {}
        try:
            for page in pypdf_page_texts(path):
                if page.problem:
                    problems.setdefault(page.problem, []).append(page.number)
                text = _capped(page.text, page.number, reading.warnings)
                usable = _usable(text)
                kept += len(usable.strip())
                yield Page(page.number, usable, "text" if usable else "none")
        except DocumentError as exc:
            raise ExtractionError(_code(exc), str(exc)) from exc
        undecodable = [(p, n) for p, n in problems.items() if p.startswith("uses")]
        if kept < MIN_DOCUMENT_CHARS:
            if undecodable:
                raise ExtractionError("unsupported_file",
                                      f"No extractable text: {_said(*undecodable[0])}.")
            raise ExtractionError("invalid_file", PYPDF_NO_TEXT)
        reading.warnings.extend(_said(p, n) for p, n in problems.items())

    reading._pages = pages
    return reading


class _Classifier:
    """Decides, page by page, what text to keep; at the end, whether the document has any."""

    def __init__(self, path: Path, reading: PdfReading, policy: OcrPolicy,
                 before_ocr: Callable[[], None]):
        self._path, self._reading, self._policy = path, reading, policy
        self._before_ocr = before_ocr
        self._reader: Any = None  # pypdf, opened on the first page without text
        self.chars = 0
        self.mojibake: list[int] = []
        self.scanned: list[int] = []  # pages with an image and no text
        self.ocr_pages = 0
        self.ocr_failed: list[int] = []
        self.ocr_out_of_memory: list[int] = []
        self.skipped_ocr: list[int] = []
        self.unreadable: list[int] = []  # pages PDFium could not load
        self.undecodable: dict[tuple[str, str], list[int]] = {}  # (kind, filter) → pages

    def page(self, document: pdfium.PdfDocument, index: int, raw: str) -> Page:
        number = index + 1
        text = _capped(raw, number, self._reading.warnings)
        if _is_mojibake(text):
            self.mojibake.append(number)
            text = ""
        if _substantial(text):
            return self._kept(Page(number, text, "text"))
        extra = self._annotation_text(index)
        if _substantial(extra):
            return self._kept(Page(number, _join(text, extra), "annotations"))
        if _has_image(document, index):
            self.scanned.append(number)
            recognised = self._ocr(document, index, number)
            if recognised.strip():
                return self._kept(Page(number, _join(text, recognised), "ocr"))
        text = _join(text, extra)
        if not _substantial(text) and (found := self._undecodable(index)) is not None:
            self.undecodable.setdefault(found, []).append(number)
            if number in self.scanned:  # not a scan OCR could not read: an image we can't decode
                self.scanned.remove(number)
        return self._kept(Page(number, text, "text" if text.strip() else "none"))

    def _kept(self, page: Page) -> Page:
        self.chars += len(page.text.strip())
        return page

    def _annotation_text(self, index: int) -> str:
        return self._with_pypdf(lambda reader: _annotations(reader, index), "")

    def _undecodable(self, index: int) -> tuple[str, str] | None:
        return self._with_pypdf(lambda reader: undecodable_stream(reader, index), None)

    def _with_pypdf(self, read: Callable[[Any], Any], otherwise: Any) -> Any:
        """`read(reader)` with the file open in pypdf; `otherwise` when pypdf can't read it."""
        if self._reader is False:
            return otherwise
        try:
            with pdf_limits():
                if self._reader is None:
                    self._reader = open_pdf(self._path)
                return read(self._reader)
        except MemoryError:
            raise
        except Exception:  # what pypdf reads here is a bonus; a file it can't open gives none
            self._reader = self._reader or False
            return otherwise

    def _ocr(self, document: pdfium.PdfDocument, index: int, number: int) -> str:
        if not self._policy.enabled:
            return ""
        if self.ocr_pages >= self._policy.max_pages:
            self.skipped_ocr.append(number)
            return ""
        self.ocr_pages += 1
        self._before_ocr()
        from ._ocr import ocr_page

        started = time.monotonic()
        try:
            text = clean_text(ocr_page(document, index, dpi=OCR_DPI, max_side=OCR_MAX_SIDE_PX))
        except MemoryError:
            raise
        except Exception as exc:
            if not _out_of_memory(exc):  # onnxruntime and OpenCV say so in their own words
                self.ocr_failed.append(number)
            elif self._policy.memory_error_ends_file:
                raise MemoryError from exc
            else:
                self.ocr_out_of_memory.append(number)
            return ""
        finally:
            self._reading.ocr_seconds += time.monotonic() - started
        if text.strip():
            self._reading.ocr_pages += 1
        return text

    def finish(self) -> None:
        warnings = self._reading.warnings
        if len(self.unreadable) == self._reading.page_count:
            raise ExtractionError(
                "invalid_file",
                f"The PDF is damaged: no page could be read; page {self.unreadable[0]} failed"
                " to load.",
            )
        if self.chars < MIN_DOCUMENT_CHARS:
            if self.undecodable:
                raise ExtractionError("unsupported_file",
                                      f"No extractable text: {self._undecodable_pages()[0]}.")
            if self.ocr_out_of_memory:  # our limit, not the file: the engine's own error
                raise ExtractionError("server_error", "No extractable text without OCR, and"
                                      f" {self._ocr_memory_clause()}.")
            raise ExtractionError("invalid_file", self._no_text_reason())
        warnings.extend(self._undecodable_pages())
        if self.mojibake:
            warnings.append(
                f"{_pages(self.mojibake)}: the fonts map to no readable text"
                + ("; OCRed instead" if self._policy.enabled else "; left out")
            )
        if self.scanned and not self._policy.enabled:
            warnings.append(f"{_pages(self.scanned)}: images without text (OCR at ingestion is off)")
        if self.ocr_failed:
            warnings.append(f"{_pages(self.ocr_failed)}: OCR failed")
        if self.ocr_out_of_memory:
            warnings.append(self._ocr_memory_clause())
        if self.unreadable:
            warnings.append(f"{_pages(self.unreadable)}: damaged, could not be read")
        if self.skipped_ocr:
            warnings.append(
                f"{_pages(self.skipped_ocr)}: not OCRed (at most {self._policy.max_pages} pages"
                " per file)"
            )

    def _ocr_memory_clause(self) -> str:
        limit = self._policy.memory_limit_mb
        within = f" (the extraction memory limit, ENGINE_INGEST_MEMORY_MB, is {limit} MB)" if (
            limit) else ""
        return f"OCR of {_pages(self.ocr_out_of_memory)} ran out of memory{within}"

    def _undecodable_pages(self) -> list[str]:
        return [
            _said(f"uses the {name} {kind} filter, which this engine cannot decode", numbers)
            for (kind, name), numbers in self.undecodable.items()
        ]

    def _no_text_reason(self) -> str:
        ocr = self._policy.enabled
        names, encrypted = self._with_pypdf(attachments, ([], False))
        if names and not self.mojibake:
            return attachment_reason(names, encrypted)
        if self.mojibake:
            return ("The PDF's fonts map to no readable text"
                    + (" and OCR found none either." if ocr else "; OCR needed (it is off here)."))
        if self.scanned:
            if not ocr:
                return OCR_OFF_MESSAGE
            if set(self.scanned) <= set(self.ocr_failed):
                return (f"No extractable text: the PDF's pages are images and OCR failed on"
                        f" {_pages(self.ocr_failed)}.")
            return "No extractable text: the PDF's pages are images and OCR found no text in them."
        if self.chars:
            return f"The PDF holds almost no text ({self.chars} characters)."
        return "No extractable text: the PDF's pages hold no text and no images."


def _code(exc: DocumentError) -> ErrorCode:
    return "unsupported_file" if isinstance(exc, UnsupportedFilterError) else "invalid_file"


def _out_of_memory(exc: BaseException) -> bool:
    message = str(exc).lower()
    return "failed to allocate" in message or "bad_alloc" in message or (
        "insufficient memory" in message)


def _capped(text: str, number: int, warnings: list[str]) -> str:
    if len(text) <= MAX_PAGE_CHARS:
        return text
    warnings.append(f"page {number}: text cut at {MAX_PAGE_CHARS:,} characters")
    return text[:MAX_PAGE_CHARS]


def _usable(text: str) -> str:
    return "" if _is_mojibake(text) else text


def _substantial(text: str) -> bool:
    return len(text.strip()) >= MIN_DOCUMENT_CHARS


def _join(first: str, second: str) -> str:
    return "\n".join(part for part in (first.strip(), second.strip()) if part)


def _said(problem: str, numbers: list[int]) -> str:
    """A page problem as a clause: "page 3 uses …", "pages 3, 4 use …", "page 5: damaged …"."""
    if problem.startswith("uses "):
        verb = "uses" if len(numbers) == 1 else "use"
        return f"{_pages(numbers)} {verb} {problem.removeprefix('uses ')}"
    return f"{_pages(numbers)}: {problem}"


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10]) + (", …" if len(numbers) > 10 else "")
    return f"page{'s' if len(numbers) > 1 else ''} {shown}"


def _is_mojibake(text: str) -> bool:
    """Text whose characters do not read as any language: a font with a broken Unicode map.

    Two signs, each needing enough text to judge: most characters are private-use, replacement
    or control characters; or the text is Latin letters of which few are the letters every
    Latin-script language uses most (e a i o n r s t make up over half of English, French,
    German, Spanish text; a shifted encoding leaves a quarter).
    """
    visible = [c for c in text if not c.isspace()]
    if len(visible) < 40:
        return False
    junk = sum(1 for c in visible if "\ue000" <= c <= "\uf8ff" or c == "\ufffd" or ord(c) < 32)
    if junk > len(visible) * 0.3:
        return True
    letters = [c for c in visible if c.isalpha()]
    latin = _LATIN.findall(text)
    if len(latin) < 100 or len(latin) < len(letters) * 0.8:
        return False
    common = sum(1 for c in latin if c in _COMMON_LETTERS)
    return common < len(latin) * 0.35


def _has_image(document: pdfium.PdfDocument, index: int) -> bool:
    """Whether images cover a good part of the page (a scan does; a logo does not)."""
    try:
        page = document[index]
    except pdfium.PdfiumError:
        return False
    try:
        width, height = page.get_size()
        area, covered = max(width * height, 1.0), 0.0
        objects = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4)
        for number, image in enumerate(objects):
            if number >= MAX_IMAGES_MEASURED:
                return True  # hundreds of images: a page made of image tiles
            left, bottom, right, top = image.get_bounds()
            covered += max(0.0, min(right, width) - max(left, 0.0)) * max(
                0.0, min(top, height) - max(bottom, 0.0))
            if covered >= area * MIN_IMAGE_COVER:
                return True
        return False
    except Exception:
        return False
    finally:
        page.close()


def _annotations(reader: Any, index: int) -> str:
    """Text a page holds outside its content stream: form field values and annotation notes."""
    page = reader.pages[index]
    annotations = page.get("/Annots")
    if annotations is None:
        return ""
    texts: list[str] = []
    for ref in list(annotations.get_object())[:1000]:
        annotation = ref.get_object()
        if not hasattr(annotation, "get"):
            continue
        for key in ("/Contents", "/V"):
            value = annotation.get(key)
            if value is None and key == "/V" and annotation.get("/Parent") is not None:
                value = annotation["/Parent"].get_object().get("/V")
            if isinstance(value, str) and value.strip() and value not in texts:
                texts.append(value.strip())
    return clean_text("\n".join(texts))
