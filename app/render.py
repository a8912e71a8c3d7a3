"""Rendering helpers: inert text for Markdown, and the cited passage highlighted in its page.

Text that comes from documents, file names, model output or quotes goes through `inert` before
any Markdown-rendering call (st.markdown, captions, alerts, widget labels): every ASCII
punctuation character is backslash-escaped, which CommonMark defines as "this character
literally". So `![x](http://…)` stays text and loads nothing, `[a](b)`, `<a href>`, `<img>`,
`# heading`, `$x$`, `:material/icon:` and `:red[…]` stay text, and a bare URL or `www.` name is
not auto-linked (its `:`, `/` and `.` are escaped). The app's own formatting around such text
is written by the app and stays.
"""

from __future__ import annotations

import html
import re
from typing import Any

_WORD = re.compile(r"\w[\w'’.,%$-]*", re.UNICODE)
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def inert(text: str) -> str:
    """`text` for any Markdown-rendering Streamlit call, shown exactly as it is, never markup;
    its line breaks stay line breaks (Markdown would join the lines of a paragraph)."""
    return _PUNCTUATION.sub(r"\\\1", text).replace("\n", "  \n")


_STRUCTURE = re.compile(r"^(#{1,6} |[-•*] |\d{1,3}\. )")


def structured_inert(text: str) -> str:
    """Markdown whose line structure (headings, bullets, numbered items) and bold are kept and
    whose text is otherwise inert: a summary's sections stay sections, while no word of it can
    form a link, load an image or become HTML."""
    lines = []
    for line in text.split("\n"):
        found = _STRUCTURE.match(line)
        lead = found.group(1) if found else ""
        lead = "- " if lead in ("• ", "* ") else lead
        body = _PUNCTUATION.sub(r"\\\1", line[len(found.group(1)):] if found else line)
        # Bold pairs stay bold (they can load or link nothing): "**Revenue**".
        lines.append(lead + _BOLD.sub(r"**\1**", body))
    return "\n".join(lines)


_BOLD = re.compile(r"\\\*\\\*(.+?)\\\*\\\*")


def escape_markdown(text: str) -> str:
    """The name the screens use for `inert` (it was: `$` escaped only)."""
    return inert(text)


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


def page_icon() -> Any:
    """The favicon, drawn here: a `:material/…:` page icon makes the browser fetch the glyph
    from a font CDN on every page load, and the app must work offline."""
    from PIL import Image, ImageDraw

    icon = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((8, 2, 56, 62), radius=8, fill=(37, 99, 235, 255))
    draw.polygon([(40, 2), (56, 18), (40, 18)], fill=(191, 219, 254, 255))
    for y in (28, 38, 48):
        draw.rectangle((16, y, 48, y + 4), fill=(255, 255, 255, 255))
    return icon


def quote_html(quote: str) -> str:
    """A quoted passage of a document as an HTML block quote (its text escaped)."""
    return ('<blockquote style="margin:0;padding:0.2rem 0.8rem;border-left:3px solid #fde047;'
            f'font-size:0.9rem;white-space:pre-wrap">{html.escape(quote)}</blockquote>')
