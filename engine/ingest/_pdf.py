"""PDF text extraction with pypdf: every failure becomes an ExtractionError that says what broke."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError

from ._document import ExtractedDocument, ExtractionError, PageText, clean_text

# pypdf caps every parsed array at 100,000 elements (`array_maximum_element_count`). Real
# filings exceed it: the 10-Qs "2023 Q1 MSFT.pdf" and "2023 Q2 MSFT.pdf" keep their structure
# tree's /IDTree as one flat /Names array of ~110,000 elements, so the default reader raises
# LimitReachedError before it reaches page 1. Ten times the default admits them while a hostile
# array stays bounded; the pool's time and memory limits are the backstop for the rest.
ARRAY_ELEMENT_LIMIT = 1_000_000

PASSWORD_MESSAGE = "The PDF is password-protected; upload a copy without a password."
SCANNED_MESSAGE = "No extractable text: the PDF seems to be scanned images; run OCR first."
DETAIL_CHARS = 200


def extract_pdf(path: Path) -> ExtractedDocument:
    """Text of every page; a page that fails is kept empty unless every page fails."""
    with apply_configuration(array_maximum_element_count=ARRAY_ELEMENT_LIMIT):
        reader = _open(path)
        with _reading("the page tree could not be read"):
            page_count = len(reader.pages)
        if page_count == 0:
            raise ExtractionError("invalid_file", "The PDF has no pages.")
        pages, failures = [], []
        for index in range(page_count):
            try:
                text = clean_text(reader.pages[index].extract_text())
            except MemoryError:
                raise
            except Exception as exc:
                failures.append((index + 1, exc))
                text = ""
            pages.append(PageText(number=index + 1, text=text))
    if len(failures) == page_count:
        number, first_error = failures[0]
        raise _damaged(f"no page could be read; page {number} failed", first_error)
    if not any(page.text.strip() for page in pages):
        raise ExtractionError("invalid_file", SCANNED_MESSAGE)
    return ExtractedDocument(pages=pages, page_count=page_count)


def _open(path: Path) -> PdfReader:
    """A reader past the cross-reference table and, when needed, decrypted with an empty password."""
    with _reading("the cross-reference table could not be read"):
        reader = PdfReader(path)
    # PdfReader has already tried the empty user password; ask again to learn if it worked.
    with _reading("its encryption settings could not be read"):
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ExtractionError("invalid_file", PASSWORD_MESSAGE)
    return reader


@contextmanager
def _reading(where: str) -> Iterator[None]:
    """Turn any parser failure inside the block into an ExtractionError that names `where`."""
    try:
        yield
    except (ExtractionError, MemoryError):
        raise  # MemoryError is the pool's to report: the child that raised it is replaced
    except DependencyError as exc:  # pypdf's word for a cipher it cannot run
        raise ExtractionError(
            "invalid_file", f"The PDF uses an encryption method we cannot open ({_detail(exc)})."
        ) from exc
    except Exception as exc:
        if _caused_by_memory(exc):
            # pypdf wraps some MemoryErrors in its own errors: the file may be fine, the
            # process ran out of room, and the pool reports that as the memory limit.
            raise MemoryError from exc
        raise _damaged(where, exc) from exc


def _caused_by_memory(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):  # cause chains are short; never loop on a cycle
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _damaged(where: str, exc: BaseException) -> ExtractionError:
    return ExtractionError("invalid_file", f"The PDF is damaged: {where} ({_detail(exc)}).")


def _detail(exc: BaseException) -> str:
    """The exception in one short line, for people reporting a bad file."""
    text = " ".join(str(exc).split()) or "no details"
    if len(text) > DETAIL_CHARS:
        text = text[: DETAIL_CHARS - 1] + "…"
    return f"{type(exc).__name__}: {text}"
