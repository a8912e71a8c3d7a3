"""OpenAI's static chunking strategy: overlapping windows of tokens over the whole document."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ._document import ExtractedDocument
from .tokens import TOKEN_PATTERN

MIN_MAX_TOKENS, MAX_MAX_TOKENS = 100, 4096
PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Chunk:
    """A slice of the document's text and the pages it touches."""

    index: int
    text: str
    page_start: int | None
    page_end: int | None
    token_count: int


def validate_static_strategy(max_tokens: int, overlap_tokens: int) -> None:
    """Raise ValueError unless the sizes are ones OpenAI's static strategy accepts."""
    if not MIN_MAX_TOKENS <= max_tokens <= MAX_MAX_TOKENS:
        raise ValueError(
            f"max_chunk_size_tokens must be between {MIN_MAX_TOKENS} and {MAX_MAX_TOKENS};"
            f" got {max_tokens}."
        )
    if overlap_tokens < 0:
        raise ValueError(f"chunk_overlap_tokens must not be negative; got {overlap_tokens}.")
    if overlap_tokens * 2 > max_tokens:
        raise ValueError(
            "chunk_overlap_tokens must not exceed half of max_chunk_size_tokens;"
            f" got {overlap_tokens} with max_chunk_size_tokens {max_tokens}."
        )


def chunk_document(
    doc: ExtractedDocument, *, max_tokens: int = 800, overlap_tokens: int = 400
) -> list[Chunk]:
    """Windows of `max_tokens` tokens, each starting `max_tokens - overlap_tokens` after the last."""
    validate_static_strategy(max_tokens, overlap_tokens)
    pages = [page for page in doc.pages if page.text.strip()]
    text = PAGE_SEPARATOR.join(page.text for page in pages)
    page_offsets, offset = [], 0
    for page in pages:
        page_offsets.append(offset)
        offset += len(page.text) + len(PAGE_SEPARATOR)
    starts, ends = [], []
    for match in TOKEN_PATTERN.finditer(text):
        starts.append(match.start())
        ends.append(match.end())

    def page_at(char: int) -> int:
        return pages[bisect_right(page_offsets, char) - 1].number

    chunks: list[Chunk] = []
    stride = max_tokens - overlap_tokens
    for first in range(0, len(starts), stride):
        last = min(first + max_tokens, len(starts)) - 1
        # A long word is several tokens; widen the window to whole words so that no chunk (and
        # no quote taken from it) starts or ends in the middle of one.
        begin, end = _word_start(text, starts[first]), _word_end(text, ends[last])
        # And to whole sentences where one ends nearby, so a quote taken from the chunk's edge
        # is never half a sentence.
        begin, end = _sentence_start(text, begin), _sentence_end(text, end)
        chunks.append(
            Chunk(
                index=len(chunks),
                text=text[begin:end],
                page_start=page_at(begin),
                page_end=page_at(end - 1),
                token_count=bisect_left(ends, end + 1) - bisect_left(starts, begin),
            )
        )
        if last == len(starts) - 1:  # a later window would only repeat this one's tail
            break
    return chunks


def _word_start(text: str, index: int) -> int:
    while index > 0 and text[index - 1].isalnum():
        index -= 1
    return index


def _word_end(text: str, index: int) -> int:
    while index < len(text) and text[index].isalnum():
        index += 1
    return index


# A sentence ends at . ! or ? before a capital, digit or opening quote, or at a blank line.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[A-Z0-9“\"(])|\n\s*\n")
SENTENCE_REACH = 400  # characters a chunk may grow at each end to take in a whole sentence


def _sentence_start(text: str, index: int) -> int:
    window = text[max(0, index - SENTENCE_REACH) : index]
    ends = list(_SENTENCE_END.finditer(window))
    if index == 0 or not ends:
        return index
    start = index - len(window) + ends[-1].end()
    while start < index and text[start].isspace():
        start += 1
    return start


def _sentence_end(text: str, index: int) -> int:
    if index >= len(text) or _SENTENCE_END.match(text, index - 1):
        return index
    found = _SENTENCE_END.search(text, index, min(len(text), index + SENTENCE_REACH))
    return found.start() + 1 if found and text[found.start()] in ".!?" else (
        found.start() if found else index)
