"""What extraction returns: a document's page texts, or an error a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
    return text.replace("\x00", "").encode("utf-8", errors="replace").decode("utf-8")
