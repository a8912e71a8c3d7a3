"""Citation markers follow OpenAI's file_search format, `【turn:index†source】`, whichever model
answers: the built-in model writes them, an upstream model's `[n]` marks are rewritten as the
text streams (so streamed text and the stored answer read the same)."""

from __future__ import annotations

import re

from engine.llm.local import source_marker
from engine.runner.answering import _MarkRewriter

OPENAI_MARKER = re.compile(r"【\d+:\d+†source】")  # what OpenAI's own clients look for


def test_the_marker_is_openais():
    assert source_marker(4, 0) == "【4:0†source】"
    assert OPENAI_MARKER.fullmatch(source_marker(12, 3))


def test_upstream_marks_are_rewritten_across_pieces():
    marks = _MarkRewriter(turn=3, sources=2)
    pieces = ["Built in 1871 [", "1", "]. Automated [2][3]; x[a] [1", "0] and [", ""]
    text = "".join(marks.feed(p) for p in pieces) + marks.flush()
    # n counts from 1 in the prompt, the marker's index from 0 as the step's results do.
    assert text == ("Built in 1871 【3:0†source】. Automated 【3:1†source】[3]; x[a] [10] and [")
