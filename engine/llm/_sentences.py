"""Split PDF-extracted text into quotable sentences, keeping each one's offset in the source."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

MAX_SENTENCE_CHARS = 400

_BULLET = re.compile(r"^(?:[•●◦▪▫■□‣∙·*\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$")
# Words a wrapped prose line can end on but a heading or a table row does not.
_JOINING_WORDS = frozenset(
    """
    a an and as at by for from in into of on or the to with than that which whose
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
_ENDS_WITH_NUMBER = re.compile(r"[\d%)]$")
_WRAPPED_LINE_CHARS = 60
_SHORT_LINE_CHARS = 20
_BOUNDARY = re.compile(r"[.!?:][\"'”’)\]]*(\s+)(?=[\"“‘(\[]?[A-Z0-9$€£•●▪■])|\s+(?=[•●▪■]\s)")
_ABBREVIATIONS = frozenset(
    """
    inc corp co ltd llc plc no nos vs etc mr mrs ms dr st jr sr approx fig figs e.g i.e jan
    feb mar apr jun jul aug sep sept oct nov dec u.s u.k
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
# Where to cut an over-long run, best first: an original line break, then clause punctuation.
_CUT_POINTS = ("\n", "; ", ", ", " ")


@dataclass(frozen=True)
class Span:
    """One sentence: whitespace-normalised text and where it starts in the source."""

    text: str
    start: int


def split_sentences(text: str) -> list[Span]:
    """Split `text` into sentences of at most MAX_SENTENCE_CHARS characters."""
    spans: list[Span] = []
    for segment, line_starts in _segments(text):
        seg_positions = [pos for pos, _ in line_starts]
        for seg_start, piece in _sentences_in(segment):
            cleaned = " ".join(piece.split())
            if not cleaned:
                continue
            start = seg_start + len(piece) - len(piece.lstrip())
            line = bisect_right(seg_positions, start) - 1
            line_pos, source_pos = line_starts[line]
            spans.append(Span(cleaned, source_pos + start - line_pos))
    return spans


def _lines(text: str) -> list[tuple[int, str] | None]:
    """Stripped lines with their source offsets; None marks a blank line."""
    lines: list[tuple[int, str] | None] = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append((offset + len(raw) - len(raw.lstrip()), stripped))
        else:
            lines.append(None)
        offset += len(raw) + 1
    return lines


def _joiner(previous: str, line: str) -> str | None:
    """How to join two consecutive lines of one paragraph, or None if a new run starts."""
    if _BULLET.match(line):
        return None
    if _ENDS_SENTENCE.search(previous) and not _is_abbreviation(previous):
        return None
    if previous.endswith("-") and line[0].islower():
        return ""
    last_word = previous.rsplit(maxsplit=1)[-1].lower()
    if previous.endswith((",", "-", "–", "(")) or last_word in _JOINING_WORDS:
        return "\n"
    # A short line before a lower-case one is a heading like "iPhone", not wrapped prose.
    if line[0].islower() and len(previous) >= _SHORT_LINE_CHARS:
        return "\n"
    # A line ending in a figure followed by a capitalised one is a table row, not wrapped prose.
    if _ENDS_WITH_NUMBER.search(previous):
        return None
    return "\n" if len(previous) >= _WRAPPED_LINE_CHARS else None


def _segments(text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Runs of joined lines, each with (position in run, offset in source) per line."""
    segments: list[tuple[str, list[tuple[int, int]]]] = []
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    length = 0
    previous: str | None = None
    for entry in [*_lines(text), None]:
        joiner = None if entry is None or previous is None else _joiner(previous, entry[1])
        if joiner is None and parts:
            segments.append(("".join(parts), starts))
            parts, starts, length = [], [], 0
        if entry is None:
            previous = None
            continue
        offset, line = entry
        if parts:
            parts.append(joiner or "")
            length += len(joiner or "")
        starts.append((length, offset))
        parts.append(line)
        length += len(line)
        previous = line
    return segments


def _sentences_in(segment: str) -> list[tuple[int, str]]:
    """Sentence pieces of one run as (position, raw text)."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in _BOUNDARY.finditer(segment):
        cut = match.start(1) if match.group(1) is not None else match.start()
        if match.group(1) is not None and _is_abbreviation(segment[start:cut]):
            continue
        pieces.extend(_cap(start, segment[start:cut]))
        start = match.end()
    pieces.extend(_cap(start, segment[start:]))
    return pieces


def _is_abbreviation(sentence: str) -> bool:
    """True when the final period belongs to an abbreviation or an initial, not a sentence end."""
    words = sentence.rsplit(maxsplit=1)
    if not words or not sentence.endswith("."):
        return False
    word = words[-1].lstrip('("“').rstrip(".").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _cap(start: int, piece: str) -> list[tuple[int, str]]:
    """Cut a piece longer than MAX_SENTENCE_CHARS at the best available break points."""
    pieces: list[tuple[int, str]] = []
    while len(piece) > MAX_SENTENCE_CHARS:
        cut = next(
            (
                piece.rfind(sep, 1, MAX_SENTENCE_CHARS) + len(sep)
                for sep in _CUT_POINTS
                if piece.rfind(sep, 1, MAX_SENTENCE_CHARS) > 0
            ),
            MAX_SENTENCE_CHARS,
        )
        pieces.append((start, piece[:cut]))
        start, piece = start + cut, piece[cut:]
    if piece.strip():
        pieces.append((start, piece))
    return pieces
