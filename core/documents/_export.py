"""Summaries and answers as documents: PDF (fpdf2), DOCX (python-docx), Markdown and plain text."""

from __future__ import annotations

from io import BytesIO
from typing import Literal, get_args

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from ._errors import DocumentError, detail
from ._export_pdf import PAGE_SIZES_MM, render_pdf
from ._outline import Block, Section, outline

ExportFormat = Literal["pdf", "docx", "md", "txt"]
PageSize = Literal["A4", "Letter", "Legal", "A3", "A5"]
Orientation = Literal["portrait", "landscape"]


def export_document(title: str, body: str | list[Section], fmt: ExportFormat, *,
                    page_size: PageSize = "A4", orientation: Orientation = "portrait",
                    margins_mm: float = 20.0) -> bytes:
    """The document as bytes in `fmt` (text formats in UTF-8); page setup applies to PDF and DOCX.

    Markdown is not escaped: model text often is Markdown already, and the UI renders it.
    Raises ValueError for an unknown format or a page setup that does not fit, DocumentError
    when the layout fails.
    """
    if fmt not in get_args(ExportFormat):
        raise ValueError(f"Unknown export format {fmt!r}; use one of {get_args(ExportFormat)}.")
    if page_size not in PAGE_SIZES_MM:
        raise ValueError(f"Unknown page size {page_size!r}; use one of {list(PAGE_SIZES_MM)}.")
    if orientation not in get_args(Orientation):
        raise ValueError(f"Unknown orientation {orientation!r}; use portrait or landscape.")
    width, height = PAGE_SIZES_MM[page_size]
    if orientation == "landscape":
        width, height = height, width
    if not 0 <= margins_mm <= min(width, height) / 3:
        raise ValueError(f"Margins of {margins_mm} mm do not fit a {page_size} page.")
    blocks = outline(title, body)
    try:
        if fmt == "pdf":
            return render_pdf(blocks, (width, height), margins_mm)
        if fmt == "docx":
            return _docx(blocks, (width, height), margins_mm)
        if fmt == "md":
            return _markdown(blocks).encode("utf-8")
        return _plain_text(blocks).encode("utf-8")
    except (DocumentError, ValueError):
        raise
    except Exception as exc:
        raise DocumentError(f"The {fmt.upper()} document could not be made ({detail(exc)}).") from exc


def _markdown(blocks: list[Block]) -> str:
    prefix = {"title": "# ", "heading": "## ", "paragraph": "", "sources": "", "citation": "- "}
    lines: list[str] = []
    for index, (kind, text) in enumerate(blocks):
        lines.append(prefix[kind] + text)
        next_kind = blocks[index + 1][0] if index + 1 < len(blocks) else None
        if not (kind == "citation" and next_kind == "citation"):
            lines.append("")  # a blank line ends every block but a list item followed by one
    return "\n".join(lines).rstrip() + "\n"


def _plain_text(blocks: list[Block]) -> str:
    lines: list[str] = []
    for kind, text in blocks:
        if kind == "title":
            lines += [text, "=" * max(len(text), 3), ""]
        elif kind == "heading":
            lines += [text, "-" * max(len(text), 3), ""]
        elif kind == "citation":
            lines.append(f"- {text}")
        elif kind == "sources":
            lines.append(text)
        else:
            lines += [text, ""]
    return "\n".join(lines).rstrip() + "\n"


def _docx(blocks: list[Block], size_mm: tuple[float, float], margins_mm: float) -> bytes:
    document = Document()
    page = document.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE if size_mm[0] > size_mm[1] else WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Mm(size_mm[0]), Mm(size_mm[1])
    page.left_margin = page.right_margin = Mm(margins_mm)
    page.top_margin = page.bottom_margin = Mm(margins_mm)
    for kind, text in blocks:
        if kind == "title":
            document.core_properties.title = text
            document.add_heading(text, level=0)
        elif kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "citation":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
