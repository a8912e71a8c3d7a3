"""The model's turn of a run: the built-in extractive model or an upstream chat model.

Both produce the same thing: the answer text (streamed through `on_delta`), `file_citation`
annotations whose `file_citation` carries the extension fields `filename`, `quote` and `pages`,
and token counts.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.llm import upstream
from engine.llm.local import (
    NO_ANSWER,
    Source,
    answer_from_sources,
    asks_who_wrote,
    count_prompt_tokens,
    source_marker,
)
from engine.retrieval.source_words import asks_for_opening
from engine.search import Hit
from engine.settings import EngineSettings
from engine.sse import word_pieces
from engine.tokens import truncate_tokens

PAGE_PREFIX_CHARS = 40
# A citation's quote at most: a breakdown's block of rows (eight rows of four figures) fits.
QUOTE_CHARS = 600
_SOURCE_MARKER = re.compile(r"\[(\d{1,2})\]")
_OPEN_MARK = re.compile(r"\[\d{0,2}")
_OPENAI_MARKER = re.compile(r"【\d+:(\d+)†source】")
_QUOTED = re.compile(r"[“\"]([^”\"]{12,})[”\"]")
UPSTREAM_RULES = (
    "Answer the user's question using only the numbered sources below. After each statement"
    " that uses a source, cite it by its number in square brackets, like [1]. If the sources"
    " don't contain the answer, say that the documents don't say."
)


UPSTREAM_TOOL_RULES = (
    "Answer the user's question. Call the functions you are given when they can provide what"
    " you need. When a statement uses one of the numbered sources below, cite it by its number"
    " in square brackets, like [1]."
)


class RunCancelled(Exception):
    """Raised inside the model's turn when the run was cancelled."""


@dataclass
class Answer:
    text: str
    annotations: list[dict[str, Any]] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    truncated: bool = False


Delta = Callable[[str], None]
CancelCheck = Callable[[], None]


def page_offsets(conn: sqlite3.Connection, hit: Hit) -> tuple[tuple[int, int], ...]:
    """Where each page starts inside a chunk, found by locating each page's opening text."""
    if hit.page_start is None:
        return ()
    offsets = [(0, hit.page_start)]
    if hit.page_end is not None and hit.page_end > hit.page_start:
        rows = conn.execute(
            "SELECT page, text FROM file_pages WHERE file_id = ? AND page > ? AND page <= ?"
            " ORDER BY page", (hit.file_id, hit.page_start, hit.page_end),
        )
        for row in rows:
            prefix = row["text"].strip()[:PAGE_PREFIX_CHARS]
            # Pages are in order: look after the previous page's start, since pages often open
            # with the same running header.
            position = hit.text.find(prefix, offsets[-1][0] + 1) if prefix else -1
            if position > offsets[-1][0]:
                offsets.append((position, row["page"]))
    return tuple(offsets)


def _within(quote: str, limit: int) -> str:
    """The quote's first whole words within `limit` characters (a cut word would not be
    found on the page)."""
    if len(quote) <= limit:
        return quote
    cut = quote[:limit + 1].rsplit(" ", 1)[0]
    return cut if len(cut) <= limit else quote[:limit]


def citation(hit: Hit, marker: str, start: int, quote: str, page: int | None) -> dict[str, Any]:
    pages = [page] if page is not None else (
        list(range(hit.page_start, (hit.page_end or hit.page_start) + 1)) if hit.page_start else []
    )
    return {
        "type": "file_citation",
        "text": marker,
        "start_index": start,
        "end_index": start + len(marker),
        "file_citation": {"file_id": hit.file_id, "filename": hit.filename,
                          "quote": _within(quote, QUOTE_CHARS), "pages": pages},
    }


def _emit(text: str, on_delta: Delta, cancelled: CancelCheck) -> None:
    for piece in word_pieces(text):
        cancelled()
        on_delta(piece)


def answer_locally(
    conn: sqlite3.Connection, question: str, hits: list[Hit], *, max_completion_tokens: int | None,
    on_delta: Delta, cancelled: CancelCheck, turn: int = 0,
) -> Answer:
    """Quote the best supporting sentences of the retrieved chunks, each cited with its page."""
    openings: dict[str, int | None] = {}
    # Only a question about who wrote the document or about its cover page reads its
    # opening, whose page is looked up.
    for hit in hits if asks_who_wrote(question) or asks_for_opening(question) else []:
        if hit.file_id not in openings:
            row = conn.execute("SELECT min(page) FROM file_pages WHERE file_id = ?"
                               " AND trim(text) != ''", (hit.file_id,)).fetchone()
            openings[hit.file_id] = row[0] if row else None
    sources = [
        Source(text=h.text, file_id=h.file_id, filename=h.filename, page_start=h.page_start,
               page_end=h.page_end, page_offsets=page_offsets(conn, h), context=h.title,
               opening_page=openings.get(h.file_id))
        for h in hits
    ]
    result = answer_from_sources(question, sources, turn=turn)
    text = result.text if result.found else NO_ANSWER
    truncated = False
    if max_completion_tokens:
        text, truncated = truncate_tokens(text, max_completion_tokens)
    annotations = [
        citation(hits[c.source_index], c.marker, c.start_index, c.quote, c.page)
        for c in result.citations if c.end_index <= len(text)
    ]
    _emit(text, on_delta, cancelled)
    prompt = count_prompt_tokens(question) + sum(count_prompt_tokens(h.text) for h in hits)
    return Answer(text, annotations, prompt, count_prompt_tokens(text), truncated)


