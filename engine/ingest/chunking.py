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
    1.5 × max_tokens / (max_tokens - overlap_tokens) times its text. Memory holds one page,
    one window and a little text around it, whatever the document's size.
    """
    validate_static_strategy(max_tokens, overlap_tokens)
    return _Chunker(max_tokens, overlap_tokens).run(pages)


WORD_REACH = 32  # characters a chunk may grow at each end to take in a whole word
KEEP_CHARS = 65_536  # text buffered before what no window needs is dropped


class _Chunker:
    """Token windows over pages given one at a time; offsets are into `buffer`, which holds the
    text from the earliest window still needed (trimmed once it exceeds `KEEP_CHARS`)."""

    def __init__(self, max_tokens: int, overlap_tokens: int):
        self.max_tokens, self.stride = max_tokens, max_tokens - overlap_tokens
        self.buffer, self.base = "", 0  # `buffer` is the text from global offset `base` on
        self.page_starts: list[tuple[int, int]] = []  # (global offset, number) of its pages
        self.tokens: list[tuple[int, int]] = []  # spans from the current window's first token
        self.pending: deque[tuple[int, int, int]] = deque()  # windows waiting for what follows
        self.covered = -1  # end of the last window taken
        self.count = 0

    def run(self, pages: Iterable[PageText]) -> Iterator[Chunk]:
        for page in pages:
            if not page.text.strip():
                continue
            if self.page_starts:
                self.buffer += PAGE_SEPARATOR
            self.page_starts.append((self.base + len(self.buffer), page.number))
            begin = len(self.buffer)
            self.buffer += page.text
            tokens = self.tokens
            tokens += [m.span() for m in TOKEN_PATTERN.finditer(self.buffer, begin)]
            first, size = 0, self.max_tokens
            while len(tokens) - first >= size:
                self.pending.append((tokens[first][0], tokens[first + size - 1][1], size))
                self.covered = tokens[first + size - 1][1]
                first += self.stride
            if first:
                del tokens[:first]
            yield from self._emit_ready(len(self.buffer))
            if len(self.buffer) > KEEP_CHARS:
                self._trim()
        if self.tokens and self.tokens[-1][1] > self.covered:
            self.pending.append((self.tokens[0][0], self.tokens[-1][1], len(self.tokens)))
        yield from self._emit_ready(None)

    def _emit_ready(self, end: int | None) -> Iterator[Chunk]:
        """The pending windows whose surroundings are read (all of them at the end)."""
        while self.pending:
            first, last, tokens = self.pending[0]
            if end is not None and last + WORD_REACH + SENTENCE_REACH > end:
                return
            self.pending.popleft()
            yield self._chunk(first, last, tokens)

    def _chunk(self, first: int, last: int, tokens: int) -> Chunk:
        text = self.buffer
        # A long word is several tokens; widen the window to whole words (within reach) so
        # that no chunk, and no quote taken from it, starts or ends inside an ordinary word.
        begin, end = _word_start(text, first), _word_end(text, last)
        # And to whole sentences where one ends nearby, so a quote taken from the chunk's edge
        # is never half a sentence.
        reach = min(SENTENCE_REACH, (last - first) // 4)
        begin, end = _sentence_start(text, begin, reach), _sentence_end(text, end, reach)
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

    def _trim(self) -> None:
        """Drop buffered text no window can reach any more."""
        keep = len(self.buffer)
        if self.tokens:
            keep = min(keep, self.tokens[0][0])
        if self.pending:
            keep = min(keep, self.pending[0][0])
        shift = max(keep - WORD_REACH - SENTENCE_REACH, 0)
        if shift < len(self.buffer) // 2:
            return  # not worth copying the buffer yet
        self.buffer = self.buffer[shift:]
        self.base += shift
        self.tokens = [(a - shift, b - shift) for a, b in self.tokens]
        self.pending = deque((a - shift, b - shift, n) for a, b, n in self.pending)
        self.covered -= shift
        index = bisect_right(self.page_starts, (self.base, sys.maxsize)) - 1
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
