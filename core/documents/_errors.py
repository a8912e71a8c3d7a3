"""Every error the PDF work raises, under one root (defined in `core.pdf`, shared with the engine).

    DocumentError                 a PDF could not be used; the message says why, for a person
    ├── EncryptedDocumentError    the PDF needs a password we do not have
    └── DamagedDocumentError      the file is not a readable PDF; says which part broke

pypdf and PDFium raise many exception types on untrusted files (PdfReadError, PdfiumError, but
also TypeError, AttributeError, AssertionError, ValueError, LimitReachedError…); none of them
leaves this package.
"""

from __future__ import annotations

from core.pdf import (
    DETAIL_CHARS,
    DamagedDocumentError,
    DocumentError,
    EncryptedDocumentError,
    damaged,
    detail,
    reading,
)

__all__ = [
    "DETAIL_CHARS",
    "DamagedDocumentError",
    "DocumentError",
    "EncryptedDocumentError",
    "damaged",
    "detail",
    "reading",
]
