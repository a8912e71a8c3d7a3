"""OpenAI's static chunking strategy: overlapping windows of tokens over the whole document."""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ._document import ExtractedDocument, PageText
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
    return list(chunk_pages(doc.pages, max_tokens=max_tokens, overlap_tokens=overlap_tokens))


def chunk_pages(
    pages: Iterable[PageText], *, max_tokens: int = 800, overlap_tokens: int = 400
) -> Iterator[Chunk]:
    """The chunks of pages given in order, produced as the pages come (see chunk_document).

    Linear in the text, with bounded output: a chunk is its token window widened by at most
    `WORD_REACH` characters to whole words (a longer word is split) and by at most a quarter of
    its length to whole sentences, so the chunks of a document hold at most about
    1.5 × max_tokens / (max_tokens - overlap_tokens) times its text. Memory holds one page and
    one window, whatever the document's size.
    """
    validate_static_strategy(max_tokens, overlap_tokens)
    return _Chunker(max_tokens, overlap_tokens).run(pages)


WORD_REACH = 32  # characters a chunk may grow at each end to take in a whole word


class _Chunker:
    def __init__(self, max_tokens: int, overlap_tokens: int):
        self.max_tokens, self.stride = max_tokens, max_tokens - overlap_tokens
        self.buffer, self.base = "", 0  # the text from global offset `base` on
        self.page_starts: list[tuple[int, int]] = []  # (global offset, number) of buffered pages
        self.window: deque[tuple[int, int]] = deque()  # token spans of the current window
        self.pending: deque[tuple[int, int]] = deque()  # windows waiting for text after them
        self.count = 0

    def run(self, pages: Iterable[PageText]) -> Iterator[Chunk]:
        total, fresh = 0, False  # fresh: tokens no window taken so far has covered
        for page in pages:
            if not page.text.strip():
                continue
            if self.page_starts:
                self.buffer += PAGE_SEPARATOR
                total += len(PAGE_SEPARATOR)
            self.page_starts.append((total, page.number))
            offset = total
            self.buffer += page.text
            total += len(page.text)
            for match in TOKEN_PATTERN.finditer(page.text):
                self.window.append((offset + match.start(), offset + match.end()))
                fresh = True
                if len(self.window) == self.max_tokens:
                    self.pending.append((self.window[0][0], self.window[-1][1]))
                    fresh = False
                    for _ in range(self.stride):
                        self.window.popleft()
                    yield from self._emit_ready(total)
            yield from self._emit_ready(total)
            self._trim(total)
        if fresh and self.window:
            self.pending.append((self.window[0][0], self.window[-1][1]))
        yield from self._emit_ready(None)

    def _emit_ready(self, total: int | None) -> Iterator[Chunk]:
        """The pending windows whose surroundings are read (all of them at the end)."""
        while self.pending:
            first, last = self.pending[0]
            if total is not None and last + WORD_REACH + SENTENCE_REACH > total:
                return
            self.pending.popleft()
            yield self._chunk(first - self.base, last - self.base)

    def _chunk(self, first: int, last: int) -> Chunk:
        text = self.buffer
        # A long word is several tokens; widen the window to whole words (within reach) so
        # that no chunk, and no quote taken from it, starts or ends inside an ordinary word.
        begin, end = _word_start(text, first), _word_end(text, last)
        # And to whole sentences where one ends nearby, so a quote taken from the chunk's edge
        # is never half a sentence.
        reach = min(SENTENCE_REACH, (last - first) // 4)
        begin, end = _sentence_start(text, begin, reach), _sentence_end(text, end, reach)
        tokens = _count(text, first, last)
        tokens += _count(text, begin, first) + _count(text, last, end)
        chunk = Chunk(
            index=self.count,
            text=text[begin:end],
            page_start=self._page_at(begin + self.base),
            page_end=self._page_at(end - 1 + self.base),
            token_count=tokens,
        )
        self.count += 1
        return chunk

    def _page_at(self, char: int) -> int:
        index = bisect_right(self.page_starts, (char, sys.maxsize)) - 1
        return self.page_starts[max(index, 0)][1]

    def _trim(self, total: int) -> None:
        """Drop buffered text no window can reach any more."""
        keep = total
        if self.window:
            keep = min(keep, self.window[0][0])
        if self.pending:
            keep = min(keep, self.pending[0][0])
        keep = max(keep - WORD_REACH - SENTENCE_REACH, self.base)
        if keep - self.base < len(self.buffer) // 2 and keep - self.base < 1_000_000:
            return  # not worth copying the buffer yet
        self.buffer = self.buffer[keep - self.base :]
        self.base = keep
        index = bisect_right(self.page_starts, (keep, sys.maxsize)) - 1
        if index > 0:
            del self.page_starts[:index]


def _count(text: str, begin: int, end: int) -> int:
    return sum(1 for _ in TOKEN_PATTERN.finditer(text, begin, end)) if end > begin else 0


def _word_start(text: str, index: int) -> int:
    stop = max(0, index - WORD_REACH)
    start = index
    while start > stop and text[start - 1].isalnum():
        start -= 1
    return start if start == 0 or not text[start - 1].isalnum() else index


def _word_end(text: str, index: int) -> int:
    stop = min(len(text), index + WORD_REACH)
    end = index
    while end < stop and text[end].isalnum():
        end += 1
    return end if end == len(text) or not text[end].isalnum() else index


# A sentence ends at . ! or ? before a capital, digit or opening quote, or at a blank line.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[A-Z0-9“\"(])|\n\s*\n")
SENTENCE_REACH = 400  # characters a chunk may grow at each end to take in a whole sentence


def _sentence_start(text: str, index: int, reach: int = SENTENCE_REACH) -> int:
    window = text[max(0, index - reach) : index]
    ends = list(_SENTENCE_END.finditer(window))
    if index == 0 or not ends:
        return index
    start = index - len(window) + ends[-1].end()
    while start < index and text[start].isspace():
        start += 1
    return start


def _sentence_end(text: str, index: int, reach: int = SENTENCE_REACH) -> int:
    if index >= len(text) or _SENTENCE_END.match(text, index - 1):
        return index
    found = _SENTENCE_END.search(text, index, min(len(text), index + reach))
    return found.start() + 1 if found and text[found.start()] in ".!?" else (
        found.start() if found else index)
