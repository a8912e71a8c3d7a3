"""The cited page of an answer, with the quoted passage highlighted (text, not a rendering)."""

from __future__ import annotations

import html

import streamlit as st

from app import services
from app.render import highlighted_page_html, inert
from core.copilots import Citation
from core.documents import DocumentError, read_pdf_pages
from core.errors import OpenAIError


@st.cache_data(max_entries=16, show_spinner="Reading the cited document…")
def _pages(base_url: str, file_id: str) -> dict[int, str]:
    """Page number → text of a server file (a text file is one page); cached per file."""
    del base_url  # part of the cache key only: the same id on another server is another file
    data = services.client().get_file_content(file_id)
    if data.startswith(b"%PDF"):
        return {page.number: page.text for page in read_pdf_pages(data)}
    return {1: data.decode("utf-8", errors="replace")}


def render_citation(number: int, citation: Citation) -> None:
    """`[n] file, p. N` with the quote, and the page text with the quote marked."""
    where = citation.filename or citation.file_id
    if citation.page is not None:
        where += f", p. {citation.page}"
    with st.expander(f"[{number}] {inert(where)}", icon=":material/description:"):
        if citation.quote:
            st.caption("Quoted passage")
            st.html(f"<blockquote style='margin:0'>{html.escape(citation.quote)}</blockquote>")
        try:
            pages = _pages(services.connection().base_url, citation.file_id)
        except (OpenAIError, DocumentError) as exc:
            st.caption(f"No preview: {exc}")
            return
        text = pages.get(citation.page or 1)
        if text is None:
            st.caption("No preview of this page.")
            return
        st.caption(f"Page {citation.page}" if citation.page else "Document text")
        st.html(highlighted_page_html(text, citation.quote or ""))

