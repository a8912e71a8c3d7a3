"""An answer's citations: one row of page chips; the chosen one opens its page beside the quote.

The page is the PDF's own page, rendered by PDFium with the quoted passage highlighted
(core.documents.render_page, in the process's PageRenderer child), with previous/next page and the page's text (the passage marked)
in a second tab. The PDF comes from this session's uploads when the file was added here, else
from the server (a reopened conversation). Rendered pages are cached per page.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from app import services
from app.errors import user_message
from app.render import escape_markdown, highlighted_page_html, quote_html
from app.state import Chat, item_key
from core.copilots import Citation
from core.documents import DocumentError, RenderedPage
from core.errors import OpenAIError

PAGE_WIDTH_PX = 1000  # 1.5x the page column's width on a laptop: sharp, and quick to draw
KEPT_UPLOAD_BYTES = 256 * 1024 * 1024  # this session's PDFs kept for previews, at most


def keep_documents(files: list[tuple[str, bytes]]) -> None:
    """Remember this session's uploaded PDFs by name, so their pages show without a download.

    A name uploaded twice with different bytes is forgotten (the server's copy is used), and
    nothing more is kept past KEPT_UPLOAD_BYTES.
    """
    kept: dict[str, bytes] = st.session_state.setdefault(Chat.DOCUMENTS, {})
    for name, data in files:
        if not data.startswith(b"%PDF"):
            continue
        if name in kept and kept[name] != data:
            kept[name] = b""  # ambiguous: fetch the cited file by id
        elif sum(len(d) for d in kept.values()) + len(data) <= KEPT_UPLOAD_BYTES:
            kept[name] = data


@st.fragment
def render_citations(turn_index: int, citations: list[Citation]) -> None:
    """One row of chips `[n] file, p. N`; the chosen one shows its page below.

    A fragment: choosing a chip or turning a page reruns this answer's sources only.
    """
    if not citations:
        return
    chosen = st.pills("Sources", list(range(len(citations))), selection_mode="single",
                      format_func=lambda index: escape_markdown(label(index + 1,
                                                                      citations[index])),
                      key=item_key(Chat.CITATION, turn_index), label_visibility="collapsed")
    if chosen is not None:
        _preview(turn_index, chosen, citations[chosen])


def label(number: int, citation: Citation) -> str:
    """`[1] file.pdf, p. 12`."""
    where = citation.filename or citation.file_id
    return f"[{number}] {where}" + (f", p. {citation.page}" if citation.page is not None else "")


def _preview(turn_index: int, index: int, citation: Citation) -> None:
    # The citation's identity is in the key: another conversation's answer n starts afresh.
    page_key = item_key(Chat.CITATION_PAGE, turn_index, index, citation.file_id, citation.page)
    cited_page = citation.page or 1
    with st.container(border=True):
        quote_side, page_side = st.columns([1, 2])
        with quote_side:
            st.caption(escape_markdown(label(index + 1, citation)))
            if citation.quote:
                st.html(quote_html(citation.quote))
        try:
            data = _document(citation)
        except (OpenAIError, DocumentError) as exc:
            quote_side.caption(escape_markdown(f"No preview: {user_message(exc)}"))
            return
        if not data.startswith(b"%PDF"):  # a text or Markdown file: its text is its page
            with page_side:
                st.html(highlighted_page_html(data.decode("utf-8", errors="replace"),
                                              citation.quote or ""))
            return
        number = st.session_state.setdefault(page_key, cited_page)
        try:
            with st.spinner("Rendering the page…"):
                rendered = _rendered(_digest(data), number,
                                     (citation.quote or "") if number == cited_page else "",
                                     PAGE_WIDTH_PX, data)
        except (DocumentError, ValueError) as exc:
            quote_side.caption(escape_markdown(f"No page image: {user_message(exc)}"))
            return
        with quote_side:
            _navigation(turn_index, page_key, rendered, cited_page)
            if number == cited_page and citation.quote:
                st.caption(_match_note(rendered))
        image_tab, text_tab = page_side.tabs(["Page", "Text"])
        image_tab.image(rendered.image, width="stretch",
                        caption=escape_markdown(f"{citation.filename or citation.file_id},"
                                                f" page {number}"))
        text_tab.html(highlighted_page_html(
            rendered.text, (citation.quote or "") if number == cited_page else ""))


def _navigation(turn_index: int, page_key: str, rendered: RenderedPage, cited_page: int) -> None:
    """Which page of how many this is, and previous / next page."""
    cited = " (the cited page)" if rendered.number == cited_page else ""
    st.markdown(f"**Page {rendered.number} of {rendered.page_count}**{cited}")
    back, forward = st.columns(2)
    back.button("Previous", key=item_key(Chat.CITATION_PREV, turn_index),
                icon=":material/chevron_left:", disabled=rendered.number <= 1,
                on_click=_turn_page, args=(page_key, -1), help="Previous page", width="stretch")
    forward.button("Next", key=item_key(Chat.CITATION_NEXT, turn_index),
                   icon=":material/chevron_right:", width="stretch",
                   disabled=rendered.number >= rendered.page_count, on_click=_turn_page,
                   args=(page_key, 1), help="Next page")


def _turn_page(page_key: str, step: int) -> None:
    st.session_state[page_key] = max(1, int(st.session_state.get(page_key, 1)) + step)


def _match_note(rendered: RenderedPage) -> str:
    if rendered.quote_chars and rendered.matched_chars == rendered.quote_chars:
        return ":material/ink_highlighter: The passage is highlighted on the page."
    if rendered.highlights:
        share = rendered.matched_chars / max(rendered.quote_chars, 1)
        return (f":material/ink_highlighter: {share:.0%} of the passage was found on the page and"
                " is highlighted.")
    return "The passage was not found in this page's text; it may be in an image or a table."


def _document(citation: Citation) -> bytes:
    kept = st.session_state.get(Chat.DOCUMENTS, {}).get(citation.filename or "")
    if kept:
        return kept
    return _server_file(services.connection().base_url, citation.file_id)


@st.cache_resource(max_entries=4, show_spinner="Fetching the cited document…")
def _server_file(base_url: str, file_id: str) -> bytes:
    """A server file's bytes; cached per file (the same id on another server is another file)."""
    del base_url  # part of the cache key only
    return services.client().get_file_content(file_id)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@st.cache_data(max_entries=64, show_spinner=False)
def _rendered(digest: str, number: int, quote: str, width_px: int, _data: bytes) -> RenderedPage:
    """One page, cached by the document's digest, page, quote and width (not by its bytes)."""
    del digest
    return services.page_renderer().render(_data, number, quote=quote, width_px=width_px,
                                           trim_margins=True)
