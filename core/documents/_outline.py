"""A document to export, as the flat list of blocks every format renders the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["title", "heading", "paragraph", "sources", "citation"]
Block = tuple[BlockKind, str]

SOURCES_LABEL = "Sources:"
# XML 1.0 forbids these; python-docx refuses them and no viewer shows them.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Section:
    """A part of a document: an optional heading, its text, and the citations backing it.

    Citations are display strings such as 'report.pdf, p. 12 — “quote”'. Blank lines in `text`
    separate paragraphs; single line breaks stay.
    """

    heading: str | None
    text: str
    citations: list[str] = field(default_factory=list)


def outline(title: str, body: str | list[Section]) -> list[Block]:
    """Title, then per section: heading, paragraphs, and a "Sources:" list of citations."""
    sections = [Section(heading=None, text=body)] if isinstance(body, str) else body
    blocks: list[Block] = [("title", one_line(title))]
    for section in sections:
        heading = one_line(section.heading or "")
        if heading:
            blocks.append(("heading", heading))
        blocks += [("paragraph", part) for part in _paragraphs(_clean(section.text))]
        citations = [one_line(citation) for citation in section.citations]
        if any(citations):
            blocks.append(("sources", SOURCES_LABEL))
            blocks += [("citation", citation) for citation in citations if citation]
    return blocks


def one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _paragraphs(text: str) -> list[str]:
    return [part.strip("\n") for part in re.split(r"\n[ \t]*\n", text) if part.strip()]


def _clean(text: str) -> str:
    return CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