def _locate(claim: str, hit: Hit, offsets: tuple[tuple[int, int], ...]) -> tuple[str, int | None]:
    """The cited passage and its page: the claim's last sentence when the source holds it
    verbatim (quoting models), else the whole chunk and, if it spans pages, no single page."""
    quoted = _QUOTED.findall(claim)
    sentence = quoted[-1] if quoted else re.split(r"(?<=[.!?])\s+", claim.strip())[-1]
    sentence = sentence.strip(" \"'")
    position = _find_loosely(hit.text, sentence) if len(sentence) >= 12 else -1
    if position < 0:
        return hit.text, offsets[0][1] if len(offsets) == 1 else None
    page = next((p for start, p in reversed(offsets) if start <= position), None)
    return sentence, page


def _find_loosely(text: str, needle: str) -> int:
    """Position of `needle` in `text` when runs of whitespace may differ (PDF line breaks)."""
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    squeezed = "".join(text[i] for i in kept)
    at = squeezed.find("".join(needle.split()))
    return kept[at] if at >= 0 else -1


def numbered_sources(hits: list[Hit]) -> str:
    blocks = []
    for n, hit in enumerate(hits, start=1):
        where = hit.filename
        if hit.page_start:
            pages = (f"p. {hit.page_start}" if hit.page_end in (None, hit.page_start)
                     else f"pp. {hit.page_start}-{hit.page_end}")
            where += f", {pages}"
        blocks.append(f"[{n}] ({where})\n{hit.text}")
    return "\n\n".join(blocks)


def answer_upstream(
    conn: sqlite3.Connection, settings: EngineSettings, payload: dict[str, Any], hits: list[Hit],
    *, on_delta: Delta, cancelled: CancelCheck,
    on_tool_calls: Callable[[list[dict[str, Any]]], None] | None = None, turn: int = 0,
) -> Answer:
    """Stream an upstream model's answer to a prompt of numbered sources; its `[n]` marks reach
    the client as OpenAI's markers (`【turn:n-1†source】`), each a `file_citation`.

    The `tool_calls` deltas of a model that calls functions go to `on_tool_calls` as they come.
    """
    parts: list[str] = []
    usage: dict[str, Any] = {}
    finish = None
    marks = _MarkRewriter(turn, len(hits))

    def emit(piece: str) -> None:
        if piece:
            parts.append(piece)
            on_delta(piece)

    for chunk in upstream.stream(settings, payload):
        cancelled()
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            if delta.get("content"):
                emit(marks.feed(delta["content"]))
            if delta.get("tool_calls") and on_tool_calls is not None:
                on_tool_calls(delta["tool_calls"])
            finish = choice.get("finish_reason") or finish
    emit(marks.flush())
    text = "".join(parts)
    annotations = []
    claim_start = 0
    for match in _OPENAI_MARKER.finditer(text):
        index = int(match.group(1))
        claim = text[claim_start : match.start()]
        claim_start = match.end()
        if index < len(hits):
            hit = hits[index]
            quote, page = _locate(claim, hit, page_offsets(conn, hit))
            annotations.append(citation(hit, match.group(0), match.start(), quote, page))
    prompt_tokens = usage.get("prompt_tokens") or sum(
        count_prompt_tokens(str(m.get("content", ""))) for m in payload["messages"])
    completion_tokens = usage.get("completion_tokens") or count_prompt_tokens(text)
    return Answer(text, annotations, prompt_tokens, completion_tokens, finish == "length")


class _MarkRewriter:
    """Turns a model's `[n]` citations into OpenAI's markers as the text streams, holding back
    only a `[` that may still become one; an `n` beyond the sources stays as written."""

    def __init__(self, turn: int, sources: int) -> None:
        self._turn, self._sources = turn, sources
        self._held = ""

    def feed(self, piece: str) -> str:
        text, self._held = self._held + piece, ""
        out, position = [], 0
        while (start := text.find("[", position)) >= 0:
            out.append(text[position:start])
            mark = _SOURCE_MARKER.match(text, start)
            if mark is not None:
                n = int(mark.group(1))
                out.append(source_marker(self._turn, n - 1) if 1 <= n <= self._sources
                           else mark.group(0))
                position = mark.end()
            elif _OPEN_MARK.fullmatch(text, start):
                self._held = text[start:]  # "[" or "[1" at the end: wait for the next piece
                return "".join(out)
            else:
                out.append("[")
                position = start + 1
        out.append(text[position:])
        return "".join(out)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held
