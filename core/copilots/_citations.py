"""Answers with citations: markers become [n], and every citation gets its file, page and quote.

Pages come from the annotation's extension field `pages` when the server sends it (our engine
does); otherwise the quoted passage is looked up in the document's own page text, so citations
also carry pages against servers that don't send them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from core.types.messages import FileCitationAnnotation, Message, TextContent

__all__ = ["ChatAnswer", "Citation", "MarkerFilter", "find_page"]

_MARKER = re.compile(r"【[^】]*】")
_QUOTE_CHARS = 300
_FALLBACK_PREFIX_CHARS = 80
_MIN_OVERLAP = 0.6


@dataclass(frozen=True)
class Citation:
    """A passage an answer rests on: the file, its page (when known) and the quoted text."""

    file_id: str
    filename: str | None
    page: int | None
    quote: str | None

    def format(self) -> str:
        """`file.pdf, p. 12 — “quote”`, leaving out what is unknown."""
        text = self.filename or self.file_id
        if self.page is not None:
            text += f", p. {self.page}"
        if self.quote:
            text += f" — “{self.quote}”"
        return text


@dataclass(frozen=True)
class ChatAnswer:
    """The answer text, where each citation marker reads `[n]` (n indexes `citations` from 1)."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    raw_text: str = ""
    message_id: str | None = None

    def __str__(self) -> str:
        return self.text


# A citation before it is resolved: the annotation's file, its pages and quote if it sent them,
# and the answer text just before the marker (the quote when the server sends none).
@dataclass(frozen=True)
class CitedSpan:
    file_id: str
    filename: str | None
    pages: list[int]
    quote: str | None
    preceding_text: str


Resolve = Callable[[CitedSpan], Citation]


def answer_from_message(message: Message, resolve: Resolve) -> ChatAnswer:
    """The message's text with its citation markers numbered, and the citations resolved."""
    parts: list[str] = []
    citations: list[Citation] = []
    for part in message.content:
        if not isinstance(part, TextContent):
            continue
        value = part.text.value
        annotations = sorted(
            (a for a in part.text.annotations if isinstance(a, FileCitationAnnotation)),
            key=lambda a: a.start_index,
        )
        pieces, position = [], 0
        for annotation in annotations:
            start, end = annotation.start_index, annotation.end_index
            if start < position or end > len(value):
                continue  # overlapping or out of range: leave the text as the server wrote it
            preceding = value[position:start]
            cited = annotation.file_citation
            span = CitedSpan(
                file_id=cited.file_id,
                filename=cited.filename,
                pages=list(cited.pages or []),
                quote=cited.quote,
                preceding_text=preceding,
            )
            citations.append(resolve(span))
            pieces.append(preceding + f"[{len(citations)}]")
            position = end
        pieces.append(value[position:])
        parts.append("".join(pieces))
    return ChatAnswer("\n\n".join(parts), citations, message.text, message.id)


def quote_before_marker(preceding_text: str) -> str | None:
    """The passage just before a marker: the last sentence or quoted text, unquoted."""
    text = _MARKER.sub("", preceding_text).rstrip()
    quoted = re.findall(r"[“\"]([^”\"]{12,})[”\"]\s*$", text)
    if quoted:
        return quoted[-1].strip()
    line = text.rsplit("\n", 1)[-1].lstrip("-*• \t")
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9“\"])", line)
    candidate = sentences[-1] if sentences and len(sentences[-1]) >= 20 else line
    candidate = candidate.strip(' “”"')
    return candidate[-_QUOTE_CHARS:] or None


def normalize(text: str) -> str:
    """Lower-case words and figures separated by single spaces, for matching across layouts."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"-\s*\n\s*", "", text)  # words hyphenated across lines
    return " ".join(re.findall(r"[^\W_]+", text))


def find_page(quote: str, pages: list[tuple[int, str]]) -> int | None:
    """The page whose text holds `quote`: exactly, by its opening, or by most shared words."""
    wanted = normalize(quote.rstrip("…."))
    if not wanted:
        return None
    normalized = [(number, normalize(text)) for number, text in pages]
    for probe in (wanted, wanted[:_FALLBACK_PREFIX_CHARS]):
        for number, text in normalized:
            if probe and probe in text:
                return number
    grams = _trigrams(wanted)
    if not grams:
        return None
    best, best_share = None, 0.0
    for number, text in normalized:
        share = len(grams & _trigrams(text)) / len(grams)
        if share > best_share:
            best, best_share = number, share
    return best if best_share >= _MIN_OVERLAP else None


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return set(zip(words, words[1:], words[2:], strict=False))


class MarkerFilter:
    """Rewrites citation markers (`【…】`) in streamed text as `[1]`, `[2]`… as they complete.

    Markers are numbered in order of appearance, as `answer_from_message` numbers annotations,
    so the streamed text reads like the final answer.
    """

    def __init__(self) -> None:
        self._pending = ""
        self.count = 0

    def feed(self, delta: str) -> str:
        text = self._pending + delta
        self._pending = ""
        out = []
        while text:
            start = text.find("【")
            if start < 0:
                out.append(text)
                break
            out.append(text[:start])
            end = text.find("】", start)
            if end < 0:
                self._pending = text[start:]
                break
            self.count += 1
            out.append(f"[{self.count}]")
            text = text[end + 1 :]
        return "".join(out)

    def flush(self) -> str:
        pending, self._pending = self._pending, ""
        return pending
