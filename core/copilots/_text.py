"""Text measured in approximate tokens, split to fit a budget, and trimmed to a word count.

Tokens are estimated as characters / 4 (OpenAI's rule of thumb for English); good enough to
keep requests inside a context window with the margin the summary copilot leaves.
"""

from __future__ import annotations

import math
import re

__all__ = ["CHARS_PER_TOKEN", "estimate_tokens", "split_to_budget", "trim_to_words", "word_count"]

CHARS_PER_TOKEN = 4
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
# Where a summary may be cut: after a sentence, between two quotations ("” “"), at a line end.
_CUT = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|(?<=”)\s+(?=“)|\s*\n\s*")


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def word_count(text: str) -> int:
    return len(text.split())


def split_to_budget(text: str, max_tokens: int) -> list[str]:
    """`text` in consecutive parts of at most `max_tokens`, cut at paragraphs, then lines,
    then sentences, then words; no text is lost (whitespace between cuts aside)."""
    limit = max(max_tokens, 1) * CHARS_PER_TOKEN
    parts: list[str] = []
    current = ""
    for piece in _pieces(text.strip(), limit):
        joined = f"{current}\n\n{piece}" if current else piece
        if len(joined) <= limit:
            current = joined
        else:
            if current:
                parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, from the coarsest split that gets there."""
    if len(text) <= limit:
        return [text] if text.strip() else []
    for pattern in (_PARAGRAPH, re.compile(r"\n"), _SENTENCE_END):
        chunks = [c for c in pattern.split(text) if c.strip()]
        if len(chunks) > 1:
            return [p for c in chunks for p in _pieces(c.strip(), limit)]
    words, pieces, current = text.split(), [], ""
    for word in words:
        while len(word) > limit:  # a "word" longer than the budget (a run of digits, a URL…)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:limit])
            word = word[limit:]
        if current and len(current) + 1 + len(word) > limit:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    return pieces


def trim_to_words(text: str, max_words: int) -> str:
    """`text` cut at the last sentence end (or end of a quotation or line) within `max_words`
    words; a first sentence longer than that is cut at a word and marked with an ellipsis."""
    text = text.strip()
    if word_count(text) <= max_words:
        return text
    kept, words = [], 0
    position = 0
    for match in _CUT.finditer(text + " "):
        sentence = text[position : match.start()].strip()
        count = word_count(sentence)
        if words + count > max_words:
            break
        kept.append(text[position : match.end()])
        words += count
        position = match.end()
    if kept:
        return "".join(kept).strip()
    return " ".join(text.split()[:max_words]).rstrip(",;:—-") + "…"
