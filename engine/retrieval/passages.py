"""Page text cut into passages of whole sentences: the unit that gets an embedding."""

from __future__ import annotations

import re
from dataclasses import dataclass

# About 120 words (~200 model tokens): long enough to carry a thought or a table's rows with
# their labels, well within the embedding model's 512-token window.
PASSAGE_WORDS = 120
# A passage may hold one over-long sentence; longer runs without a sentence end (tables, lists)
# are cut at this many words.
MAX_PASSAGE_WORDS = 160
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n\s*\n")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Passage:
    page: int
    start: int  # character offsets in the page's text
    end: int


def split_page(page: int, text: str) -> list[Passage]:
    """Passages covering every word of `text`, each of whole sentences where it can."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if not words:
        return []
    breaks = {m.end() for m in _SENTENCE_END.finditer(text)}
    passages: list[Passage] = []
    first = 0
    for i, (_, end) in enumerate(words):
        count = i - first + 1
        at_sentence_end = any(b in breaks for b in range(end, end + 3))
        if (count >= PASSAGE_WORDS and at_sentence_end) or count >= MAX_PASSAGE_WORDS:
            passages.append(Passage(page, words[first][0], end))
            first = i + 1
    if first < len(words):
        tail = Passage(page, words[first][0], words[-1][1])
        # A short tail joins the passage before it rather than standing alone.
        if passages and len(words) - first < PASSAGE_WORDS // 4:
            passages[-1] = Passage(page, passages[-1].start, tail.end)
        else:
            passages.append(tail)
    return passages
