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


def highlighted_page_html(page_text: str, quote: str, *, height_px: int = 320) -> str:
    """The page text as HTML with the quoted passage marked, scrolled box, HTML-escaped."""
    span = find_passage(page_text, quote)
    if span is None:
        body = html.escape(page_text)
    else:
        start, end = span
        body = (html.escape(page_text[:start])
                + '<mark style="background:#fde68a;padding:0 2px">'
                + html.escape(page_text[start:end]) + "</mark>" + html.escape(page_text[end:]))
    return (f'<div style="max-height:{height_px}px;overflow-y:auto;white-space:pre-wrap;'
            'font-size:0.85rem;line-height:1.45;border:1px solid #e5e7eb;border-radius:6px;'
            f'padding:0.6rem 0.8rem;background:#fafafa">{body}</div>')
