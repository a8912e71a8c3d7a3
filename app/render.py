"""Rendering helpers: markdown-safe text and the cited passage highlighted in its page."""

from __future__ import annotations

import html
import re

_WORD = re.compile(r"\w[\w'’.,%$-]*", re.UNICODE)


def escape_markdown(text: str) -> str:
    """Text for st.markdown with `$` escaped, so "$3.5 billion … $1 billion" is no formula."""
    return text.replace("\\$", "$").replace("$", "\\$")


def find_passage(page_text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` is in `page_text`, ignoring differences in whitespace and line breaks.

    Falls back to the quote's first and last dozen words when the whole quote is not found
    (extraction may split or join words differently).
    """
    words = [re.escape(word) for word in quote.split()]
    if not words:
        return None
    attempts = [words]
    attempts += [words[:12], words[-12:]] if len(words) > 12 else []
    for attempt in attempts:
        match = re.search(r"\s*".join(attempt), page_text, flags=re.IGNORECASE)
        if match:
            return match.start(), match.end()
    return None


def highlighted_page_html(page_text: str, quote: str, *, context_chars: int = 600) -> str:
    """The part of the page around the quoted passage, HTML-escaped, the passage marked.

    Whole lines are kept around the passage (up to `context_chars` on each side), so the
    passage is in view without scrolling; without a match, the page's opening is shown.
    """
    span = find_passage(page_text, quote)
    if span is None:
        start, end = 0, min(len(page_text), 2 * context_chars)
        marked = html.escape(page_text[start:end])
    else:
        start = _line_start(page_text, max(span[0] - context_chars, 0))
        end = _line_end(page_text, min(span[1] + context_chars, len(page_text)))
        marked = (html.escape(page_text[start:span[0]])
                  + '<mark style="background:#fde68a;padding:0 2px">'
                  + html.escape(page_text[span[0]:span[1]]) + "</mark>"
                  + html.escape(page_text[span[1]:end]))
    before = "…\n" if start > 0 else ""
    after = "\n…" if end < len(page_text) else ""
    return ('<div style="white-space:pre-wrap;font-size:0.85rem;line-height:1.45;'
            'border:1px solid #e5e7eb;border-radius:6px;padding:0.6rem 0.8rem;'
            f'background:#fafafa">{before}{marked}{after}</div>')


def _line_start(text: str, index: int) -> int:
    found = text.rfind("\n", 0, index)
    return 0 if found < 0 else found + 1


def _line_end(text: str, index: int) -> int:
    found = text.find("\n", index)
    return len(text) if found < 0 else found


def quote_html(quote: str) -> str:
    """A quoted passage of a document as an HTML block quote (its text escaped)."""
    return ('<blockquote style="margin:0;padding:0.2rem 0.8rem;border-left:3px solid #fde047;'
            f'font-size:0.9rem;white-space:pre-wrap">{html.escape(quote)}</blockquote>')
