"""Every error the PDF work raises, under one root.

    DocumentError                 a PDF could not be used; the message says why, for a person
    ├── EncryptedDocumentError    the PDF needs a password we do not have
    └── DamagedDocumentError      the file is not a readable PDF; says which part broke

pypdf raises many exception types on untrusted files (PdfReadError, but also TypeError,
AttributeError, AssertionError, ValueError, LimitReachedError…); none of them leaves this package.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["DamagedDocumentError", "DocumentError", "EncryptedDocumentError"]

DETAIL_CHARS = 200


class DocumentError(Exception):
    """A PDF could not be read or written; `str(error)` is a sentence for the person who gave it."""


class EncryptedDocumentError(DocumentError):
    """The PDF is encrypted and does not open with an empty password."""


class DamagedDocumentError(DocumentError):
    """The file is damaged or not a PDF; the message names the part that failed where it can."""


@contextmanager
def reading(where: str) -> Iterator[None]:
    """Turn any parser failure inside the block into a DamagedDocumentError that names `where`."""
    try:
        yield
    except (DocumentError, MemoryError):
        raise
    except Exception as exc:
        raise damaged(where, exc) from exc


def damaged(where: str, exc: BaseException) -> DamagedDocumentError:
    return DamagedDocumentError(f"The PDF is damaged: {where} ({detail(exc)}).")


def detail(exc: BaseException) -> str:
    """The exception in one short line, for people reporting a bad file."""
    text = " ".join(str(exc).split()) or "no details"
    if len(text) > DETAIL_CHARS:
        text = text[: DETAIL_CHARS - 1] + "…"
    return f"{type(exc).__name__}: {text}"
