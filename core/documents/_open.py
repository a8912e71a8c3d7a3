"""Opening untrusted PDFs with pypdf, inside limits that admit real filings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError

from ._errors import DamagedDocumentError, DocumentError, EncryptedDocumentError, detail, reading

# pypdf caps every parsed array at 100,000 elements. Real filings exceed it: some 10-Qs keep their
# structure tree's /IDTree as one flat /Names array of ~110,000 elements, so the default reader
# fails before page 1. Ten times the default admits them while a hostile array stays bounded.
# (Same value and reason as the engine's ingestion, engine/ingest/_pdf.py.)
ARRAY_ELEMENT_LIMIT = 1_000_000

PdfSource = Path | str | bytes

PASSWORD_MESSAGE = "The PDF is password-protected; use a copy without a password."


@contextmanager
def pdf_limits() -> Iterator[None]:
    """pypdf parses lazily, so every read of a reader's objects must happen inside this block."""
    with apply_configuration(array_maximum_element_count=ARRAY_ELEMENT_LIMIT):
        yield


def open_pdf(source: PdfSource) -> PdfReader:
    """A reader past the cross-reference table, decrypted with the empty password when needed.

    Call it inside `pdf_limits()`.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        stream: BytesIO | Path = BytesIO(bytes(source))
    else:
        stream = Path(source)
        if not stream.is_file():
            raise DocumentError(f"No PDF file at {stream}.")
    with reading("the file could not be opened as a PDF"):
        try:
            reader = PdfReader(stream)
        except OSError as exc:
            raise DocumentError(f"The file could not be read ({detail(exc)}).") from exc
    with reading("its encryption settings could not be read"):
        try:
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise EncryptedDocumentError(PASSWORD_MESSAGE)
        except DependencyError as exc:  # pypdf's word for a cipher it cannot run
            raise EncryptedDocumentError(
                f"The PDF uses an encryption method we cannot open ({detail(exc)})."
            ) from exc
    return reader


def page_count(reader: PdfReader) -> int:
    """How many pages the page tree holds; a PDF without pages is damaged."""
    with reading("the page tree could not be read"):
        count = len(reader.pages)
    if count == 0:
        raise DamagedDocumentError("The PDF is damaged: it has no pages.")
    return count
