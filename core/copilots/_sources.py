"""The documents a copilot works on: PDFs, image files and plain text, by path or in memory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from core.copilots._errors import DocumentSourceError

__all__ = ["IMAGE_SUFFIXES", "DocumentInput", "DocumentKind", "DocumentSource"]

DocumentKind = Literal["pdf", "image", "text"]
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".jp2", ".jpx"}
)
_PDF_MAGIC = b"%PDF-"


class DocumentSource(BaseModel):
    """One document: a `path` on disk, or in-memory `data` (PDF or image bytes) or `text`.

    `kind` says how copilots read it: "pdf" (text per page, images), "image" (an image file)
    or "text" (plain text or Markdown).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    kind: DocumentKind
    path: Path | None = None
    data: bytes | None = None
    text: str | None = None

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> DocumentSource:
        """A file on disk; PDFs are recognised by their header, images by their suffix."""
        file = Path(path)
        if not file.is_file():
            raise DocumentSourceError(str(file), "no such file")
        with file.open("rb") as handle:
            header = handle.read(1024)
        if _PDF_MAGIC in header:
            kind: DocumentKind = "pdf"
        elif file.suffix.lower() in IMAGE_SUFFIXES:
            kind = "image"
        else:
            kind = "text"
        return cls(name=file.name, kind=kind, path=file)

    @classmethod
    def from_pdf_bytes(cls, name: str, data: bytes) -> DocumentSource:
        return cls(name=_named(name, ".pdf"), kind="pdf", data=bytes(data))

    @classmethod
    def from_image_bytes(cls, name: str, data: bytes) -> DocumentSource:
        return cls(name=name, kind="image", data=bytes(data))

    @classmethod
    def from_text(cls, name: str, text: str) -> DocumentSource:
        """Plain text; a name without a suffix gets `.txt`, so servers know how to read it."""
        return cls(name=_named(name, ".txt"), kind="text", text=text)

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    def read_bytes(self) -> bytes:
        """The document's bytes (text is encoded as UTF-8)."""
        if self.data is not None:
            return self.data
        if self.text is not None:
            return self.text.encode("utf-8")
        if self.path is None:
            raise DocumentSourceError(self.name, "the document has no content")
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise DocumentSourceError(self.name, f"could not be read ({exc})") from exc

    def read_text(self) -> str:
        """The text of a text document; bytes must be UTF-8 (a BOM is dropped)."""
        if self.text is not None:
            return self.text
        try:
            return self.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentSourceError(
                self.name, "is neither a PDF, an image nor UTF-8 text"
            ) from exc


DocumentInput = DocumentSource | str | os.PathLike[str]


def _named(name: str, suffix: str) -> str:
    name = name.strip() or f"document{suffix}"
    return name if Path(name).suffix else name + suffix


def as_source(document: DocumentInput) -> DocumentSource:
    """A DocumentSource from a path (or one that already is)."""
    return document if isinstance(document, DocumentSource) else DocumentSource.from_path(document)
